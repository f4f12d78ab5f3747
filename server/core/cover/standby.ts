/**
 * Standby moves: an order for an available resource to drive to a station or dynamic activation
 * post to restore cover. Ordering one makes the resource AVAILABLE_MOBILE with a standby
 * destination; arrival (the cover service sees its AVL position reach the destination) or a
 * cancel ends it, and so does any status other than AVAILABLE_MOBILE (e.g. it is mobilised).
 * Durable: commands go through Room.decide / Engine.execute like every other change.
 */
import { JcrError } from '../errors.ts';
import type { CommandContext, NewEvent } from '../events.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { ResourceStatus } from '../fleet/status.ts';
import type { Scenario } from '../scenario/types.ts';

export type StandbyEndReason = 'arrived' | 'cancelled';

export type CoverCommand =
  | { type: 'cover.standbyMove'; resourceId: string; destinationId: string; note?: string }
  | { type: 'cover.endStandby'; resourceId: string; reason: StandbyEndReason };

export interface StandbyDestinationRef {
  id: string;
  kind: 'station' | 'post';
  name: string;
  lat: number;
  lon: number;
}

export interface StandbyOrderedData {
  moveId: string;
  resourceId: string;
  destination: StandbyDestinationRef;
  note?: string;
}

export interface StandbyEndedData {
  moveId: string;
  resourceId: string;
  reason: StandbyEndReason;
}

export interface StandbyMove extends StandbyOrderedData {
  orderedAt: number;
  orderedBy: string;
}

/** A standby move is over when the resource is within this distance of its destination. */
export const STANDBY_ARRIVAL_M = 150;

export class StandbyBook {
  private readonly byResource = new Map<string, StandbyMove>();

  get(resourceId: string): StandbyMove | undefined {
    return this.byResource.get(resourceId);
  }

  active(): StandbyMove[] {
    return [...this.byResource.values()].sort((a, b) =>
      a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0,
    );
  }

  decide(cmd: CoverCommand, ctx: CommandContext, at: number, fleet: Fleet, scenario: Scenario): NewEvent[] {
    const r = fleet.require(cmd.resourceId);
    switch (cmd.type) {
      case 'cover.standbyMove': {
        const free =
          r.status === ResourceStatus.AVAILABLE_AT_STATION ||
          r.status === ResourceStatus.AVAILABLE_MOBILE ||
          r.status === ResourceStatus.RETURNING;
        if (!free)
          throw new JcrError(
            'JCR_COVER_RESOURCE_UNAVAILABLE',
            `${cmd.resourceId} is not available for a standby move`,
            { path: 'resourceId' },
          );
        const dest = destinationOf(scenario, cmd.destinationId);
        if (!dest)
          throw new JcrError('JCR_COVER_BAD_DESTINATION', `no station or post "${cmd.destinationId}"`, {
            path: 'destinationId',
          });
        const agencies =
          dest.kind === 'station'
            ? [scenario.stations.find((s) => s.id === dest.id)!.agency]
            : scenario.posts.find((p) => p.id === dest.id)!.agencies;
        if (!agencies.includes(r.def.agency)) {
          throw new JcrError('JCR_COVER_BAD_DESTINATION', `${dest.id} does not take ${r.def.agency} resources`, {
            path: 'destinationId',
          });
        }
        const env = { at, origin: ctx.origin, actor: ctx.actor };
        const out: NewEvent[] = [];
        if (r.status !== ResourceStatus.AVAILABLE_MOBILE) {
          out.push({
            ...env,
            type: 'resource.status',
            data: { resourceId: r.def.id, status: ResourceStatus.AVAILABLE_MOBILE },
          });
        }
        const data: StandbyOrderedData = { moveId: `SB-${r.def.id}-${at}`, resourceId: r.def.id, destination: dest };
        if (cmd.note !== undefined && cmd.note.trim() !== '') data.note = cmd.note.trim().slice(0, 500);
        out.push({ ...env, type: 'cover.standbyOrdered', data });
        return out;
      }
      case 'cover.endStandby': {
        const m = this.byResource.get(cmd.resourceId);
        if (!m)
          throw new JcrError('JCR_COVER_NO_STANDBY', `${cmd.resourceId} has no standby move`, { path: 'resourceId' });
        const env = { at, origin: ctx.origin, actor: ctx.actor };
        const out: NewEvent[] = [
          {
            ...env,
            type: 'cover.standbyEnded',
            data: { moveId: m.moveId, resourceId: m.resourceId, reason: cmd.reason },
          },
        ];
        // Arrived at a station: the crew books available there (at its position); at a post it stays mobile.
        if (cmd.reason === 'arrived' && m.destination.kind === 'station') {
          out.push({
            ...env,
            type: 'resource.status',
            data: {
              resourceId: m.resourceId,
              status: ResourceStatus.AVAILABLE_AT_STATION,
              lat: m.destination.lat,
              lon: m.destination.lon,
            },
          });
        }
        return out;
      }
    }
  }

  applyOrdered(data: StandbyOrderedData, at: number, actor: string): void {
    this.byResource.set(data.resourceId, { ...data, orderedAt: at, orderedBy: actor });
  }

  applyEnded(data: StandbyEndedData): void {
    const m = this.byResource.get(data.resourceId);
    if (m && m.moveId === data.moveId) this.byResource.delete(data.resourceId);
  }

  /** Any status but AVAILABLE_MOBILE ends a standby move (mobilised, booked unavailable, at station). */
  applyResourceStatus(resourceId: string, status: ResourceStatus): void {
    if (status !== ResourceStatus.AVAILABLE_MOBILE) this.byResource.delete(resourceId);
  }
}

export function destinationOf(scenario: Scenario, id: string): StandbyDestinationRef | undefined {
  const s = scenario.stations.find((x) => x.id === id);
  if (s) return { id: s.id, kind: 'station', name: s.name, lat: s.lat, lon: s.lon };
  const p = scenario.posts.find((x) => x.id === id);
  if (p) return { id: p.id, kind: 'post', name: p.name, lat: p.lat, lon: p.lon };
  return undefined;
}
