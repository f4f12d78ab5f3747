/**
 * `npm run sim -- COMMAND`: the simulator's commands. docs/simulator.md and docs/recording.md.
 *
 *   run     --url URL[,URL…] [--avl-url URL[,URL…]] [--seed N] [--rate F] [--demo] [--no-incidents] [--true-traffic SEED]   live fleet + calls
 *   record  --out FILE [--hours H] [--seed N] [--start ISO] [--rate F] [--mode dynamic|static] [--true-traffic SEED] [--status-only]
 *   replay  FILE --url URL [--speed N] [--avl-token T] [--api-token T]
 *   compare FILE | --hours H [--seed N] [--seeds K] [--demand 1,2,3] [--modes M,...] [--workers W] [--true-traffic SEED] [--json] [--html F]
 *   export  --db FILE --out FILE --from ISO --to ISO                       a live run as a recording
 *
 * Tokens may also come from JCR_AVL_TOKEN and JCR_API_TOKEN (preferred: argv is visible to ps).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../server/core/clock.ts';
import { readArgs, runCli, usageError } from '../server/shell/cli.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';
import { compareModes, mergeReports, MODES, parseModes, type OutcomeReport } from './compare/compare.ts';
import { formatReport, goal, summaryLine } from './compare/report-format.ts';
import { reportCharts, reportHtml } from './compare/report-html.ts';
import { outcomeAsStatistics } from './compare/as-statistics.ts';
import { compareInWorkers } from './compare/parallel.ts';
import { dirRunStore } from './compare/run-store.ts';
import { runHeadless } from './headless.ts';
import { generateIncidents, type GeneratedIncident } from './incidents/generator.ts';
import { startLive } from './live/bridge.ts';
import { exportRecording } from './record/export.ts';
import { parseRecording, recordingStats, serialiseRecording, statusOnly, type Recording } from './record/format.ts';
import { progressWriter } from './replay/progress.ts';
import { formatSummary, Replay } from './replay/replay.ts';
import { HERTS_SCENARIO, loadWorld } from './world.ts';

// Values are read as text and parsed where they are used (numOpt, Date.parse); three are switches.
const text = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
const OPTIONS = {
  // a server to drive (run, replay) and its tokens
  url: text,
  'avl-url': text,
  'avl-token': text,
  'api-token': text,
  speed: text,
  json: flag,
  // what to simulate (run, record, compare)
  scenario: text,
  seed: text,
  rate: text,
  hours: text,
  start: text,
  mode: text,
  modes: text,
  seeds: text,
  demand: text,
  html: text,
  report: text,
  merge: text,
  'svg-dir': text,
  workers: text,
  'runs-dir': text,
  statistics: text,
  demo: flag,
  'no-incidents': flag,
  'true-traffic': text,
  'status-only': flag,
  // files (record, export)
  out: text,
  db: text,
  from: text,
  to: text,
};
const SCENARIO = '[--scenario FILE]';
/** Each command's usage, printed by `npm run sim -- COMMAND --help`. */
const COMMANDS: Record<string, string> = {
  run: `usage: npm run sim -- run --url URL[,URL...] [--avl-url URL[,URL...]] [--seed N] [--rate F] [--demo] [--no-incidents] [--true-traffic SEED] ${SCENARIO}
  a live fleet and incident calls against a running server (docs/simulator.md)
  --url: a clustered room's instances too; REST follows whichever leads (docs/cluster.md)
  --avl-url: where AVL goes (AVL gateways; default --url); the next one when a socket is lost
  --true-traffic SEED: vehicles drive at the seeded true-traffic speeds, not the planner's
  tokens: --avl-token T (or JCR_AVL_TOKEN, required), --api-token T (or JCR_API_TOKEN);
  JCR_API_USER and JCR_API_PASSWORD: sign in on an instance that does not know the session`,
  record: `usage: npm run sim -- record --out FILE [--hours H] [--seed N] [--start ISO] [--rate F] [--mode dynamic|static] [--true-traffic SEED] [--status-only] ${SCENARIO}
  a headless run written as a recording (docs/recording.md); --status-only keeps the crews' status messages, no positions
  --true-traffic SEED: vehicles drive at the seeded true-traffic speeds, not the planner's`,
  replay: `usage: npm run sim -- replay FILE --url URL [--speed N] [--json]
  plays a recording against a running server (docs/recording.md)
  tokens: --avl-token T (or JCR_AVL_TOKEN, required), --api-token T (or JCR_API_TOKEN)`,
  compare: `usage: npm run sim -- compare FILE | --hours H [--seed N] [--seeds K] [--demand 1,2,3] [--start ISO] ${SCENARIO}
      [--modes static,dynamic,dynamic+cover,dynamic+dmexclp] [--workers W] [--runs-dir DIR] [--true-traffic SEED] [--json] [--html FILE] [--report FILE]
       compare --merge A.json,B.json [--json] [--html FILE] [--report FILE] [--svg-dir DIR] [--statistics FILE]   saved reports as one
  mobilisation and move-up modes on the same incidents, K seeds from N, each demand factor
  (docs/simulator.md); --json ends with a one-line summary, --report saves the whole report
  as JSON, --html draws it; --workers W runs W worker threads (default: one per core, the same report);
  --runs-dir DIR keeps each finished run in DIR and reuses it (resume, or report the seeds done);
  --true-traffic SEED: vehicles drive at the seeded true-traffic speeds, not the planner's`,
  export: `usage: npm run sim -- export --db FILE --out FILE --from ISO --to ISO ${SCENARIO}
  a live run's database as a recording (docs/recording.md)`,
};
const USAGE = `usage: npm run sim -- COMMAND [options]   (COMMAND --help for its options)
  commands: ${Object.keys(COMMANDS).join(', ')}
  Tokens may also come from JCR_AVL_TOKEN and JCR_API_TOKEN (preferred: argv is visible to ps).
  -h, --help  this text`;

