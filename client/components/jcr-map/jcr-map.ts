/**
 * <jcr-map>: the one Leaflet map. It renders into light DOM (Leaflet's CSS is global) and wires
 * the layers, which are thin adapters over the store (client/map/). In the dispatcher view a click
 * on a resource selects it, a click elsewhere picks the point for a new incident, and Enter on the
 * focused map picks its centre. The wall view is fixed on the whole county with no controls.
 * Partner rooms' resources attending our incidents are a layer of their own (issue 18).
 */
import * as L from 'leaflet';
import { LitElement, html } from 'lit';
import type { AppContext } from '../../context.ts';
import { PartnerResourcesController } from '../../controllers/partner-resources-controller.ts';
import { BasemapLayer, parseBasemap, parseTileSetting } from '../../map/basemap-layer.ts';
import { CalibrationLayer, type CalibrationMark } from '../../map/calibration-layer.ts';
import { CoverLayer } from '../../map/cover-layer.ts';
import { IncidentsLayer } from '../../map/incidents-layer.ts';
import { parseMapLabels } from '../../map/label-placement.ts';
import { LabelsLayer, type LabelBox } from '../../map/labels-layer.ts';
import { PartnerResourcesLayer, type PartnerMark } from '../../map/partner-resources-layer.ts';
import { ResourcesLayer } from '../../map/resources-layer.ts';
import { RoutesLayer } from '../../map/routes-layer.ts';
import { SnapLayer, type SnapMark } from '../../map/snap-layer.ts';

export interface MapStats {
  resourcesDrawn: number;
  drawnByStatus: Record<string, number>;
  draws: number;
  lastDrawMs: number;
  drawMs: number[];
  roadLines: number;
  incidentMarkers: number;
  /** Cover gap polygons on the map. */
  gapPolygons: number;
  zoom: number;
  /** Call-sign labels drawn in the last redraw (zoom >= 13; view and margin). */
  labelsDrawn: number;
  /** Call signs left out of the last redraw: no free spot round their symbol. */
  labelsDropped: number;
  /** Town and road labels drawn by the last placement (view and margin), and how many exist. */
  placeLabels: number;
  placeLabelCandidates: number;
  /** Placements run (zoom and move ends), the last one's zoom (null before the first) and time. */
  labelPlacements: number;
  labelZoom: number | null;
  lastPlaceMs: number;
  /** Recent placement times, ms (work over all slices), and each one's longest slice (what a frame waits for). */
  placeMs: number[];
  placeSliceMs: number[];
  /** Snapped points drawn (incidents', the picked point's) and whether each is linked to its point. */
  snapMarks: SnapMark[];
  /** Partner rooms' resources on the map, and how many times their list has been read. */
  partnerMarks: PartnerMark[];
  partnerReads: number;
  /** The calibration layer's roads drawn now (empty while it is off). */
  calibrationMarks: CalibrationMark[];
}

export class JcrMap extends LitElement {
  static override properties = { ctx: { attribute: false } };
  ctx!: AppContext;
  private map: L.Map | null = null;
  private resources: ResourcesLayer | null = null;
  private labels: LabelsLayer | null = null;
  private basemap: BasemapLayer | null = null;
  private incidents: IncidentsLayer | null = null;
  private cover: CoverLayer | null = null;
  private snaps: SnapLayer | null = null;
  private partners: PartnerResourcesLayer | null = null;
  private calibration: CalibrationLayer | null = null;
  private readonly partnerFeed = new PartnerResourcesController(this, () => this.ctx);
  private pick: L.Marker | null = null;
  private unsub: (() => void)[] = [];
  private fitted = false;
  private resizeObs: ResizeObserver | null = null;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override render() {
    return html`<div
      class="jcr-map-canvas"
      role="application"
      aria-label=${this.ctx.view === 'wall' ? 'County map' : 'Map. Arrow keys pan, plus and minus zoom, Enter picks the centre for a new incident.'}
    ></div>`;
  }

