/**
 * Cover gaps (GET /api/cover `gaps`): the grid cells where a standard's target is not met, one
 * polygon per cell, in the agency's colour with a dashed outline (the dash, not the colour, says
 * "gap"; the cover panel lists them in words). An empty layer means "no gaps known"; the cover
 * panel says whether cover has been computed.
 *
 * Drawn with its own SVG renderer in a pane under the resources: the cells change only when cover
 * is recomputed, so the layer is rebuilt only when the picture's (computedAtMs, eventSeq) changes,
 * not on every poll, and SVG costs nothing per frame while the map pans.
 */
import * as L from 'leaflet';
import type { ClientStore } from '../state/store.ts';
import { isAgency, type CoverGapCell } from '../state/types.ts';
import { AGENCY_COLOUR } from './symbols.ts';

/** The agency of a surface key `${agency}:${capability}`, for its colour. */
export function surfaceColour(surface: string): string {
  const agency = surface.split(':')[0];
  return isAgency(agency) ? AGENCY_COLOUR[agency] : '#555555';
}

export class CoverLayer {
  readonly group = L.layerGroup();
  private unsubscribe: (() => void) | null = null;
  private renderer: L.Renderer | null = null;
  private drawnKey = '';
  /** Polygons drawn by the last sync (the browser test compares it with the API's cells). */
  polygons = 0;

  constructor(private readonly store: ClientStore) {}

  addTo(map: L.Map): this {
    const pane = map.getPane('jcr-cover') ?? map.createPane('jcr-cover');
    pane.style.zIndex = '350';
    pane.style.pointerEvents = 'none';
    this.renderer = L.svg({ pane: 'jcr-cover', padding: 0.3 });
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
    const c = this.store.cover;
    const key = c ? `${c.computedAtMs}|${c.eventSeq}|${c.gaps.length}` : '';
    if (key === this.drawnKey || !this.renderer) return;
    this.drawnKey = key;
    this.group.clearLayers();
    for (const cell of c?.gaps ?? []) this.group.addLayer(this.polygon(cell, this.renderer));
    this.polygons = c?.gaps.length ?? 0;
  }

  private polygon(cell: CoverGapCell, renderer: L.Renderer): L.Polygon {
    const colour = surfaceColour(cell.surface);
    return L.polygon(cell.ring, {
      renderer,
      className: 'jcr-gap',
      color: colour,
      weight: 1.5,
      dashArray: '4 3',
      fillColor: colour,
      // Deeper for the first-arriving target: a first-appliance gap matters most.
      fillOpacity: cell.nth === 1 ? 0.22 : 0.12,
      interactive: false,
    });
  }
}
