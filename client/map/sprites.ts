/**
 * The resources layer's sprites: each resource symbol (agency, status, stale, heading) and each
 * call-sign label pre-rendered once per device pixel ratio onto a small canvas, then swapped for
 * an ImageBitmap, so the layer draws every resource with one drawImage (./resources-layer.ts).
 */
import type { Agency, StatusName } from '../state/types.ts';
import { AGENCY_PATH, STALE_COLOUR, symbolParts } from './symbols.ts';

const LABEL_FONT = '600 12px system-ui, sans-serif';
/** Line height of LABEL_FONT, CSS px. */
const LABEL_PX = 14;

/** A pre-rendered image, drawn at (x, y) CSS pixels from the resource's point, w x h. */
export interface Sprite {
  img: HTMLCanvasElement | ImageBitmap;
  x: number;
  y: number;
  w: number;
  h: number;
}

export class SpriteCache {
  private readonly sprites = new Map<string, Sprite>();
  /** Call-sign labels, pre-rendered once per call sign. */
  private readonly labels = new Map<string, Sprite>();
  private spriteDpr = 0;

  /** `size`: a symbol's size in CSS px. */
  constructor(private readonly size: number) {}

  /**
   * The symbol for (agency, status, stale) with its heading tick for direction `dir` (0..23, 15°
   * steps; -1 = not moving), pre-rendered once per device pixel ratio. One drawImage per resource:
   * in software raster each call costs far more than its pixels (bench/client.ts trace and a
   * micro-benchmark: 2,000 symbols ~18 ms, plus 2,000 stroked tick segments +16 ms, plus 2,000
   * separate tick sprites +19 ms, the tick inside a larger sprite +2 ms).
   */
  symbol(agency: Agency, status: StatusName, stale: boolean, dir: number, dpr: number): Sprite {
    this.checkDpr(dpr);
    const key = `${agency}|${status}|${stale ? 1 : 0}|${dir}`;
    const cached = this.sprites.get(key);
    if (cached) return cached;
    const size = this.size;
    // Room for the tick, which reaches 0.95 x size (plus its round cap) from the centre.
    const px = Math.ceil(size * dpr * (dir >= 0 ? 2.1 : 1.4));
    const s = document.createElement('canvas');
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
    if (g && dir >= 0) {
      g.setTransform(1, 0, 0, 1, 0, 0);
      const a = (dir * 15 * Math.PI) / 180;
      const dx = Math.sin(a);
      const dy = -Math.cos(a);
      const r0 = size * 0.5 * dpr;
      const r1 = size * 0.95 * dpr;
      g.lineCap = 'round';
      g.lineWidth = 2.5 * dpr;
      g.strokeStyle = stale ? STALE_COLOUR : '#111111';
      g.beginPath();
      g.moveTo(px / 2 + dx * r0, px / 2 + dy * r0);
      g.lineTo(px / 2 + dx * r1, px / 2 + dy * r1);
      g.stroke();
    }
    return this.keep(key, s, { img: s, x: -px / dpr / 2, y: -px / dpr / 2, w: px / dpr, h: px / dpr }, dpr);
  }

  private checkDpr(dpr: number): void {
    if (dpr === this.spriteDpr) return;
    this.sprites.clear();
    this.labels.clear();
    this.spriteDpr = dpr;
  }

  /**
   * A call sign's label (white halo, dark text), pre-rendered once: strokeText + fillText per
   * resource per redraw shapes and rasterises the text every time (bench/client.ts, zoom 13);
   * one drawImage of a cached bitmap does not.
   */
  label(text: string, dpr: number): Sprite {
    this.checkDpr(dpr);
    const cached = this.labels.get(text);
    if (cached) return cached;
    // Call signs are few and fixed per scenario; a bound only guards against unbounded growth.
    if (this.labels.size >= 10_000) this.labels.clear();
    const s = document.createElement('canvas');
    const g = s.getContext('2d');
    const halo = 3;
    const pad = Math.ceil(halo / 2) + 1;
    let w = 1;
    const h = LABEL_PX + 2 * pad;
    if (g) {
      g.font = LABEL_FONT;
      w = Math.ceil(g.measureText(text).width) + 2 * pad;
      s.width = Math.ceil(w * dpr);
      s.height = Math.ceil(h * dpr);
      // The canvas was resized: its state (font included) is reset.
      g.scale(dpr, dpr);
      g.font = LABEL_FONT;
      g.textBaseline = 'middle';
      g.lineJoin = 'round';
      g.lineWidth = halo;
      g.strokeStyle = '#ffffff';
      g.strokeText(text, pad, h / 2);
      g.fillStyle = '#111111';
      g.fillText(text, pad, h / 2);
    }
    const sprite: Sprite = { img: s, x: -pad, y: -h / 2, w: s.width / dpr, h: s.height / dpr };
    return this.keep(text, s, sprite, dpr, this.labels);
  }

  private keep(
    key: string,
    s: HTMLCanvasElement,
    sprite: Sprite,
    dpr: number,
    cache: Map<string, Sprite> = this.sprites,
  ): Sprite {
    cache.set(key, sprite);
    // drawImage from a canvas snapshots that canvas on every call (measured: ~2 us each, half the
    // layer's draw time with 2,000 symbols); an ImageBitmap is immutable and is not. The canvas
    // serves until the bitmap is ready.
    if (typeof createImageBitmap === 'function') {
      void createImageBitmap(s).then(
        (bmp) => {
          if (cache.get(key) === sprite && this.spriteDpr === dpr) sprite.img = bmp;
          else bmp.close();
        },
        () => undefined,
      );
    }
    return sprite;
  }
}
