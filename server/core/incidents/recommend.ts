/**
 * The mobilisation recommender. For each line of the incident type's predetermined attendance it
 * ranks the available resources with that capability (at station, mobile or returning) by
 * predicted arrival = turnout (at station only) + drive, and proposes the attendance that meets
 * the whole predetermined attendance fastest.
 *
 * The steps, a file each: the lines and who fits them (./candidates.ts); each line's k fastest,
 * timed without timing the whole fleet (./timing.ts); the rules and the choice of who fills which
 * slot (./assignment.ts); what is shown and logged (./view.ts).
 *
 * Rules from practice:
 *   - co-responder lines (type.coResponse) when scenario.rules.coResponderRequiresCover: a
 *     candidate whose commitment would leave any of its agency's standards below target is
 *     withheld (needs a CoverImpact; without one the rule is reported as not evaluated);
 *   - co-responder lines: a candidate not expected to arrive scenario.rules.coResponderMarginS
 *     before the first unit of the line it supports is withheld (./assignment.ts lateCoResponders);
 *   - a missing-person type also offers the other services' drone and thermal-imaging assets;
 *   - a candidate the lead agency may not task itself is marked `viaJointRequest`.
 */
import type { CoverImpact, StandardCoverFigure } from '../cover/impact.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { assign, lateCoResponders, supportedLine, withheldByCover } from './assignment.ts';
import { buildLines, type Line } from './candidates.ts';
import { isMissingPerson, linesOf } from './lines.ts';
import { Timing, type TimingInput } from './timing.ts';
import { completeSOf, exclusions, lineViews, type Recommendation } from './view.ts';

export const DEFAULT_INITIAL_S = 600;
export const DEFAULT_MAX_S = 3600;
/** Candidates listed per line beyond the outstanding count. */
export const DEFAULT_EXTRA_CANDIDATES = 3;

export interface RecommendInput extends TimingInput {
  cover?: CoverImpact | null;
  options?: { initialS?: number; maxS?: number; extraCandidates?: number };
}

export function recommend(input: RecommendInput): Recommendation {
  const { scenario, fleet, incident, now } = input;
  const type = scenario.incidentTypes.find((t) => t.id === incident.typeId);
  if (!type) throw new Error(`unknown incident type ${incident.typeId}`);
  const extra = input.options?.extraCandidates ?? DEFAULT_EXTRA_CANDIDATES;
  const maxS = input.options?.maxS ?? DEFAULT_MAX_S;
  const lines = buildLines(linesOf(type, incident.lineChanges), fleet, incident, extra);
  const timing = new Timing(input, lines, maxS, input.options?.initialS ?? DEFAULT_INITIAL_S);
  timing.run();

  // Candidates per line (top k), co-responder rule, then the proposal.
  const cover = input.cover ?? null;
  const impactOf = impactLookup(cover);
  const rule = scenario.rules.coResponderRequiresCover;
  const cands = lines.map((l, i) => timing.perLine[i]!.slice(0, l.k));
  const withheld = rule && cover ? withheldByCover(lines, cands, impactOf) : new Map<string, string>();
  let assignment = assign(lines, cands, withheld);
  // The late co-responder rule, against the first unit of the supported line as now proposed.
  const marginS = scenario.rules.coResponderMarginS ?? 0;
  const late = lateCoResponders(lines, cands, assignment, committedArrival(lines, timing, fleet, maxS), marginS);
  let lateAdded = false;
  for (const [id, why] of late) {
    if (withheld.has(id)) continue;
    withheld.set(id, why);
    lateAdded = true;
  }
  if (lateAdded) assignment = assign(lines, cands, withheld);
  const views = lineViews(lines, cands, assignment, incident, impactOf, withheld);
  const proposed = views.filter((l) => !l.offered).flatMap((l) => l.proposed);

  return {
    incidentId: incident.id,
    typeId: type.id,
    at: now,
    lines: views,
    proposed,
    completeS: completeSOf(proposed, timing.timed),
    excluded: exclusions(proposed, assignment, withheld, timing, incident, timing.radiusM, (id) =>
      late.has(id) && late.get(id) === withheld.get(id) ? 'co-responder-late' : 'withheld-cover',
    ),
    rules: {
      coResponderRequiresCover: rule,
      coResponderMarginS: marginS,
      coverEvaluated: cover !== null,
      missingPersonOffers: isMissingPerson(type),
    },
    search: {
      boundS: timing.bound,
      radiusM: Math.round(timing.radiusM),
      inBox: timing.inBox,
      timed: timing.timedCount,
      pruned: timing.pruned,
      fleet: fleet.size,
    },
  };
}

/** When the first committed unit of the supported line arrives, seconds from now (Infinity: none committed). */
function committedArrival(lines: readonly Line[], timing: Timing, fleet: Fleet, maxS: number): number {
  const s = supportedLine(lines);
  if (s < 0 || !lines.some((l) => l.coResponse && l.outstanding > 0)) return Infinity;
  let first = Infinity;
  for (const id of lines[s]!.attending) {
    const r = fleet.get(id);
    if (r) first = Math.min(first, timing.driveOf(r, maxS));
  }
  return first;
}

/** Each candidate's cover impact, asked of the cover model once per resource (null without one). */
function impactLookup(cover: CoverImpact | null): (id: string) => StandardCoverFigure[] | null {
  const cache = new Map<string, StandardCoverFigure[]>();
  return (id) => {
    if (!cover) return null;
    let v = cache.get(id);
    if (!v) cache.set(id, (v = cover.coverAfterCommitting([id])));
    return v;
  };
}
