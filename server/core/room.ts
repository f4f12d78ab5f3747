import { JcrError } from './errors.ts';
import type { Clock } from './clock.ts';
import type { CommandContext, JcrEvent, NewEvent } from './events.ts';
import { Fleet } from './fleet/fleet.ts';
import { isResourceStatus, type ResourceStatus } from './fleet/status.ts';
import type { Agency, Scenario } from './scenario/types.ts';
import { IncidentBook } from './incidents/book.ts';
import type { IncidentCommand } from './incidents/types.ts';
import { StandbyBook, type CoverCommand } from './cover/standby.ts';
import { AlertBook } from './alerts/book.ts';
import type { AlertCommand } from './alerts/types.ts';
import { decideMait } from './mait/decide.ts';
import { TransferBook } from './mait/transfers.ts';
import type { MaitCommand } from './mait/types.ts';
import { CalibrationBook, type CalibrationCommand } from './calibration/force.ts';
import {
  incidentSnapshot,
  resourceState,
  type EventChange,
  type IncidentChange,
  type ResourceChange,
  type ResourceState,
} from './changes.ts';

/**
 * The control room's live state and its one narrow entry. Every change, whoever makes it
 * (AVL feed, operator, simulator, replay, tests), goes through `decide` (validate a command and
 * say which events it makes) and `apply` (fold an event that the store has made durable).
 * Keeping the two apart is what lets the shell write the event to disk *before* the state
 * changes and the acknowledgement goes out, and lets a restart rebuild state with `apply` alone.
 */
export type Command =
  | {
      type: 'resource.setStatus';
      resourceId: string;
      status: ResourceStatus;
      incidentId?: string;
      lat?: number;
      lon?: number;
      /** The operator's agency: it must take part in `incidentId` (none: the duty officer or the system). */
      actingAgency?: Agency;
      /** `incidentId` must exist even without an acting agency (an operator's change over REST). */
      knownIncident?: boolean;
    }
  /** Record that a resource's fix went stale or fresh again (the reactor's staleness policy). */
  | { type: 'resource.markStale'; resourceId: string; stale: boolean }
  /** Several marks at once, one append: how the staleness policy records a whole batch or tick. */
  | { type: 'resource.markStaleMany'; marks: ReadonlyArray<{ resourceId: string; stale: boolean }> }
  | { type: 'operator.note'; text: string; incidentId?: string; actingAgency?: Agency }
  | IncidentCommand
  | CoverCommand
  | AlertCommand
  | MaitCommand
  | CalibrationCommand;

export interface RoomOptions {
  clock: Clock;
  /** A resource with no AVL fix for longer than this is shown stale (default 120,000 ms). */
  staleAfterMs?: number;
  /**
   * Which statuses hold an incident (default fleet/status.ts holdsIncident). The one place the
   * rule lives: Fleet and IncidentBook apply it, listeners read its outcome from change records.
   */
  holdsIncident?: (s: ResourceStatus) => boolean;
  /** This room's id to partner control rooms (the partners file's room.id; default 'local'). */
  maitRoomId?: string;
}

export class Room {
  readonly scenario: Scenario;
  readonly fleet: Fleet;
  /** Incidents and their attendances (server/core/incidents/). */
  readonly incidents: IncidentBook;
  /** Active standby moves (server/core/cover/standby.ts). */
  readonly standby = new StandbyBook();
  /** Alerts raised, cleared and acknowledged (server/core/alerts/). */
  readonly alerts = new AlertBook();
  /** Threads of messages with partner control rooms (server/core/mait/). */
  readonly transfers: TransferBook;
  /** Which journey-time calibration is in force (server/core/calibration/force.ts). */
  readonly calibration = new CalibrationBook();
  readonly clock: Clock;
  /** Sequence number of the last event applied. */
  lastSeq = 0;

  constructor(scenario: Scenario, opts: RoomOptions) {
    this.scenario = scenario;
    this.clock = opts.clock;
    this.fleet = new Fleet(scenario, {
      ...(opts.staleAfterMs !== undefined ? { staleAfterMs: opts.staleAfterMs } : {}),
      ...(opts.holdsIncident ? { holdsIncident: opts.holdsIncident } : {}),
    });
    this.incidents = new IncidentBook(scenario);
    this.transfers = new TransferBook(opts.maitRoomId ?? 'local');
  }

