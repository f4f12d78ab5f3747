/**
 * The selected incident's detail, lines and timeline, owned for <jcr-app> (passed to
 * <jcr-incident-detail>): GET /api/incidents/:id for its requests, METHANE and quicker flags;
 * GET /api/incidents/:id/lines for its attendance lines and what counts against each; and
 * GET /api/incidents/:id/log for the audit timeline, every page of it (the log pages with a
 * cursor; each read goes on from the last entry held, so a long timeline is read once and then
 * only what is new). Fetched when the selection changes and again whenever the COP brings an
 * incident change (one request in flight at a time), so every agency taking part sees the same
 * timeline grow; and every `pollMs` while one is selected, for what changes no incident state and
 * so brings no COP change (a note). Commands (client/state/joint-commands.ts, ../state/lines.ts)
 * report here and refetch at once.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppContext } from '../context.ts';
import type { CommandOutput } from '../state/commands.ts';
import {
  addNote,
  bookAttendance,
  closeIncident,
  recordMethane,
  swapQuicker,
  type Booking,
} from '../state/joint-commands.ts';
import { parseIncidentDetail, parseTimeline, timelineNext } from '../state/joint-parse.ts';
import type { IncidentDetail, Methane, QuickerFlag, TimelineEntry } from '../state/joint-types.ts';
import type { ApiResult } from '../state/api.ts';
import { parseLines, removeLine, setLine, type IncidentLine, type LineChange } from '../state/lines.ts';
import { Refresher } from './refresher.ts';

/** Events asked for per page of the timeline (the server's default; it allows up to 1000). */
export const TIMELINE_PAGE = 500;

export class IncidentDetailController implements ReactiveController {
  detail: IncidentDetail | null = null;
  timeline: TimelineEntry[] = [];
  /** The incident's attendance lines with what counts against each (GET /api/incidents/:id/lines). */
  lines: IncidentLine[] | null = null;
  /** Why the detail or timeline could not be read, in words. */
  error = '';
  message = '';
  busy = false;
  private incidentId: string | null = null;
  /** Counts selection changes: a read begun for an earlier selection adds nothing. */
  private epoch = 0;
  private unsubscribe: (() => void) | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly refresher = new Refresher(() => this.load());
  readonly out: CommandOutput = {
    message: (t) => {
      this.message = t;
      this.host.requestUpdate();
    },
    busy: (on) => {
      this.busy = on;
      this.host.requestUpdate();
    },
  };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
    private readonly pollMs = 5000,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.ctx().view === 'wall') return;
    this.unsubscribe = this.ctx().store.subscribe(['selection', 'incidents'], (changed) => {
      const id = this.ctx().store.selection.incidentId;
      if (id !== this.incidentId) {
        this.incidentId = id;
        this.epoch++;
        this.detail = null;
        this.timeline = [];
        this.lines = null;
        this.error = '';
        this.message = '';
        this.host.requestUpdate();
        if (id) this.refresher.run();
      } else if (id && changed.has('incidents')) {
        // The COP carries the incident's joint requests: an answer shows at once, before the refetch.
        const inc = this.ctx().store.incidents.get(id);
        if (inc && this.detail) {
          this.detail = { ...this.detail, requests: inc.requests };
          this.host.requestUpdate();
        }
        this.refresher.run();
      }
    });
    this.timer = setInterval(() => this.refresh(), this.pollMs);
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  refresh(): void {
    if (this.incidentId) this.refresher.run();
  }

  private async load(): Promise<void> {
    const id = this.incidentId;
    if (!id) return;
    const c = this.ctx();
    const [d, log, lines] = await Promise.all([c.api.incident(id), this.readTimeline(id), c.api.lines(id)]);
    if (id !== this.incidentId) return; // the selection moved on meanwhile
    const names = new Map((c.store.scenario?.incidentTypes ?? []).map((t) => [t.id, t.name]));
    this.error = '';
    if (d.ok) this.detail = parseIncidentDetail(d.body, names) ?? this.detail;
    else this.error = `Incident ${id}: ${d.message} [${d.code}]`;
    if (lines.ok) this.lines = parseLines(lines.body);
    if (log !== null && !log.ok && !this.error) this.error = `Timeline of ${id}: ${log.message} [${log.code}]`;
    this.host.requestUpdate();
  }

  /**
   * Read the timeline from after its last entry held to the end, page by page, appending. Answers
   * the failed page's result (what was read before it is kept), else null.
   */
  private async readTimeline(id: string): Promise<ApiResult | null> {
    const c = this.ctx();
    const nameOf = (rid: string) => c.store.resources.get(rid)?.callSign ?? rid;
    const epoch = this.epoch;
    for (;;) {
      const after = this.timeline[this.timeline.length - 1]?.seq ?? 0;
      const page = await c.api.incidentLog(id, after, TIMELINE_PAGE);
      if (epoch !== this.epoch || id !== this.incidentId) return null;
      if (!page.ok) return page;
      // seq ascends along the log: keep only what follows the last entry held.
      const fresh = parseTimeline(page.body, nameOf).filter((e) => e.seq > after);
      if (fresh.length > 0) this.timeline = [...this.timeline, ...fresh];
      // The last page, or (from a server that repeats itself) a page that brought nothing new.
      if (timelineNext(page.body) === null || fresh.length === 0) return null;
    }
  }

  private async after(p: Promise<boolean>): Promise<void> {
    await p;
    this.refresh();
  }

  book(incidentId: string, resourceId: string, booking: Booking): Promise<void> {
    return this.after(bookAttendance(this.ctx(), incidentId, resourceId, booking, this.out));
  }

  close(incidentId: string, reason: string, force: boolean): Promise<void> {
    return this.after(closeIncident(this.ctx(), incidentId, reason, force, this.out));
  }

  methane(incidentId: string, m: Partial<Methane>): Promise<void> {
    return this.after(recordMethane(this.ctx(), incidentId, m, this.out));
  }

  note(incidentId: string, text: string): Promise<void> {
    return this.after(addNote(this.ctx(), incidentId, text, this.out));
  }

  /** Add or change a line; true when the server took it (the recommendation is then out of date). */
  async setLine(incidentId: string, change: LineChange): Promise<boolean> {
    const ok = await setLine(this.ctx(), incidentId, change, this.out);
    this.refresh();
    return ok;
  }

  /** Remove a line; true when the server took it. */
  async removeLine(incidentId: string, lineId: string, reason: string): Promise<boolean> {
    const ok = await removeLine(this.ctx(), incidentId, lineId, reason, this.out);
    this.refresh();
    return ok;
  }

  swap(incidentId: string, flag: QuickerFlag): Promise<void> {
    return this.after(swapQuicker(this.ctx(), incidentId, flag, this.out));
  }
}
