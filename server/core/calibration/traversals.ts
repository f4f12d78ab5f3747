/**
 * From a matched trace (./matcher.ts) to traversal times per road: the drive between each pair of
 * matched fixes is laid out along the roads (the part of the first road left, every road passed,
 * the part of the last road entered) and the time between the fixes is shared among those pieces
 * in proportion to their prior seconds (what the planner would predict for each): exact when the
 * true speed is the prior's times one factor between the two fixes, and never inventing speeds
 * the fixes do not show. Consecutive pieces on one road in one direction are one traversal; it is
 * `full` when it runs from one end of the road to the other.
 *
 * A road here is a graph geometry (a chain between junctions); `dir` 1 runs it as drawn, -1 back.
 */
import type { RoadGraph } from '../graph/build.ts';
import type { Snap } from '../graph/snap.ts';
import { posOf, type Weights } from '../graph/weights.ts';
import { metresAlong, type MetreRouter } from './candidates.ts';
import type { MatchedRun } from './matcher.ts';

export interface Traversal {
  geom: number;
  dir: 1 | -1;
  /** Entry and exit, epoch ms (interpolated between fixes). */
  enterT: number;
  exitT: number;
  /** Observed seconds (exitT - enterT, unrounded). */
  seconds: number;
  /** The prior's seconds over the same stretch. */
  priorS: number;
  metres: number;
  /** From one end of the road to the other. */
  full: boolean;
}

interface Piece {
  geom: number;
  fromM: number;
  toM: number;
  priorS: number;
}

/** The traversals of one matched run, in driving order; `w` is the prior weights of the vehicle's profile. */
export function traversalsOf(router: MetreRouter, w: Weights, run: MatchedRun, maxM = 1e6): Traversal[] {
  const g = router.g;
  const out: Traversal[] = [];
  let cur: Traversal | null = null;
  let curFromM = 0;
  let curToM = 0;
  const flush = () => {
    if (!cur) return;
    const len = geomLength(g, cur.geom);
    const lo = Math.min(curFromM, curToM),
      hi = Math.max(curFromM, curToM);
    cur.full = lo <= 1e-6 && hi >= len - 1e-3 * Math.max(1, len);
    cur.seconds = (cur.exitT - cur.enterT) / 1000;
    out.push(cur);
    cur = null;
  };
  for (let n = 1; n < run.length; n++) {
    const a = run[n - 1]!,
      b = run[n]!;
    const pieces = piecesBetween(router, w, a.snap, b.snap, maxM);
    let prior = 0,
      metres = 0;
    for (const p of pieces) {
      prior += p.priorS;
      metres += Math.abs(p.toM - p.fromM);
    }
    let t = a.t;
    for (const p of pieces) {
      const m = Math.abs(p.toM - p.fromM);
      if (m === 0) continue;
      const share = prior > 0 ? p.priorS / prior : m / metres;
      const t1 = t + share * (b.t - a.t);
      const dir: 1 | -1 = p.toM > p.fromM ? 1 : -1;
      if (cur && cur.geom === p.geom && cur.dir === dir && Math.abs(p.fromM - curToM) < 0.01) {
        cur.exitT = t1;
        cur.priorS += p.priorS;
        cur.metres += m;
        curToM = p.toM;
      } else {
        flush();
        cur = { geom: p.geom, dir, enterT: t, exitT: t1, seconds: 0, priorS: p.priorS, metres: m, full: false };
        curFromM = p.fromM;
        curToM = p.toM;
      }
      t = t1;
    }
  }
  flush();
  return out;
}

/** Metres of a geometry. */
export function geomLength(g: RoadGraph, geom: number): number {
  return g.lengthM[g.geomEdge[geom]!]!;
}

/** The pieces of road driven from a to b (on the shortest drive between them), with their prior seconds. */
function piecesBetween(router: MetreRouter, w: Weights, a: Snap, b: Snap, maxM: number): Piece[] {
  const g = router.g;
  router.start(a, [b], maxM);
  const r = router.to(b);
  const arrival = r.arrival;
  if (!arrival) return [];
  const am = metresAlong(g, a),
    bm = metresAlong(g, b);
  const as = posOf(a, w),
    bs = posOf(b, w);
  if (arrival.kind === 'same') return [{ geom: a.geom, fromM: am, toM: bm, priorS: Math.abs(bs - as) }];
  const out: Piece[] = [];
  const { edges, left } = router.edgesTo(arrival.vertex);
  const lenA = geomLength(g, a.geom);
  const totA = w.total[a.geom]!;
  if (left === 'fwd') out.push({ geom: a.geom, fromM: am, toM: lenA, priorS: totA - as });
  else if (left === 'back') out.push({ geom: a.geom, fromM: am, toM: 0, priorS: as });
  for (const e of edges) {
    const geom = g.edgeGeom[e]!;
    const len = geomLength(g, geom);
    const fwd = g.edgeRev[e] === 0;
    out.push({ geom, fromM: fwd ? 0 : len, toM: fwd ? len : 0, priorS: w.total[geom]! });
  }
  const lenB = geomLength(g, b.geom);
  const totB = w.total[b.geom]!;
  if (arrival.alongB === 'fwd') out.push({ geom: b.geom, fromM: 0, toM: bm, priorS: bs });
  else if (arrival.alongB === 'back') out.push({ geom: b.geom, fromM: lenB, toM: bm, priorS: totB - bs });
  return out;
}
