/**
 * <jcr-app>: the screen. Dispatcher view: header (KPI strip, connection state), the map, and a
 * side panel with tabs for incidents, resources and cover. Wall view (/?view=wall): read-only,
 * large type, high contrast, whole county, no controls.
 *
 * The panels' events become server commands here (client/state/commands.ts); the cover panel's
 * state lives in its controller (client/controllers/cover-panel-controller.ts), the templates in
 * ./layout.ts and the keyboard shortcuts in ./shortcuts.ts (docs/screens.md).
 */
import { LitElement, html, nothing } from 'lit';
import { CoverPanelController } from '../../controllers/cover-panel-controller.ts';
import { InboxController } from '../../controllers/inbox-controller.ts';
import { IncidentDetailController } from '../../controllers/incident-detail-controller.ts';
import { StoreController } from '../../controllers/store-controller.ts';
import { ThemeController } from '../../controllers/theme-controller.ts';
import type { AppContext } from '../../context.ts';
import {
  createIncident,
  fetchRecommendation,
  mobilise,
  setStatus,
  type CommandOutput,
  type CreateOutcome,
} from '../../state/commands.ts';
import type {
  IncidentCreateDetail,
  MobiliseDetail,
  RecommendationRefreshDetail,
} from '../jcr-incident-panel/jcr-incident-panel.ts';
import type { StatusSetDetail } from '../jcr-resource-board/jcr-resource-board.ts';
import type { StandbyApplyDetail, StandbyCancelDetail } from '../jcr-cover-panel/jcr-cover-panel.ts';
import type { RequestAnswerDetail, RequestOpenDetail } from '../jcr-request-inbox/jcr-request-inbox.ts';
import type { TransferAnswerDetail } from '../jcr-transfer-inbox/jcr-transfer-inbox.ts';
import type {
  AttendanceBookDetail,
  IncidentCloseDetail,
  LineRemoveDetail,
  LineSetDetail,
  MethaneRecordDetail,
  NoteAddDetail,
  QuickerSwapDetail,
} from '../jcr-incident-detail/jcr-incident-detail.ts';
import { mayOnIncident } from '../../state/permissions.ts';
import { keysHelp, legend, tabList, topBar, TABS, type Tab } from './layout.ts';
import { ShortcutsController } from './shortcuts.ts';
import '../jcr-map/jcr-map.ts';
import '../jcr-connection-indicator/jcr-connection-indicator.ts';
import '../jcr-kpi-strip/jcr-kpi-strip.ts';
import '../jcr-resource-board/jcr-resource-board.ts';
import '../jcr-incident-queue/jcr-incident-queue.ts';
import '../jcr-incident-panel/jcr-incident-panel.ts';
import '../jcr-cover-panel/jcr-cover-panel.ts';
import '../jcr-request-inbox/jcr-request-inbox.ts';
import '../jcr-incident-detail/jcr-incident-detail.ts';
import '../jcr-standards-panel/jcr-standards-panel.ts';
import '../jcr-alert-banner/jcr-alert-banner.ts';
import '../jcr-alert-list/jcr-alert-list.ts';
import '../jcr-statistics/jcr-statistics.ts';

