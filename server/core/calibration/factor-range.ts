/**
 * The range a calibration's speed factors must lie in (docs/calibration.md, "The allowed range").
 * A factor multiplies the prior's speed of a class in a band, or of one road: outside 0.2..5 it is
 * a matching or data fault, not traffic. Within it every edge weight stays finite and positive, so
 * a calibration changes how long journeys take, never which journeys exist: every pair the prior
 * routes the calibration routes, in at most FACTOR_MAX_SLOWER times the prior's seconds. A factor
 * that is not a finite number (a string or null in a database row) would make edges NaN (no route
 * over them) and one too large makes them 0 s (a journey faster than the recommender's speed bound
 * assumes): either would drop a resource silently. The estimator clamps what it builds; a stored
 * artefact that breaks the rule is refused, not mended. Pure.
 */
import { JcrError } from '../errors.ts';

export const FACTOR_MIN = 0.2;
export const FACTOR_MAX = 5;
/** Class factor x road factor at their lowest: no calibrated edge is slower than the prior's by more. */
export const FACTOR_MAX_SLOWER = 1 / (FACTOR_MIN * FACTOR_MIN);

/** A factor the estimator computed, kept within the range. */
export function clampFactor(x: number): number {
  return Math.min(FACTOR_MAX, Math.max(FACTOR_MIN, x));
}

const inRange = (v: unknown): boolean => typeof v === 'number' && v >= FACTOR_MIN && v <= FACTOR_MAX;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The first thing wrong with one driving mode's factors as stored (`{classes: {band: {class: f}},
 * roads: {geom: f}}`): its path under `at` and why, or null when every factor is within the range.
 */
export function factorProblem(f: unknown, at: string): { path: string; why: string } | null {
  if (!isRecord(f) || !isRecord(f.classes) || !isRecord(f.roads))
    return { path: at, why: 'is not an object of classes and roads' };
  for (const [band, classes] of Object.entries(f.classes)) {
    if (!isRecord(classes)) return { path: `${at}.classes.${band}`, why: 'is not an object' };
    for (const [cls, v] of Object.entries(classes))
      if (!inRange(v)) return { path: `${at}.classes.${band}.${cls}`, why: `is ${String(v)}` };
  }
  for (const [road, v] of Object.entries(f.roads)) {
    if (!/^(0|[1-9][0-9]*)$/.test(road)) return { path: `${at}.roads.${road}`, why: 'is not a road (geometry) index' };
    if (!inRange(v)) return { path: `${at}.roads.${road}`, why: `is ${String(v)}` };
  }
  return null;
}

/** Throws JCR_CALIBRATION_INVALID naming the first factor out of the range. */
export function checkFactors(f: unknown, at: string): void {
  const p = factorProblem(f, at);
  if (p)
    throw new JcrError(
      'JCR_CALIBRATION_INVALID',
      `calibration ${p.path} ${p.why}: every factor must be a number in ${FACTOR_MIN}..${FACTOR_MAX}`,
      { path: p.path },
    );
}
