import { JcrError } from './errors.ts';
import type { Clock } from './clock.ts';
import type { JcrEvent, NewEvent, Origin } from './events.ts';
import { Fleet } from './fleet/fleet.ts';
import { isResourceStatus, type ResourceStatus } from './fleet/status.ts';
import type { Scenario } from './scenario/types.ts';
import { IncidentBook } from './incidents/book.ts';
import type { IncidentCommand } from './incidents/types.ts';
import { StandbyBook, type CoverCommand } from './cover/standby.ts';

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
    }
  | { type: 'operator.note'; text: string; incidentId?: string }
  | IncidentCommand
  | CoverCommand;

export interface CommandContext {
  origin: Origin;
  actor: string;
}

export interface RoomOptions {
  clock: Clock;
}

export class Room {
  readonly scenario: Scenario;
  readonly fleet: Fleet;
  /** Incidents and their attendances (server/core/incidents/). */
  readonly incidents: IncidentBook;
  /** Active standby moves (server/core/cover/standby.ts). */
  readonly standby = new StandbyBook();
  readonly clock: Clock;
  /** Sequence number of the last event applied. */
  lastSeq = 0;

  constructor(scenario: Scenario, opts: RoomOptions) {
    this.scenario = scenario;
    this.clock = opts.clock;
    this.fleet = new Fleet(scenario);
    this.incidents = new IncidentBook(scenario);
  }

  /** Validate a command against current state; return the events it produces (not yet applied). */
  decide(cmd: Command, ctx: CommandContext): NewEvent[] {
    const at = this.clock();
    switch (cmd.type) {
      case 'resource.setStatus': {
        if (!isResourceStatus(cmd.status))
          throw new JcrError('JCR_VALIDATION', `status must be 1..6`, { path: 'status' });
        const r = this.fleet.require(cmd.resourceId);
        this.fleet.checkTransition(cmd.resourceId, cmd.status);
        this.incidents.checkStatusTarget(cmd.incidentId);
        if (r.status === cmd.status && r.incidentId === cmd.incidentId) return [];
        const data: NewEvent & { type: 'resource.status' } = {
          at,
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
      case 'operator.note': {
        const text = cmd.text.trim();
        if (text.length === 0 || text.length > 4000)
          throw new JcrError('JCR_VALIDATION', 'text must be 1..4000 characters', { path: 'text' });
        const ev: NewEvent = { at, type: 'operator.note', origin: ctx.origin, actor: ctx.actor, data: { text } };
        if (cmd.incidentId !== undefined) ev.data.incidentId = cmd.incidentId;
        return [ev];
      }
      case 'cover.standbyMove':
      case 'cover.endStandby':
        return this.standby.decide(cmd, ctx, at, this.fleet, this.scenario);
      default:
        return this.incidents.decide(cmd, ctx, at, this.fleet);
    }
  }

  /** Fold one durable event into live state. Must be deterministic: restarts depend on it. */
  apply(e: JcrEvent): void {
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
      case 'cover.standbyOrdered':
        this.standby.applyOrdered(e.data, e.at, e.actor);
        break;
      case 'cover.standbyEnded':
        this.standby.applyEnded(e.data);
        break;
      default:
        this.incidents.apply(e);
        break;
    }
    this.lastSeq = e.seq;
  }
}
