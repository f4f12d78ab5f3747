/**
 * Town and road labels pre-rendered, one small canvas per (style, text) and device pixel ratio:
 * towns in dark text on a white halo (bigger for bigger towns), road names smaller in grey
 * italics, refs in the shields UK signs use (motorway white on blue, primary route yellow on
 * green, other roads black on white). Measuring is separate from rendering: placement measures
 * every candidate in view (./label-placement.ts) but only the labels it keeps are rendered.
 */
import type { LabelStyle } from './label-placement.ts';

interface StyleDef {
  font: string;
  /** Line height, CSS px. */
  px: number;
  fill: string;
  /** A halo (stroke under the text) or a shield (box behind it). */
  halo?: string;
  shield?: { fill: string; stroke: string };
}

const STYLES: Record<LabelStyle, StyleDef> = {
  city: { font: '700 15px system-ui, sans-serif', px: 18, fill: '#111111', halo: '#ffffff' },
  town: { font: '600 13px system-ui, sans-serif', px: 16, fill: '#1a1a1a', halo: '#ffffff' },
  village: { font: '500 12px system-ui, sans-serif', px: 14, fill: '#333333', halo: '#ffffff' },
  motorway: {
    font: '700 11px system-ui, sans-serif',
    px: 14,
    fill: '#ffffff',
    shield: { fill: '#1d5aa6', stroke: '#ffffff' },
  },
  primary: {
    font: '700 11px system-ui, sans-serif',
    px: 14,
    fill: '#ffd200',
    shield: { fill: '#00703c', stroke: '#ffffff' },
  },
  road: {
    font: '700 11px system-ui, sans-serif',
    px: 14,
    fill: '#111111',
    shield: { fill: '#ffffff', stroke: '#111111' },
  },
  name: { font: 'italic 500 11px system-ui, sans-serif', px: 13, fill: '#3a3a3a', halo: '#ffffff' },
};
const HALO = 3;
/** Room around a shield's text, CSS px. */
const SHIELD_PAD = 3;

export interface LabelSprite {
  img: HTMLCanvasElement;
  /** Size in CSS px. */
  w: number;
  h: number;
}

export class LabelSprites {
  private readonly sizes = new Map<string, { w: number; h: number }>();
  private readonly sprites = new Map<string, LabelSprite>();
  private measurer: CanvasRenderingContext2D | null = null;
  private dpr = 0;

  /** A label's size in CSS px, halo or shield included. */
  size(style: LabelStyle, text: string): { w: number; h: number } {
    const key = `${style}|${text}`;
    const known = this.sizes.get(key);
    if (known) return known;
    const s = STYLES[style];
    this.measurer ??= document.createElement('canvas').getContext('2d');
    let tw = text.length * 7;
    if (this.measurer) {
      this.measurer.font = s.font;
      tw = this.measurer.measureText(text).width;
    }
    const pad = s.shield ? SHIELD_PAD + 1 : Math.ceil(HALO / 2) + 1;
    const size = { w: Math.ceil(tw) + 2 * pad, h: s.px + (s.shield ? 2 : 2 * pad) };
    if (this.sizes.size >= 20_000) this.sizes.clear();
    this.sizes.set(key, size);
    return size;
  }

  /** The label rendered at `dpr`, cached. */
  sprite(style: LabelStyle, text: string, dpr: number): LabelSprite {
    if (dpr !== this.dpr) {
      this.sprites.clear();
      this.dpr = dpr;
    }
    const key = `${style}|${text}`;
    const cached = this.sprites.get(key);
    if (cached) return cached;
    const { w, h } = this.size(style, text);
    const s = STYLES[style];
    const c = document.createElement('canvas');
    c.width = Math.ceil(w * dpr);
    c.height = Math.ceil(h * dpr);
    const g = c.getContext('2d');
    if (g) {
      g.scale(dpr, dpr);
      if (s.shield) {
        g.fillStyle = s.shield.fill;
        g.strokeStyle = s.shield.stroke;
        g.lineWidth = 1.5;
        g.beginPath();
        g.roundRect(0.75, 0.75, w - 1.5, h - 1.5, 3);
        g.fill();
        g.stroke();
      }
      g.font = s.font;
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      if (s.halo) {
        g.lineJoin = 'round';
        g.lineWidth = HALO;
        g.strokeStyle = s.halo;
        g.strokeText(text, w / 2, h / 2);
      }
      g.fillStyle = s.fill;
      g.fillText(text, w / 2, h / 2 + (s.shield ? 0.5 : 0));
    }
    const sprite = { img: c, w, h };
    if (this.sprites.size >= 5_000) this.sprites.clear();
    this.sprites.set(key, sprite);
    return sprite;
  }
}
