/**
 * The labels layer: town names at county zoom, road refs and names as the operator zooms in
 * (GET /api/map/labels), on a canvas of its own under the resource symbols. Labels are placed
 * when the view settles, not per frame: on a zoom end, or a move end half a margin or more from
 * the last placement (a drag nearing the margin's edge too), the layer is marked due, and the
 * resources layer's next draw, once it has placed its call signs, hands their boxes here
 * (afterCallSigns); the labels are placed around them, best first, and drawn once.
 *
 * Placing is budgeted (issues 16 and 17: frames within one 60 Hz vsync): measuring the texts in
 * view and rendering the new ones took up to 19 ms at zoom 15 on a quiet machine and 90 ms on a
 * loaded one, all inside one frame. Now the frame that hands over the call signs places for at
 * most FIRST_SLICE_MS, and the rest goes on in idle time (requestIdleCallback) in slices of at
 * most SLICE_MS; the labels already shown stay until the new set is complete, then it is drawn
 * at once and the call signs are asked to redraw around it. Between placements the call signs
 * avoid the placed labels (obstacles), so no two labels on the map overlap, whichever moved. The
 * canvas covers the view and a margin and moves with the map while it is dragged, like the
 * resources layer's.
 */
import * as L from 'leaflet';
import type { MapLabelsMsg } from '../../proto/map-labels.ts';
import { CollisionGrid } from './collision-grid.ts';
import { LabelIndex, LabelPlacer, type LabelKind, type PlacedLabel } from './label-placement.ts';
import { LabelSprites } from './label-sprites.ts';
import { mercX, mercY, TILE } from './mercator.ts';
import { paneCanvas } from './pane-canvas.ts';

/** A label's box on screen (container CSS px, top-left and size), for the testing hook. */
export interface LabelBox {
  kind: LabelKind | 'callsign';
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelsLayerStats {
  /** Placements completed and drawn, the call signs redrawn around them (each after a zoom or move end, or new labels). */
  placements: number;
  /** Labels drawn by the last placement, its zoom and its time (work, over all its slices). */
  placed: number;
  zoom: number;
  lastPlaceMs: number;
  /** Placement times, ms, work over all slices (the last 1,000 or so; for the bench). */
  placeMs: number[];
  /** The longest stretch of placing in one task, per placement, ms: what a frame may be held up by. */
  sliceMs: number[];
}

/** Placing in the frame that hands over the call signs, at most (ms); then in idle time. */
const FIRST_SLICE_MS = 3;
/** One idle slice at most (ms), even when the browser offers more. */
const SLICE_MS = 4;

/** A placement under way: its placer and the region it was started for. */
interface PlaceJob {
  placer: LabelPlacer;
  index: LabelIndex;
  zoom: number;
  left: number;
  top: number;
  w: number;
  h: number;
  dpr: number;
  workMs: number;
  maxSliceMs: number;
}

type IdleWindow = Window & {
  requestIdleCallback?(
    cb: (d: { timeRemaining(): number; didTimeout: boolean }) => void,
    o?: { timeout: number },
  ): number;
  cancelIdleCallback?(h: number): void;
};

export class LabelsLayer extends L.Layer {
  private canvas: HTMLCanvasElement | null = null;
  private ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null;
  private surface: { width: number; height: number } | null = null;
  private lmap: L.Map | null = null;
  private index: LabelIndex | null = null;
  private readonly sprites = new LabelSprites();
  private readonly grid = new CollisionGrid();
  private placed: PlacedLabel[] = [];
  private placedZoom = Number.NaN;
  private due = true;
  /** Layer point of the view's top-left at the last placement. */
  private placedAt = { x: 0, y: 0 };
  private padPx = { x: 0, y: 0 };
  private readonly pad: number;
  private job: PlaceJob | null = null;
  private idle: { kind: 'idle' | 'timeout'; handle: number } | null = null;
  /** The index the shown labels were placed from. */
  private placedIndex: LabelIndex | null = null;
  /** A placement was drawn: the next call-sign draw settles it (the stats then count it). */
  private settling: PlaceJob | null = null;
  readonly stats: LabelsLayerStats = {
    placements: 0,
    placed: 0,
    zoom: Number.NaN,
    lastPlaceMs: 0,
    placeMs: [],
    sliceMs: [],
  };

  /**
   * `redraw` asks the resources layer for a draw, which calls afterCallSigns: placement always
   * follows the call signs of the same view.
   */
  constructor(
    private readonly redraw: () => void,
    opts: { pad?: number } = {},
  ) {
    super();
    this.pad = opts.pad ?? 0.25;
  }