  /** A resource's staleness mark: only what the fleet's rule says now, and only a change of it. */
  private decideStale(resourceId: string, stale: boolean, ctx: CommandContext, at: number): NewEvent[] {
    const r = this.fleet.require(resourceId);
    // A late or repeated mark is nothing.
    if (this.fleet.stalenessChange(r, at) !== stale) return [];
    const data = { resourceId: r.def.id, stale, fixTimeMs: r.fixTimeMs };
    return [{ at, type: 'resource.staleness', origin: ctx.origin, actor: ctx.actor, data }];
  }

  /** Validate a command against current state; return the events it produces (not yet applied). */
  decide(cmd: Command, ctx: CommandContext): NewEvent[] {
    const at = this.clock();
    switch (cmd.type) {
      case 'resource.setStatus':
        return this.decideStatus(cmd, ctx);
      case 'resource.markStale':
        return this.decideStale(cmd.resourceId, cmd.stale, ctx, at);
      case 'resource.markStaleMany':
        return cmd.marks.flatMap((m) => this.decideStale(m.resourceId, m.stale, ctx, at));
      case 'operator.note': {
        const text = cmd.text.trim();
        if (text.length === 0 || text.length > 4000)
          throw new JcrError('JCR_VALIDATION', 'text must be 1..4000 characters', { path: 'text' });
        // A note on an incident needs an open one the acting agency takes part in.
        if (cmd.incidentId !== undefined) this.incidents.checkStatusTarget(cmd.incidentId, cmd.actingAgency ?? 'all');
        const ev: NewEvent = { at, type: 'operator.note', origin: ctx.origin, actor: ctx.actor, data: { text } };
        if (cmd.incidentId !== undefined) ev.data.incidentId = cmd.incidentId;
        return [ev];
      }
      case 'cover.standbyMove':
      case 'cover.endStandby':
        return this.standby.decide(cmd, ctx, at, this.fleet, this.scenario);
      case 'alert.raise':
      case 'alert.clear':
      case 'alert.ack':
        return this.alerts.decide(cmd, ctx, at, this.incidents);
      case 'mait.receive':
        return this.transfers.decideReceive(cmd, at, this.scenario);
      case 'mait.markDelivered':
        return this.transfers.decideDelivered(cmd, ctx, at);
      case 'mait.markDead':
      case 'mait.revive':
        return this.transfers.decideDeadLetter(cmd, ctx, at);
      case 'mait.send':
      case 'mait.accept':
      case 'mait.reject':
      case 'mait.consider':
        return decideMait(cmd, ctx, at, this.transfers, this.incidents, this.fleet, this.scenario);
      case 'calibration.bringIntoForce':
      case 'calibration.rollBack':
        return this.calibration.decide(cmd, ctx, at);
      default:
        return this.incidents.decide(cmd, ctx, at, this.fleet);
    }
  }

  /**
   * A status change's events. `from` is the status and incident the resource is taken to have
   * when it is not its live one: an AVL batch decides every report before it appends any
   * (server/core/avl/ingest.ts), so a later report of the batch is judged after the earlier.
   */
  decideStatus(
    cmd: Extract<Command, { type: 'resource.setStatus' }>,
    ctx: CommandContext,
    from?: { status: ResourceStatus; incidentId: string | undefined },
  ): NewEvent[] {
    if (!isResourceStatus(cmd.status)) throw new JcrError('JCR_VALIDATION', `status must be 1..6`, { path: 'status' });
    const r = this.fleet.require(cmd.resourceId);
    const now = from ?? { status: r.status, incidentId: r.incidentId };
    this.fleet.checkTransition(cmd.resourceId, cmd.status, now.status);
    this.incidents.checkStatusTarget(
      cmd.incidentId,
      cmd.actingAgency ?? 'all',
      cmd.knownIncident === true || cmd.actingAgency !== undefined,
    );
    if (now.status === cmd.status && now.incidentId === cmd.incidentId) return [];
    const data: NewEvent & { type: 'resource.status' } = {
      at: this.clock(),
      type: 'resource.status',
      origin: ctx.origin,
      actor: ctx.actor,
      data: { resourceId: cmd.resourceId, status: cmd.status },
    };
    if (cmd.incidentId !== undefined) data.data.incidentId = cmd.incidentId;
    if (cmd.lat !== undefined && cmd.lon !== undefined) {
      data.data.lat = cmd.lat;
      data.data.lon = cmd.lon;
    }
    return [data];
  }

