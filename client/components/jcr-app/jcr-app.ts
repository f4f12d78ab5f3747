/**
 * <jcr-app>: the screen. Dispatcher view: header (KPI strip, connection state), the map, and a
 * side panel with tabs for incidents, resources and cover. Wall view (/?view=wall): read-only,
 * large type, high contrast, whole county, no controls.
 *
 * It is also the one place that turns the panels' events into server commands (client/state/api.ts)
 * and the answers into store writes and messages. Keyboard shortcuts: docs/screens.md.
 */
import { LitElement, html, nothing } from 'lit';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { agencyLabel } from '../../format.ts';
import { AGENCY_SHAPE_NAME, STATUS_LABEL } from '../../map/symbols.ts';
import { SYNTHETIC_LABEL } from '../../map/basemap-layer.ts';
import type { ApiResult } from '../../state/api.ts';
import {
  parseCoverMoves,
  parseStandbyMove,
  parseIncident,
  parseRecommendation,
  parseResource,
  parseResources,
} from '../../state/parse.ts';
import { AGENCIES, STATUSES, type CoverMoveSuggestion } from '../../state/types.ts';
import { symbolSvg } from '../symbol-svg.ts';
import type {
  IncidentCreateDetail,
  JcrIncidentPanel,
  MobiliseDetail,
  RecommendationRefreshDetail,
} from '../jcr-incident-panel/jcr-incident-panel.ts';
import type { JcrResourceBoard, StatusSetDetail } from '../jcr-resource-board/jcr-resource-board.ts';
import type { StandbyApplyDetail, StandbyCancelDetail } from '../jcr-cover-panel/jcr-cover-panel.ts';
import type { JcrMap } from '../jcr-map/jcr-map.ts';
import '../jcr-map/jcr-map.ts';
import '../jcr-connection-indicator/jcr-connection-indicator.ts';
import '../jcr-kpi-strip/jcr-kpi-strip.ts';
import '../jcr-resource-board/jcr-resource-board.ts';
import '../jcr-incident-queue/jcr-incident-queue.ts';
import '../jcr-incident-panel/jcr-incident-panel.ts';
import '../jcr-cover-panel/jcr-cover-panel.ts';

