/**
 * Changes as records: what `Room.apply` did to live state, handed to every listener so that none
 * of them re-derives it with a copy of the room's rules (which incident a resource holds after a
 * status, which attendances a status event opens or closes, which standby move it ends).
 *
 * A record lists, per event in log order, each resource and incident the event touched, with
 * their state just before and just after that event. The snapshots are copies: a listener may
 * keep them, and must not change them.
 */
import type { JcrEvent } from './events.ts';
import type { LiveResource } from './fleet/fleet.ts';
import type { ResourceStatus } from './fleet/status.ts';
import type { Incident } from './incidents/types.ts';

/** The part of a resource's live state that events change (AVL fixes move positions outside events). */
export interface ResourceState {
  readonly status: ResourceStatus;
  /** The incident the resource holds (Fleet's rule), undefined when none. */
  readonly incidentId: string | undefined;
  readonly lat: number;
  readonly lon: number;
  /** Id of the resource's active standby move, undefined when none. */
  readonly standbyMoveId: string | undefined;
  /** Its fix has gone stale, as the room last recorded (LiveResource.avlStale). */
  readonly avlStale: boolean;
}

export interface ResourceChange {
  readonly resourceId: string;
  readonly before: ResourceState;
  readonly after: ResourceState;
}

export interface IncidentChange {
  readonly incidentId: string;
  /** null: the event created it. */
  readonly before: Readonly<Incident> | null;
  readonly after: Readonly<Incident>;
}

/** What one applied event changed. */
export interface EventChange {
  readonly event: JcrEvent;
  readonly resources: readonly ResourceChange[];
  readonly incidents: readonly IncidentChange[];
}

/** What one applied batch (one Engine.execute) changed: each event's change, in log order. */
export interface ChangeRecord {
  readonly events: readonly JcrEvent[];
  readonly changes: readonly EventChange[];
}

export function resourceState(r: LiveResource, standbyMoveId: string | undefined): ResourceState {
  return { status: r.status, incidentId: r.incidentId, lat: r.lat, lon: r.lon, standbyMoveId, avlStale: r.avlStale };
}

/** A copy of an incident that later events cannot change (incidents are plain data). */
export function incidentSnapshot(inc: Incident): Incident {
  return structuredClone(inc);
}

export function batchRecord(changes: readonly EventChange[]): ChangeRecord {
  return { events: changes.map((c) => c.event), changes };
}

/** Every resource change of a batch, in order (a resource touched twice appears twice). */
export function resourceChanges(record: ChangeRecord): ResourceChange[] {
  return record.changes.flatMap((c) => c.resources);
}
