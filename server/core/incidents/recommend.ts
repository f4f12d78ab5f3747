/**
 * The mobilisation recommender. For each line of the incident type's predetermined attendance it
 * ranks the available resources with that capability (at station, mobile or returning) by
 * predicted arrival = turnout (at station only) + drive, and proposes the attendance that meets
 * the whole predetermined attendance fastest.
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
 * further than that limit needs; the reverse search is resumed, never restarted, when B grows. A candidate
 * slower than every line's k-th best is dropped for good (the k-th bests only improve). A line is
 * settled once its k-th best arrival is within B (every resource not yet timed needs more than
 * B). Otherwise B doubles, up to `maxS`: that only widens the R-tree box.
 *
 * Rules from practice:
 *   - co-responder lines (type.coResponse) when scenario.rules.coResponderRequiresCover: a
 *     candidate whose commitment would leave any of its agency's standards below target is
 *     withheld (needs a CoverImpact; without one the rule is reported as not evaluated);
 *   - a missing-person type also offers the other services' drone and thermal-imaging assets;
 *   - a candidate the lead agency may not task itself is marked `viaJointRequest`.
 */
import type { CoverImpact, StandardCoverFigure } from '../cover/impact.ts';
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import { isDeployable, ResourceStatus, STATUS_NAMES } from '../fleet/status.ts';
import { haversineM } from '../geo.ts';
import { turnoutS } from '../graph/speed.ts';
import type { Agency, AttendanceLine, IncidentType, ResourceDef, Scenario } from '../scenario/types.ts';
import { mayTask } from './access.ts';
import { LOWER_BOUND_FACTOR, type JourneyTimes, type TimeWithin } from './journeys.ts';
import type { RecommendationSummary } from './types.ts';

export const DEFAULT_INITIAL_S = 600;
export const DEFAULT_MAX_S = 3600;
/** Candidates listed per line beyond the outstanding count. */
export const DEFAULT_EXTRA_CANDIDATES = 3;
/**
 * Slack on the "can it still beat the k-th best" limit, seconds: (k-th - turnout) + turnout need
 * not give back the k-th exactly in floating point, and a tie broken by id must not be lost.
 */
const TIE_S = 1e-6;
/** Capabilities offered across services for a missing person. */
export const MISSING_PERSON_OFFERS = ['drone', 'thermal-imaging'] as const;

export type ExclusionReason =
  'committed' | 'lacks-capability' | 'unavailable' | 'stale-position' | 'unreachable' | 'withheld-cover';

export interface CandidateView {
  resourceId: string;
  callSign: string;
  agency: Agency;
  type: string;
  status: string;
  /** Predicted arrival, seconds (turnout + drive), rounded to the second. */
  etaS: number;
  turnoutS: number;
  driveS: number;
  /** Straight-line metres to the incident. */
  distanceM: number;
  /** Position used: the station, or the last AVL fix of a mobile or returning resource. */
  from: 'station' | 'mobile' | 'returning';
  /** The lead agency cannot task it directly: it comes through a joint request. */
  viaJointRequest: boolean;
  /** Standards whose cover would drop if it were sent (null = no cover model loaded). */
  coverImpact: StandardCoverFigure[] | null;
  /** Set when a rule keeps it out of the proposal. */
  withheld: string | null;
  proposed: boolean;
}

export interface LineView {
  capability: string;
  agency: Agency | null;
  count: number;
  /** Resources already attending (mobilised or at scene) that fill this line. */
  attending: string[];
  outstanding: number;
  /** An offer (missing person: the other service's drone and thermal imaging), not part of the proposal. */
  offered: boolean;
  coResponse: boolean;
  candidates: CandidateView[];
  proposed: string[];
  unfilled: number;
}

export interface Exclusion {
  resourceId: string;
  callSign: string;
  agency: Agency;
  reason: ExclusionReason;
  detail: string;
}

export interface Recommendation {
  incidentId: string;
  typeId: string;
  at: number;
  lines: LineView[];
  /** The proposed attendance, line by line, fastest first within a line. */
  proposed: string[];
  /** Seconds until the whole proposed attendance has arrived (the slowest proposed), null if nothing proposed. */
  completeS: number | null;
  excluded: Exclusion[];
  rules: { coResponderRequiresCover: boolean; coverEvaluated: boolean; missingPersonOffers: boolean };
  /** How much of the fleet the search looked at: the proof that it did not scan everything. */
  search: { boundS: number; radiusM: number; inBox: number; timed: number; pruned: number; fleet: number };
}

