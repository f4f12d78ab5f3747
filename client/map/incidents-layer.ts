/**
 * Incidents: a handful at a time, so one DOM marker each (keyboard-focusable, with an accessible
 * name), a diamond with the priority number. Thin adapter over the store's `incidents` slice.
 */
import * as L from 'leaflet';
import type { ClientStore } from '../state/store.ts';
import type { Incident } from '../state/types.ts';

export class IncidentsLayer {
  readonly group = L.layerGroup();
  private readonly markers = new Map<string, { marker: L.Marker; key: string }>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly store: ClientStore,
    private readonly onPick: (incidentId: string) => void,
    private readonly interactive: boolean,
  ) {}

  addTo(map: L.Map): this {
    this.group.addTo(map);
    this.unsubscribe = this.store.subscribe(['incidents', 'selection'], () => this.sync());
    this.sync();
    return this;
  }

  remove(): void {
    this.unsubscribe?.();
    this.group.remove();
  }

  private icon(i: Incident, selected: boolean): L.DivIcon {
    const cls = `jcr-incident p${i.priority}${selected ? ' selected' : ''}`;
    return L.divIcon({
      className: cls,
      html: `<span class="d"><b>${i.priority}</b></span>`,
      iconSize: [28, 28],
      iconAnchor: [14, 14],
    });
  }

  sync(): void {
    const seen = new Set<string>();
    const sel = this.store.selection.incidentId;
    for (const i of this.store.incidents.values()) {
      if (i.state !== 'OPEN') continue;
      seen.add(i.id);
      const key = `${i.lat},${i.lon},${i.priority},${i.id === sel}`;
      const old = this.markers.get(i.id);
      if (old && old.key === key) continue;
      old?.marker.remove();
      const m = L.marker([i.lat, i.lon], {
        icon: this.icon(i, i.id === sel),
        title: `Incident ${i.id}: ${i.typeName}, priority ${i.priority}`,
        alt: `Incident ${i.id}`,
        keyboard: this.interactive,
        interactive: this.interactive,
        zIndexOffset: 1000,
      });
      if (this.interactive) m.on('click', () => this.onPick(i.id));
      m.addTo(this.group);
      const el = m.getElement();
      if (el) el.dataset['incidentId'] = i.id;
      this.markers.set(i.id, { marker: m, key });
    }
    for (const [id, { marker }] of this.markers) {
      if (!seen.has(id)) {
        marker.remove();
        this.markers.delete(id);
      }
    }
  }
}