  /**
   * Fold one durable event into live state and say what it changed: each resource and incident
   * it touched, before and after (server/core/changes.ts). Listeners read that instead of
   * re-deriving it. Must be deterministic: restarts depend on it.
   */
  apply(e: JcrEvent): EventChange {
    const resourceIds = this.resourcesOf(e);
    const incidentIds = this.incidentsOf(e);
    const before = resourceIds.map((id) => this.resourceState(id));
    const incBefore = incidentIds.map((id) => this.incidents.get(id));
    const snaps = incBefore.map((inc) => (inc ? incidentSnapshot(inc) : null));
    this.replay(e);
    const resources: ResourceChange[] = [];
    resourceIds.forEach((resourceId, i) => {
      const b = before[i];
      const a = this.resourceState(resourceId);
      // A status or staleness event always counts (even one that changed nothing); a standby event when its move did.
      if (
        b &&
        a &&
        ((e.type !== 'cover.standbyOrdered' && e.type !== 'cover.standbyEnded') || b.standbyMoveId !== a.standbyMoveId)
      )
        resources.push({ resourceId, before: b, after: a });
    });
    const incidents: IncidentChange[] = [];
    incidentIds.forEach((incidentId, i) => {
      const inc = this.incidents.get(incidentId);
      if (inc) incidents.push({ incidentId, before: snaps[i] ?? null, after: incidentSnapshot(inc) });
    });
    return { event: e, resources, incidents };
  }

  /** The resources an event may change: the one it names. */
  private resourcesOf(e: JcrEvent): string[] {
    switch (e.type) {
      case 'resource.status':
      case 'resource.staleness':
      case 'cover.standbyOrdered':
      case 'cover.standbyEnded':
        return [e.data.resourceId];
      default:
        return [];
    }
  }

  /**
   * The incidents an event may change: the one it names, and for a status event the incident the
   * resource leaves and the one it joins (by the fleet's holdsIncident rule).
   */
  private incidentsOf(e: JcrEvent): string[] {
    if (e.type === 'resource.status') {
      const r = this.fleet.get(e.data.resourceId);
      if (!r) return [];
      const ids: string[] = [];
      const from = this.fleet.incidentOf(r);
      const to = this.fleet.incidentAfter(r, e.data.status, e.data.incidentId);
      if (from !== undefined) ids.push(from);
      if (to !== undefined && to !== from) ids.push(to);
      return ids;
    }
    if (e.type === 'cover.standbyOrdered' || e.type === 'cover.standbyEnded' || e.type === 'resource.staleness')
      return [];
    const id = (e.data as { incidentId?: string }).incidentId;
    return id === undefined ? [] : [id];
  }

  private resourceState(id: string): ResourceState | undefined {
    const r = this.fleet.get(id);
    return r ? resourceState(r, this.standby.get(id)?.moveId) : undefined;
  }

  /** Fold one durable event into live state without recording it (restart replays the log with this). */
  replay(e: JcrEvent): void {
    if (e.seq <= this.lastSeq)
      throw new JcrError('JCR_INTERNAL', `event ${e.seq} applied out of order (last ${this.lastSeq})`);
    switch (e.type) {
      case 'resource.status': {
        const d = e.data;
        this.incidents.applyResourceStatus(e, this.fleet);
        if (d.lat !== undefined && d.lon !== undefined) this.fleet.move(d.resourceId, { lat: d.lat, lon: d.lon });
        this.fleet.setStatus(d.resourceId, d.status, d.incidentId);
        this.standby.applyResourceStatus(d.resourceId, d.status);
        break;
      }
      case 'resource.staleness':
        this.fleet.setAvlStale(e.data.resourceId, e.data.stale);
        break;
      case 'cover.standbyOrdered':
        this.standby.applyOrdered(e.data, e.at, e.actor);
        break;
      case 'cover.standbyEnded':
        this.standby.applyEnded(e.data);
        break;
      case 'alert.raised':
      case 'alert.cleared':
      case 'alert.acknowledged':
        this.alerts.apply(e);
        this.incidents.apply(e); // an acknowledgement is in the incident's audit timeline
        break;
      case 'mait.delivered':
      case 'mait.deadLettered':
      case 'mait.revived':
        this.transfers.apply(e);
        break;
      case 'mait.queued':
      case 'mait.received':
        this.transfers.apply(e);
        this.incidents.apply(e); // in our incident's timeline, the partner's marked by its origin
        break;
      case 'calibration.inForce':
        this.calibration.apply(e);
        break;
      default:
        this.incidents.apply(e);
        break;
    }
    this.lastSeq = e.seq;
  }
}