export interface RecommendInput {
  scenario: Scenario;
  fleet: Fleet;
  incident: { id: string; typeId: string; lat: number; lon: number; leadAgency: Agency };
  now: number;
  journeys: JourneyTimes;
  cover?: CoverImpact | null;
  options?: { initialS?: number; maxS?: number; extraCandidates?: number };
}

interface Line extends AttendanceLine {
  offered: boolean;
  coResponse: boolean;
  /** Offered lines: only agencies other than this one. */
  notAgency?: Agency;
  k: number;
  outstanding: number;
  attending: string[];
}

interface Timed {
  r: LiveResource;
  etaS: number;
  driveS: number;
  turnoutS: number;
  lines: number[];
}

export function isMissingPerson(t: IncidentType): boolean {
  return /missing/i.test(t.id) || /missing person/i.test(t.name);
}

/** Can this resource fill this line (capability and agency), whatever its status? */
export function fits(line: Pick<Line, 'capability' | 'agency' | 'notAgency'>, r: LiveResource): boolean {
  if (!r.def.capabilities.includes(line.capability)) return false;
  if (line.agency !== undefined && !mayTask(line.agency, r.def)) return false;
  if (line.notAgency !== undefined && r.def.agency === line.notAgency) return false;
  return true;
}

/** Why a resource cannot be sent at all now, or null if it can. */
export function unavailableReason(
  fleet: Fleet,
  r: LiveResource,
  now: number,
): { reason: ExclusionReason; detail: string } | null {
  if (r.status === ResourceStatus.MOBILISED || r.status === ResourceStatus.AT_SCENE) {
    return { reason: 'committed', detail: `${STATUS_NAMES[r.status]} to ${r.incidentId ?? 'a task'}` };
  }
  if (!isDeployable(r.status)) return { reason: 'unavailable', detail: STATUS_NAMES[r.status] };
  if (r.status !== ResourceStatus.AVAILABLE_AT_STATION && fleet.isStale(r, now)) {
    return {
      reason: 'stale-position',
      detail: r.fixTimeMs === 0 ? 'no position report yet' : `last fix ${Math.round((now - r.fixTimeMs) / 1000)} s ago`,
    };
  }
  return null;
}

/** Turnout applies to a resource at its station; a crew already on the road is rolling. */
export function turnoutOf(scenario: Scenario, r: LiveResource): number {
  return r.status === ResourceStatus.AVAILABLE_AT_STATION ? turnoutS(r.def, scenario.crewing) : 0;
}

const byEta = (a: Timed, b: Timed) =>
  a.etaS - b.etaS || (a.r.def.id < b.r.def.id ? -1 : a.r.def.id > b.r.def.id ? 1 : 0);

/**
 * The fleet's resource definitions that have each capability, cached per fleet: a fleet's
 * resources and their definitions are fixed when it is made (Fleet's constructor).
 */
const capabilityCache = new WeakMap<Fleet, Map<string, ReadonlySet<ResourceDef>>>();
function withCapability(fleet: Fleet, capability: string): ReadonlySet<ResourceDef> {
  let byCap = capabilityCache.get(fleet);
  if (!byCap) {
    const m = new Map<string, Set<ResourceDef>>();
    for (const { def: r } of fleet.all()) {
      for (const c of r.capabilities) {
        let set = m.get(c);
        if (!set) m.set(c, (set = new Set()));
        set.add(r);
      }
    }
    capabilityCache.set(fleet, (byCap = m));
  }
  return byCap.get(capability) ?? EMPTY;
}
const EMPTY: ReadonlySet<ResourceDef> = new Set();

/** The vehicle classes of a scenario's resources, once each (cached: a fleet of 10,000 repeats a few). */
const profileCache = new WeakMap<readonly ResourceDef[], string[]>();
function profilesOf(resources: readonly ResourceDef[]): string[] {
  let p = profileCache.get(resources);
  if (!p) profileCache.set(resources, (p = [...new Set(resources.map((r) => r.vehicleClass))]));
  return p;
}

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