export class JcrApp extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    tab: { state: true },
    incidentMessage: { state: true },
    busy: { state: true },
    help: { state: true },
    offRoad: { state: true },
    statistics: { state: true },
  };
  ctx!: AppContext;
  tab: Tab = 'incidents';
  incidentMessage = '';
  busy = false;
  help = false;
  /** The statistics screen is open over the room (the map stays mounted underneath). */
  statistics = false;
  /** The last create refused for want of a road (JCR_OFF_ROAD), for the form to ask for confirmation. */
  offRoad: Extract<CreateOutcome, { kind: 'off-road' }> | null = null;
  private lastIncidentId: string | null = null;
  private readonly cover = new CoverPanelController(
    this,
    () => this.ctx,
    () => this.tab === 'cover',
  );
  private readonly inbox = new InboxController(this, () => this.ctx);
  private readonly detail = new IncidentDetailController(this, () => this.ctx);
  private readonly shortcuts = new ShortcutsController(this);
  private readonly theme = new ThemeController(this, () => this.ctx);

  /** The tabs this role has: the Requests inbox needs an agency to answer for. */
  get tabs(): readonly Tab[] {
    return TABS.map((t) => t.id).filter((t) => t !== 'requests' || this.inbox.enabled);
  }
  /** The incident panel's message line and busy flag, where incident and resource commands report. */
  private readonly incidentOut: CommandOutput = {
    message: (text) => (this.incidentMessage = text),
    busy: (on) => (this.busy = on),
  };

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['scenario', 'selection', 'capabilities']);
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.body.classList.toggle('wall', this.ctx.view === 'wall');
  }

  protected override updated(): void {
    if (this.tab === 'cover') void this.cover.refresh(false);
    // A newly selected incident: show it and ask for its recommendation.
    const id = this.ctx.store.selection.incidentId;
    if (id !== this.lastIncidentId) {
      this.lastIncidentId = id;
      if (id) {
        this.tab = 'incidents';
        this.recommend(id);
      }
    }
  }

  /**
   * Ask for the incident's recommendation (it writes nothing on the server) as a role that may
   * mobilise for it: its lead agency and the duty officer see the whole of it, an agency only
   * supporting or asked its own part (client/components/jcr-incident-panel); the wall, none.
   */
  private recommend(incidentId: string): void {
    const inc = this.ctx.store.incidents.get(incidentId);
    if (inc && mayOnIncident(this.ctx.user?.role, inc, 'mobilise'))
      void fetchRecommendation(this.ctx, incidentId, this.incidentOut);
  }

  private async create(d: IncidentCreateDetail): Promise<void> {
    this.offRoad = null;
    const r = await createIncident(this.ctx, d, this.incidentOut);
    if (r.kind === 'off-road') this.offRoad = r;
  }

  /** End the session on the server, then start again at the sign-in form. */
  private async signOut(): Promise<void> {
    await this.ctx.api.request('POST', '/api/logout');
    location.reload();
  }

  private sidePanel() {
    const c = this.ctx;
    const cover = this.cover;
    return html`<aside
      class="side"
      @jcr-incident-create=${(e: CustomEvent<IncidentCreateDetail>) => void this.create(e.detail)}
      @jcr-mobilise=${(e: CustomEvent<MobiliseDetail>) => void mobilise(c, e.detail, this.incidentOut)}
      @jcr-recommendation-refresh=${(e: CustomEvent<RecommendationRefreshDetail>) =>
        void fetchRecommendation(c, e.detail.incidentId, this.incidentOut)}
      @jcr-status-set=${(e: CustomEvent<StatusSetDetail>) =>
        void setStatus(c, e.detail.resourceId, e.detail.status, this.incidentOut)}
      @jcr-standby-apply=${(e: CustomEvent<StandbyApplyDetail>) => void cover.apply(e.detail)}
      @jcr-standby-cancel=${(e: CustomEvent<StandbyCancelDetail>) => void cover.cancel(e.detail)}
      @jcr-cover-moves-refresh=${() => void cover.refresh(true)}
      @jcr-request-answer=${(e: CustomEvent<RequestAnswerDetail>) => void this.inbox.answer(e.detail)}
      @jcr-transfer-answer=${(e: CustomEvent<TransferAnswerDetail>) => void this.inbox.answerTransfer(e.detail)}
      @jcr-requests-show=${() => (this.tab = 'requests')}
      @jcr-request-open=${(e: CustomEvent<RequestOpenDetail>) => {
        c.store.select({ incidentId: e.detail.incidentId, point: null });
        this.tab = 'incidents';
      }}
      @jcr-attendance-book=${(e: CustomEvent<AttendanceBookDetail>) =>
        void this.detail.book(e.detail.incidentId, e.detail.resourceId, e.detail.booking)}
      @jcr-incident-close=${(e: CustomEvent<IncidentCloseDetail>) =>
        void this.detail.close(e.detail.incidentId, e.detail.reason, e.detail.force)}
      @jcr-methane-record=${(e: CustomEvent<MethaneRecordDetail>) =>
        void this.detail.methane(e.detail.incidentId, e.detail.methane)}
      @jcr-note-add=${(e: CustomEvent<NoteAddDetail>) => void this.detail.note(e.detail.incidentId, e.detail.text)}
      @jcr-quicker-swap=${(e: CustomEvent<QuickerSwapDetail>) => void this.detail.swap(e.detail.incidentId, e.detail.flag)}
      @jcr-line-set=${(e: CustomEvent<LineSetDetail>) =>
        void this.detail
          .setLine(e.detail.incidentId, e.detail.change)
          .then((ok) => ok && this.recommend(e.detail.incidentId))}
      @jcr-line-remove=${(e: CustomEvent<LineRemoveDetail>) =>
        void this.detail
          .removeLine(e.detail.incidentId, e.detail.lineId, e.detail.reason)
          .then((ok) => ok && this.recommend(e.detail.incidentId))}
    >
      ${tabList(this.tab, (t) => (this.tab = t), this.shortcuts.onTabKey, this.tabs, { requests: this.inbox.items.length + this.inbox.transfers.length })}
      <section id="panel-incidents" role="tabpanel" aria-labelledby="tab-incidents" ?hidden=${this.tab !== 'incidents'}>
        <jcr-incident-queue .ctx=${c}></jcr-incident-queue>
        <jcr-incident-panel
          .ctx=${c}
          .message=${this.incidentMessage}
          .busy=${this.busy}
          .offRoad=${this.offRoad}
        ></jcr-incident-panel>
        <jcr-incident-detail
          .ctx=${c}
          .detail=${this.detail.detail}
          .timeline=${this.detail.timeline}
          .lines=${this.detail.lines}
          .busy=${this.detail.busy}
          .message=${this.detail.message}
          .error=${this.detail.error}
        ></jcr-incident-detail>
      </section>
      ${
        this.inbox.enabled
          ? html`<section
              id="panel-requests"
              role="tabpanel"
              aria-labelledby="tab-requests"
              ?hidden=${this.tab !== 'requests'}
            >
              <jcr-request-inbox
                .ctx=${c}
                .items=${this.inbox.items}
                .transfers=${this.inbox.transfers}
                .busy=${this.inbox.busy}
                .message=${this.inbox.message}
                .unavailable=${this.inbox.unavailable}
              ></jcr-request-inbox>
            </section>`
          : nothing
      }
      <section id="panel-resources" role="tabpanel" aria-labelledby="tab-resources" ?hidden=${this.tab !== 'resources'}>
        <jcr-resource-board .ctx=${c} .active=${this.tab === 'resources'}></jcr-resource-board>
      </section>
      <section id="panel-cover" role="tabpanel" aria-labelledby="tab-cover" ?hidden=${this.tab !== 'cover'}>
        <jcr-cover-panel
          .ctx=${c}
          .message=${cover.message}
          .moves=${cover.moves}
          .movesError=${cover.movesError}
          .busy=${cover.busy}
          .undo=${cover.undo}
          .cancelled=${cover.cancelled}
        ></jcr-cover-panel>
      </section>
      <section id="panel-standards" role="tabpanel" aria-labelledby="tab-standards" ?hidden=${this.tab !== 'standards'}>
        <jcr-standards-panel .ctx=${c}></jcr-standards-panel>
      </section>
      ${this.help ? keysHelp() : nothing}
      <details class="legend-box">
        <summary>Legend</summary>
        ${legend()}
      </details>
    </aside>`;
  }

  override render() {
    const c = this.ctx;
    return html`
      ${topBar(c, this.help, {
        toggleHelp: () => (this.help = !this.help),
        signOut: () => void this.signOut(),
        toggleTheme: () => this.theme.toggle(),
        dark: this.theme.theme === 'dark',
        toggleStatistics: () => (this.statistics = !this.statistics),
        statistics: this.statistics,
      })}
      <jcr-alert-banner .ctx=${c}></jcr-alert-banner>
      <main class="body">
        <jcr-map .ctx=${c}></jcr-map>
        ${
          c.view === 'wall'
            ? html`<aside class="side wall-side" aria-label="Open incidents">
                <jcr-alert-list .ctx=${c}></jcr-alert-list>
                <h2>Open incidents</h2>
                <jcr-incident-queue .ctx=${c}></jcr-incident-queue>
                <jcr-standards-panel .ctx=${c}></jcr-standards-panel>
                ${legend()}
              </aside>`
            : this.sidePanel()
        }
        ${
          this.statistics
            ? html`<jcr-statistics .ctx=${c} @jcr-statistics-close=${() => (this.statistics = false)}></jcr-statistics>`
            : nothing
        }
      </main>
    `;
  }
}
customElements.define('jcr-app', JcrApp);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-app': JcrApp;
  }
}
