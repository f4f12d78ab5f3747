/**
 * Partner rooms' resources attending our incidents (issue 18 item 4): a layer of its own, one DOM
 * marker each (there are a handful), drawn unlike our own fleet so no one dispatches a partner's
 * pump as ours: the agency's symbol inside a dashed purple ring, and a label that is always shown
 * with the partner's name, the call sign, the agency and status, and "Stale" with the fix's age
 * when the partner has not reported for longer than our staleAfterMs. Text from the partner goes
 * in as text (Lit escapes it), never as HTML.
 */
import * as L from 'leaflet';
import { html, nothing, render } from 'lit';
import { symbolSvg } from '../components/symbol-svg.ts';
import { partnerResourceText, type ClientPartnerResource } from '../state/partner-resources.ts';
import { isStatusName } from '../state/types.ts';

/** One marker as drawn: for the test hook (`window.__jcr.stats().map.partnerMarks`). */
export interface PartnerMark {
  key: string;
  lat: number;
  lon: number;
  stale: boolean;
  /** The label's lines. */
  text: string[];
}

export class PartnerResourcesLayer {
  readonly group = L.layerGroup();
  private readonly markers = new Map<string, { marker: L.Marker; key: string; mark: PartnerMark }>();

  addTo(map: L.Map): this {
    this.group.addTo(map);
    return this;
  }

  remove(): void {
    this.group.remove();
  }

  get marks(): PartnerMark[] {
    return [...this.markers.values()].map((m) => ({ ...m.mark, text: [...m.mark.text] }));
  }

  private icon(r: ClientPartnerResource, lines: string[]): L.DivIcon {
    const el = document.createElement('div');
    const sym =
      r.agency && isStatusName(r.status) ? symbolSvg(r.agency, r.status, r.stale, 16) : html`<span class="q">?</span>`;
    render(
      html`<span class="ring">${sym}</span
        ><span class="lbl">${lines.map((l, i) => html`${i > 0 ? html`<br />` : nothing}${l}`)}</span>`,
      el,
    );
    return L.divIcon({
      className: `jcr-partner-resource${r.stale ? ' stale' : ''}`,
      html: el,
      iconSize: [24, 24],
      iconAnchor: [12, 12],
    });
  }

  set(list: readonly ClientPartnerResource[]): void {
    const seen = new Set<string>();
    for (const r of list) {
      seen.add(r.key);
      const lines = partnerResourceText(r);
      const key = `${r.lat},${r.lon},${r.stale},${r.agency},${lines.join('|')}`;
      const old = this.markers.get(r.key);
      if (old && old.key === key) continue;
      old?.marker.remove();
      const m = L.marker([r.lat, r.lon], {
        icon: this.icon(r, lines),
        title: lines.join(', '),
        alt: `Partner resource ${r.callsign}`,
        keyboard: false,
        interactive: false,
        zIndexOffset: 500,
      }).addTo(this.group);
      const el = m.getElement();
      if (el) {
        el.dataset['partnerResource'] = r.key;
        el.dataset['attends'] = r.incidentId;
      }
      const mark = { key: r.key, lat: r.lat, lon: r.lon, stale: r.stale, text: lines };
      this.markers.set(r.key, { marker: m, key, mark });
    }
    for (const [k, { marker }] of this.markers)
      if (!seen.has(k)) {
        marker.remove();
        this.markers.delete(k);
      }
  }
}
