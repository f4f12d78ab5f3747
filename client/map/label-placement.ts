/**
 * Town and road labels: GET /api/map/labels narrowed and indexed (LabelIndex), and the greedy
 * placement that keeps them apart (placeLabels). Every place a label may be drawn is a candidate,
 * numbered best first (towns by population, then road refs, then road names, by road class);
 * placement walks the candidates in view in that order and keeps each one whose box overlaps
 * nothing placed before it: the call signs reserved first, then better labels. Run when the view
 * settles (zoom or move end), in slices of idle time (LabelPlacer), never per animation frame.
 * Pure: no DOM, so tests run it in Node.
 */
import RBush from 'rbush';
import { MAP_ANCHOR_STRIDE, type MapLabelsMsg, type MapRoadLabelMsg } from '../../proto/map-labels.ts';
import type { CollisionGrid } from './collision-grid.ts';

export type LabelKind = 'place' | 'ref' | 'name';
/** How a label is drawn: a town's size, a ref's shield, a road name. */
export type LabelStyle = 'city' | 'town' | 'village' | 'motorway' | 'primary' | 'road' | 'name';

/** A ref is not repeated closer than this on screen, nor a road name (CSS px). */
const REF_REPEAT_PX = 220;
const NAME_REPEAT_PX = 260;
const EARTH_CIRCUMFERENCE_M = 40_075_016.686;
/** Where a town's name may sit, in heights of its label from its point: on it, above, below. */
const PLACE_SHIFTS = [0, -1, 1];
const NO_SHIFT = [0];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Narrow GET /api/map/labels's JSON; malformed entries are left out. */
export function parseMapLabels(body: unknown): MapLabelsMsg | undefined {
  if (!isRecord(body) || !Array.isArray(body['places']) || !Array.isArray(body['roads'])) return undefined;
  const out: MapLabelsMsg = { places: [], roads: [] };
  for (const p of body['places']) {
    if (!isRecord(p) || typeof p['text'] !== 'string' || p['text'] === '') continue;
    const { lat, lon, minZoom, priority } = p;
    if (!num(lat) || !num(lon) || !num(minZoom) || !num(priority)) continue;
    out.places.push({ text: p['text'], lat, lon, minZoom, priority });
  }
  for (const r of body['roads']) {
    if (!isRecord(r) || typeof r['text'] !== 'string' || r['text'] === '') continue;
    const { kind, highway, minZoom, priority, anchors } = r;
    if (kind !== 'ref' && kind !== 'name') continue;
    if (typeof highway !== 'string' || !num(minZoom) || !num(priority) || !Array.isArray(anchors)) continue;
    if (anchors.length % MAP_ANCHOR_STRIDE !== 0 || !anchors.every(num)) continue;
    out.roads.push({ text: r['text'], kind, highway, minZoom, priority, anchors: anchors as number[] });
  }
  return out;
}

function placeStyle(minZoom: number): LabelStyle {
  return minZoom < 9 ? 'city' : minZoom < 11 ? 'town' : 'village';
}
function roadStyle(r: MapRoadLabelMsg): LabelStyle {
  if (r.kind === 'name') return 'name';
  if (r.highway === 'motorway') return 'motorway';
  return r.highway === 'trunk' || r.highway === 'primary' ? 'primary' : 'road';
}

interface Item {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  i: number;
}

/** Every candidate of a labels payload, best first, in one point index per zoom they show from. */
export class LabelIndex {
  readonly kind: LabelKind[] = [];
  readonly text: string[] = [];
  readonly style: LabelStyle[] = [];
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  /** Degrees clockwise from east (names only; 0 otherwise). */
  readonly angle: Float32Array;
  /** Metres of road a name may span (Infinity for towns and refs). */
  readonly room: Float32Array;
  readonly minZoom: Float32Array;
  private readonly trees: { minZoom: number; tree: RBush<Item> }[] = [];

  constructor(msg: MapLabelsMsg) {
    const roads = [...msg.roads].sort((a, b) => b.priority - a.priority);
    const places = [...msg.places].sort((a, b) => b.priority - a.priority);
    const n = places.length + roads.reduce((s, r) => s + r.anchors.length / MAP_ANCHOR_STRIDE, 0);
    this.lat = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.angle = new Float32Array(n);
    this.room = new Float32Array(n);
    this.minZoom = new Float32Array(n);
    let i = 0;
    const add = (kind: LabelKind, text: string, style: LabelStyle, lat: number, lon: number, minZoom: number) => {
      this.kind.push(kind);
      this.text.push(text);
      this.style.push(style);
      this.lat[i] = lat;
      this.lon[i] = lon;
      this.minZoom[i] = minZoom;
      this.room[i] = Infinity;
      return i++;
    };
    for (const p of places) add('place', p.text, placeStyle(p.minZoom), p.lat, p.lon, p.minZoom);
    for (const r of roads) {
      const style = roadStyle(r);
      for (let a = 0; a + MAP_ANCHOR_STRIDE <= r.anchors.length; a += MAP_ANCHOR_STRIDE) {
        const at = add(r.kind, r.text, style, r.anchors[a]!, r.anchors[a + 1]!, r.minZoom);
        if (r.kind === 'name') {
          this.angle[at] = r.anchors[a + 2]!;
          this.room[at] = r.anchors[a + 3]!;
        }
      }
    }
    // One tree per minZoom: a county view searches only the few labels it may show.
    const byZoom = new Map<number, Item[]>();
    for (let k = 0; k < n; k++) {
      const z = this.minZoom[k]!;
      let items = byZoom.get(z);
      if (!items) byZoom.set(z, (items = []));
      const x = this.lon[k]!;
      const y = this.lat[k]!;
      items.push({ minX: x, minY: y, maxX: x, maxY: y, i: k });
    }
    for (const [minZoom, items] of [...byZoom].sort((a, b) => a[0] - b[0])) {
      const tree = new RBush<Item>();
      tree.load(items);
      this.trees.push({ minZoom, tree });
    }
  }