function buildLines(scenario: Scenario, type: IncidentType, fleet: Fleet, incidentId: string, extra: number): Line[] {
  const co = new Set(type.coResponse ?? []);
  const lines: Line[] = type.attendance.map((l) => ({
    ...l,
    offered: false,
    coResponse: co.has(l.capability),
    k: 0,
    outstanding: l.count,
    attending: [],
  }));
  if (isMissingPerson(type)) {
    for (const cap of MISSING_PERSON_OFFERS) {
      lines.push({
        capability: cap,
        count: 1,
        offered: true,
        coResponse: false,
        notAgency: type.leadAgency,
        k: 0,
        outstanding: 1,
        attending: [],
      });
    }
  }
  // Resources already attending fill lines first (in line order).
  const attending: LiveResource[] = [];
  for (const r of fleet.all()) {
    if (r.incidentId === incidentId && (r.status === ResourceStatus.MOBILISED || r.status === ResourceStatus.AT_SCENE))
      attending.push(r);
  }
  attending.sort((a, b) => (a.def.id < b.def.id ? -1 : 1));
  const used = new Set<string>();
  for (const line of lines) {
    for (const r of attending) {
      if (line.outstanding === 0) break;
      if (used.has(r.def.id) || !fits(line, r)) continue;
      used.add(r.def.id);
      line.attending.push(r.def.id);
      line.outstanding--;
    }
    line.k = line.outstanding > 0 ? line.outstanding + extra : 0;
  }
  void scenario;
  return lines;
}

