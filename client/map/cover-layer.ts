/**
 * Cover gaps (issue 6): areas where an agency's standard cannot currently be met, drawn as
 * hatched-looking dashed circles in the agency colour with a label. Nothing is drawn until cover
 * has been computed: an empty map here means "no gaps known", and the cover panel says which.
 */
import * as L from 'leaflet';
import type { ClientStore } from '../state/store.ts';
import { AGENCY_COLOUR } from './symbols.ts';

export class CoverLayer {
  readonly group = L.layerGroup();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly store: ClientStore,
    private readonly renderer: L.Renderer,
  ) {}

  addTo(map: L.Map): this {
    this.group.addTo(map);
    this.unsubscribe = this.store.subscribe(['cover'], () => this.sync());
    this.sync();
    return this;
  }

  remove(): void {
    this.unsubscribe?.();
    this.group.remove();
  }

  sync(): void {
    this.group.clearLayers();
    for (const gap of this.store.cover?.gaps ?? []) {
      const colour = AGENCY_COLOUR[gap.agency];
      L.circle([gap.lat, gap.lon], {
        renderer: this.renderer,
        radius: gap.radiusM,
        color: colour,
        weight: 3,
        dashArray: '10 6',
        fillColor: colour,
        fillOpacity: 0.12,
        interactive: false,
      }).addTo(this.group);
      L.marker([gap.lat, gap.lon], {
        icon: L.divIcon({ className: 'jcr-gap-label', html: `<span>GAP: ${escapeHtml(gap.label)}</span>`, iconSize: [140, 20], iconAnchor: [70, 10] }),
        interactive: false,
        keyboard: false,
      }).addTo(this.group);
    }
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