  get size(): number {
    return this.kind.length;
  }

  /** Candidates shown at `zoom` within the box (degrees), best first. */
  query(zoom: number, west: number, south: number, east: number, north: number): number[] {
    const out: number[] = [];
    for (const { minZoom, tree } of this.trees) {
      if (minZoom > zoom) break;
      for (const it of tree.search({ minX: west, minY: south, maxX: east, maxY: north })) out.push(it.i);
    }
    return out.sort((a, b) => a - b);
  }
}

/** A label kept by placeLabels: candidate `i` drawn centred at (x, y) layer px, its box [x0, y0, x1, y1]. */
export interface PlacedLabel {
  i: number;
  x: number;
  y: number;
  angle: number;
  box: [number, number, number, number];
}

export interface PlaceOptions {
  zoom: number;
  /** Layer pixels of a point at `zoom`. */
  project(lat: number, lon: number): [number, number];
  /** The region drawn (view and margin), layer px: a label must lie wholly inside. */
  region: [number, number, number, number];
  /** A candidate's label size, CSS px, unrotated. */
  size(i: number): { w: number; h: number };
  /** Told of each label kept, as it is kept (the map renders its bitmap then, within the slice). */
  onPlace?(p: PlacedLabel): void;
}

/**
 * Greedy placement, a slice at a time: walk `candidates` (best first) and keep each whose box
 * fits in `grid` (which already holds the boxes to avoid, e.g. call signs), inserting it. A name
 * needs as much road as its text is long at this zoom; a ref or name is not repeated within a
 * few hundred pixels of itself. `step` stops when its time is up and the next call goes on where
 * it stopped, so the map can place in idle time without holding up a frame; the result is the
 * same however the work is sliced.
 */
export class LabelPlacer {
  readonly placed: PlacedLabel[] = [];
  private next = 0;
  private readonly seen = new Map<string, number[]>();
  private readonly mAtEquator: number;

  constructor(
    private readonly index: LabelIndex,
    private readonly candidates: readonly number[],
    private readonly grid: CollisionGrid,
    private readonly opts: PlaceOptions,
  ) {
    this.mAtEquator = EARTH_CIRCUMFERENCE_M / (256 * Math.pow(2, opts.zoom));
  }

  get done(): boolean {
    return this.next >= this.candidates.length;
  }

  /** Place candidates until all are done (true) or `more()` says the time is up (false); checked every 8. */
  step(more: () => boolean): boolean {
    const n = this.candidates.length;
    for (let k = 0; this.next < n; k++) {
      if (k > 0 && (k & 7) === 0 && !more()) return false;
      this.consider(this.candidates[this.next++]!);
    }
    return true;
  }

  private consider(i: number): void {
    const { index, grid, opts } = this;
    const [rx0, ry0, rx1, ry1] = opts.region;
    const kind = index.kind[i]!;
    const text = index.text[i]!;
    const lat = index.lat[i]!;
    const [x, y] = opts.project(lat, index.lon[i]!);
    if (x < rx0 || x > rx1 || y < ry0 || y > ry1) return;
    const { w, h } = opts.size(i);
    if (kind === 'name' && w * this.mAtEquator * Math.cos((lat * Math.PI) / 180) > index.room[i]!) return;
    const angle = kind === 'name' ? index.angle[i]! : 0;
    const rad = (angle * Math.PI) / 180;
    const bw = Math.abs(w * Math.cos(rad)) + Math.abs(h * Math.sin(rad));
    const bh = Math.abs(w * Math.sin(rad)) + Math.abs(h * Math.cos(rad));
    const repeat = kind === 'ref' ? REF_REPEAT_PX : kind === 'name' ? NAME_REPEAT_PX : 0;
    const key = `${kind}|${text}`;
    const near = this.seen.get(key);
    if (repeat > 0 && near) {
      for (let k = 0; k < near.length; k += 2) if (Math.hypot(near[k]! - x, near[k + 1]! - y) < repeat) return;
    }
    // A town's name may sit on its point, or just above or below it when that is taken.
    const shifts = kind === 'place' ? PLACE_SHIFTS : NO_SHIFT;
    for (const shift of shifts) {
      const cy = y + shift * bh;
      const box: [number, number, number, number] = [x - bw / 2, cy - bh / 2, x + bw / 2, cy + bh / 2];
      if (box[0] < rx0 || box[1] < ry0 || box[2] > rx1 || box[3] > ry1) continue;
      if (!grid.tryInsert(box[0], box[1], box[2], box[3])) continue;
      const p = { i, x, y: cy, angle, box };
      this.placed.push(p);
      opts.onPlace?.(p);
      if (near) near.push(x, y);
      else this.seen.set(key, [x, y]);
      return;
    }
  }
}

/** Greedy placement in one go (see LabelPlacer). */
export function placeLabels(
  index: LabelIndex,
  candidates: readonly number[],
  grid: CollisionGrid,
  opts: PlaceOptions,
): PlacedLabel[] {
  const placer = new LabelPlacer(index, candidates, grid, opts);
  placer.step(() => true);
  return placer.placed;
}