export function recommend(input: RecommendInput): Recommendation {
  const { scenario, fleet, incident, now, journeys } = input;
  const type = scenario.incidentTypes.find((t) => t.id === incident.typeId);
  if (!type) throw new Error(`unknown incident type ${incident.typeId}`);
  const extra = input.options?.extraCandidates ?? DEFAULT_EXTRA_CANDIDATES;
  const maxS = input.options?.maxS ?? DEFAULT_MAX_S;
  const lines = buildLines(scenario, type, fleet, incident.id, extra);
  const active = lines.map((l, i) => (l.k > 0 ? i : -1)).filter((i) => i >= 0);

  // Fastest profile: the box radius for a drive bound B is B x vmaxAll.
  const profiles = profilesOf(scenario.resources);
  let vmaxAll = 0;
  const vmax = new Map<string, number>();
  for (const p of profiles) {
    const v = journeys.maxSpeedMps(p);
    vmax.set(p, v);
    if (v > vmaxAll) vmaxAll = v;
  }

  // per line, the scenario's resources with its capability (cached): most of the box fails this
  // set lookup, so the full fits() check runs only for the few that have it
  const withCap = lines.map((l) => withCapability(fleet, l.capability));
  const timed = new Map<string, Timed>();
  const perLine: Timed[][] = lines.map(() => []);
  // Left-out resources seen in the box; most are never reported (only those nearer than the
  // farthest proposed one), so the detail text of 'lacks-capability' is written at the end, and
  // those lacking the capability are only listed (their distance is worked out at the end).
  const exclusions: Array<{ r: LiveResource; d: number; reason: ExclusionReason; detail: string | null }> = [];
  const lacking: LiveResource[] = [];
  const seen = new Set<LiveResource>();
  let bound = Math.min(input.options?.initialS ?? DEFAULT_INITIAL_S, maxS);
  let prevBound = -1;
  let radiusM = 0;
  let inBox = 0;
  let timedCount = 0;
  let pruned = 0;
  // keyed by the live resource itself: an object's hash is cheaper than an id string's
  const unresolved = new Map<
    LiveResource,
    { r: LiveResource; to: number; lb: number; d: number; lines: number[]; lookup: boolean }
  >();
  // One lazy reverse search per profile for the whole recommendation, shared by every line.
  const fields = new Map<string, TimeWithin>();

  const kth = (i: number): number => {
    const l = lines[i]!;
    const arr = perLine[i]!;
    return arr.length >= l.k ? arr[l.k - 1]!.etaS : Infinity;
  };
  const insert = (i: number, t: Timed) => {
    const arr = perLine[i]!;
    let j = arr.length;
    while (j > 0 && byEta(arr[j - 1]!, t) > 0) j--;
    arr.splice(j, 0, t);
  };

  for (;;) {
    radiusM = (bound * vmaxAll) / LOWER_BOUND_FACTOR;
    const dLat = radiusM / 111_000;
    const dLon = radiusM / (111_000 * Math.max(0.01, Math.cos((incident.lat * Math.PI) / 180)));
    const box = fleet.within({
      minX: incident.lon - dLon,
      minY: incident.lat - dLat,
      maxX: incident.lon + dLon,
      maxY: incident.lat + dLat,
    });
    inBox = box.length;
    // Classify newcomers.
    for (const r of box) {
      if (seen.has(r)) continue;
      seen.add(r);
      let fitting: number[] | null = null;
      for (const i of active) if (withCap[i]!.has(r.def) && fits(lines[i]!, r)) (fitting ??= []).push(i);
      const why = unavailableReason(fleet, r, now);
      if (fitting === null) {
        if (why && r.incidentId !== incident.id)
          exclusions.push({
            r,
            d: haversineM(r.lat, r.lon, incident.lat, incident.lon),
            reason: why.reason,
            detail: why.detail,
          });
        else if (!why) lacking.push(r);
        continue;
      }
      const d = haversineM(r.lat, r.lon, incident.lat, incident.lon);
      if (why) {
        if (r.incidentId !== incident.id) exclusions.push({ r, d, reason: why.reason, detail: why.detail });
        continue;
      }
      const to = turnoutOf(scenario, r);
      const lb = to + (d * LOWER_BOUND_FACTOR) / (vmax.get(r.def.vehicleClass) ?? vmaxAll);
      const lookup =
        r.status === ResourceStatus.AVAILABLE_AT_STATION &&
        journeys.isLookup?.(r.lat, r.lon, r.def.vehicleClass) === true;
      unresolved.set(r, { r, to, lb, d, lines: fitting, lookup });
    }
    // Time the unresolved in lower-bound order, pruning against the lines' k-th best; those whose
    // time is a lookup (at a station with a station tree) first, so that the k-th bests are as
    // tight as they can be before any search has to grow for a mobile one.
    const order = lookupsFirst([...unresolved.values()]);
    // Lines settled in an earlier round have their final top k: their resources need no more timing.
    const settledBefore = new Set(active.filter((i) => kth(i) <= prevBound));
    for (const u of order) {
      const id = u.r;
      if (u.lines.every((i) => settledBefore.has(i))) {
        pruned++;
        unresolved.delete(id);
        continue;
      }
      const to = u.to;
      if (u.lb - to > bound) continue; // cannot drive there within the bound: next round
      if (u.lines.every((i) => u.lb > kth(i))) {
        pruned++;
        unresolved.delete(id);
        continue;
      }
      // It can enter a line's top k only by arriving no later than that line's k-th best.
      let worstKth = 0;
      for (const i of u.lines) worstKth = Math.max(worstKth, kth(i));
      const cap = worstKth - to + TIE_S;
      const limit = Math.min(bound, cap);
      const p = u.r.def.vehicleClass;
      let f = fields.get(p);
      if (!f) fields.set(p, (f = journeys.within(incident.lat, incident.lon, p)));
      const moving = u.r.status !== ResourceStatus.AVAILABLE_AT_STATION;
      const driveS = f(u.r.lat, u.r.lon, limit, moving && u.r.speedMps > 1 ? u.r.headingDeg : undefined);
      timedCount++;
      if (!(driveS <= limit)) {
        if (cap < bound) {
          // slower than every k-th best of its lines, which only improve: never a candidate
          pruned++;
          unresolved.delete(id);
        }
        continue; // else beyond this bound: try again with a larger one
      }
      unresolved.delete(id);
      const t: Timed = { r: u.r, etaS: to + driveS, driveS, turnoutS: to, lines: u.lines };
      timed.set(u.r.def.id, t);
      for (const i of u.lines) insert(i, t);
    }
    const settled = active.every((i) => kth(i) <= bound);
    if (settled || bound >= maxS) break;
    prevBound = bound;
    bound = Math.min(maxS, bound * 2);
  }
  for (const u of unresolved.values()) {
    exclusions.push({ r: u.r, d: u.d, reason: 'unreachable', detail: `no road journey within ${maxS} s` });
  }

  // Candidates per line (top k), co-responder rule, then the proposal.
  const cover = input.cover ?? null;
  const impactCache = new Map<string, StandardCoverFigure[]>();
  const impactOf = (id: string): StandardCoverFigure[] | null => {
    if (!cover) return null;
    let v = impactCache.get(id);
    if (!v) impactCache.set(id, (v = cover.coverAfterCommitting([id])));
    return v;
  };
  const rule = scenario.rules.coResponderRequiresCover;
  const withheld = new Map<string, string>();
  const cands: Timed[][] = lines.map((l, i) => perLine[i]!.slice(0, l.k));
  lines.forEach((l, i) => {
    if (!l.coResponse || !rule || !cover) return;
    for (const t of cands[i]!) {
      const fails = (impactOf(t.r.def.id) ?? []).filter((f) => f.agency === t.r.def.agency && !f.meetsAfter);
      if (fails.length > 0) {
        withheld.set(
          t.r.def.id,
          `co-responder rule: ${fails.map((f) => `${f.standardId} would fall to ${(f.after * 100).toFixed(1)}% (target ${(f.targetShare * 100).toFixed(0)}%)`).join('; ')}`,
        );
      }
    }
  });
  const assignment = assign(lines, cands, withheld);

  const proposedSet = new Set<string>();
  for (const ids of assignment) for (const id of ids) proposedSet.add(id);
  const lineViews: LineView[] = lines.map((l, i) => {
    const ids = assignment[i]!;
    return {
      capability: l.capability,
      agency: l.agency ?? null,
      count: l.count,
      attending: l.attending,
      outstanding: l.outstanding,
      offered: l.offered,
      coResponse: l.coResponse,
      candidates: cands[i]!.map((t) =>
        view(
          t,
          incident,
          scenario,
          impactOf,
          withheld,
          l.offered ? false : proposedSet.has(t.r.def.id) && ids.includes(t.r.def.id),
        ),
      ),
      proposed: ids,
      unfilled: l.offered ? 0 : l.outstanding - ids.length,
    };
  });
  const proposed = lineViews.filter((l) => !l.offered).flatMap((l) => l.proposed);
  let completeS: number | null = null;
  for (const id of proposed) completeS = Math.max(completeS ?? 0, Math.round(timed.get(id)!.etaS));

  // Left out: withheld ones, and everything nearer (straight line) than the farthest proposed one.
  let farthest = 0;
  for (const id of proposed)
    farthest = Math.max(farthest, haversineM(timed.get(id)!.r.lat, timed.get(id)!.r.lon, incident.lat, incident.lon));
  const excluded: Exclusion[] = [];
  for (const [id, why] of withheld) {
    if (proposedSet.has(id)) continue;
    const r = timed.get(id)!.r;
    excluded.push({
      resourceId: id,
      callSign: r.def.callSign,
      agency: r.def.agency,
      reason: 'withheld-cover',
      detail: why,
    });
  }
  const near = proposed.length > 0 ? farthest : radiusM;
  const rest: Exclusion[] = [];
  for (const e of exclusions) {
    if (e.reason !== 'unreachable' && !(e.d <= near)) continue;
    const r = e.r;
    rest.push({
      resourceId: r.def.id,
      callSign: r.def.callSign,
      agency: r.def.agency,
      reason: e.reason,
      detail: e.detail ?? '',
    });
  }
  for (const r of lacking) {
    if (!(haversineM(r.lat, r.lon, incident.lat, incident.lon) <= near)) continue;
    rest.push({
      resourceId: r.def.id,
      callSign: r.def.callSign,
      agency: r.def.agency,
      reason: 'lacks-capability',
      detail: `has ${r.def.capabilities.join(', ') || 'none'}`,
    });
  }
  rest.sort((a, b) => (a.resourceId < b.resourceId ? -1 : 1));
  excluded.push(...rest);

  return {
    incidentId: incident.id,
    typeId: type.id,
    at: now,
    lines: lineViews,
    proposed,
    completeS,
    excluded,
    rules: {
      coResponderRequiresCover: rule,
      coverEvaluated: cover !== null,
      missingPersonOffers: isMissingPerson(type),
    },
    search: { boundS: bound, radiusM: Math.round(radiusM), inBox, timed: timedCount, pruned, fleet: fleet.size },
  };
}

