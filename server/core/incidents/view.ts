/**
 * What the recommender shows: the candidate and line views, the proposal's completion time, the
 * resources left out (and why) and the audit summary the log keeps. Built from the timing
 * (./timing.ts) and the assignment (./assignment.ts); nothing here changes a ranking.
 */
import type { StandardCoverFigure } from '../cover/impact.ts';
import type { LiveResource } from '../fleet/fleet.ts';
import { STATUS_NAMES } from '../fleet/status.ts';
import { haversineM } from '../geo.ts';
import type { Agency } from '../scenario/types.ts';
import { mayTask } from './access.ts';
import type { ExclusionReason, Line } from './candidates.ts';
import type { LeftOut, Timed } from './timing.ts';
import type { RecommendationSummary } from './types.ts';

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
  /**
   * Where it was timed from (candidates.ts startOf): its station (with turnout), or its last AVL fix
   * (no turnout) when mobile, returning, or at-station status with a fresh fix away from the station.
   */
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
  rules: {
    coResponderRequiresCover: boolean;
    /** The late co-responder rule's margin, seconds (scenario.rules.coResponderMarginS, default 0). */
    coResponderMarginS: number;
    coverEvaluated: boolean;
    missingPersonOffers: boolean;
  };
  /** How much of the fleet the search looked at: the proof that it did not scan everything. */
  search: { boundS: number; radiusM: number; inBox: number; timed: number; pruned: number; fleet: number };
  /** The calibration whose journey times it used, and the time band (absent: the prior's; docs/calibration.md). */
  calibration?: { version: number; band: string };
}

type Place = { lat: number; lon: number; leadAgency: Agency };

/** The lines as shown: their top-k candidates, and who of them is proposed. */
export function lineViews(
  lines: readonly Line[],
  cands: readonly Timed[][],
  assignment: readonly string[][],
  incident: Place,
  impactOf: (id: string) => StandardCoverFigure[] | null,
  withheld: ReadonlyMap<string, string>,
): LineView[] {
  const proposedSet = new Set<string>();
  for (const ids of assignment) for (const id of ids) proposedSet.add(id);
  return lines.map((l, i) => {
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
        candidateView(
          t,
          incident,
          impactOf,
          withheld,
          l.offered ? false : proposedSet.has(t.r.def.id) && ids.includes(t.r.def.id),
        ),
      ),
      proposed: ids,
      unfilled: l.offered ? 0 : l.outstanding - ids.length,
    };
  });
}

function candidateView(
  t: Timed,
  incident: Place,
  impactOf: (id: string) => StandardCoverFigure[] | null,
  withheld: ReadonlyMap<string, string>,
  proposed: boolean,
): CandidateView {
  const r = t.r;
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
    from: t.from,
    viaJointRequest: !mayTask(incident.leadAgency, r.def),
    coverImpact: impact === null ? null : impact.filter((f) => f.drop > 0),
    withheld: withheld.get(r.def.id) ?? null,
    proposed,
  };
}

/** Seconds until the whole proposal has arrived: its slowest arrival, rounded; null if nothing is proposed. */
export function completeSOf(proposed: readonly string[], timed: ReadonlyMap<string, Timed>): number | null {
  let completeS: number | null = null;
  for (const id of proposed) completeS = Math.max(completeS ?? 0, Math.round(timed.get(id)!.etaS));
  return completeS;
}

/**
 * Left out: withheld ones not assigned (offers included), then (by id) everything nearer in a straight line than the
 * farthest proposed one (the whole box when nothing is proposed), and every unreachable one.
 */
export function exclusions(
  proposed: readonly string[],
  assignment: readonly string[][],
  withheld: ReadonlyMap<string, string>,
  timing: { timed: ReadonlyMap<string, Timed>; leftOut: readonly LeftOut[]; lacking: readonly LiveResource[] },
  incident: Place,
  radiusM: number,
  withheldReason: (id: string) => ExclusionReason = () => 'withheld-cover',
): Exclusion[] {
  const { timed } = timing;
  let farthest = 0;
  for (const id of proposed)
    farthest = Math.max(farthest, haversineM(timed.get(id)!.r.lat, timed.get(id)!.r.lon, incident.lat, incident.lon));
  const excluded: Exclusion[] = [];
  const assigned = new Set<string>();
  for (const ids of assignment) for (const id of ids) assigned.add(id);
  for (const [id, why] of withheld) {
    if (assigned.has(id)) continue;
    excluded.push(exclusion(timed.get(id)!.r, withheldReason(id), why));
  }
  const near = proposed.length > 0 ? farthest : radiusM;
  const rest: Exclusion[] = [];
  for (const e of timing.leftOut) {
    if (e.reason !== 'unreachable' && !(e.d <= near)) continue;
    rest.push(exclusion(e.r, e.reason, e.detail ?? ''));
  }
  for (const r of timing.lacking) {
    if (!(haversineM(r.lat, r.lon, incident.lat, incident.lon) <= near)) continue;
    rest.push(exclusion(r, 'lacks-capability', `has ${r.def.capabilities.join(', ') || 'none'}`));
  }
  rest.sort((a, b) => (a.resourceId < b.resourceId ? -1 : 1));
  excluded.push(...rest);
  return excluded;
}

function exclusion(r: LiveResource, reason: ExclusionReason, detail: string): Exclusion {
  return { resourceId: r.def.id, callSign: r.def.callSign, agency: r.def.agency, reason, detail };
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
        proposed: l.proposed,
        unfilled: l.unfilled,
        agency: l.agency,
      })),
    withheld: rec.lines.flatMap((l) =>
      l.candidates.filter((c) => c.withheld !== null).map((c) => ({ resourceId: c.resourceId, rule: c.withheld! })),
    ),
    ...(rec.calibration ? { calibration: rec.calibration } : {}),
  };
}
