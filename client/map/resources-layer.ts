/**
 * The resources layer: every resource drawn onto one canvas (no DOM node per vehicle), redrawn at
 * most once per animation frame however many updates arrive. Symbols are pre-rendered sprites
 * (client/map/symbols.ts) blitted with drawImage; projection is Web Mercator done inline over
 * typed arrays, so 2,000 moving resources cost a few hundred microseconds per frame.
 *
 * Call signs (from zoom 13) are placed so that no two overlap, nor any town or road label: each
 * takes the first of eight spots round its symbol that is free, the selected resource first, then
 * those mobilised, at scene or returning, then the rest; one with no free spot is left out. The
 * labels layer (./labels-layer.ts) places its labels around the call signs when the view settles.
 *
 * A thin adapter: it reads the store and never changes it; the map component asks `hit()` which
 * resource is under a click.
 */
import * as L from 'leaflet';
import type { ClientStore } from '../state/store.ts';
import type { ClientResource } from '../state/types.ts';
import { CollisionGrid } from './collision-grid.ts';
import type { LabelBox } from './labels-layer.ts';
import { mercX, mercY, TILE } from './mercator.ts';
import { paneCanvas } from './pane-canvas.ts';
import { SpriteCache } from './sprites.ts';

export interface LayerStats {
  draws: number;
  drawn: number;
  /** Symbols drawn in the last frame, by status (and `stale`). */
  drawnByStatus: Record<string, number>;
  lastDrawMs: number;
  drawMs: number[];
  /** Call-sign labels drawn in the last frame (view and margin). */
  labelled: number;
  /** Call signs left out of the last frame for want of a free spot. */
  labelsDropped: number;
}

/** The other labels on the map, which the call signs avoid and which are placed around them. */
export interface LabelNeighbours {
  /** Boxes (layer px) to avoid, or null when they are about to be placed around the call signs. */
  obstacles(zoom: number): readonly { box: readonly [number, number, number, number] }[] | null;
  /** The call signs' boxes after each draw (flat x0, y0, x1, y1, layer px). */
  afterCallSigns(boxes: readonly number[]): void;
}

/** Spots for a call sign round its symbol, in order of preference (see spot()). */
const SPOTS = 8;
/** Statuses whose call signs are placed before the others'. */
const BUSY = new Set(['MOBILISED', 'AT_SCENE', 'RETURNING']);

export class ResourcesLayer extends L.Layer {
  private canvas: HTMLCanvasElement | null = null;
  private ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null;
  /** The drawing surface: the canvas's OffscreenCanvas when the browser can transfer control. */
  private surface: { width: number; height: number } | null = null;
  private lmap: L.Map | null = null;
  private frameRequested = false;
  private lastDrawAt = -1;
  private unsubscribe: (() => void) | null = null;
  /** Symbols and call-sign labels (zoom >= labelsFromZoom), pre-rendered. */
  private readonly sprites: SpriteCache;
  /** Screen positions of the last draw, for hit testing. */
  private xs = new Float32Array(0);
  private ys = new Float32Array(0);
  private ids: string[] = [];
  private hidden = false;
  /** Margin drawn around the view, as a share of its width and height. */
  private readonly pad: number;
  /** Layer point of the view's top-left at the last draw, and the margin drawn around the view. */
  private drawnAt = { x: 0, y: 0 };
  private padPx = { x: 0, y: 0 };
  readonly stats: LayerStats = {
    draws: 0,
    drawn: 0,
    drawnByStatus: {},
    lastDrawMs: 0,
    drawMs: [],
    labelled: 0,
    labelsDropped: 0,
  };
  /** The town and road labels, when the map has them. */
  neighbours: LabelNeighbours | null = null;
  private readonly grid = new CollisionGrid();
  /** This draw's call-sign candidates: resources in the drawn area (indices into xs, ys, cand). */
  private cand: ClientResource[] = [];
  /** Call signs drawn by the last draw: boxes (x0, y0, x1, y1, layer px) and texts. */
  private callSigns: number[] = [];
  private callSignTexts: string[] = [];

  constructor(
    private readonly store: ClientStore,
    private readonly opts: { size: number; labelsFromZoom: number; now?: () => number; pad?: number },
  ) {
    super();
    this.pad = opts.pad ?? 0.25;
    this.sprites = new SpriteCache(opts.size);
  }

  override onAdd(map: L.Map): this {
    this.lmap = map;
    // An OffscreenCanvas where it can: frames straight to the compositor (./pane-canvas.ts).
    ({
      canvas: this.canvas,
      surface: this.surface,
      ctx: this.ctx,
    } = paneCanvas(map, 'jcr-resources', 450, 'jcr-resources-canvas'));
    // Not redrawn on every 'move': the canvas sits in a map pane, so while the map is dragged it
    // moves with it; it is drawn with a margin around the view and redrawn when the drag ends, or
    // sooner when the view nears the edge of the margin (onMove).
    map.on('moveend resize zoomend viewreset', this.requestDraw, this);
    map.on('move', this.onMove, this);
    map.on('zoomstart', this.hide, this);
    this.unsubscribe = this.store.subscribe(['positions', 'statuses', 'clock', 'selection'], () => this.draw());
    this.requestDraw();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('moveend resize zoomend viewreset', this.requestDraw, this);
    map.off('move', this.onMove, this);
    map.off('zoomstart', this.hide, this);
    this.unsubscribe?.();
    this.canvas?.remove();
    this.canvas = null;
    this.ctx = null;
    this.surface = null;
    this.lmap = null;
    return this;
  }

