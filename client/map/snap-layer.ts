/**
 * Where points meet the road network (issue 16 item 3): for each open incident, and for the point
 * picked for a new one once the gazetteer has said, a small road dot at the snapped point and,
 * when it lies apart from the point (a metre or more), a dashed link between the two. The road
 * is where journey times are measured from, so the operator sees which road an incident will be
 * reached by. A few SVG paths under the incident markers; a thin adapter over the store's
 * incidents and selection.
 */
import * as L from 'leaflet';
import type { ClientStore } from '../state/store.ts';

/** A snapped point drawn: whose, where on the road, how far from its point, linked or not. */
export interface SnapMark {
  kind: 'incident' | 'pick';
  /** The incident's id ('' for the picked point). */
  id: string;
  lat: number;
  lon: number;
  distanceM: number;
  /** A link is drawn from the point to the road (they are a metre or more apart). */
  linked: boolean;
}

/** Closer than this the point is on the road: the dot alone. */
const LINK_FROM_M = 1;

export class SnapLayer {
  private readonly group = L.layerGroup();
  private readonly renderer = L.svg({ padding: 0.3 });
  private unsubscribe: (() => void) | null = null;
  private drawn: SnapMark[] = [];
  private key = '';

  constructor(private readonly store: ClientStore) {}

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

  /** The marks drawn now (the testing hook). */
  get marks(): readonly SnapMark[] {
    return this.drawn;
  }

  sync(): void {
    const s = this.store;
    const marks: { mark: SnapMark; from: [number, number] }[] = [];
    for (const i of s.incidents.values()) {
      const r = i.state === 'OPEN' ? i.location?.snapped : null;
      if (!r) continue;
      const mark = { kind: 'incident', id: i.id, ...r, linked: r.distanceM >= LINK_FROM_M } as const;
      marks.push({ mark, from: [i.lat, i.lon] });
    }
    const p = s.selection.point;
    const at = s.selection.pointRoad;
    // The gazetteer's answer counts only for the point it was asked about.
    if (p && at?.road && at.lat === p.lat && at.lon === p.lon) {
      const r = at.road;
      marks.push({ mark: { kind: 'pick', id: '', ...r, linked: r.distanceM >= LINK_FROM_M }, from: [p.lat, p.lon] });
    }
    const key = JSON.stringify(marks);
    if (key === this.key) return;
    this.key = key;
    this.group.clearLayers();
    for (const { mark, from } of marks) {
      const cls = `jcr-snap-${mark.kind}`;
      if (mark.linked)
        L.polyline([from, [mark.lat, mark.lon]], {
          renderer: this.renderer,
          className: `jcr-snap-link ${cls}`,
          color: '#000000',
          weight: 2,
          dashArray: '4 4',
          interactive: false,
        }).addTo(this.group);
      L.circleMarker([mark.lat, mark.lon], {
        renderer: this.renderer,
        className: `jcr-snap-point ${cls}`,
        radius: 4,
        color: '#000000',
        weight: 2,
        fillColor: '#ffffff',
        fillOpacity: 1,
        interactive: false,
      }).addTo(this.group);
    }
    this.drawn = marks.map((m) => m.mark);
  }
}
