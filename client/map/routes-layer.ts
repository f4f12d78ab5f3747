/**
 * Route lines of mobilised resources. Where the server has sent a route (the `routes` slice, from
 * GET /api/eta or the COP feed) it is drawn solid along the roads; a mobilised resource with no
 * route yet gets a thin dashed straight line to its incident, which the legend calls "direct line,
 * route not known" — it is never presented as a road route.
 */
import * as L from 'leaflet';
import type { ClientStore } from '../state/store.ts';
import { AGENCY_COLOUR } from './symbols.ts';

export class RoutesLayer {
  readonly group = L.layerGroup();
  private unsubscribe: (() => void) | null = null;
  private frame = false;

  constructor(
    private readonly store: ClientStore,
    private readonly renderer: L.Renderer,
  ) {}

  addTo(map: L.Map): this {
    this.group.addTo(map);
    this.unsubscribe = this.store.subscribe(['routes', 'incidents', 'statuses', 'positions'], (changed) => {
      // Positions change every frame with a moving fleet; redraw lines at most twice a second then.
      if (changed.has('routes') || changed.has('incidents') || changed.has('statuses')) this.sync();
      else if (!this.frame) {
        this.frame = true;
        setTimeout(() => {
          this.frame = false;
          this.sync();
        }, 500);
      }
    });
    this.sync();
    return this;
  }

  remove(): void {
    this.unsubscribe?.();
    this.group.remove();
  }

  sync(): void {
    this.group.clearLayers();
    for (const r of this.store.resources.values()) {
      if (r.status !== 'MOBILISED' || !r.incidentId) continue;
      const colour = AGENCY_COLOUR[r.agency];
      const route = this.store.routes.get(r.id);
      if (route && route.points.length > 1) {
        L.polyline(route.points, {
          renderer: this.renderer,
          color: '#000000',
          weight: 6,
          opacity: 0.6,
          interactive: false,
        }).addTo(this.group);
        L.polyline(route.points, {
          renderer: this.renderer,
          color: colour,
          weight: 3.5,
          opacity: 1,
          interactive: false,
        }).addTo(this.group);
        continue;
      }
      const inc = this.store.incidents.get(r.incidentId);
      if (!inc) continue;
      L.polyline(
        [
          [r.lat, r.lon],
          [inc.lat, inc.lon],
        ],
        { renderer: this.renderer, color: colour, weight: 2, dashArray: '4 6', opacity: 0.9, interactive: false },
      ).addTo(this.group);
    }
  }
}