  /** Redraw during a drag only when the view has moved most of the way across the margin. */
  private onMove(): void {
    const map = this.lmap;
    if (!map) return;
    const o = map.containerPointToLayerPoint([0, 0]);
    if (Math.abs(o.x - this.drawnAt.x) > this.padPx.x * 0.75 || Math.abs(o.y - this.drawnAt.y) > this.padPx.y * 0.75)
      this.requestDraw();
  }

  private hide(): void {
    this.hidden = true;
    if (this.canvas) this.canvas.style.visibility = 'hidden';
  }

  /** Coalesce any number of requests into one draw on the next animation frame. */
  requestDraw(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    const asked = performance.now();
    requestAnimationFrame(() => {
      this.frameRequested = false;
      // The store's per-frame notification may already have drawn since: once is enough.
      if (this.lastDrawAt < asked) this.draw();
    });
  }

  /** Draw every resource now. Called from the store's frame-batched notification or a map event. */
  draw(): void {
    const map = this.lmap;
    const c = this.canvas;
    const g = this.ctx;
    if (!map || !c || !g) return;
    const t0 = performance.now();
    this.lastDrawAt = t0;
    const size = map.getSize();
    const dpr = window.devicePixelRatio || 1;
    // The canvas covers the view plus a margin on every side (container coordinates -px..w+px).
    const px = Math.round(size.x * this.pad);
    const py = Math.round(size.y * this.pad);
    const w = size.x + 2 * px;
    const h = size.y + 2 * py;
    const origin = map.containerPointToLayerPoint([0, 0]);
    this.drawnAt = { x: origin.x, y: origin.y };
    this.padPx = { x: px, y: py };
    L.DomUtil.setPosition(c, origin.subtract([px, py]));
    const surface = this.surface;
    if (!surface) return;
    if (surface.width !== Math.round(w * dpr) || surface.height !== Math.round(h * dpr)) {
      surface.width = Math.round(w * dpr);
      surface.height = Math.round(h * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
    }
    if (this.hidden) {
      this.hidden = false;
      c.style.visibility = '';
    }
    g.setTransform(dpr, 0, 0, dpr, px * dpr, py * dpr);
    g.clearRect(-px, -py, w, h);

    // Web Mercator in pixels at this zoom, shifted so it agrees with Leaflet's container points.
    const zoom = map.getZoom();
    const scale = TILE * Math.pow(2, zoom);
    const centre = map.getCenter();
    const cp = map.latLngToContainerPoint(centre);
    const ox = cp.x - mercX(centre.lng, scale);
    const oy = cp.y - mercY(centre.lat, scale);

    const n = this.store.resources.size;
    if (this.xs.length < n) {
      this.xs = new Float32Array(n);
      this.ys = new Float32Array(n);
    }
    this.ids.length = 0;
    const now = this.opts.now ? this.opts.now() : Date.now();
    const half = (this.opts.size * 1.4) / 2;
    const margin = this.opts.size * 2;
    const labels = zoom >= this.opts.labelsFromZoom;
    const selected = this.store.selection.resourceId;
    this.cand.length = 0;
    let sel: ClientResource | null = null;
    let selX = 0;
    let selY = 0;
    let i = 0;
    let inView = 0;
    let labelled = 0;
    const byStatus: Record<string, number> = {};
    for (const r of this.store.resources.values()) {
      const x = mercX(r.lon, scale) + ox;
      const y = mercY(r.lat, scale) + oy;
      if (x < -px - margin || y < -py - margin || x > size.x + px + margin || y > size.y + py + margin) continue;
      const stale = this.store.isStale(r, now);
      // Heading in 15° steps, shown when moving faster than 0.5 m/s.
      const dir = r.speedMps > 0.5 ? Math.round((((r.headingDeg % 360) + 360) % 360) / 15) % 24 : -1;
      const sp = this.sprites.symbol(r.agency, r.status, stale, dir, dpr);
      // Whole device pixels at the sprite's own size: no resampling, the fast path of drawImage.
      g.drawImage(sp.img, Math.round((x + sp.x) * dpr) / dpr, Math.round((y + sp.y) * dpr) / dpr, sp.w, sp.h);
      if (x >= 0 && y >= 0 && x <= size.x && y <= size.y) {
        // Counted as drawn when it is in the view (the margin is drawn ahead of a drag).
        inView++;
        byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
        if (stale) byStatus['stale'] = (byStatus['stale'] ?? 0) + 1;
      }
      if (labels) this.cand.push(r);
      if (r.id === selected) {
        sel = r;
        selX = x;
        selY = y;
      }
      this.xs[i] = x;
      this.ys[i] = y;
      this.ids.push(r.id);
      i++;
    }
    this.callSigns.length = 0;
    this.callSignTexts.length = 0;
    if (labels) labelled = this.drawCallSigns(g, zoom, origin, half, dpr, selected);
    this.neighbours?.afterCallSigns(this.callSigns);
    if (sel) {
      g.lineWidth = 4;
      g.strokeStyle = '#000000';
      g.beginPath();
      g.arc(selX, selY, half + 4, 0, Math.PI * 2);
      g.stroke();
      g.lineWidth = 2;
      g.strokeStyle = '#F0E442';
      g.stroke();
    }
    const ms = performance.now() - t0;
    this.stats.draws++;
    this.stats.drawn = inView;
    this.stats.drawnByStatus = byStatus;
    this.stats.labelled = labelled;
    this.stats.labelsDropped = this.cand.length - labelled;
    this.stats.lastDrawMs = ms;
    this.stats.drawMs.push(ms);
    if (this.stats.drawMs.length > 2000) this.stats.drawMs.splice(0, 1000);
  }

  /**
   * Place and draw this draw's call signs (this.cand, at xs/ys: the candidates are the first
   * cand.length drawn resources), each at its first free spot; returns how many were drawn.
   */
  private drawCallSigns(
    g: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
    zoom: number,
    origin: L.Point,
    half: number,
    dpr: number,
    selected: string | null,
  ): number {
    const grid = this.grid;
    grid.clear();
    for (const o of this.neighbours?.obstacles(zoom) ?? []) grid.insert(o.box[0], o.box[1], o.box[2], o.box[3]);
    let drawn = 0;
    // Three passes: the selected resource, the busy ones, the rest.
    for (let pass = 0; pass < 3; pass++) {
      for (let k = 0; k < this.cand.length; k++) {
        const r = this.cand[k]!;
        const rank = r.id === selected ? 0 : BUSY.has(r.status) ? 1 : 2;
        if (rank !== pass) continue;
        const x = this.xs[k] ?? 0;
        const y = this.ys[k] ?? 0;
        const lb = this.sprites.label(r.callSign, dpr);
        for (let s = 0; s < SPOTS; s++) {
          const [bx, by] = spot(s, half, lb);
          const x0 = x + bx + origin.x;
          const y0 = y + by + origin.y;
          if (!grid.tryInsert(x0, y0, x0 + lb.w, y0 + lb.h)) continue;
          g.drawImage(lb.img, Math.round((x + bx) * dpr) / dpr, Math.round((y + by) * dpr) / dpr, lb.w, lb.h);
          this.callSigns.push(x0, y0, x0 + lb.w, y0 + lb.h);
          this.callSignTexts.push(r.callSign);
          drawn++;
          break;
        }
      }
    }
    return drawn;
  }

  /** The call signs drawn by the last draw, as boxes in container px now (the testing hook). */
  callSignBoxes(): LabelBox[] {
    const map = this.lmap;
    if (!map) return [];
    const o = map.containerPointToLayerPoint([0, 0]);
    const out: LabelBox[] = [];
    for (let k = 0; k < this.callSignTexts.length; k++) {
      const b = this.callSigns;
      out.push({
        kind: 'callsign',
        text: this.callSignTexts[k]!,
        x: b[4 * k]! - o.x,
        y: b[4 * k + 1]! - o.y,
        w: b[4 * k + 2]! - b[4 * k]!,
        h: b[4 * k + 3]! - b[4 * k + 1]!,
      });
    }
    return out;
  }

  /** The resource under a container point (within the symbol's reach), if any. */
  hit(x: number, y: number): string | null {
    const reach = this.opts.size * 0.9;
    let best: string | null = null;
    let bestD = reach * reach;
    for (let i = 0; i < this.ids.length; i++) {
      const dx = (this.xs[i] ?? 0) - x;
      const dy = (this.ys[i] ?? 0) - y;
      const d = dx * dx + dy * dy;
      if (d <= bestD) {
        bestD = d;
        best = this.ids[i] ?? null;
      }
    }
    return best;
  }
}

/**
 * Where spot `s` puts a call sign's label (its top-left, from the symbol's centre): right (as
 * before placement existed), left, above, below, then the four corners.
 */
function spot(s: number, half: number, lb: { x: number; y: number; w: number; h: number }): [number, number] {
  const d = half * 0.7;
  switch (s) {
    case 0:
      return [half + 2 + lb.x, lb.y];
    case 1:
      return [-half - 2 - lb.w - lb.x, lb.y];
    case 2:
      return [-lb.w / 2, -half - lb.h];
    case 3:
      return [-lb.w / 2, half];
    case 4:
      return [d, -d - lb.h];
    case 5:
      return [d, d];
    case 6:
      return [-d - lb.w, -d - lb.h];
    default:
      return [-d - lb.w, d];
  }
}
