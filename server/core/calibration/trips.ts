/**
 * From the room's AVL history to matched trips: a resource's positions cut into trips by its
 * status at the time (MOBILISED = driving to an incident under blue lights; RETURNING = routine
 * driving), each matched (./matcher.ts) and turned into traversal times per road
 * (./traversals.ts) with the prior's seconds of the resource's speed profile. Pure.
 */
import { ResourceStatus } from '../fleet/status.ts';
import type { JourneyPlanner } from '../graph/planner.ts';
import { MetreRouter } from './candidates.ts';
import { matchTrace, type Fix, type MatchOptions } from './matcher.ts';
import { traversalsOf, type Traversal } from './traversals.ts';

export interface TripTrace {
  resourceId: string;
  /** Speed profile (the resource's vehicleClass). */
  profile: string;
  /** Under blue lights (MOBILISED) rather than routine (RETURNING). */
  blue: boolean;
  /** Sorted by time. */
  fixes: Fix[];
}

export interface TripTraversals {
  resourceId: string;
  profile: string;
  blue: boolean;
  /** Unbroken runs the trace was matched in. */
  runs: number;
  traversals: Traversal[];
}

export interface StatusChange {
  resourceId: string;
  /** Epoch ms. */
  t: number;
  status: ResourceStatus;
}

export interface Position extends Fix {
  resourceId: string;
}

/**
 * Trips of every resource: its positions while MOBILISED (blue) or RETURNING (routine), one trip
 * per stretch of one status. `profileOf` names the resource's speed profile (undefined: skipped,
 * e.g. a drone or an unknown resource).
 */
export function tripsOf(
  positions: readonly Position[],
  changes: readonly StatusChange[],
  profileOf: (resourceId: string) => string | undefined,
): TripTrace[] {
  const byRes = new Map<string, { pos: Position[]; ch: StatusChange[] }>();
  const of = (id: string) => {
    let e = byRes.get(id);
    if (!e) byRes.set(id, (e = { pos: [], ch: [] }));
    return e;
  };
  for (const p of positions) of(p.resourceId).pos.push(p);
  for (const c of changes) of(c.resourceId).ch.push(c);
  const out: TripTrace[] = [];
  for (const [id, { pos, ch }] of [...byRes].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const profile = profileOf(id);
    if (profile === undefined) continue;
    pos.sort((a, b) => a.t - b.t);
    ch.sort((a, b) => a.t - b.t);
    let k = -1; // index of the last change at or before the position
    let trip: TripTrace | null = null;
    let tripChange = -1;
    for (const p of pos) {
      while (k + 1 < ch.length && ch[k + 1]!.t <= p.t) k++;
      const st = k >= 0 ? ch[k]!.status : undefined;
      const moving = st === ResourceStatus.MOBILISED || st === ResourceStatus.RETURNING;
      if (!moving) {
        trip = null;
        continue;
      }
      if (!trip || tripChange !== k) {
        trip = { resourceId: id, profile, blue: st === ResourceStatus.MOBILISED, fixes: [] };
        tripChange = k;
        out.push(trip);
      }
      trip.fixes.push({ t: p.t, lat: p.lat, lon: p.lon });
    }
  }
  return out.filter((t) => t.fixes.length >= 2);
}

/** Matches trips over one planner's graph, with the prior's seconds of its speed model. */
export class TripMatcher {
  private readonly router: MetreRouter;

  constructor(
    readonly planner: JourneyPlanner,
    readonly opts: MatchOptions = {},
  ) {
    this.router = new MetreRouter(planner.graph);
  }

  match(trip: TripTrace): TripTraversals {
    const runs = matchTrace(this.router, trip.fixes, this.opts);
    const w = this.planner.weights(trip.profile);
    const traversals: Traversal[] = [];
    for (const run of runs) traversals.push(...traversalsOf(this.router, w, run));
    return { resourceId: trip.resourceId, profile: trip.profile, blue: trip.blue, runs: runs.length, traversals };
  }
}
