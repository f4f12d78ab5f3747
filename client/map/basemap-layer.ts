/**
 * The offline basemap: vector layers drawn from the road network the server loaded (GET
 * /api/basemap: major classes whole, town streets decimated) and the county boundary, plus the
 * scenario's stations and standby posts. With a tile URL configured (GET /api/ui-config) an
 * online raster basemap goes underneath, with its attribution. Without either the map still shows
 * the bounds, stations and posts, so the screen works on a closed network.
 */
import * as L from 'leaflet';
import type { Bounds, ScenarioInfo } from '../state/types.ts';

export interface BasemapRoadClass {
  /** OSM highway class, e.g. motorway, trunk, primary, residential. */
  class: string;
  /** Each line a flat [lat, lon, lat, lon, ...] list. */
  lines: number[][];
}

export interface BasemapData {
  boundary: [number, number][] | null;
  roads: BasemapRoadClass[];
  synthetic: boolean;
  attribution: string;
}

export interface TileSetting {
  url: string;
  attribution: string;
}

export const SYNTHETIC_LABEL = 'synthetic streets on an approximate trunk skeleton';

const ROAD_STYLE: Record<string, { color: string; weight: number; minZoom: number }> = {
  motorway: { color: '#5b5b5b', weight: 4, minZoom: 0 },
  trunk: { color: '#6e6e6e', weight: 3.5, minZoom: 0 },
  primary: { color: '#808080', weight: 3, minZoom: 0 },
  secondary: { color: '#9a9a9a', weight: 2.2, minZoom: 9 },
  tertiary: { color: '#ababab', weight: 1.6, minZoom: 10 },
};
const MINOR = { color: '#c4c4c4', weight: 1, minZoom: 12 };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Narrow GET /api/basemap's JSON. */
export function parseBasemap(body: unknown): BasemapData | undefined {
  if (!isRecord(body)) return undefined;
  const roads: BasemapRoadClass[] = [];
  const raw = body['roads'];
  if (Array.isArray(raw)) {
    for (const r of raw) {
      if (!isRecord(r) || typeof r['class'] !== 'string' || !Array.isArray(r['lines'])) continue;
      const lines = r['lines'].filter(
        (l): l is number[] => Array.isArray(l) && l.length >= 4 && l.every((x) => typeof x === 'number'),
      );
      roads.push({ class: r['class'], lines });
    }
  }
  const b = body['boundary'];
  const boundary = Array.isArray(b)
    ? b.filter(
        (p): p is [number, number] =>
          Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' && typeof p[1] === 'number',
      )
    : null;
  return {
    boundary: boundary && boundary.length >= 3 ? boundary : null,
    roads,
    synthetic: body['synthetic'] === true,
    attribution: typeof body['attribution'] === 'string' ? body['attribution'] : '',
  };
}

export function parseTileSetting(body: unknown): TileSetting | null {
  if (!isRecord(body) || typeof body['tileUrl'] !== 'string' || body['tileUrl'].length === 0) return null;
  return {
    url: body['tileUrl'],
    attribution: typeof body['tileAttribution'] === 'string' ? body['tileAttribution'] : '',
  };
}

export class BasemapLayer {
  private readonly roadsGroup = L.layerGroup();
  private readonly minorGroup = L.layerGroup();
  private readonly fixedGroup = L.layerGroup();
  private tiles: L.TileLayer | null = null;
  private map: L.Map | null = null;
  private attributionText = '';
  /** Number of road lines drawn, for tests. */
  roadLines = 0;

  constructor(private readonly renderer: L.Renderer) {}

  addTo(map: L.Map): this {
    this.map = map;
    this.roadsGroup.addTo(map);
    this.fixedGroup.addTo(map);
    map.on('zoomend', this.updateMinor, this);
    return this;
  }

  private updateMinor(): void {
    const map = this.map;
    if (!map) return;
    const want = map.getZoom() >= MINOR.minZoom;
    if (want && !map.hasLayer(this.minorGroup)) this.minorGroup.addTo(map);
    if (!want && map.hasLayer(this.minorGroup)) this.minorGroup.remove();
  }

  /** Bounds, stations and posts from the scenario: always available. */
  setScenario(s: ScenarioInfo, withBoundsBox: boolean): void {
    this.fixedGroup.clearLayers();
    if (withBoundsBox) this.drawBounds(s.bounds);
    for (const p of s.posts) {
      L.circleMarker([p.lat, p.lon], {
        renderer: this.renderer,
        radius: 4,
        color: '#333333',
        weight: 1.5,
        dashArray: '2 2',
        fillColor: '#ffffff',
        fillOpacity: 1,
        interactive: false,
      }).addTo(this.fixedGroup);
    }
    for (const st of s.stations) {
      // Stations: a small dark dot in a white halo, unlike any resource symbol.
      L.circleMarker([st.lat, st.lon], {
        renderer: this.renderer,
        radius: 3.5,
        color: '#ffffff',
        weight: 2,
        fillColor: '#333333',
        fillOpacity: 1,
        interactive: false,
      }).addTo(this.fixedGroup);
    }
    this.setAttribution(s.network.attribution + (s.network.synthetic ? ` — ${SYNTHETIC_LABEL}` : ''));
  }

  private drawBounds(b: Bounds): void {
    L.rectangle(
      [
        [b.south, b.west],
        [b.north, b.east],
      ],
      { renderer: this.renderer, color: '#222222', weight: 2, dashArray: '8 6', fill: false, interactive: false },
    ).addTo(this.fixedGroup);
  }

  setBasemap(d: BasemapData): void {
    this.roadsGroup.clearLayers();
    this.minorGroup.clearLayers();
    this.roadLines = 0;
    if (d.boundary) {
      L.polygon(d.boundary, {
        renderer: this.renderer,
        color: '#222222',
        weight: 2.5,
        fill: true,
        fillColor: '#ffffff',
        fillOpacity: 0.35,
        interactive: false,
      }).addTo(this.roadsGroup);
    }
    // Minor first, majors last so they draw on top.
    const order = (c: string) => (ROAD_STYLE[c] ? -ROAD_STYLE[c].weight : 0);
    for (const rc of [...d.roads].sort((a, b) => order(b.class) - order(a.class))) {
      const style = ROAD_STYLE[rc.class] ?? MINOR;
      const latlngs: L.LatLngExpression[][] = rc.lines.map((flat) => {
        const pts: L.LatLngExpression[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) pts.push([flat[i] ?? 0, flat[i + 1] ?? 0]);
        return pts;
      });
      this.roadLines += latlngs.length;
      const line = L.polyline(latlngs, {
        renderer: this.renderer,
        color: style.color,
        weight: style.weight,
        opacity: 1,
        interactive: false,
        smoothFactor: 1.5,
      });
      line.addTo(style === MINOR ? this.minorGroup : this.roadsGroup);
    }
    this.updateMinor();
    if (d.attribution) this.setAttribution(d.attribution + (d.synthetic ? ` — ${SYNTHETIC_LABEL}` : ''));
  }

  setTiles(t: TileSetting | null): void {
    const map = this.map;
    if (!map) return;
    this.tiles?.remove();
    this.tiles = null;
    if (t) this.tiles = L.tileLayer(t.url, { attribution: t.attribution, maxZoom: 19 }).addTo(map);
  }

  private setAttribution(text: string): void {
    const ctl = this.map?.attributionControl;
    if (!ctl) return;
    if (this.attributionText) ctl.removeAttribution(this.attributionText);
    this.attributionText = escape(`Roads: ${text}`);
    ctl.addAttribution(this.attributionText);
  }
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