  override onAdd(map: L.Map): this {
    this.lmap = map;
    // Above the basemap, routes and cover, under the resource symbols (450).
    ({
      canvas: this.canvas,
      surface: this.surface,
      ctx: this.ctx,
    } = paneCanvas(map, 'jcr-labels', 440, 'jcr-labels-canvas'));
    map.on('resize zoomend viewreset', this.markDue, this);
    map.on('moveend', this.onMoveEnd, this);
    map.on('move', this.onMove, this);
    map.on('zoomstart', this.hide, this);
    this.markDue();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('resize zoomend viewreset', this.markDue, this);
    map.off('moveend', this.onMoveEnd, this);
    map.off('move', this.onMove, this);
    map.off('zoomstart', this.hide, this);
    this.cancel();
    this.canvas?.remove();
    this.canvas = null;
    this.ctx = null;
    this.surface = null;
    this.lmap = null;
    return this;
  }

  setLabels(msg: MapLabelsMsg): void {
    this.index = new LabelIndex(msg);
    this.markDue();
  }

  /** Candidates loaded (every anchor of every label). */
  get candidates(): number {
    return this.index?.size ?? 0;
  }

  private markDue(): void {
    this.cancel();
    this.due = true;
    this.redraw();
  }

  /** Drop the placement under way (the view moved on): the labels shown stay until the next is done. */
  private cancel(): void {
    this.job = null;
    if (this.idle?.kind === 'idle') (window as IdleWindow).cancelIdleCallback?.(this.idle.handle);
    else if (this.idle) clearTimeout(this.idle.handle);
    this.idle = null;
  }

  /** During a drag: place again once the view has moved most of the way across the margin. */
  private onMove(): void {
    if (this.movedOver(0.75)) this.markDue();
  }

  /**
   * When a move ends: place again once the view has moved half the margin. A shorter move keeps
   * the labels placed (they are drawn over the margin too and move with the map): panning to and
   * fro costs no placement.
   */
  private onMoveEnd(): void {
    if (this.movedOver(0.5)) this.markDue();
  }

  /** Has the view moved more than `share` of the margin since the last placement? */
  private movedOver(share: number): boolean {
    const map = this.lmap;
    if (!map) return false;
    const o = map.containerPointToLayerPoint([0, 0]);
    return (
      Math.abs(o.x - this.placedAt.x) > this.padPx.x * share || Math.abs(o.y - this.placedAt.y) > this.padPx.y * share
    );
  }

  private hide(): void {
    if (this.canvas) this.canvas.style.visibility = 'hidden';
  }

  /**
   * The placed labels for the call signs to avoid (boxes in layer px), or null when a placement
   * is due: the call signs are then placed first and the labels around them.
   */
  obstacles(zoom: number): readonly PlacedLabel[] | null {
    return this.due || zoom !== this.placedZoom ? null : this.placed;
  }

  /** Called after each resources draw with its call-sign boxes (flat x0, y0, x1, y1, layer px). */
  afterCallSigns(callSigns: readonly number[]): void {
    if (this.settling) {
      // The call signs just drawn went round the labels drawn last: the placement is complete.
      const j = this.settling;
      this.settling = null;
      this.stats.placements++;
      this.stats.placed = j.placer.placed.length;
      this.stats.zoom = j.zoom;
      this.stats.lastPlaceMs = j.workMs;
      this.stats.placeMs.push(j.workMs);
      this.stats.sliceMs.push(j.maxSliceMs);
      if (this.stats.placeMs.length > 2000) this.stats.placeMs.splice(0, 1000);
      if (this.stats.sliceMs.length > 2000) this.stats.sliceMs.splice(0, 1000);
    }
    if (!this.due) return;
    this.start(callSigns);
    this.work(FIRST_SLICE_MS);
  }

