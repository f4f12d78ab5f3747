/**
 * The answers of the planner's searches, read after the search has run: times to one target
 * (TargetField, and LazyTargetField, which grows its reverse search on demand) and times from many
 * sources (SourceField). Each reads the SearchSpace the planner searched, and throws once a later
 * search on that space has overwritten it.
 */
import { haversineM } from '../geo.ts';
import type { SearchSpace } from './search.ts';
import type { Snap } from './snap.ts';
import { posOf, type RoadMeasure, type Weights } from './weights.ts';

/** A source of a multi-source search (JourneyPlanner.timesFromSources): where it is and its start. */
export interface SourceSpec {
  snap: Snap;
  /** Seconds already spent before leaving (turnout). */
  offsetS?: number;
}

function stale(): never {
  throw new Error(
    'this journey-time field was overwritten by a later search on the same SearchSpace; pass { space: planner.newSpace() } to keep it',
  );
}

/** Times to one target; valid until the next search on the same space. */
export class TargetField {
  constructor(
    private readonly planner: RoadMeasure,
    private readonly space: SearchSpace,
    private readonly stamp: number,
    readonly target: Snap,
    private readonly w: Weights,
  ) {}

  /** Seconds from vertex v to the target's road position (no off-road gaps), Infinity if beyond maxS. */
  nodeTime(v: number): number {
    if (this.space.current !== this.stamp) stale();
    return this.space.time(v);
  }

  /** Seconds from a snapped point to the target, including both off-road gaps. */
  timeFrom(s: Snap): number {
    if (this.space.current !== this.stamp) stale();
    const g = this.planner.graph;
    const sp = this.space;
    const e = s.edge;
    const pos = posOf(s, this.w);
    let best = Infinity;
    if (s.forward) best = this.w.total[s.geom]! - pos + sp.time(g.head[e]!);
    if (s.backward) best = Math.min(best, pos + sp.time(g.tail[e]!));
    if (s.vertex >= 0) best = Math.min(best, sp.time(s.vertex));
    if (s.geom === this.target.geom) best = Math.min(best, this.planner.sameGeometry(s, this.target, this.w));
    return best + this.planner.offRoadS(s) + this.planner.offRoadS(this.target);
  }
}

/**
 * Times to one target from a reverse search that grows on demand. Ask `timeFrom(snap, limitS)`:
 * the answer is exact when it is <= limitS, and Infinity only when the true time exceeds limitS.
 * The search resumes where the last question left it; a question within what is already settled
 * costs a few array reads. Valid until the next search on the same space.
 */
export class LazyTargetField {
  constructor(
    private readonly planner: RoadMeasure,
    private readonly space: SearchSpace,
    private readonly stamp: number,
    readonly target: Snap,
    private readonly w: Weights,
  ) {}

  /** Nodes settled so far (for benchmarks and tests). */
  get settled(): number {
    return this.space.settled;
  }

  /** The best road seconds (no off-road gaps) over the snap's end nodes settled so far, and the same-geometry drive. */
  private settledRoad(s: Snap): number {
    const g = this.planner.graph;
    const sp = this.space;
    const pos = posOf(s, this.w);
    let best = Infinity;
    // summed as TargetField.timeFrom sums, so both give the same seconds
    if (s.forward) best = this.w.total[s.geom]! - pos + sp.settledTime(g.head[s.edge]!);
    if (s.backward) best = Math.min(best, pos + sp.settledTime(g.tail[s.edge]!));
    if (s.vertex >= 0) best = Math.min(best, sp.settledTime(s.vertex));
    if (s.geom === this.target.geom) best = Math.min(best, this.planner.sameGeometry(s, this.target, this.w));
    return best;
  }

