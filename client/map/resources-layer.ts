/**
 * The resources layer: every resource drawn onto one canvas (no DOM node per vehicle), redrawn at
 * most once per animation frame however many updates arrive. Symbols are pre-rendered sprites
 * (client/map/symbols.ts) blitted with drawImage; projection is Web Mercator done inline over
 * typed arrays, so 2,000 moving resources cost a few hundred microseconds per frame.
 *
 * A thin adapter: it reads the store and never changes it; the map component asks `hit()` which
 * resource is under a click.
 */
import * as L from 'leaflet';
import type { ClientStore } from '../state/store.ts';
import type { Agency, ClientResource, StatusName } from '../state/types.ts';
import { AGENCY_PATH, STALE_COLOUR, symbolParts } from './symbols.ts';

export interface LayerStats {
  draws: number;
  drawn: number;
  /** Symbols drawn in the last frame, by status (and `stale`). */
  drawnByStatus: Record<string, number>;
  lastDrawMs: number;
  drawMs: number[];
}

const TILE = 256;

function mercX(lon: number, scale: number): number {
  return ((lon + 180) / 360) * scale;
}
function mercY(lat: number, scale: number): number {
  const s = Math.sin((Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180);
  return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale;
}

export class ResourcesLayer extends L.Layer {
  private canvas: HTMLCanvasElement | null = null;
  private ctx: CanvasRenderingContext2D | null = null;
  private lmap: L.Map | null = null;
  private frameRequested = false;
  private unsubscribe: (() => void) | null = null;
  private readonly sprites = new Map<string, HTMLCanvasElement>();
  private spriteDpr = 0;
  /** Screen positions of the last draw, for hit testing. */
  private xs = new Float32Array(0);
  private ys = new Float32Array(0);
  private ids: string[] = [];
  private hidden = false;
  readonly stats: LayerStats = { draws: 0, drawn: 0, drawnByStatus: {}, lastDrawMs: 0, drawMs: [] };

  constructor(
    private readonly store: ClientStore,
    private readonly opts: { size: number; labelsFromZoom: number; now?: () => number },
  ) {
    super();
  }

  override onAdd(map: L.Map): this {
    this.lmap = map;
    const pane = map.getPane('jcr-resources') ?? map.createPane('jcr-resources');
    pane.style.zIndex = '450';
    pane.style.pointerEvents = 'none';
    const c = document.createElement('canvas');
    c.className = 'jcr-resources-canvas';
    c.setAttribute('aria-hidden', 'true');
    c.style.position = 'absolute';
    pane.appendChild(c);
    this.canvas = c;
    this.ctx = c.getContext('2d');
    map.on('move resize zoomend viewreset', this.requestDraw, this);
    map.on('zoomstart', this.hide, this);
    this.unsubscribe = this.store.subscribe(['positions', 'statuses', 'clock', 'selection'], () => this.draw());
    this.requestDraw();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('move resize zoomend viewreset', this.requestDraw, this);
    map.off('zoomstart', this.hide, this);
    this.unsubscribe?.();
    this.canvas?.remove();
    this.canvas = null;
    this.ctx = null;
    this.lmap = null;
    return this;
  }

  private hide(): void {
    this.hidden = true;
    if (this.canvas) this.canvas.style.visibility = 'hidden';
  }

  /** Coalesce any number of requests into one draw on the next animation frame. */
  requestDraw(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.draw();
    });
  }

  private sprite(agency: Agency, status: StatusName, stale: boolean, dpr: number): HTMLCanvasElement {
    if (dpr !== this.spriteDpr) {
      this.sprites.clear();
      this.spriteDpr = dpr;
    }
    const key = `${agency}|${status}|${stale ? 1 : 0}`;
    let s = this.sprites.get(key);
    if (s) return s;
    const size = this.opts.size;
    const px = Math.ceil(size * dpr * 1.4);
    s = document.createElement('canvas');
    s.width = s.height = px;
    const g = s.getContext('2d');
    if (g) {
      const p = symbolParts(agency, status, stale);
      const shape = new Path2D(AGENCY_PATH[agency]);
      g.translate(px / 2, px / 2);
      const k = (size * dpr) / 20;
      g.scale(k, k);
      g.lineJoin = 'round';
      if (p.ring) {
        g.lineWidth = 5;
        g.strokeStyle = '#000000';
        g.stroke(shape);
      }
      g.fillStyle = p.halfFill ? '#ffffff' : p.fill;
      g.fill(shape);
      if (p.halfFill) {
        g.save();
        g.beginPath();
        g.rect(-10, 0, 20, 10);
        g.clip();
        g.fillStyle = p.fill;
        g.fill(shape);
        g.restore();
      }
      g.lineWidth = p.strokeWidth;
      g.strokeStyle = p.ring ? '#ffffff' : p.stroke;
      if (p.dashed) g.setLineDash([2.5, 2]);
      g.stroke(shape);
      g.setLineDash([]);
      for (const m of p.marks) {
        const path = new Path2D(m.d);
        if (m.fill) {
          g.fillStyle = m.fill;
          g.fill(path);
        }
        if (m.stroke) {
          g.lineWidth = m.width ?? 1.5;
          g.strokeStyle = m.stroke;
          g.lineCap = 'round';
          g.stroke(path);
        }
      }
    }
    this.sprites.set(key, s);
    return s;
  }

  /** Draw every resource now. Called from the store's frame-batched notification or a map event. */
  draw(): void {
    const map = this.lmap;
    const c = this.canvas;
    const g = this.ctx;
    if (!map || !c || !g) return;
    const t0 = performance.now();
    const size = map.getSize();
    const dpr = window.devicePixelRatio || 1;
    const topLeft = map.containerPointToLayerPoint([0, 0]);
    L.DomUtil.setPosition(c, topLeft);
    if (c.width !== Math.round(size.x * dpr) || c.height !== Math.round(size.y * dpr)) {
      c.width = Math.round(size.x * dpr);
      c.height = Math.round(size.y * dpr);
      c.style.width = `${size.x}px`;
      c.style.height = `${size.y}px`;
    }
    if (this.hidden) {
      this.hidden = false;
      c.style.visibility = '';
    }
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, size.x, size.y);

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
    let sel: ClientResource | null = null;
    let selX = 0;
    let selY = 0;
    let i = 0;
    const byStatus: Record<string, number> = {};
    const ticks = new Path2D();
    const staleTicks = new Path2D();
    const r0 = this.opts.size * 0.5;
    const r1 = this.opts.size * 0.95;
    const spritePx = Math.ceil(this.opts.size * dpr * 1.4);
    const spriteCss = spritePx / dpr;
    const spriteHalf = spriteCss / 2;
    g.lineCap = 'round';
    g.font = '600 12px system-ui, sans-serif';
    g.textBaseline = 'middle';
    for (const r of this.store.resources.values()) {
      const x = mercX(r.lon, scale) + ox;
      const y = mercY(r.lat, scale) + oy;
      if (x < -margin || y < -margin || x > size.x + margin || y > size.y + margin) continue;
      const stale = this.store.isStale(r, now);
      const sp = this.sprite(r.agency, r.status, stale, dpr);
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      if (stale) byStatus['stale'] = (byStatus['stale'] ?? 0) + 1;
      // Whole device pixels at the sprite's own size: no resampling, the fast path of drawImage.
      g.drawImage(sp, Math.round((x - spriteHalf) * dpr) / dpr, Math.round((y - spriteHalf) * dpr) / dpr, spriteCss, spriteCss);
      if (r.speedMps > 0.5) {
        // Heading ticks are collected into one path per colour and stroked once after the loop.
        const a = (r.headingDeg * Math.PI) / 180;
        const dx = Math.sin(a);
        const dy = -Math.cos(a);
        const path = stale ? staleTicks : ticks;
        path.moveTo(x + dx * r0, y + dy * r0);
        path.lineTo(x + dx * r1, y + dy * r1);
      }
      if (labels) {
        g.lineWidth = 3;
        g.strokeStyle = '#ffffff';
        g.strokeText(r.callSign, x + half + 2, y);
        g.fillStyle = '#111111';
        g.fillText(r.callSign, x + half + 2, y);
      }
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
    g.lineWidth = 2.5;
    g.strokeStyle = '#111111';
    g.stroke(ticks);
    g.strokeStyle = STALE_COLOUR;
    g.stroke(staleTicks);
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
    this.stats.drawn = i;
    this.stats.drawnByStatus = byStatus;
    this.stats.lastDrawMs = ms;
    this.stats.drawMs.push(ms);
    if (this.stats.drawMs.length > 2000) this.stats.drawMs.splice(0, 1000);
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