const argv = process.argv.slice(2);
const cmd = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
const parse = () => readArgs({ usage: (cmd && COMMANDS[cmd]) ?? USAGE, options: OPTIONS }, argv.slice(cmd ? 1 : 0));
let v: ReturnType<typeof parse>['values'] = {};
let positionals: string[] = [];

const err = (s: string) => process.stderr.write(s + '\n');
/** The feed token (required) and the session token (optional), from the options or the environment. */
const tokens = (command: string): { avlToken: string; apiToken?: string } => {
  const avlToken = v['avl-token'] ?? process.env.JCR_AVL_TOKEN;
  if (!avlToken) throw usageError(`${command} needs an AVL feed token: --avl-token T or JCR_AVL_TOKEN`);
  const apiToken = v['api-token'] ?? process.env.JCR_API_TOKEN;
  return { avlToken, ...(apiToken ? { apiToken } : {}) };
};
const numOpt = (s: string | undefined, d: number, name: string) => {
  if (s === undefined) return d;
  const n = Number(s);
  if (!Number.isFinite(n)) throw usageError(`--${name} must be a number, got "${s}"`);
  return n;
};
/** Default virtual start: Monday 5 January 2026 00:00 UTC (a fixed date keeps runs reproducible). */
const DEFAULT_START = Date.UTC(2026, 0, 5, 0, 0, 0);
const startOpt = () => (v.start ? Date.parse(v.start) : DEFAULT_START);
const scenarioPath = () => v.scenario ?? HERTS_SCENARIO;
/** The world, with the true-traffic model when --true-traffic SEED is given (off by default). */
const world = () => {
  const t = v['true-traffic'];
  return loadWorld(scenarioPath(), t === undefined ? {} : { trueTrafficSeed: numOpt(t, 1, 'true-traffic') });
};

/** The incident stream of a recording, as the generator's shape. */
export function incidentsOf(
  rec: Recording,
  types: Map<string, { priority: 1 | 2 | 3; leadAgency: GeneratedIncident['leadAgency'] }>,
): GeneratedIncident[] {
  const out: GeneratedIncident[] = [];
  for (const l of rec.lines) {
    if (l.type !== 'incident') continue;
    const t = types.get(l.typeId);
    if (!t) continue;
    out.push({
      ref: l.ref,
      t: rec.header.startMs + l.t,
      typeId: l.typeId,
      priority: l.priority ?? t.priority,
      leadAgency: t.leadAgency,
      lat: l.lat,
      lon: l.lon,
      near: l.address ?? '',
    });
  }
  return out;
}

