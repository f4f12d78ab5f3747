/**
 * `npm run calibrate`: learn journey times from the room's own AVL by hand (docs/calibration.md).
 *
 *   npm run calibrate -- [--db FILE] [--scenario FILE] [--hours N] [--dry-run]   one run
 *   npm run calibrate -- --list                                                  every version
 *   npm run calibrate -- --rollback REASON                                       what was in force before
 *
 * A run matches the AVL history of the last N hours (default 336, a fortnight; the history
 * keeps --history-hours) in a worker thread, estimates the factors and saves them as a new
 * version, which comes into force only if it lowers the error on held-out trips. Bringing into
 * force and rolling back are changes of the room (Engine.execute, origin operator, actor
 * calibrate-cli) appended to the database's event log. With a server running on the database
 * (byHand in server/shell/calibration/run.ts) a run is saved only, for the duty officer to bring
 * in through the server (POST /api/calibration/activate), and --rollback is refused: the running
 * room hears only its own changes.
 */
import { byHand, runCalibration } from '../shell/calibration/run.ts';
import { Engine } from '../shell/engine.ts';
import { readArgs, runCli, usageError } from '../shell/cli.ts';
import { createLogger } from '../shell/log.ts';
import { loadScenarioNetwork } from '../shell/network/scenario-network.ts';
import { loadScenario } from '../shell/scenario-loader.ts';
import { CalibrationStore } from '../shell/store/calibrations.ts';
import { Store } from '../shell/store/store.ts';

const USAGE = `usage: npm run calibrate -- [--db FILE] [--scenario FILE] [--hours N] [--dry-run] | --list | --rollback REASON
  (no command)        match the AVL history, estimate, save a version; in force if it lowers the held-out error
  --list              every calibration version, newest first, and what is in force
  --rollback REASON   bring back what was in force before the current version
  --db FILE           the database (default JCR_DB or var/jcr.sqlite)
  --scenario FILE     the scenario (default JCR_SCENARIO or the Hertfordshire demo)
  --hours N           learn from the last N hours of AVL (default 336)
  --dry-run           save the run but never bring it into force
  -h, --help          this text`;

async function main(): Promise<void> {
  const { values: v } = readArgs({
    usage: USAGE,
    options: {
      db: { type: 'string' },
      scenario: { type: 'string' },
      hours: { type: 'string' },
      'dry-run': { type: 'boolean' },
      list: { type: 'boolean' },
      rollback: { type: 'string' },
    },
    positionals: false,
  });
  const hours = Number(v.hours ?? 336);
  if (!(hours > 0)) throw usageError(`--hours must be a positive number, got "${v.hours}"`);
  const dbPath = v.db ?? process.env.JCR_DB ?? 'var/jcr.sqlite';
  const store = Store.open(dbPath);
  const cal = new CalibrationStore(store);
  const out = (s: string) => process.stdout.write(s + '\n');
  try {
    const scenarioPath = v.scenario ?? process.env.JCR_SCENARIO ?? 'sim/scenarios/hertfordshire/scenario.json';
    const scenario = loadScenario(scenarioPath);
    // The room as the log leaves it: what is in force, and the one path to change it.
    const engine = Engine.boot(scenario, store, Date.now);
    const hand = byHand(engine, dbPath);
    const force = hand.force;
    if (v.list) {
      const inForce = force.inForce();
      out(`in force: ${inForce === null ? 'the prior' : `version ${inForce.version}`}`);
      for (const c of cal.list())
        out(
          `v${c.version}\t${new Date(c.createdAt).toISOString()}\t${c.accepted ? 'accepted' : 'rejected'}\tMAPE ${(c.mapeBefore * 100).toFixed(1)}% -> ${(c.mapeAfter * 100).toFixed(1)}% on ${c.heldOutTrips} trips\t${c.reason}`,
        );
      return;
    }
    if (v.rollback !== undefined) {
      const back = await hand.rollBack(v.rollback);
      out(`rolled back: ${back === null ? 'the prior' : `version ${back.version}`} is in force`);
      return;
    }
    const { graph } = loadScenarioNetwork(scenarioPath, scenario, createLogger('warn'));
    const profiles = new Map(scenario.resources.map((r) => [r.id, r.vehicleClass]));
    const now = Date.now();
    const r = await runCalibration({
      store,
      graph,
      speedProfiles: scenario.speedProfiles,
      zone: scenario.timezone,
      profileOf: (id) => {
        const p = profiles.get(id);
        return p !== undefined && scenario.speedProfiles[p]?.mode !== 'air' ? p : undefined;
      },
      sinceMs: now - hours * 3_600_000,
      now,
      force,
      dryRun: v['dry-run'] ?? false,
    });
    out(
      `version ${r.version} from ${r.trips} trips, ${r.traversals} traversals: ${r.accepted ? 'accepted' : 'rejected'}, ${r.reason}; in force: ${r.inForce === null ? 'the prior' : `version ${r.inForce}`}`,
    );
    if (hand.served)
      out(
        `a server is running on ${dbPath}: version ${r.version} is saved, not brought into force here; a duty officer brings it in through the server (POST /api/calibration/activate {"version": ${r.version}, "reason": "…"})`,
      );
  } finally {
    store.close();
  }
}

runCli(main);
