/**
 * The outcome report: the same incident stream, fleet, journey times, scene times and call
 * handling run once per mode on the in-process core (the journey planner and the FleetSim):
 *
 *   static           home-station mobilisation, no moves;
 *   dynamic          mobilisation from live positions (./dispatch.ts), no moves;
 *   dynamic+cover    dynamic, plus the cover engine's standby moves ordered by the cover move
 *                    policy (server/core/cover/move-policy.ts);
 *   dynamic+dmexclp  dynamic, plus DMEXCLP move-up of ambulances (server/core/cover/dmexclp.ts).
 *
 * Over several seeds (one stream each) and demand factors, per response standard target: the
 * share within, mean, median and 90th percentile, the fraction late, moves per incident and
 * minutes driven on moves, and each mode's fraction late minus static's with its 95% interval
 * across seeds (./stats.ts). The report is plain data (./report-format.ts writes it as text,
 * JSON and HTML). Pure given its inputs; the CLI loads the world.
 */
import { seededRandom } from '../../server/core/clock.ts';
import { CoverModel } from '../../server/core/cover/model.ts';
import type { JourneyPlanner } from '../../server/core/graph/planner.ts';
import type { Route } from '../../server/core/graph/route.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import type { Router } from '../fleet/fleet-sim.ts';
import type { LatLon } from '../fleet/movement.ts';
import { runHeadless, type IncidentOutcome } from '../headless.ts';
import { generateIncidents, type GeneratedIncident } from '../incidents/generator.ts';
import { CoverMoveUp, DmexclpMoveUp, type MoveUp } from './move-up.ts';
import { cumulative, pairedDiffCI, summarise, type Summary } from './stats.ts';

export { percentile } from './stats.ts';

export const MODES = ['static', 'dynamic', 'dynamic+cover', 'dynamic+dmexclp'] as const;
export type Mode = (typeof MODES)[number];

export function parseModes(s: string): Mode[] | null {
  const out = s.split(',').map((x) => x.trim());
  return out.every((m) => (MODES as readonly string[]).includes(m)) && out.length > 0 ? (out as Mode[]) : null;
}

/** Response seconds of every incident measured against each standard target, in stream order. */
export function responses(scenario: Scenario, outcomes: readonly IncidentOutcome[]): Map<string, number[]> {
  const types = new Map(scenario.incidentTypes.map((t) => [t.id, t]));
  const standards = new Map(scenario.standards.map((s) => [s.id, s]));
  const defs = new Map(scenario.resources.map((r) => [r.id, r]));
  const out = new Map<string, number[]>();
  for (const o of outcomes) {
    const type = types.get(o.typeId);
    if (!type) continue;
    for (const sid of type.standards) {
      const st = standards.get(sid);
      if (!st) continue;
      const times = [...o.arrivals]
        .filter(([id]) => {
          const d = defs.get(id);
          return d !== undefined && d.agency === st.agency && d.capabilities.includes(st.capability);
        })
        .map(([, t]) => (t - o.t) / 1000)
        .sort((a, b) => a - b);
      for (const target of st.targets) {
        const key = `${sid}#${target.nth}`;
        let list = out.get(key);
        if (!list) out.set(key, (list = []));
        list.push(times[target.nth - 1] ?? Infinity);
      }
    }
  }
  return out;
}

export interface TargetInfo {
  /** `${standardId}#${nth}` */
  key: string;
  standardId: string;
  nth: number;
  withinS: number;
  share: number;
}

export interface ModeRun {
  incidents: number;
  unfilled: number;
  moves: number;
  driveS: number;
  responses: Map<string, number[]>;
}

/** Finished runs kept somewhere (a directory: ./run-store.ts), by demand, seed and mode. */
export interface RunStore {
  get(demand: number, seed: number, mode: Mode): ModeRun | undefined;
  put(demand: number, seed: number, mode: Mode, run: ModeRun): void;
}

export interface WorldInput {
  scenario: Scenario;
  planner: JourneyPlanner;
  /** The cover model the move-up modes read (built once per world; trees are cached in it). */
  model?: CoverModel;
  /** How vehicles drive (`--true-traffic`: sim/traffic/); default the planner's routes at its speeds. */
  router?: Router;
}

/**
 * The planner as the move-up modes' cover model sees it: `eta` answers remembered by (from, to,
 * profile, bound), up to ETA_MEMO of them. The cover engine times the drive of each standby move
 * it recommends, nearly always between the same stations and posts, at every decision; the roads
 * and speeds do not change during a run, so a remembered answer is the same answer (profiled: a
 * third of a dynamic+cover run went on these searches).
 */
