/**
 * Timing the candidates: each line's k fastest arrivals (turnout + drive) without timing the
 * whole fleet.
 *
 * Candidates come from the fleet's R-tree, not a scan: with a drive bound B (seconds), only
 * resources within B x vmax straight metres of the incident can arrive within B, so the R-tree
 * box of that radius holds every candidate worth a look. Inside the box candidates are taken in
 * order of their straight-line lower bound (turnout + metres / vmax) and one is skipped when its
 * bound is no better than the current k-th best of every line it could fill. Road times come from
 * JourneyTimes.within (journeys.ts): a station tree lookup for a resource at its station (timed
 * first, so the k-th bests are tight early), else one lazy reverse search per profile shared by
 * every line, or a landmark A* for a far mobile one; each candidate is asked for with a limit, the
 * smaller of B and the slowest k-th best among its lines (minus its turnout), and no search grows
 * further than that limit needs; the reverse search is resumed, never restarted, when B grows. A
 * candidate slower than every line's k-th best is dropped for good (the k-th bests only improve).
 * A line is settled once its k-th best arrival is within B (every resource not yet timed needs
 * more than B). Otherwise B doubles, up to `maxS`: that only widens the R-tree box.
 */
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import { ResourceStatus } from '../fleet/status.ts';
import { haversineM } from '../geo.ts';
import type { Agency, ResourceDef, Scenario } from '../scenario/types.ts';
import {
  AT_STATION_RADIUS_M,
  fits,
  profilesOf,
  startOf,
  unavailableReason,
  withCapability,
  type ExclusionReason,
  type Line,
  type Start,
} from './candidates.ts';
import type { LineChange } from './lines.ts';
import { LOWER_BOUND_FACTOR, type JourneyTimes, type TimeWithin } from './journeys.ts';

/**
 * Slack on the "can it still beat the k-th best" limit, seconds: (k-th - turnout) + turnout need
 * not give back the k-th exactly in floating point, and a tie broken by id must not be lost.
 */
const TIE_S = 1e-6;

export interface TimingInput {
  scenario: Scenario;
  fleet: Fleet;
  incident: {
    id: string;
    typeId: string;
    lat: number;
    lon: number;
    leadAgency: Agency;
    /** Open attendances count against the line each was sent for (./lines.ts). */
    attendances?: readonly { resourceId: string; leftAt: number | null; line?: string }[];
    /** The dispatchers' line changes (./lines.ts). */
    lineChanges?: readonly LineChange[];
  };
  now: number;
  journeys: JourneyTimes;
}

/** A resource with its predicted arrival, and the lines it could fill. */
export interface Timed {
  r: LiveResource;
  etaS: number;
  driveS: number;
  turnoutS: number;
  lines: number[];
  /** Where it was timed from (candidates.ts startOf): its label agrees with its time and turnout. */
  from: Start['from'];
}

/** A resource seen in the box and left out, with its straight-line metres (detail written later for some). */
export interface LeftOut {
  r: LiveResource;
  d: number;
  reason: ExclusionReason;
  detail: string | null;
}

/** A fitting, available resource not yet timed: turnout, lower bound, metres, lines, and whether its time is a lookup. */
interface Unresolved {
  r: LiveResource;
  start: Start;
  to: number;
  lb: number;
  d: number;
  lines: number[];
  lookup: boolean;
}

const byEta = (a: Timed, b: Timed) =>
  a.etaS - b.etaS || (a.r.def.id < b.r.def.id ? -1 : a.r.def.id > b.r.def.id ? 1 : 0);

/**
 * Candidates whose time is a lookup first, each group in lower-bound order (ties in the given
 * order): one native sort of packed numeric keys (lower bound to the millisecond, then position),
 * not a comparator over objects, which at 10,000 resources (5,700 in the box) cost milliseconds.
 */
function lookupsFirst<T extends { lb: number; lookup: boolean }>(xs: readonly T[]): T[] {
  const n = xs.length;
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
  // lower bounds are seconds (turnout + straight-line drive, at most hours): 1e7 s puts every
  // search-timed one after every lookup; the key stays below 2^53 for n < 2^19
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    keys[i] = Math.round(Math.min(x.lb, 1e6) * 1000 + (x.lookup ? 0 : 1e10)) * scale + i;
  }
  keys.sort();
  const out = new Array<T>(n);
  for (let k = 0; k < n; k++) out[k] = xs[keys[k]! % scale]!;
  return out;
}