  /**
   * Seconds from a snapped point to the target, off-road gaps included, if at most limitS;
   * Infinity if more (or unreachable). Every node not yet settled is at least the heap's smallest
   * key away, so a time read off settled nodes that is within it is final; otherwise the search
   * resumes until the point's end nodes are settled or the frontier passes the limit.
   */
  timeFrom(s: Snap, limitS: number): number {
    const sp = this.space;
    if (sp.current !== this.stamp) stale();
    const g = this.planner.graph;
    const p = this.planner;
    const offS = p.offRoadS(s),
      offT = p.offRoadS(this.target);
    const roadLimit = limitS - offS - offT;
    let road = this.settledRoad(s);
    const endsSettled = (): boolean =>
      (!s.forward || sp.isSettled(g.head[s.edge]!)) &&
      (!s.backward || sp.isSettled(g.tail[s.edge]!)) &&
      (s.vertex < 0 || sp.isSettled(s.vertex));
    // Final already if every end node is settled, or if no unsettled node (all at least the
    // frontier away) could give less; else resume, up to the limit.
    if (!endsSettled() && road > sp.frontier() && sp.frontier() <= roadLimit) {
      sp.resume(roadLimit);
      if (s.forward) sp.need(g.head[s.edge]!);
      if (s.backward) sp.need(g.tail[s.edge]!);
      if (s.vertex >= 0) sp.need(s.vertex);
      sp.run(g, this.w.rev, true);
      // stopped with the end nodes settled (road exact), or with the frontier past roadLimit
      // (road exact if within it, and the true time beyond it otherwise)
      road = this.settledRoad(s);
    }
    // summed in TargetField.timeFrom's order, so both give the same seconds
    const t = road + offS + offT;
    return t <= limitS ? t : Infinity;
  }
}

export interface SourceField {
  /** Best seconds from any source to the point (off-road gaps and offsets included) and that source's index; source -1 if unreachable. */
  timeTo(s: Snap): { seconds: number; source: number };
}

export class RoadSourceField implements SourceField {
  private byGeom: Map<number, number[]> | null = null;

  constructor(
    private readonly planner: RoadMeasure,
    private readonly space: SearchSpace,
    private readonly stamp: number,
    private readonly sources: readonly SourceSpec[],
    private readonly w: Weights,
  ) {}

  /** Seconds from the best source to vertex v, and its index (-1 if none within maxS). */
  nodeTime(v: number): { seconds: number; source: number } {
    if (this.space.current !== this.stamp) stale();
    const t = this.space.time(v);
    return { seconds: t, source: Number.isFinite(t) ? this.space.origin[v]! : -1 };
  }

  timeTo(s: Snap): { seconds: number; source: number } {
    if (this.space.current !== this.stamp) stale();
    const g = this.planner.graph;
    const sp = this.space;
    const e = s.edge;
    const { pos, total } = this.planner.position(s, this.w);
    let best = Infinity;
    let source = -1;
    const a = g.tail[e]!,
      b = g.head[e]!;
    const viaA = sp.time(a) + pos;
    if (viaA < best) {
      best = viaA;
      source = sp.origin[a]!;
    }
    if (g.twin[e]! >= 0) {
      const viaB = sp.time(b) + total - pos;
      if (viaB < best) {
        best = viaB;
        source = sp.origin[b]!;
      }
    }
    if (s.vertex >= 0) {
      const viaV = sp.time(s.vertex);
      if (viaV < best) {
        best = viaV;
        source = sp.origin[s.vertex]!;
      }
    }
    // a source on the same geometry may get there without reaching either end
    if (!this.byGeom) {
      this.byGeom = new Map();
      this.sources.forEach((src, i) => {
        const list = this.byGeom!.get(src.snap.geom);
        if (list) list.push(i);
        else this.byGeom!.set(src.snap.geom, [i]);
      });
    }
    for (const i of this.byGeom.get(s.geom) ?? []) {
      const src = this.sources[i]!;
      const d = (src.offsetS ?? 0) + this.planner.offRoadS(src.snap) + this.planner.sameGeometry(src.snap, s, this.w);
      if (d < best) {
        best = d;
        source = i;
      }
    }
    if (!Number.isFinite(best)) return { seconds: Infinity, source: -1 };
    return { seconds: best + this.planner.offRoadS(s), source };
  }
}

export class AirSourceField implements SourceField {
  constructor(
    private readonly planner: RoadMeasure,
    private readonly sources: readonly SourceSpec[],
    private readonly profile: string,
  ) {}

  timeTo(s: Snap): { seconds: number; source: number } {
    let best = Infinity;
    let source = -1;
    this.sources.forEach((src, i) => {
      const t =
        (src.offsetS ?? 0) +
        this.planner.speed.airSeconds(this.profile, haversineM(src.snap.lat, src.snap.lon, s.lat, s.lon));
      if (t < best) {
        best = t;
        source = i;
      }
    });
    return { seconds: best, source };
  }
}