  protected override firstUpdated(): void {
    const el = this.querySelector<HTMLDivElement>('.jcr-map-canvas');
    if (!el) return;
    const wall = this.ctx.view === 'wall';
    const store = this.ctx.store;
    const map = L.map(el, {
      zoomControl: !wall,
      attributionControl: true,
      keyboard: !wall,
      dragging: !wall,
      scrollWheelZoom: !wall,
      doubleClickZoom: !wall,
      boxZoom: !wall,
      touchZoom: !wall,
      zoomSnap: wall ? 0.1 : 0.5,
      preferCanvas: true,
      minZoom: 7,
      maxZoom: 18,
    });
    this.map = map;
    map.attributionControl.setPrefix(false);
    map.setView([51.8, -0.25], 10);
    const basePane = map.createPane('jcr-basemap');
    basePane.style.zIndex = '250';
    const baseRenderer = L.canvas({ pane: 'jcr-basemap', padding: 0.3 });
    const overlayRenderer = L.canvas({ padding: 0.3 });

    this.basemap = new BasemapLayer(baseRenderer).addTo(map);
    this.cover = new CoverLayer(store).addTo(map);
    new RoutesLayer(store, overlayRenderer).addTo(map);
    // The wall never pans: no margin to draw.
    this.resources = new ResourcesLayer(store, {
      size: wall ? 22 : 18,
      labelsFromZoom: wall ? 99 : 13,
      pad: wall ? 0 : 0.25,
    });
    this.resources.addTo(map);
    const resources = this.resources;
    this.labels = new LabelsLayer(() => resources.requestDraw(), { pad: wall ? 0 : 0.25 });
    this.labels.addTo(map);
    resources.neighbours = this.labels;
    this.snaps = new SnapLayer(store).addTo(map);
    this.incidents = new IncidentsLayer(store, (id) => store.select({ incidentId: id }), !wall).addTo(map);
    const partners = (this.partners = new PartnerResourcesLayer().addTo(map));
    this.partnerFeed.onChange((list) => partners.set(list));
    // Where calibration changed journey times: a desk's layer, off until asked for (issue 19).
    if (!wall) this.calibration = new CalibrationLayer(() => this.ctx.api.calibration()).addTo(map);

    this.unsub.push(store.subscribe(['scenario'], () => this.onScenario()));
    this.unsub.push(store.subscribe(['selection'], () => this.onSelection()));
    if (store.scenario) this.onScenario();

    if (!wall) {
      map.on('click', (e: L.LeafletMouseEvent) => {
        const id = this.resources?.hit(e.containerPoint.x, e.containerPoint.y);
        if (id) store.select({ resourceId: id });
        else store.select({ point: { lat: e.latlng.lat, lon: e.latlng.lng } });
      });
      el.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && e.target === el) {
          const c = map.getCenter();
          store.select({ point: { lat: c.lat, lon: c.lng } });
          e.preventDefault();
        }
      });
    }
    this.resizeObs = new ResizeObserver(() => {
      map.invalidateSize();
      if (wall) this.fitCounty();
    });
    this.resizeObs.observe(el);
    void this.loadBasemap();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const u of this.unsub) u();
    this.unsub = [];
    this.resizeObs?.disconnect();
    this.incidents?.remove();
    this.snaps?.remove();
    this.partners?.remove();
    this.calibration?.remove();
    this.cover?.remove();
    this.map?.remove();
    this.map = null;
  }

  private async loadBasemap(): Promise<void> {
    const [cfg, bm, labels] = await Promise.all([
      this.ctx.api.uiConfig(),
      this.ctx.api.basemap(),
      this.ctx.api.mapLabels(),
    ]);
    if (cfg.ok) this.basemap?.setTiles(parseTileSetting(cfg.body));
    if (labels.ok) {
      const l = parseMapLabels(labels.body);
      if (l) this.labels?.setLabels(l);
    }
    if (bm.ok) {
      const d = parseBasemap(bm.body);
      if (d) this.basemap?.setBasemap(d);
    }
  }

  private onScenario(): void {
    const s = this.ctx.store.scenario;
    if (!s || !this.map) return;
    this.basemap?.setScenario(s, true);
    const b = s.bounds;
    const pad = 0.25;
    const dLat = (b.north - b.south) * pad;
    const dLon = (b.east - b.west) * pad;
    this.map.setMaxBounds([
      [b.south - dLat, b.west - dLon],
      [b.north + dLat, b.east + dLon],
    ]);
    if (!this.fitted) {
      this.fitted = true;
      this.fitCounty();
    }
  }

  fitCounty(): void {
    const s = this.ctx.store.scenario;
    if (!s || !this.map) return;
    const b = s.bounds;
    this.map.fitBounds(
      [
        [b.south, b.west],
        [b.north, b.east],
      ],
      { animate: false, padding: [8, 8] },
    );
  }

  private onSelection(): void {
    const map = this.map;
    if (!map) return;
    const sel = this.ctx.store.selection;
    const p = sel.point;
    if (p && this.ctx.view !== 'wall') {
      if (!this.pick) {
        this.pick = L.marker([p.lat, p.lon], {
          icon: L.divIcon({ className: 'jcr-pick', html: '<span>+</span>', iconSize: [30, 30], iconAnchor: [15, 15] }),
          title: 'New incident location',
          keyboard: false,
          interactive: false,
        }).addTo(map);
      } else this.pick.setLatLng([p.lat, p.lon]);
      // A point found by the place search may be off screen: bring it into view.
      if (!map.getBounds().contains([p.lat, p.lon])) map.panTo([p.lat, p.lon], { animate: false });
    } else if (this.pick) {
      this.pick.remove();
      this.pick = null;
    }
    if (sel.incidentId) {
      const inc = this.ctx.store.incidents.get(sel.incidentId);
      if (inc && !map.getBounds().pad(-0.1).contains([inc.lat, inc.lon])) map.panTo([inc.lat, inc.lon]);
    }
  }

  focusMap(): void {
    this.querySelector<HTMLElement>('.jcr-map-canvas')?.focus();
  }

  stats(): MapStats {
    const st = this.resources?.stats;
    return {
      resourcesDrawn: st?.drawn ?? 0,
      drawnByStatus: { ...(st?.drawnByStatus ?? {}) },
      draws: st?.draws ?? 0,
      lastDrawMs: st?.lastDrawMs ?? 0,
      drawMs: st ? [...st.drawMs] : [],
      roadLines: this.basemap?.roadLines ?? 0,
      incidentMarkers: this.querySelectorAll('.jcr-incident').length,
      gapPolygons: this.cover?.polygons ?? 0,
      zoom: this.map?.getZoom() ?? 0,
      labelsDrawn: st?.labelled ?? 0,
      labelsDropped: st?.labelsDropped ?? 0,
      placeLabels: this.labels?.stats.placed ?? 0,
      placeLabelCandidates: this.labels?.candidates ?? 0,
      labelPlacements: this.labels?.stats.placements ?? 0,
      labelZoom: Number.isNaN(this.labels?.stats.zoom ?? Number.NaN) ? null : (this.labels?.stats.zoom ?? null),
      lastPlaceMs: this.labels?.stats.lastPlaceMs ?? 0,
      placeMs: [...(this.labels?.stats.placeMs ?? [])],
      placeSliceMs: [...(this.labels?.stats.sliceMs ?? [])],
      snapMarks: [...(this.snaps?.marks ?? [])],
      partnerMarks: this.partners?.marks ?? [],
      partnerReads: this.partnerFeed.reads,
      calibrationMarks: [...(this.calibration?.marks ?? [])],
    };
  }

  /** Every label box on the map now, town and road labels then call signs (container px). */
  labelBoxes(): LabelBox[] {
    return [...(this.labels?.boxes() ?? []), ...(this.resources?.callSignBoxes() ?? [])];
  }
}
customElements.define('jcr-map', JcrMap);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-map': JcrMap;
  }
}