/** One recommendation's timing: run() grows the bound until every line is settled or maxS. */
export class Timing {
  /** Per line, the timed resources that fit it, fastest first (ties by id). */
  readonly perLine: Timed[][];
  /** Every resource timed, by id. */
  readonly timed = new Map<string, Timed>();
  /** Resources seen and left out (committed, unavailable, stale, unreachable), in the order seen. */
  readonly leftOut: LeftOut[] = [];
  /** Available resources seen that fit no line (their detail and distance are worked out only if reported). */
  readonly lacking: LiveResource[] = [];
  /** The drive bound reached, seconds, and the box radius it gave, metres. */
  bound: number;
  radiusM = 0;
  inBox = 0;
  timedCount = 0;
  pruned = 0;

  private prevBound = -1;
  /** Lines with something outstanding. */
  private readonly active: number[];
  /** Per line, the fleet's definitions with its capability: most of the box fails this set lookup. */
  private readonly withCap: ReadonlySet<ResourceDef>[];
  private readonly vmax = new Map<string, number>();
  /** The fastest profile's speed: the box radius for a bound B is B x vmaxAll. */
  private vmaxAll = 0;
  private readonly seen = new Set<LiveResource>();
  // keyed by the live resource itself: an object's hash is cheaper than an id string's
  private readonly unresolved = new Map<LiveResource, Unresolved>();
  /** One lazy reverse search per profile for the whole recommendation, shared by every line. */
  private readonly fields = new Map<string, TimeWithin>();

  constructor(
    private readonly input: TimingInput,
    private readonly lines: readonly Line[],
    private readonly maxS: number,
    initialS: number,
  ) {
    this.bound = Math.min(initialS, maxS);
    this.perLine = lines.map(() => []);
    this.active = lines.map((l, i) => (l.k > 0 ? i : -1)).filter((i) => i >= 0);
    this.withCap = lines.map((l) => withCapability(input.fleet, l.capability));
    for (const p of profilesOf(input.scenario.resources)) {
      const v = input.journeys.maxSpeedMps(p);
      this.vmax.set(p, v);
      if (v > this.vmaxAll) this.vmaxAll = v;
    }
  }

  run(): void {
    for (;;) {
      this.classify(this.box());
      this.timeRound();
      const settled = this.active.every((i) => this.kth(i) <= this.bound);
      if (settled || this.bound >= this.maxS) break;
      this.prevBound = this.bound;
      this.bound = Math.min(this.maxS, this.bound * 2);
    }
    for (const u of this.unresolved.values()) {
      this.leftOut.push({ r: u.r, d: u.d, reason: 'unreachable', detail: `no road journey within ${this.maxS} s` });
    }
  }

  /** Line i's k-th best arrival so far, Infinity until it has k. */
  private kth(i: number): number {
    const l = this.lines[i]!;
    const arr = this.perLine[i]!;
    return arr.length >= l.k ? arr[l.k - 1]!.etaS : Infinity;
  }

  private insert(i: number, t: Timed): void {
    const arr = this.perLine[i]!;
    let j = arr.length;
    while (j > 0 && byEta(arr[j - 1]!, t) > 0) j--;
    arr.splice(j, 0, t);
  }

  /** The fleet in the R-tree box that the current bound can reach. */
  private box(): LiveResource[] {
    const { incident, fleet } = this.input;
    this.radiusM = (this.bound * this.vmaxAll) / LOWER_BOUND_FACTOR;
    // a resource at its station is timed from the station, up to AT_STATION_RADIUS_M from its fix
    const boxM = this.radiusM + AT_STATION_RADIUS_M;
    const dLat = boxM / 111_000;
    const dLon = boxM / (111_000 * Math.max(0.01, Math.cos((incident.lat * Math.PI) / 180)));
    const box = fleet.within({
      minX: incident.lon - dLon,
      minY: incident.lat - dLat,
      maxX: incident.lon + dLon,
      maxY: incident.lat + dLat,
    });
    this.inBox = box.length;
    return box;
  }