function view(
  t: Timed,
  incident: { lat: number; lon: number; leadAgency: Agency },
  scenario: Scenario,
  impactOf: (id: string) => StandardCoverFigure[] | null,
  withheld: ReadonlyMap<string, string>,
  proposed: boolean,
): CandidateView {
  const r = t.r;
  void scenario;
  const impact = impactOf(r.def.id);
  return {
    resourceId: r.def.id,
    callSign: r.def.callSign,
    agency: r.def.agency,
    type: r.def.type,
    status: STATUS_NAMES[r.status],
    etaS: Math.round(t.etaS),
    turnoutS: Math.round(t.turnoutS),
    driveS: Math.round(t.driveS),
    distanceM: Math.round(haversineM(r.lat, r.lon, incident.lat, incident.lon)),
    from:
      r.status === ResourceStatus.AVAILABLE_AT_STATION
        ? 'station'
        : r.status === ResourceStatus.RETURNING
          ? 'returning'
          : 'mobile',
    viaJointRequest: !mayTask(incident.leadAgency, r.def),
    coverImpact: impact === null ? null : impact.filter((f) => f.drop > 0),
    withheld: withheld.get(r.def.id) ?? null,
    proposed,
  };
}

/**
 * Choose who fills which slot so that the predetermined attendance is met fastest: take
 * (resource, line) pairs in order of arrival and keep a pair only if the slots can still be filled
 * as fully as before (maximum bipartite matching, Kuhn's algorithm; sizes are tiny). This gives
 * the smallest possible time for the last slot filled, and the earliest arrivals within it.
 */
