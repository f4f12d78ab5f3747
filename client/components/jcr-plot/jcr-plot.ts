/**
 * <jcr-plot>: one uPlot chart (bundled, no CDN) from a PlotSpec. uPlot draws on a canvas and
 * sizes its parts through the CSSOM (element.style), both allowed by the page's CSP; its own
 * stylesheet is bundled into app.css, so the element renders into light DOM (as <jcr-map> does
 * for Leaflet) where that stylesheet applies. The chart is made again when the spec changes,
 * follows the element's width, and is destroyed when the element leaves the page.
 *
 * Properties: `spec`. Attributes it sets for tests: `data-series` (series drawn, the x values
 * not counted), `data-points` (x values).
 */
import { LitElement } from 'lit';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** What to draw: uPlot's options less the size (the element decides it) and the aligned data. */
export interface PlotSpec {
  title: string;
  opts: Omit<uPlot.Options, 'width' | 'height' | 'title'>;
  data: uPlot.AlignedData;
  /** Plot height in CSS px (default 220). */
  height?: number;
}

export class JcrPlot extends LitElement {
  static override properties = { spec: { attribute: false } };
  spec: PlotSpec | null = null;
  private chart: uPlot | null = null;
  private resize: ResizeObserver | null = null;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** The chart drawn now (tests and the bench read it). */
  get plot(): uPlot | null {
    return this.chart;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize = new ResizeObserver(() => {
      const w = this.width();
      if (this.chart && Math.abs(this.chart.width - w) > 1) this.chart.setSize({ width: w, height: this.chart.height });
    });
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.resize = null;
    this.chart?.destroy();
    this.chart = null;
  }

  private width(): number {
    return Math.max(240, Math.floor(this.clientWidth || 480));
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (!changed.has('spec')) return;
    this.chart?.destroy();
    this.chart = null;
    const s = this.spec;
    if (!s) return;
    // Axis text in the theme's colour (the dark theme too): read it from the page.
    const ink = getComputedStyle(this).color || '#111';
    const axes = (s.opts.axes ?? [{}, {}]).map((a) => ({
      stroke: ink,
      ...a,
      grid: { stroke: 'rgba(128,128,128,0.25)', ...a.grid },
    }));
    this.chart = new uPlot(
      { ...s.opts, axes, title: s.title, width: this.width(), height: s.height ?? 220 },
      s.data,
      this,
    );
    this.dataset.series = String(this.chart.series.length - 1);
    this.dataset.points = String(s.data[0]?.length ?? 0);
  }
}
customElements.define('jcr-plot', JcrPlot);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-plot': JcrPlot;
  }
}
