/**
 * Cover impact: what committing some resources would do to each response standard. A first,
 * honest version written for mobilisation (issue 5); the cover module (issue 6) extends it.
 *
 * Figure of a standard = the demand-weighted share of demand points that the standard's FIRST
 * target reaches: a point counts when some available resource of the standard's agency with its
 * capability is predicted to arrive (turnout at station + drive) within `withinS`. The multi-source
 * search runs once per road profile over all such resources (JourneyPlanner.timesFromSources).
 * "After" removes the committed resources and searches again, but only when one of them was the
 * best source of some covered demand point (otherwise nothing can change). Only the first
 * target's nth = 1 is modelled; later targets (second appliance, ...) are issue 6.
 */
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import { isDeployable, ResourceStatus } from '../fleet/status.ts';
import type { JourneyPlanner, SourceSpec } from '../graph/planner.ts';
import type { Snap } from '../graph/snap.ts';
import { turnoutS } from '../graph/speed.ts';
import type { ResponseStandard, Scenario } from '../scenario/types.ts';

export interface StandardCoverFigure {
  standardId: string;
  agency: string;
  capability: string;
  /** The first target's time and required share. */
  withinS: number;
  targetShare: number;
  /** Demand-weighted share reached, 0..1, rounded to 4 places. */
  before: number;
  after: number;
  /** before - after (>= 0). */
  drop: number;
  /** Does `after` still meet the target share? */
  meetsAfter: boolean;
}

export interface CoverImpact {
  /** Figures of each standard that the resources could count towards (others cannot change). */
  coverAfterCommitting(resourceIds: readonly string[]): StandardCoverFigure[];
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Does this resource count towards the standard (right agency and capability)? */
export function countsTowards(std: ResponseStandard, r: LiveResource): boolean {
  return r.def.agency === std.agency && r.def.capabilities.includes(std.capability);
}

interface StdState {
  std: ResponseStandard;
  withinS: number;
  share: number;
  sources: LiveResource[];
  /** Per demand point: index into `sources` of the best source within withinS, or -1. */
  best: Int32Array;
  before: number;
}

/**
 * Cover over the road graph. Create one per scenario (it caches demand snaps); call `at(fleet,
 * now)` for a CoverImpact of the current fleet (it caches the "before" search per standard).
 */
export class PlannerCover {
  private readonly planner: JourneyPlanner;
  private readonly scenario: Scenario;
  private readonly demandSnaps: Array<Snap | null>;
  private readonly totalWeight: number;
  private readonly space;

  constructor(planner: JourneyPlanner, scenario: Scenario) {
    this.planner = planner;
    this.scenario = scenario;
    this.space = planner.newSpace();
    this.demandSnaps = scenario.demand.map((d) => {
      try {
        return planner.snap(d.lat, d.lon);
      } catch {
        return null;
      }
    });
    this.totalWeight = scenario.demand.reduce((s, d) => s + d.weight, 0);
  }

  at(fleet: Fleet, now: number): CoverImpact {
    const states = new Map<string, StdState>();
    const get = (std: ResponseStandard): StdState => {
      let st = states.get(std.id);
      if (st) return st;
      const first = std.targets[0];
      const withinS = first?.withinS ?? 0;
      const sources: LiveResource[] = [];
      for (const r of fleet.all()) {
        if (!countsTowards(std, r) || !isDeployable(r.status)) continue;
        if (r.status !== ResourceStatus.AVAILABLE_AT_STATION && fleet.isStale(r, now)) continue;
        sources.push(r);
      }
      const best = this.bestSources(sources, withinS, new Set());
      st = { std, withinS, share: first?.share ?? 0, sources, best, before: this.share(best) };
      states.set(std.id, st);
      return st;
    };
    return {
      coverAfterCommitting: (ids) => {
        const out: StandardCoverFigure[] = [];
        const idSet = new Set(ids);
        for (const std of this.scenario.standards) {
          const rs = ids.map((id) => fleet.get(id)).filter((r): r is LiveResource => r !== undefined && countsTowards(std, r));
          if (rs.length === 0) continue;
          const st = get(std);
          const removed = new Set<number>();
          st.sources.forEach((r, i) => {
            if (idSet.has(r.def.id)) removed.add(i);
          });
          let after = st.before;
          let touches = false;
          for (const b of st.best) if (b >= 0 && removed.has(b)) touches = true;
          if (touches) after = this.share(this.bestSources(st.sources, st.withinS, removed));
          const before = round4(st.before);
          const a = round4(after);
          out.push({ standardId: std.id, agency: std.agency, capability: std.capability, withinS: st.withinS, targetShare: st.share, before, after: a, drop: round4(before - a), meetsAfter: a >= st.share });
        }
        return out;
      },
    };
  }

  private share(best: Int32Array): number {
    if (this.totalWeight <= 0) return 0;
    let w = 0;
    best.forEach((b, i) => {
      if (b >= 0) w += this.scenario.demand[i]!.weight;
    });
    return w / this.totalWeight;
  }

  /** Best source (index) within withinS of each demand point, leaving out `skip`. */
  private bestSources(sources: readonly LiveResource[], withinS: number, skip: ReadonlySet<number>): Int32Array {
    const n = this.scenario.demand.length;
    const best = new Int32Array(n).fill(-1);
    const bestS = new Float64Array(n).fill(Infinity);
    const byProfile = new Map<string, Array<{ i: number; spec: SourceSpec }>>();
    sources.forEach((r, i) => {
      if (skip.has(i)) return;
      let snap: Snap;
      try {
        snap = this.planner.snap(r.lat, r.lon);
      } catch {
        return;
      }
      const offsetS = r.status === ResourceStatus.AVAILABLE_AT_STATION ? turnoutS(r.def, this.scenario.crewing) : 0;
      let list = byProfile.get(r.def.vehicleClass);
      if (!list) byProfile.set(r.def.vehicleClass, (list = []));
      list.push({ i, spec: { snap, offsetS } });
    });
    for (const [profile, list] of byProfile) {
      const field = this.planner.timesFromSources(list.map((x) => x.spec), profile, { maxS: withinS, space: this.space });
      this.demandSnaps.forEach((s, d) => {
        if (!s) return;
        const t = field.timeTo(s);
        if (t.source >= 0 && t.seconds <= withinS && t.seconds < bestS[d]!) {
          bestS[d] = t.seconds;
          best[d] = list[t.source]!.i;
        }
      });
    }
    return best;
  }
}