/** The outcome report to stdout (table, goal, --json line) and the --report and --html files. */
function writeReport(r: OutcomeReport): void {
  process.stdout.write(formatReport(r) + '\n\n' + goal(r).text + '\n');
  if (v.report) writeFileSync(v.report, JSON.stringify(r) + '\n');
  if (v.html) writeFileSync(v.html, reportHtml(r));
  if (v['svg-dir']) for (const c of reportCharts(r)) writeFileSync(join(v['svg-dir'], `${c.name}.svg`), c.svg + '\n');
  if (v.statistics)
    writeFileSync(v.statistics, JSON.stringify(outcomeAsStatistics(r, loadScenario(scenarioPath()))) + '\n');
  if (v.json) process.stdout.write(summaryLine(r) + '\n');
}

async function main(): Promise<void> {
  ({ values: v, positionals } = parse());
  if (cmd === undefined) throw usageError('a command is needed: ' + Object.keys(COMMANDS).join(', '));
  switch (cmd) {
    case 'record': {
      if (!v.out) throw usageError('record needs --out FILE');
      const w = world();
      const seed = numOpt(v.seed, 1, 'seed');
      const startMs = startOpt();
      const durationMs = numOpt(v.hours, 1, 'hours') * 3_600_000;
      const incidents = generateIncidents(w.scenario, seededRandom(seed), startMs, startMs + durationMs, {
        rateFactor: numOpt(v.rate, 1, 'rate'),
        place: w.onRoad,
      });
      const mode = v.mode === 'static' ? 'static' : 'dynamic';
      const r = runHeadless({
        scenario: w.scenario,
        planner: w.planner,
        incidents,
        seed,
        startMs,
        durationMs,
        mode,
        record: true,
        ...(w.router ? { router: w.router } : {}),
      });
      const rec = v['status-only'] ? statusOnly(r.recording!) : r.recording!;
      writeFileSync(v.out, serialiseRecording(rec));
      const s = recordingStats(rec);
      err(
        `recorded ${durationMs / 3_600_000} h (seed ${seed}, ${mode}): ${s.incidents} incidents, ${s.mobilisations} mobilisations, ${s.reports} AVL reports in ${s.avlBatches} lines -> ${v.out}`,
      );
      return;
    }
    case 'replay': {
      const file = positionals[0];
      if (!file || !v.url) throw usageError('usage: replay FILE --url URL [--speed N]');
      const auth = tokens('replay');
      const rec = parseRecording(readFileSync(file, 'utf8'));
      const replay = new Replay(rec, {
        baseUrl: v.url,
        ...auth,
        speed: numOpt(v.speed, 1, 'speed'),
        progress: progressWriter(process.stderr, Date.now),
      });
      const s = await replay.run();
      process.stdout.write(formatSummary(s) + '\n');
      if (v.json) process.stdout.write(JSON.stringify(s) + '\n');
      if (s.expect && s.expect.mismatches.length > 0) process.exitCode = 1;
      return;
    }
    case 'compare': {
      if (v.merge) {
        const r = mergeReports(v.merge.split(',').map((f) => JSON.parse(readFileSync(f, 'utf8')) as OutcomeReport));
        writeReport(r);
        return;
      }
      const w = world();
      const seed = numOpt(v.seed, 1, 'seed');
      const modes = parseModes(v.modes ?? MODES.join(','));
      if (!modes) throw usageError(`--modes must list some of ${MODES.join(', ')}`);
      const nSeeds = Math.max(1, Math.floor(numOpt(v.seeds, 1, 'seeds')));
      const demands = (v.demand ?? (v.rate ? v.rate : '1,2,3')).split(',').map((x) => numOpt(x, 1, 'demand'));
      const workers = Math.max(1, Math.floor(numOpt(v.workers, availableParallelism(), 'workers')));
      let stream: GeneratedIncident[] | undefined;
      let startMs = startOpt();
      let durationMs = numOpt(v.hours, 24, 'hours') * 3_600_000;
      if (positionals[0]) {
        const rec = parseRecording(readFileSync(positionals[0], 'utf8'));
        stream = incidentsOf(rec, new Map(w.scenario.incidentTypes.map((t) => [t.id, t])));
        startMs = rec.header.startMs;
        durationMs = rec.header.durationMs;
      }
      const seeds = stream ? [seed] : Array.from({ length: nSeeds }, (_, i) => seed + i);
      const grid = {
        startMs,
        durationMs,
        seeds,
        demands: stream ? [1] : demands,
        modes,
        ...(stream ? { stream } : {}),
      };
      const runs = grid.demands.length * seeds.length * modes.length;
      err(
        `comparing ${modes.join(', ')} over ${(durationMs / 3_600_000).toFixed(1)} h, ${stream ? 'the recording' : `seeds ${seeds.join(',')}, demand ${demands.join(',')}×`}${w.trueTraffic ? ', true traffic' : ''} (${w.scenario.name}), ${Math.min(workers, runs)} thread(s)...`,
      );
      const t0 = performance.now();
      const progress = (done: number, total: number) =>
        err(`  ${done}/${total} runs (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      const tt = v['true-traffic'];
      const runsDir = v['runs-dir'];
      const store = runsDir
        ? dirRunStore(runsDir, {
            scenario: w.scenario.id,
            startMs,
            durationMs,
            trueTraffic: tt === undefined ? null : numOpt(tt, 1, 'true-traffic'),
            stream: positionals[0] ?? null,
          })
        : undefined;
      const r =
        workers > 1 && runs > 1
          ? await compareInWorkers({
              ...grid,
              scenarioPath: scenarioPath(),
              ...(tt === undefined ? {} : { trueTrafficSeed: numOpt(tt, 1, 'true-traffic') }),
              workers,
              progress,
              ...(store ? { store } : {}),
            })
          : compareModes({
              ...grid,
              scenario: w.scenario,
              planner: w.planner,
              place: w.onRoad,
              ...(w.router ? { router: w.router } : {}),
              progress,
              ...(store ? { store } : {}),
            });
      err(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      writeReport(r);
      return;
    }
    case 'run': {
      if (!v.url) throw usageError('run needs --url URL');
      const auth = tokens('run');
      const w = world();
      const log = (msg: string, fields?: Record<string, unknown>) =>
        err(`sim: ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}`);
      const user = process.env.JCR_API_USER;
      const password = process.env.JCR_API_PASSWORD;
      const live = await startLive({
        baseUrl: v.url.split(','),
        ...(v['avl-url'] ? { avlUrls: v['avl-url'].split(',') } : {}),
        ...auth,
        ...(user && password ? { credentials: { username: user, password } } : {}),
        world: w,
        seed: numOpt(v.seed, Date.now() % 1_000_000, 'seed'),
        rateFactor: numOpt(v.rate, 1, 'rate'),
        incidents: !v['no-incidents'],
        autoMobilise: v.demo ?? false,
        log,
      });
      log('fleet simulator running', {
        resources: w.scenario.resources.length,
        demo: v.demo ?? false,
        trueTraffic: w.trueTraffic !== undefined,
      });
      const stop = () => void live.stop().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      process.on('disconnect', stop);
      setInterval(() => log('stats', { ...live.stats }), 60_000).unref();
      return;
    }
    case 'export': {
      if (!v.db || !v.out || !v.from || !v.to)
        throw usageError('usage: export --db FILE --out FILE --from ISO --to ISO');
      const scenario = loadScenario(scenarioPath());
      const rec = exportRecording(v.db, scenario, Date.parse(v.from), Date.parse(v.to));
      writeFileSync(v.out, serialiseRecording(rec));
      const s = recordingStats(rec);
      err(`exported ${s.incidents} incidents, ${s.mobilisations} mobilisations, ${s.reports} AVL reports -> ${v.out}`);
      return;
    }
    default:
      throw usageError(`unknown command "${cmd}": one of ${Object.keys(COMMANDS).join(', ')}`);
  }
}

runCli(main);
