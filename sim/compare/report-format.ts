/**
 * The outcome report (./compare.ts) as text: the markdown table the CLI prints (and
 * bench/RESULTS.md keeps), the one-line JSON summary `--json` ends with, and the goal line
 * (docs/simulator.md § Outcome report). The HTML pictures are ./report-html.ts.
 */
import type { Mode, OutcomeReport, TargetResult } from './compare.ts';
import { pairedDiffCI } from './stats.ts';

/** m:ss of seconds, rounded to the second first (so 1559.6 s is 26:00, not 25:60). */
export const mmss = (s: number) => {
  if (!Number.isFinite(s)) return 'none';
  const t = Math.round(s);
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
};
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-');
const pp = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}` : '-');
const nth = (n: number) => (n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`);

function diffCell(r: TargetResult): string {
  if (r.lateDiff === null || r.lateCI === null) return '-';
  const [lo, hi] = r.lateCI;
  return Number.isFinite(lo) ? `${pp(r.lateDiff)} [${pp(lo)}, ${pp(hi)}]` : pp(r.lateDiff);
}

/** One table for the whole report: a row per demand, target and mode. */
export function formatReport(r: OutcomeReport): string {
  const head =
    '| demand | standard | target | mode | n | within | mean | median | p90 | late | late − static, pp [95% CI] | moves/incident | move min |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const lines: string[] = [head, sep];
  for (const demand of r.demands) {
    for (const t of r.targets) {
      for (const res of r.results.filter((x) => x.demand === demand)) {
        const x = res.targets[t.key];
        if (!x) continue;
        lines.push(
          `| ${demand}× | ${t.standardId} | ${nth(t.nth)} in ${mmss(t.withinS)} on ${pct(t.share)} | ${res.mode} | ${x.n} | ${pct(x.share)} | ${mmss(x.meanS)} | ${mmss(x.medianS)} | ${mmss(x.p90S)} | ${pct(x.late)} | ${diffCell(x)} | ${res.movesPerIncident.toFixed(3)} | ${res.moveMinutes.toFixed(0)} |`,
        );
      }
    }
  }
  const seeds = r.seeds.length === 1 ? `seed ${r.seeds[0]}` : `seeds ${r.seeds[0]}..${r.seeds[r.seeds.length - 1]}`;
  lines.push(
    '',
    `${r.scenario}, ${r.hours} h from ${new Date(r.startMs).toISOString()}, ${seeds}; n = responses over all seeds; within, late, moves and move minutes are means over seeds (move min per run); mean/median/p90 pool the seeds.`,
  );
  return lines.join('\n');
}

const num = (x: number, d = 4) => (Number.isFinite(x) ? Number(x.toFixed(d)) : null);

/**
 * The `--json` summary line: per mode, per `standardId#nth`, at the report's first demand factor
 * (1× by default): {share, late, p90_s, late_diff, late_ci: [lo, hi]}.
 */
export function summaryLine(r: OutcomeReport, demand = r.demands[0]): string {
  const modes: Record<string, Record<string, unknown>> = {};
  for (const res of r.results.filter((x) => x.demand === demand)) {
    const m: Record<string, unknown> = {};
    for (const [key, x] of Object.entries(res.targets))
      m[key] = {
        share: num(x.share),
        late: num(x.late),
        p90_s: num(x.p90S, 0),
        late_diff: x.lateDiff === null ? null : num(x.lateDiff),
        late_ci: x.lateCI === null ? null : [num(x.lateCI[0]), num(x.lateCI[1])],
      };
    modes[res.mode] = m;
  }
  return JSON.stringify({ modes });
}

export interface GoalCheck {
  text: string;
  met: boolean | null;
}

/**
 * The report's goal: `mode` (dynamic+cover) has at least 10% fewer late arrivals on `key`
 * (ambulance-cat1#1) than static at 1× demand, with a 95% interval of the difference below zero.
 */
export function goal(r: OutcomeReport, key = 'ambulance-cat1#1', mode: Mode = 'dynamic+cover', demand = 1): GoalCheck {
  const res = r.results.find((x) => x.demand === demand && x.mode === mode)?.targets[key];
  const base = r.results.find((x) => x.demand === demand && x.mode === 'static')?.targets[key];
  const head = `Goal: ${mode} at least 10% fewer late ${key} arrivals than static at ${demand}× demand, 95% interval excluding zero`;
  if (!res || !base || res.lateDiff === null || res.lateCI === null)
    return { text: `${head}: not measured in this report.`, met: null };
  const rel = base.late > 0 ? -res.lateDiff / base.late : 0;
  const excl = res.lateCI[1] < 0;
  const met = rel >= 0.1 && excl;
  // How much of it the moves add over dynamic mobilisation alone (same seeds, paired).
  const dyn = r.results.find((x) => x.demand === demand && x.mode === 'dynamic')?.targets[key];
  let over = '';
  if (dyn && mode !== 'dynamic') {
    const ok = res.lateBySeed.map((x, i) => Number.isFinite(x) && Number.isFinite(dyn.lateBySeed[i]!));
    const c = pairedDiffCI(
      res.lateBySeed.filter((_, i) => ok[i]),
      dyn.lateBySeed.filter((_, i) => ok[i]),
    );
    over = `; against dynamic alone ${pp(c.mean)}${Number.isFinite(c.lo) ? ` [${pp(c.lo)}, ${pp(c.hi)}]` : ''} pp`;
  }
  return {
    text: `${head}: ${met ? 'MET' : 'NOT MET'} (static late ${pct(base.late)}, ${mode} late ${pct(res.late)}, ${(rel * 100).toFixed(1)}% fewer, difference ${diffCell(res)} pp${excl ? '' : ', interval does not exclude zero'}${over}).`,
    met,
  };
}
