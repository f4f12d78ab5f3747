/**
 * Where the journey-time calibration in force changed journey times (issue 19): the roads its
 * blue-light factors change most (GET /api/calibration?roads=N, docs/calibration.md), each a line
 * in blue where the room's own vehicles drove faster than the default model and in orange where
 * slower, thicker the bigger the change. Off by default: a checkbox on the map turns it on (and
 * reads the layer afresh each time), with a legend saying which calibration is in force, its
 * held-out error, and how many roads it sped up and slowed down. Everything read from the server
 * is checked before it is drawn; text goes in as text.
 */
import * as L from 'leaflet';
import { html, nothing, render } from 'lit';
import type { ApiResult } from '../state/api.ts';

export interface CalibrationRoad {
  road: number;
  factor: number;
  change: 'faster' | 'slower';
  highway: string;
  /** [lat, lon] along the road. */
  line: Array<[number, number]>;
}

export interface CalibrationView {
  /** The version in force and its held-out error before and after; null: the prior. */
  inForce: { version: number; mapeBefore: number; mapeAfter: number } | null;
  roads: CalibrationRoad[];
}

/** One line as drawn: for the test hook (`window.__jcr.stats().map.calibrationMarks`). */
export interface CalibrationMark {
  road: number;
  factor: number;
  change: 'faster' | 'slower';
  title: string;
  points: number;
}

export const CALIBRATION_COLOUR = { faster: '#1f5fbf', slower: '#d35400' } as const;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** GET /api/calibration's answer, checked; null if it is not one. Bad roads are left out. */
export function parseCalibration(body: unknown): CalibrationView | null {
  if (!isObj(body) || !isObj(body.roads) || !Array.isArray(body.roads.features)) return null;
  const f = body.inForce;
  const inForce =
    isObj(f) && num(f.version) && num(f.mapeBefore) && num(f.mapeAfter)
      ? { version: f.version, mapeBefore: f.mapeBefore, mapeAfter: f.mapeAfter }
      : null;
  const roads: CalibrationRoad[] = [];
  for (const ft of body.roads.features as unknown[]) {
    if (!isObj(ft) || !isObj(ft.properties) || !isObj(ft.geometry)) continue;
    const p = ft.properties;
    const coords = ft.geometry.coordinates;
    if (!num(p.road) || !num(p.factor) || p.factor <= 0 || !Array.isArray(coords)) continue;
    const line: Array<[number, number]> = [];
    for (const c of coords as unknown[])
      if (Array.isArray(c) && num(c[0]) && num(c[1]) && Math.abs(c[1]) <= 90 && Math.abs(c[0]) <= 180)
        line.push([c[1], c[0]]);
    if (line.length < 2) continue;
    roads.push({
      road: p.road,
      factor: p.factor,
      change: p.factor >= 1 ? 'faster' : 'slower',
      highway: typeof p.highway === 'string' ? p.highway.slice(0, 40) : 'road',
      line,
    });
  }
  return { inForce, roads };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The legend's words for what is shown. */
export function calibrationLegend(v: CalibrationView): string {
  if (!v.inForce) return 'The default model is in force: no calibration.';
  const faster = v.roads.filter((r) => r.change === 'faster').length;
  const slower = v.roads.length - faster;
  return (
    `Calibration v${v.inForce.version} in force (held-out error ${pct(v.inForce.mapeBefore)} → ${pct(v.inForce.mapeAfter)}): ` +
    `${faster} ${faster === 1 ? 'road' : 'roads'} faster, ${slower} slower than the default model.`
  );
}

/** A road's title: how its journey times changed. */
export function calibrationTitle(r: CalibrationRoad): string {
  return `${r.change === 'faster' ? 'Faster' : 'Slower'} than the default model: speed ×${r.factor.toFixed(2)} (${r.highway})`;
}

export class CalibrationLayer {
  readonly group = L.layerGroup();
  private renderer: L.Renderer | null = null;
  private control: L.Control | null = null;
  private box: HTMLElement | null = null;
  private shown = false;
  private legend = '';
  /** Lines drawn now. */
  marks: CalibrationMark[] = [];

  /** `load` reads GET /api/calibration (the roads changed most). */
  constructor(private readonly load: () => Promise<ApiResult>) {}

  addTo(map: L.Map): this {
    const pane = map.getPane('jcr-calibration') ?? map.createPane('jcr-calibration');
    pane.style.zIndex = '360';
    pane.style.pointerEvents = 'none';
    this.renderer = L.svg({ pane: 'jcr-calibration', padding: 0.3 });
    this.group.addTo(map);
    const Ctl = L.Control.extend({
      onAdd: () => {
        const el = L.DomUtil.create('div', 'jcr-calibration-control leaflet-bar');
        L.DomEvent.disableClickPropagation(el);
        this.box = el;
        this.renderBox();
        return el;
      },
    });
    this.control = new Ctl({ position: 'topright' });
    this.control.addTo(map);
    return this;
  }

  remove(): void {
    this.control?.remove();
    this.group.remove();
  }

  /** Turn the layer on (reads it afresh) or off. */
  async setShown(on: boolean): Promise<void> {
    this.shown = on;
    if (!on) {
      this.group.clearLayers();
      this.marks = [];
      this.legend = '';
      this.renderBox();
      return;
    }
    this.legend = 'Reading the calibration…';
    this.renderBox();
    const r = await this.load();
    if (!this.shown) return;
    const v = r.ok ? parseCalibration(r.body) : null;
    if (!v) {
      this.legend = r.ok ? 'The calibration could not be read.' : `The calibration could not be read: ${r.message}`;
      this.renderBox();
      return;
    }
    this.draw(v);
    this.legend = calibrationLegend(v);
    this.renderBox();
  }

  private draw(v: CalibrationView): void {
    this.group.clearLayers();
    this.marks = [];
    const renderer = this.renderer;
    if (!renderer) return;
    for (const r of v.roads) {
      const title = calibrationTitle(r);
      const line = L.polyline(r.line, {
        renderer,
        className: `jcr-calibration-road ${r.change}`,
        color: CALIBRATION_COLOUR[r.change],
        weight: Math.min(8, 2 + 6 * Math.abs(Math.log(r.factor))),
        opacity: 0.85,
        interactive: false,
      });
      this.group.addLayer(line);
      const el = line.getElement();
      if (el) {
        el.setAttribute('data-road', String(r.road));
        const t = document.createElementNS('http://www.w3.org/2000/svg', 'title');
        t.textContent = title;
        el.appendChild(t);
      }
      this.marks.push({ road: r.road, factor: r.factor, change: r.change, title, points: r.line.length });
    }
  }

  private renderBox(): void {
    if (!this.box) return;
    render(
      html`<label
          ><input
            type="checkbox"
            name="calibration"
            .checked=${this.shown}
            @change=${(e: Event) => void this.setShown((e.target as HTMLInputElement).checked)}
          />
          Journey-time calibration</label
        >${
          this.legend
            ? html`<p class="jcr-calibration-legend" role="status">
                ${this.legend}
                ${
                  this.shown && this.marks.length > 0
                    ? html`<br /><span class="key faster">━ faster</span> <span class="key slower">━ slower</span>`
                    : nothing
                }
              </p>`
            : nothing
        }`,
      this.box,
    );
  }
}
