/**
 * Edge seconds of a road profile, quantised so that every journey time is exact: the Weights the
 * planner computes once per profile (JourneyPlanner.weights caches them) and the position of a
 * snapped point along its road, which every search, field and tree reads through posOf.
 */
import type { RoadGraph } from './build.ts';
import type { Snap } from './snap.ts';
import { MIN_KMH, type SpeedModel } from './speed.ts';

export interface Weights {
  /**
   * The quantum every time of this profile is a whole multiple of (a power of two, seconds): see
   * weights(). Sums of such multiples are exact in float64, so a time does not depend on the
   * order its parts are added in.
   */
  q: number;
  /** Seconds per routing edge. */
  fwd: Float32Array;
  /** Seconds per reverse-star position. */
  rev: Float32Array;
  /** Seconds from a geometry's first point to each slot's point. */
  cum: Float64Array;
  /** Seconds of each whole geometry. */
  total: Float64Array;
}

/**
 * Seconds of a road profile, computed once: `fwd` per routing edge, `rev` per reverse-star
 * position, `cum` per geometry slot (seconds from the geometry's first point to the slot's point).
 *
 * Every one of these, and every snapped position (posOf), is rounded to a whole multiple of the
 * profile's quantum q = 2^-k s, the finest for which the longest geometry still fits a float32
 * edge weight exactly (2^-15 s, about 30 us, on the Hertfordshire network). Then every time a
 * search adds up is exact in float64, so a forward search from A and a reverse search from B give
 * A -> B to the bit, whichever way and in whichever order they add: what lets a cached station
 * tree (station-trees.ts) answer exactly what the incident's reverse search answers.
 */
export function roadWeights(g: RoadGraph, speed: SpeedModel, profile: string): Weights {
  speed.profile(profile); // throws on unknown
  const cum = new Float64Array(g.geomPoint.length);
  const total = new Float64Array(g.geomStart.length - 1);
  const kmhOf = new Map<number, number>();
  let longest = 0;
  const perRoad = speed.hasRoadFactors;
  for (let geom = 0; geom < total.length; geom++) {
    const end = g.geomStart[geom + 1]!;
    const rf = perRoad ? speed.roadFactor(geom) : 1;
    let acc = 0;
    for (let i = g.geomStart[geom]!; i < end; i++) {
      cum[i] = acc;
      if (i === end - 1) break;
      const hw = g.slotHighway[i]!;
      const max = g.slotMaxspeed[i]!;
      const key = hw * 1e6 + max;
      let kmh = kmhOf.get(key);
      if (kmh === undefined) {
        kmh = speed.roadKmh(profile, g.highwayNames[hw] ?? 'default', max);
        kmhOf.set(key, kmh);
      }
      acc += (g.slotLenM[i]! * 3.6) / (rf === 1 ? kmh : Math.max(MIN_KMH, kmh * rf));
    }
    total[geom] = acc;
    if (acc > longest) longest = acc;
  }
  const q = quantumFor(longest);
  // each point rounded from the unrounded running sum: rounding is monotone, so cum stays
  // non-decreasing along a geometry and its last point equals the geometry's total
  for (let i = 0; i < cum.length; i++) cum[i] = roundTo(cum[i]!, q);
  for (let geom = 0; geom < total.length; geom++) total[geom] = roundTo(total[geom]!, q);
  const fwd = new Float32Array(g.edgeCount);
  for (let e = 0; e < g.edgeCount; e++) fwd[e] = total[g.edgeGeom[e]!]!;
  const rev = new Float32Array(g.edgeCount);
  for (let k = 0; k < g.edgeCount; k++) rev[k] = fwd[g.inEdge[k]!]!;
  return { q, fwd, rev, cum, total };
}

/** Finest quantum 2^-k (k <= 30) whose multiples up to `longest` seconds are exact float32 values (24-bit significand). */
export function quantumFor(longest: number): number {
  let k = 30;
  while (k > -30 && longest >= 2 ** (24 - k)) k--;
  return 2 ** -k;
}

/** x rounded to the nearest multiple of q (a power of two, so the scaling is exact). */
export function roundTo(x: number, q: number): number {
  return Math.round(x / q) * q;
}

/**
 * Seconds from the start of the snap's geometry to the snapped point, a multiple of the profile's
 * quantum (weights()). Between its segment's ends, which are multiples too, so it never passes
 * the geometry's total. Every search and field reads a position through this one function.
 */
export function posOf(s: Snap, w: Weights): number {
  const a = w.cum[s.slot]!;
  return roundTo(a + s.t * (w.cum[s.slot + 1]! - a), w.q);
}

/**
 * What a search's answers (./fields.ts) and a route's geometry (./route.ts) read of the road
 * network: the graph, the speeds, each profile's weights and where a snapped point lies along its
 * road. JourneyPlanner (./planner.ts) is the one implementation; the type lives here, beside the
 * positions it measures, so the planner's parts need not import the planner that builds them.
 */
export interface RoadMeasure {
  readonly graph: RoadGraph;
  readonly speed: SpeedModel;
  /** Seconds of a road profile (roadWeights), computed once. */
  weights(profile: string): Weights;
  /** Seconds across the off-road gap between the snapped point and its road. */
  offRoadS(snap: Snap): number;
  /** Seconds from the start of the snap's geometry to the snapped point, and the geometry's whole seconds. */
  position(s: Snap, w: Weights): { pos: number; total: number };
  /** Metres from the start of the snap's geometry to the snapped point. */
  positionM(s: Snap): number;
  /** Driving seconds between two points on the same geometry without leaving it (Infinity if not possible). */
  sameGeometry(from: Snap, to: Snap, w: Weights): number;
}