  /** Begin placing around these call signs, over the view and its margin now. */
  private start(callSigns: readonly number[]): void {
    const map = this.lmap;
    const index = this.index;
    this.due = false;
    if (!map) return;
    const zoom = map.getZoom();
    const size = map.getSize();
    const px = Math.round(size.x * this.pad);
    const py = Math.round(size.y * this.pad);
    const w = size.x + 2 * px;
    const h = size.y + 2 * py;
    const origin = map.containerPointToLayerPoint([0, 0]);
    this.placedAt = { x: origin.x, y: origin.y };
    this.padPx = { x: px, y: py };
    const left = origin.x - px;
    const top = origin.y - py;
    const dpr = window.devicePixelRatio || 1;
    this.grid.clear();
    for (let k = 0; k + 3 < callSigns.length; k += 4)
      this.grid.insert(callSigns[k]!, callSigns[k + 1]!, callSigns[k + 2]!, callSigns[k + 3]!);
    const empty = new LabelIndex({ places: [], roads: [] });
    const ix = index ?? empty;
    const scale = TILE * Math.pow(2, zoom);
    const po = map.getPixelOrigin();
    const sw = map.layerPointToLatLng([left, top + h]);
    const ne = map.layerPointToLatLng([left + w, top]);
    const candidates = index ? ix.query(zoom, sw.lng, sw.lat, ne.lng, ne.lat) : [];
    const placer = new LabelPlacer(ix, candidates, this.grid, {
      zoom,
      project: (lat, lon) => [mercX(lon, scale) - po.x, mercY(lat, scale) - po.y],
      region: [left, top, left + w, top + h],
      size: (i) => this.sprites.size(ix.style[i]!, ix.text[i]!),
      // Rendered as placed, inside the slice: drawing the set at the end is blitting only.
      onPlace: (p) => void this.sprites.sprite(ix.style[p.i]!, ix.text[p.i]!, dpr),
    });
    this.job = { placer, index: ix, zoom, left, top, w, h, dpr, workMs: 0, maxSliceMs: 0 };
  }

  /** Place for at most `budgetMs` now; then draw the set if it is complete, else go on when idle. */
  private work(budgetMs: number): void {
    const j = this.job;
    if (!j) return;
    const t0 = performance.now();
    const done = j.placer.step(() => performance.now() - t0 < budgetMs);
    const ms = performance.now() - t0;
    j.workMs += ms;
    j.maxSliceMs = Math.max(j.maxSliceMs, ms);
    if (!done) {
      this.later();
      return;
    }
    this.job = null;
    const t1 = performance.now();
    this.draw(j);
    const drawMs = performance.now() - t1;
    j.workMs += drawMs;
    j.maxSliceMs = Math.max(j.maxSliceMs, ms + drawMs);
    this.settling = j;
    // The call signs drawn meanwhile avoided the old labels: redraw them round the new ones.
    this.redraw();
  }

  private later(): void {
    const w = window as IdleWindow;
    const go = (remaining: number) => {
      this.idle = null;
      this.work(Math.max(1, Math.min(SLICE_MS, remaining)));
    };
    if (w.requestIdleCallback)
      this.idle = {
        kind: 'idle',
        handle: w.requestIdleCallback((d) => go(d.didTimeout ? SLICE_MS : d.timeRemaining()), { timeout: 100 }),
      };
    else this.idle = { kind: 'timeout', handle: window.setTimeout(() => go(SLICE_MS), 0) };
  }

  /** Draw a completed placement: its labels become the ones shown and the call signs' obstacles. */
  private draw(j: PlaceJob): void {
    const g = this.ctx;
    const c = this.canvas;
    const surface = this.surface;
    if (!g || !c || !surface) return;
    const { left, top, w, h, dpr, index } = j;
    this.placed = j.placer.placed;
    this.placedIndex = index;
    this.placedZoom = j.zoom;
    L.DomUtil.setPosition(c, L.point(left, top));
    if (surface.width !== Math.round(w * dpr) || surface.height !== Math.round(h * dpr)) {
      surface.width = Math.round(w * dpr);
      surface.height = Math.round(h * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    c.style.visibility = '';
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, surface.width, surface.height);
    for (const p of this.placed) {
      const sp = this.sprites.sprite(index.style[p.i]!, index.text[p.i]!, dpr);
      const cx = p.x - left;
      const cy = p.y - top;
      if (p.angle === 0) {
        g.setTransform(dpr, 0, 0, dpr, 0, 0);
        g.drawImage(
          sp.img,
          Math.round((cx - sp.w / 2) * dpr) / dpr,
          Math.round((cy - sp.h / 2) * dpr) / dpr,
          sp.w,
          sp.h,
        );
      } else {
        const a = (p.angle * Math.PI) / 180;
        const cos = Math.cos(a) * dpr;
        const sin = Math.sin(a) * dpr;
        g.setTransform(cos, sin, -sin, cos, cx * dpr, cy * dpr);
        g.drawImage(sp.img, -sp.w / 2, -sp.h / 2, sp.w, sp.h);
      }
    }
  }

  /** The placed labels' boxes in container px now (the testing hook). */
  boxes(): LabelBox[] {
    const map = this.lmap;
    const index = this.placedIndex;
    if (!map || !index) return [];
    const o = map.containerPointToLayerPoint([0, 0]);
    return this.placed.map((p) => ({
      kind: index.kind[p.i]!,
      text: index.text[p.i]!,
      x: p.box[0] - o.x,
      y: p.box[1] - o.y,
      w: p.box[2] - p.box[0],
      h: p.box[3] - p.box[1],
    }));
  }
}