export function assign(
  lines: readonly Line[],
  cands: readonly Timed[][],
  withheld: ReadonlyMap<string, string>,
): string[][] {
  const out: string[][] = lines.map(() => []);
  const idx: number[] = [];
  lines.forEach((l, i) => {
    if (!l.offered && l.outstanding > 0) idx.push(i);
  });
  // Offered lines: their best candidate, not part of the proposal.
  lines.forEach((l, i) => {
    if (l.offered) {
      const best = cands[i]![0];
      if (best) out[i]!.push(best.r.def.id);
    }
  });
  // Slots and edges.
  const slots: number[] = []; // slot -> line
  for (const i of idx) for (let s = 0; s < lines[i]!.outstanding; s++) slots.push(i);
  const edges: Array<{ id: string; line: number; eta: number }> = [];
  for (const i of idx)
    for (const t of cands[i]!) if (!withheld.has(t.r.def.id)) edges.push({ id: t.r.def.id, line: i, eta: t.etaS });
  edges.sort((a, b) => a.eta - b.eta || a.line - b.line || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = [...new Set(edges.map((e) => e.id))];
  const fixed = new Map<string, number>(); // resource -> line
  const fixedPerLine = new Map<number, number>();
  const maxMatch = (): number => {
    // Free slots per line after fixed ones; match free resources to them.
    const free = new Map<number, number>();
    for (const i of idx) free.set(i, lines[i]!.outstanding - (fixedPerLine.get(i) ?? 0));
    const slotList: number[] = [];
    for (const [i, n] of free) for (let s = 0; s < n; s++) slotList.push(i);
    const owner = new Int32Array(slotList.length).fill(-1);
    const adj = ids.map((id) =>
      fixed.has(id)
        ? []
        : slotList.map((line, s) => (edges.some((e) => e.id === id && e.line === line) ? s : -1)).filter((s) => s >= 0),
    );
    let m = 0;
    for (let u = 0; u < ids.length; u++) {
      const visited = new Uint8Array(slotList.length);
      const tryU = (x: number): boolean => {
        for (const s of adj[x]!) {
          if (visited[s]) continue;
          visited[s] = 1;
          if (owner[s]! < 0 || tryU(owner[s]!)) {
            owner[s] = x;
            return true;
          }
        }
        return false;
      };
      if (tryU(u)) m++;
    }
    return m + fixed.size;
  };
  let best = maxMatch();
  for (const e of edges) {
    if (fixed.size >= slots.length) break;
    if (fixed.has(e.id)) continue;
    if ((fixedPerLine.get(e.line) ?? 0) >= lines[e.line]!.outstanding) continue;
    fixed.set(e.id, e.line);
    fixedPerLine.set(e.line, (fixedPerLine.get(e.line) ?? 0) + 1);
    const m = maxMatch();
    if (m >= best) {
      best = m;
      out[e.line]!.push(e.id);
    } else {
      fixed.delete(e.id);
      fixedPerLine.set(e.line, fixedPerLine.get(e.line)! - 1);
    }
  }
  return out;
}

/** The audit summary of a recommendation (what the log keeps of what was shown). */
export function summarise(rec: Recommendation): RecommendationSummary {
  return {
    proposed: rec.proposed,
    lines: rec.lines
      .filter((l) => !l.offered)
      .map((l) => ({
        capability: l.capability,
        count: l.count,
        outstanding: l.outstanding,
        candidates: l.candidates.map((c) => ({ resourceId: c.resourceId, etaS: c.etaS })),
        unfilled: l.unfilled,
      })),
    withheld: rec.lines.flatMap((l) =>
      l.candidates.filter((c) => c.withheld !== null).map((c) => ({ resourceId: c.resourceId, rule: c.withheld! })),
    ),
  };
}