export function rememberingEta(planner: JourneyPlanner): JourneyPlanner {
  const memo = new Map<string, Route | null>();
  const out = Object.create(planner) as JourneyPlanner;
  out.eta = (from, to, profile, opts = {}) => {
    if (opts.space) return planner.eta(from, to, profile, opts);
    const key = `${profile}|${from.lat}|${from.lon}|${to.lat}|${to.lon}|${opts.maxS ?? ''}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const r = planner.eta(from, to, profile, opts);
    if (memo.size >= ETA_MEMO) memo.clear();
    memo.set(key, r);
    return r;
  };
  return out;
}
const ETA_MEMO = 4096;

/** One mode on one incident stream. */
export function runMode(
  w: WorldInput & { incidents: readonly GeneratedIncident[]; seed: number; startMs: number; durationMs: number },
  mode: Mode,
): ModeRun {
  const model = () => (w.model ??= new CoverModel(rememberingEta(w.planner), w.scenario, { maxTrees: 512 }));
  const moveUp: MoveUp | undefined =
    mode === 'dynamic+cover'
      ? new CoverMoveUp(model())
      : mode === 'dynamic+dmexclp'
        ? new DmexclpMoveUp(model())
        : undefined;
  const r = runHeadless({
    scenario: w.scenario,
    planner: w.planner,
    incidents: w.incidents,
    seed: w.seed,
    startMs: w.startMs,
    durationMs: w.durationMs,
    mode: mode === 'static' ? 'static' : 'dynamic',
    record: false,
    drainMs: 3 * 3_600_000,
    ...(moveUp ? { moveUp } : {}),
    ...(w.router ? { router: w.router } : {}),
  });
  return {
    incidents: r.outcomes.length,
    unfilled: r.outcomes.reduce((a, x) => a + x.unfilled, 0),
    moves: r.moves.moves,
    driveS: r.moves.driveS,
    responses: responses(w.scenario, r.outcomes),
  };
}

export interface TargetResult extends Summary {
  /** Fraction late per seed, in seed order. */
  lateBySeed: number[];
  /** Mean over seeds of (this mode's fraction late - static's); null without static. */
  lateDiff: number | null;
  /** Its 95% interval across seeds ([NaN, NaN] from one seed). */
  lateCI: [number, number] | null;
  /** Cumulative share within each of the report's curveS seconds, all seeds pooled. */
  curve: number[];
}

export interface ModeResult {
  demand: number;
  mode: Mode;
  /** Per seed, means over seeds: */
  incidents: number;
  unfilled: number;
  movesPerIncident: number;
  moveMinutes: number;
  targets: Record<string, TargetResult>;
}

export interface OutcomeReport {
  format: 'jcr-outcome-report';
  version: 1;
  scenario: string;
  startMs: number;
  hours: number;
  seeds: number[];
  demands: number[];
  modes: Mode[];
  targets: TargetInfo[];
  /** Seconds at which each target's cumulative curve is sampled. */
  curveS: number[];
  results: ModeResult[];
}

export interface CompareOptions extends WorldInput {
  startMs: number;
  durationMs: number;
  seeds: readonly number[];
  demands: readonly number[];
  modes: readonly Mode[];
  /** Incidents per year by type (default: the generator's Hertfordshire rates). */
  ratesPerYear?: Record<string, number>;
  /** Snap a drawn incident location to the road (World.onRoad). */
  place?: (p: LatLon) => LatLon | null;
  /** One fixed stream (a recording's) for every seed and demand instead of generated ones. */
  stream?: readonly GeneratedIncident[];
  /** Called after each run (for a progress line). */
  progress?: (done: number, total: number) => void;
  /** Finished runs kept elsewhere (./run-store.ts): a run found there is not run again. */
  store?: RunStore;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** What the report is over: the runs' grid (demands × seeds × modes) and its window. */
export type ReportGrid = Pick<CompareOptions, 'scenario' | 'startMs' | 'durationMs' | 'seeds' | 'demands' | 'modes'>;

/** One seed's incident stream at one demand factor (or the fixed stream). */
export function streamOf(
  o: Pick<CompareOptions, 'scenario' | 'startMs' | 'durationMs' | 'ratesPerYear' | 'place' | 'stream'>,
  demand: number,
  seed: number,
): readonly GeneratedIncident[] {
  return (
    o.stream ??
    generateIncidents(o.scenario, seededRandom(seed), o.startMs, o.startMs + o.durationMs, {
      rateFactor: demand,
      ...(o.ratesPerYear ? { ratesPerYear: o.ratesPerYear } : {}),
      ...(o.place ? { place: o.place } : {}),
    })
  );
}

/** Every mode on every (demand, seed) stream, one after another. */
export function compareModes(o: CompareOptions): OutcomeReport {
  const total = o.demands.length * o.seeds.length * o.modes.length;
  let done = 0;
  const runs = o.demands.map((demand) =>
    o.seeds.map((seed) => {
      const incidents = streamOf(o, demand, seed);
      return o.modes.map((mode) => {
        let r = o.store?.get(demand, seed, mode);
        if (!r) {
          r = runMode({ ...o, incidents, seed }, mode);
          o.store?.put(demand, seed, mode, r);
        }
        done++;
        o.progress?.(done, total);
        return r;
      });
    }),
  );
  return reportOf(o, runs);
}

/**
 * The report from the runs, `runs[d][s][m]` in the order of `o.demands`, `o.seeds` and `o.modes`
 * (however they were run: here, or in worker threads by ./parallel.ts).
 */
export function reportOf(o: ReportGrid, runs: readonly (readonly (readonly ModeRun[])[])[]): OutcomeReport {
  const targets: TargetInfo[] = o.scenario.standards.flatMap((st) =>
    st.targets.map((t) => ({
      key: `${st.id}#${t.nth}`,
      standardId: st.id,
      nth: t.nth,
      withinS: t.withinS,
      share: t.share,
    })),
  );
  const curveS = Array.from({ length: 121 }, (_, i) => i * 30);
  const results: ModeResult[] = [];
  o.demands.forEach((demand, d) => {
    const bySeed = runs[d]!;
    const runsOf = (mode: Mode) => bySeed.map((s) => s[o.modes.indexOf(mode)]!);
    const lateOf = (mode: Mode, t: TargetInfo) =>
      runsOf(mode).map((r) => summarise(r.responses.get(t.key) ?? [], t.withinS).late);
    for (const mode of o.modes) {
      const rs = runsOf(mode);
      const out: Record<string, TargetResult> = {};
      for (const t of targets) {
        const perSeed = rs.map((r) => summarise(r.responses.get(t.key) ?? [], t.withinS));
        const pooled = rs.flatMap((r) => r.responses.get(t.key) ?? []);
        if (pooled.length === 0) continue;
        const all = summarise(pooled, t.withinS);
        // Seeds with no incident for this target have no fraction: they drop out of the pairs.
        const lateBySeed = lateOf(mode, t);
        const ok = lateBySeed.map((x) => Number.isFinite(x));
        const mine = lateBySeed.filter((_, i) => ok[i]);
        const ci = o.modes.includes('static')
          ? pairedDiffCI(
              mine,
              lateOf('static', t).filter((_, i) => ok[i]),
            )
          : null;
        out[t.key] = {
          ...all,
          share: mean(perSeed.filter((s) => s.n > 0).map((s) => s.share)),
          late: mean(mine),
          lateBySeed,
          lateDiff: ci ? ci.mean : null,
          lateCI: ci ? [ci.lo, ci.hi] : null,
          curve: cumulative(pooled, curveS),
        };
      }
      results.push({
        demand,
        mode,
        incidents: mean(rs.map((r) => r.incidents)),
        unfilled: mean(rs.map((r) => r.unfilled)),
        movesPerIncident: mean(rs.map((r) => (r.incidents > 0 ? r.moves / r.incidents : 0))),
        moveMinutes: mean(rs.map((r) => r.driveS / 60)),
        targets: out,
      });
    }
  });
  return {
    format: 'jcr-outcome-report',
    version: 1,
    scenario: o.scenario.id,
    startMs: o.startMs,
    hours: o.durationMs / 3_600_000,
    seeds: [...o.seeds],
    demands: [...o.demands],
    modes: [...o.modes],
    targets,
    curveS,
    results,
  };
}

/**
 * One report from several over the same scenario, window, seeds and modes at different demand
 * factors (runs split across processes), demands ascending. Refuses reports that do not match.
 */
export function mergeReports(reports: readonly OutcomeReport[]): OutcomeReport {
  const first = reports[0];
  if (!first) throw new Error('no reports to merge');
  const same = (r: OutcomeReport) =>
    r.format === 'jcr-outcome-report' &&
    r.version === 1 &&
    r.scenario === first.scenario &&
    r.startMs === first.startMs &&
    r.hours === first.hours &&
    JSON.stringify([r.seeds, r.modes, r.targets, r.curveS]) ===
      JSON.stringify([first.seeds, first.modes, first.targets, first.curveS]);
  const bad = reports.findIndex((r) => !same(r));
  if (bad >= 0) throw new Error(`report ${bad + 1} is not over the same scenario, window, seeds and modes`);
  const demands = [...new Set(reports.flatMap((r) => r.demands))].sort((a, b) => a - b);
  const results = demands.flatMap((d) =>
    reports.find((r) => r.demands.includes(d))!.results.filter((x) => x.demand === d),
  );
  return { ...first, demands, results };
}