  /** Sort the box's newcomers: left out, lacking every capability, or to be timed. */
  private classify(box: readonly LiveResource[]): void {
    const { scenario, fleet, incident, now, journeys } = this.input;
    for (const r of box) {
      if (this.seen.has(r)) continue;
      this.seen.add(r);
      let fitting: number[] | null = null;
      for (const i of this.active) if (this.withCap[i]!.has(r.def) && fits(this.lines[i]!, r)) (fitting ??= []).push(i);
      const why = unavailableReason(fleet, r, now);
      if (fitting === null) {
        if (why && r.incidentId !== incident.id)
          this.leftOut.push({
            r,
            d: haversineM(r.lat, r.lon, incident.lat, incident.lon),
            reason: why.reason,
            detail: why.detail,
          });
        else if (!why) this.lacking.push(r);
        continue;
      }
      const d = haversineM(r.lat, r.lon, incident.lat, incident.lon);
      if (why) {
        if (r.incidentId !== incident.id) this.leftOut.push({ r, d, reason: why.reason, detail: why.detail });
        continue;
      }
      const start = startOf(scenario, fleet, r, now);
      const to = start.turnoutS;
      const ds = start.from === 'station' ? haversineM(start.lat, start.lon, incident.lat, incident.lon) : d;
      const lb = to + (ds * LOWER_BOUND_FACTOR) / (this.vmax.get(r.def.vehicleClass) ?? this.vmaxAll);
      const lookup = start.from === 'station' && journeys.isLookup?.(start.lat, start.lon, r.def.vehicleClass) === true;
      this.unresolved.set(r, { r, start, to, lb, d, lines: fitting, lookup });
    }
  }

  /**
   * Time the unresolved in lower-bound order, pruning against the lines' k-th best; those whose
   * time is a lookup (at a station with a station tree) first, so that the k-th bests are as
   * tight as they can be before any search has to grow for a mobile one.
   */
  private timeRound(): void {
    const order = lookupsFirst([...this.unresolved.values()]);
    // Lines settled in an earlier round have their final top k: their resources need no more timing.
    const settledBefore = new Set(this.active.filter((i) => this.kth(i) <= this.prevBound));
    for (const u of order) {
      if (u.lines.every((i) => settledBefore.has(i))) {
        this.prune(u);
        continue;
      }
      if (u.lb - u.to > this.bound) continue; // cannot drive there within the bound: next round
      if (u.lines.every((i) => u.lb > this.kth(i))) {
        this.prune(u);
        continue;
      }
      this.time(u);
    }
  }

  /** Never a candidate: drop it for good. */
  private prune(u: Unresolved): void {
    this.pruned++;
    this.unresolved.delete(u.r);
  }

  /**
   * A committed resource's drive from where it is now (no turnout: it is on its way), over the
   * same per-profile search as the candidates'; Infinity beyond `limitS`.
   */
  driveOf(r: LiveResource, limitS: number): number {
    if (r.status === ResourceStatus.AT_SCENE) return 0;
    const f = this.field(r.def.vehicleClass);
    return f(r.lat, r.lon, limitS, r.speedMps > 1 ? r.headingDeg : undefined);
  }

  private field(p: string): TimeWithin {
    let f = this.fields.get(p);
    if (!f) {
      const { incident, journeys } = this.input;
      this.fields.set(p, (f = journeys.within(incident.lat, incident.lon, p)));
    }
    return f;
  }

  /** Ask for one resource's drive, limited by what could still enter one of its lines' top k. */
  private time(u: Unresolved): void {
    const to = u.to;
    // It can enter a line's top k only by arriving no later than that line's k-th best.
    let worstKth = 0;
    for (const i of u.lines) worstKth = Math.max(worstKth, this.kth(i));
    const cap = worstKth - to + TIE_S;
    const limit = Math.min(this.bound, cap);
    const f = this.field(u.r.def.vehicleClass);
    const { start } = u;
    const driveS = f(start.lat, start.lon, limit, start.moving ? u.r.headingDeg : undefined);
    this.timedCount++;
    if (!(driveS <= limit)) {
      // slower than every k-th best of its lines, which only improve: never a candidate
      if (cap < this.bound) this.prune(u);
      return; // else beyond this bound: try again with a larger one
    }
    this.unresolved.delete(u.r);
    const t: Timed = { r: u.r, etaS: to + driveS, driveS, turnoutS: to, lines: u.lines, from: start.from };
    this.timed.set(u.r.def.id, t);
    for (const i of u.lines) this.insert(i, t);
  }
}
