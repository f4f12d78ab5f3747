/**
 * The cover move policy: when to order the cover engine's standby recommendations without a
 * dispatcher, for the simulator's `dynamic+cover` mode (docs/simulator.md § Move-up policies).
 * Per surface, at each decision moment (the fleet changed):
 *
 *   1. a target of the surface is below its standard's share: order the top recommended move
 *      (./moves.ts, best first) whose drive is within `maxDriveS`, of a unit that has had fewer
 *      than `movesPerUnitPerHour` moves in the past hour;
 *   2. every target meets its standard: send home the first unit standing away after a cover
 *      move whose return keeps every target met (the same rate limit), one a decision.
 *
 * Pure: the figures and recommendations come in (lazily, so a decision that needs neither costs
 * nothing); the caller keeps the per-unit move times.
 */
import type { TargetFigure } from './figures.ts';
import type { MoveRecommendation } from './moves.ts';

export interface CoverMovePolicy {
  /** Longest predicted drive of an ordered move, seconds. */
  maxDriveS: number;
  /** Moves (standby or return home) a unit may be given in any hour. */
  movesPerUnitPerHour: number;
}

/** The policy the outcome report runs: a 15-minute drive cap, one move per unit per hour. */
export const DEFAULT_COVER_POLICY: CoverMovePolicy = { maxDriveS: 900, movesPerUnitPerHour: 1 };

export type CoverAction =
  { kind: 'move'; resourceId: string; destinationId: string; travelS: number } | { kind: 'home'; resourceId: string };

export interface CoverDecisionInput {
  now: number;
  /** The surface's figures now (one per target). */
  figures: readonly TargetFigure[];
  /** The surface's standby recommendations, best first, leaving out `limited` units. */
  recommend: (limited: ReadonlySet<string>) => readonly MoveRecommendation[];
  /** Units of the surface standing away from home after a cover move, with the figures if one went home. */
  away: ReadonlyArray<{ resourceId: string; figuresIfHome: () => readonly TargetFigure[] }>;
  /** Times (epoch ms) of each unit's past moves. */
  movesAt: ReadonlyMap<string, readonly number[]>;
}

/** Units that have had `movesPerUnitPerHour` moves in the hour before `now`. */
export function rateLimited(
  movesAt: ReadonlyMap<string, readonly number[]>,
  now: number,
  policy: CoverMovePolicy,
): Set<string> {
  const out = new Set<string>();
  for (const [id, times] of movesAt) {
    const recent = times.filter((t) => t > now - 3_600_000 && t <= now).length;
    if (recent >= policy.movesPerUnitPerHour) out.add(id);
  }
  return out;
}

const allMet = (fs: readonly TargetFigure[]) => fs.every((f) => f.meetsStandard);

/** The policy's action for one surface at one decision moment, or null. */
export function decideCover(o: CoverDecisionInput, policy: CoverMovePolicy = DEFAULT_COVER_POLICY): CoverAction | null {
  const limited = rateLimited(o.movesAt, o.now, policy);
  if (!allMet(o.figures)) {
    for (const m of o.recommend(limited)) {
      if (limited.has(m.resourceId) || m.netShare <= 0) continue;
      if (m.travelS === null || m.travelS > policy.maxDriveS) continue;
      return { kind: 'move', resourceId: m.resourceId, destinationId: m.destination.id, travelS: m.travelS };
    }
    return null;
  }
  for (const a of o.away) {
    if (limited.has(a.resourceId)) continue;
    if (allMet(a.figuresIfHome())) return { kind: 'home', resourceId: a.resourceId };
  }
  return null;
}