type Tab = 'incidents' | 'resources' | 'cover';
const TABS: { id: Tab; label: string; key: string }[] = [
  { id: 'incidents', label: 'Incidents', key: 'Q' },
  { id: 'resources', label: 'Resources', key: '/' },
  { id: 'cover', label: 'Cover', key: 'C' },
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class JcrApp extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    tab: { state: true },
    incidentMessage: { state: true },
    coverMessage: { state: true },
    coverMoves: { state: true },
    coverMovesError: { state: true },
    coverBusy: { state: true },
    coverUndo: { state: true },
    busy: { state: true },
    help: { state: true },
  };
  ctx!: AppContext;
  tab: Tab = 'incidents';
  incidentMessage = '';
  coverMessage = '';
  /** Suggested standby moves for the cover panel (null = not fetched for this cover picture). */
  coverMoves: CoverMoveSuggestion[] | null = null;
  coverMovesError = '';
  coverBusy = false;
  /** The standby move just cancelled, offered for re-applying (the undo of a cancel). */
  coverUndo: StandbyApplyDetail | null = null;
  /** moveIds cancelled (or found ended) from this screen: hidden even if a cover answer already in flight lists them. */
  private coverCancelled = new Set<string>();
  /** The cover picture (computedAtMs|eventSeq) the suggestions were fetched for. */
  private movesFor = '';
  private movesInFlight = false;
  private unsubCover: (() => void) | null = null;
  busy = false;
  help = false;
  private lastIncidentId: string | null = null;

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['scenario', 'selection']);
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.body.classList.toggle('wall', this.ctx.view === 'wall');
    if (this.ctx.view !== 'wall') document.addEventListener('keydown', this.onKey);
    // A new cover picture makes the suggestions stale: fetch again while the cover panel is open.
    this.unsubCover = this.ctx.store.subscribe(['cover'], () => void this.refreshMoves(false));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('keydown', this.onKey);
    this.unsubCover?.();
    this.unsubCover = null;
  }

  protected override updated(): void {
    if (this.tab === 'cover') void this.refreshMoves(false);
    // A newly selected incident: show it and ask for its recommendation.
    const id = this.ctx.store.selection.incidentId;
    if (id !== this.lastIncidentId) {
      this.lastIncidentId = id;
      if (id) {
        this.tab = 'incidents';
        void this.fetchRecommendation(id);
      }
    }
  }

  private async fetchRecommendation(incidentId: string): Promise<void> {
    const s = this.ctx.store;
    if (!s.capabilities.incidents) return;
    if (!s.capabilities.recommendations) return;
    const r = await this.ctx.api.recommendation(incidentId);
    if (r.ok) {
      const rec = parseRecommendation(
        r.body,
        incidentId,
        new Map((s.scenario?.standards ?? []).map((x) => [x.id, x.name])),
      );
      if (rec) s.setRecommendation(rec);
    } else this.incidentMessage = `Recommendation: ${errText(r)}`;
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    const t = e.composedPath()[0];
    const typing =
      t instanceof HTMLElement &&
      (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      this.querySelector<JcrIncidentPanel>('jcr-incident-panel')?.mobiliseRecommended();
      e.preventDefault();
      return;
    }
    if (e.key === 'Escape') {
      if (this.help) this.help = false;
      else this.ctx.store.select({ incidentId: null, resourceId: null, point: null });
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    switch (e.key) {
      case 'n':
      case 'N':
        this.tab = 'incidents';
        void this.updateComplete.then(() => this.querySelector<JcrIncidentPanel>('jcr-incident-panel')?.focusCreate());
        break;
      case 'q':
      case 'Q':
        this.tab = 'incidents';
        void this.updateComplete.then(() => {
          const q = this.querySelector('jcr-incident-queue');
          (
            q?.shadowRoot?.querySelector<HTMLElement>('button') ?? this.querySelector<HTMLElement>('#tab-incidents')
          )?.focus();
        });
        break;
      case '/':
        this.tab = 'resources';
        void this.updateComplete.then(() => this.querySelector<JcrResourceBoard>('jcr-resource-board')?.focusFilter());
        break;
      case 'c':
      case 'C':
        this.tab = 'cover';
        void this.updateComplete.then(() => this.querySelector<HTMLElement>('#tab-cover')?.focus());
        break;
      case 'm':
      case 'M':
        this.querySelector<JcrMap>('jcr-map')?.focusMap();
        break;
      case '?':
        this.help = !this.help;
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  private async onCreate(e: CustomEvent<IncidentCreateDetail>): Promise<void> {
    const s = this.ctx.store;
    this.busy = true;
    this.incidentMessage = 'Creating incident…';
    const r = await this.ctx.api.createIncident({
      typeId: e.detail.typeId,
      lat: e.detail.lat,
      lon: e.detail.lon,
      ...(e.detail.address ? { address: e.detail.address } : {}),
    });
    this.busy = false;
    if (!r.ok) {
      this.incidentMessage = `Incident not created: ${errText(r)}`;
      return;
    }
    const body = isRecord(r.body) && isRecord(r.body['incident']) ? r.body['incident'] : r.body;
    const inc = isRecord(body)
      ? parseIncident(body, new Map((s.scenario?.incidentTypes ?? []).map((t) => [t.id, t.name])))
      : undefined;
    if (!inc) {
      this.incidentMessage = 'Incident created, but the answer could not be read.';
      return;
    }
    s.upsertIncident(inc);
    s.select({ incidentId: inc.id, point: null });
    this.incidentMessage = `Incident ${inc.id} created.`;
  }

  private async onMobilise(e: CustomEvent<MobiliseDetail>): Promise<void> {
    const s = this.ctx.store;
    const d = e.detail;
    const rec = s.recommendations.get(d.incidentId);
    this.busy = true;
    this.incidentMessage = 'Mobilising…';
    const r = await this.ctx.api.mobilise(d.incidentId, d.resourceIds, d.reason, rec?.seq ?? null);
    this.busy = false;
    if (!r.ok) {
      this.incidentMessage = `Not mobilised: ${errText(r)}`;
      return;
    }
    const ids = d.resourceIds ?? rec?.resources.map((x) => x.resourceId) ?? [];
    const names = ids.map((id) => s.resources.get(id)?.callSign ?? id).join(', ');
    this.incidentMessage = `Mobilised ${names || 'the recommendation'} to ${d.incidentId}${d.reason ? ' (reason recorded)' : ''}.`;
    // The recommendation is now out of date: drop it; "Get recommendation" asks for a fresh one.
    s.clearRecommendation(d.incidentId);
    if (isRecord(r.body) && isRecord(r.body['incident'])) {
      const inc = parseIncident(
        r.body['incident'],
        new Map((s.scenario?.incidentTypes ?? []).map((t) => [t.id, t.name])),
      );
      if (inc) s.upsertIncident(inc);
    }
    const res = await this.ctx.api.resources();
    if (res.ok) {
      const { seq, resources } = parseResources(res.body);
      s.replaceResources(resources, seq);
    }
  }

  private async onStatusSet(e: CustomEvent<StatusSetDetail>): Promise<void> {
    const s = this.ctx.store;
    const r = await this.ctx.api.setStatus(e.detail.resourceId, e.detail.status);
    const cs = s.resources.get(e.detail.resourceId)?.callSign ?? e.detail.resourceId;
    if (!r.ok) {
      this.incidentMessage = `${cs}: status not changed: ${errText(r)}`;
      return;
    }
    if (isRecord(r.body) && isRecord(r.body['resource'])) {
      const res = parseResource(r.body['resource']);
      if (res) s.upsertResources([res]);
    }
  }

  /**
   * Fetch the suggested standby moves for the current cover picture, when the cover panel is
   * open (the server computes them on demand). `force` asks again for the same picture.
   */
  private async refreshMoves(force: boolean): Promise<void> {
    const s = this.ctx.store;
    const c = s.cover;
    if (this.ctx.view === 'wall' || this.tab !== 'cover' || !s.capabilities.cover || !c || this.movesInFlight) return;
    const key = `${c.computedAtMs}|${c.eventSeq}`;
    if (!force && key === this.movesFor) return;
    this.movesFor = key;
    this.movesInFlight = true;
    const r = await this.ctx.api.coverMoves();
    this.movesInFlight = false;
    if (r.ok) {
      this.coverMoves = parseCoverMoves(r.body);
      this.coverMovesError = '';
    } else {
      this.coverMovesError = `Suggestions not available: ${errText(r)}`;
      this.coverMoves = [];
    }
  }

  private async onStandbyApply(e: CustomEvent<StandbyApplyDetail>): Promise<void> {
    const s = this.ctx.store;
    const d = e.detail;
    const dest =
      d.destinationName ??
      this.coverMoves?.find((m) => m.resourceId === d.resourceId && m.destination.id === d.destinationId)?.destination
        .name ??
      d.destinationId;
    this.coverBusy = true;
    this.coverMessage = `Ordering ${d.callSign} to ${dest}…`;
    const r = await this.ctx.api.applyStandbyMove(d.resourceId, d.destinationId);
    this.coverBusy = false;
    if (!r.ok) {
      this.coverMessage = `Standby move not applied: ${errText(r)}`;
      return;
    }
    this.coverMessage = `Standby move applied: ${d.callSign} to ${dest}.`;
    this.coverUndo = null;
    // The move is recorded: show it now rather than at the next poll. The server's cover picture
    // is recomputed after a short debounce, so the answer's own `move` goes into the list now.
    const move = isRecord(r.body) && isRecord(r.body['move']) ? parseStandbyMove(r.body['move']) : undefined;
    const c = s.cover;
    if (move && c) s.setCover({ ...c, standby: [...c.standby.filter((x) => x.resourceId !== move.resourceId), move] });
    const res = await this.ctx.api.resources();
    if (res.ok) {
      const { seq, resources } = parseResources(res.body);
      s.replaceResources(resources, seq);
    }
    await this.refreshMoves(true);
  }

  /** Cancel a standby move in progress: no confirmation, the panel then offers to re-apply it. */
  private async onStandbyCancel(e: CustomEvent<StandbyCancelDetail>): Promise<void> {
    const s = this.ctx.store;
    const d = e.detail;
    this.coverBusy = true;
    this.coverUndo = null;
    this.coverMessage = `Cancelling the standby move of ${d.callSign} to ${d.destinationName}…`;
    const r = await this.ctx.api.cancelStandbyMove(d.resourceId);
    this.coverBusy = false;
    if (!r.ok) {
      this.coverMessage = `Standby move not cancelled: ${errText(r)}`;
      // Already ended (arrived, mobilised, cancelled elsewhere): stop showing it as in progress.
      if (r.code === 'JCR_COVER_NO_STANDBY') this.coverCancelled = new Set([...this.coverCancelled, d.moveId]);
      return;
    }
    this.coverMessage = `Standby move cancelled: ${d.callSign} to ${d.destinationName}. ${d.callSign} stays available mobile.`;
    this.coverUndo = {
      resourceId: d.resourceId,
      destinationId: d.destinationId,
      callSign: d.callSign,
      destinationName: d.destinationName,
    };
    this.coverCancelled = new Set([...this.coverCancelled, d.moveId]);
    const c = s.cover;
    if (c) s.setCover({ ...c, standby: c.standby.filter((x) => x.moveId !== d.moveId) });
    await this.refreshMoves(true);
  }

  private onTabKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = TABS.findIndex((t) => t.id === this.tab);
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
    if (!next) return;
    this.tab = next.id;
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(`#tab-${next.id}`)?.focus());
    e.preventDefault();
  }

  private legend() {
    return html`<section class="legend" aria-label="Legend">
      <ul>
        ${AGENCIES.map((a) => html`<li>${symbolSvg(a, 'AVAILABLE_AT_STATION', false)} ${agencyLabel(a)} (${AGENCY_SHAPE_NAME[a]})</li>`)}
      </ul>
      <ul>
        ${STATUSES.map((st) => html`<li>${symbolSvg('ambulance', st, false)} ${STATUS_LABEL[st]}</li>`)}
        <li>${symbolSvg('ambulance', 'AVAILABLE_MOBILE', true)} No recent position (stale)</li>
        <li><span class="tick-sample" aria-hidden="true"></span> Heading (tick, when moving)</li>
        <li><span class="direct-sample" aria-hidden="true"></span> Direct line, route not known</li>
      </ul>
    </section>`;
  }

  override render() {
    const c = this.ctx;
    const s = c.store;
    const wall = c.view === 'wall';
    const sc = s.scenario;
    return html`
      <header class="top">
        <h1>Joint control room${sc ? html` <span class="scenario">— ${sc.name}</span>` : nothing}</h1>
        ${sc?.network.synthetic ? html`<span class="synthetic" title=${sc.network.attribution}>Map: ${SYNTHETIC_LABEL}</span>` : nothing}
        <jcr-kpi-strip .ctx=${c}></jcr-kpi-strip>
        <jcr-connection-indicator .ctx=${c}></jcr-connection-indicator>
        ${wall ? nothing : html`<button type="button" class="help-btn" aria-expanded=${this.help ? 'true' : 'false'} @click=${() => (this.help = !this.help)}>Keys (?)</button>`}
      </header>
      <main class="body">
        <jcr-map .ctx=${c}></jcr-map>
        ${
          wall
            ? html`<aside class="side wall-side" aria-label="Open incidents">
                <h2>Open incidents</h2>
                <jcr-incident-queue .ctx=${c}></jcr-incident-queue>
                ${this.legend()}
              </aside>`
            : html`<aside
                class="side"
                @jcr-incident-create=${(e: CustomEvent<IncidentCreateDetail>) => void this.onCreate(e)}
                @jcr-mobilise=${(e: CustomEvent<MobiliseDetail>) => void this.onMobilise(e)}
                @jcr-recommendation-refresh=${(e: CustomEvent<RecommendationRefreshDetail>) => void this.fetchRecommendation(e.detail.incidentId)}
                @jcr-status-set=${(e: CustomEvent<StatusSetDetail>) => void this.onStatusSet(e)}
                @jcr-standby-apply=${(e: CustomEvent<StandbyApplyDetail>) => void this.onStandbyApply(e)}
                @jcr-standby-cancel=${(e: CustomEvent<StandbyCancelDetail>) => void this.onStandbyCancel(e)}
                @jcr-cover-moves-refresh=${() => void this.refreshMoves(true)}
              >
                <div role="tablist" aria-label="Panels" @keydown=${this.onTabKey}>
                  ${TABS.map(
                    (t) =>
                      html`<button
                        role="tab"
                        id=${`tab-${t.id}`}
                        aria-controls=${`panel-${t.id}`}
                        aria-selected=${this.tab === t.id ? 'true' : 'false'}
                        tabindex=${this.tab === t.id ? '0' : '-1'}
                        aria-keyshortcuts=${t.key}
                        @click=${() => (this.tab = t.id)}
                      >
                        ${t.label} <kbd>${t.key}</kbd>
                      </button>`,
                  )}
                </div>
                <section
                  id="panel-incidents"
                  role="tabpanel"
                  aria-labelledby="tab-incidents"
                  ?hidden=${this.tab !== 'incidents'}
                >
                  <jcr-incident-queue .ctx=${c}></jcr-incident-queue>
                  <jcr-incident-panel
                    .ctx=${c}
                    .message=${this.incidentMessage}
                    .busy=${this.busy}
                  ></jcr-incident-panel>
                </section>
                <section
                  id="panel-resources"
                  role="tabpanel"
                  aria-labelledby="tab-resources"
                  ?hidden=${this.tab !== 'resources'}
                >
                  <jcr-resource-board .ctx=${c} .active=${this.tab === 'resources'}></jcr-resource-board>
                </section>
                <section id="panel-cover" role="tabpanel" aria-labelledby="tab-cover" ?hidden=${this.tab !== 'cover'}>
                  <jcr-cover-panel
                    .ctx=${c}
                    .message=${this.coverMessage}
                    .moves=${this.coverMoves}
                    .movesError=${this.coverMovesError}
                    .busy=${this.coverBusy}
                    .undo=${this.coverUndo}
                    .cancelled=${this.coverCancelled}
                  ></jcr-cover-panel>
                </section>
                ${
                  this.help
                    ? html`<section class="help" aria-label="Keyboard shortcuts">
                        <h2>Keyboard</h2>
                        <dl>
                          <dt>N</dt>
                          <dd>New incident</dd>
                          <dt>Q</dt>
                          <dd>Incident queue</dd>
                          <dt>/</dt>
                          <dd>Filter the resource board</dd>
                          <dt>C</dt>
                          <dd>Cover panel</dd>
                          <dt>M</dt>
                          <dd>Focus the map (arrows pan, + and − zoom, Enter picks the centre)</dd>
                          <dt>Ctrl+Enter</dt>
                          <dd>Mobilise the recommendation</dd>
                          <dt>Esc</dt>
                          <dd>Clear the selection</dd>
                          <dt>?</dt>
                          <dd>This help</dd>
                        </dl>
                      </section>`
                    : nothing
                }
                <details class="legend-box">
                  <summary>Legend</summary>
                  ${this.legend()}
                </details>
              </aside>`
        }
      </main>
    `;
  }
}
customElements.define('jcr-app', JcrApp);

function errText(r: ApiResult): string {
  if (r.ok) return '';
  if (r.code === 'JCR_NOT_AVAILABLE') return `${r.message} (not built yet)`;
  return `${r.message} [${r.code}]`;
}
