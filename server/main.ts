import { parseConfig, type Config } from './shell/config.ts';
import { failureLine, runCli, usageError } from './shell/cli.ts';
import { isJcrError } from './core/errors.ts';
import { loadScenario } from './shell/scenario-loader.ts';
import { loadPartners } from './shell/mait/partners-file.ts';
import { startServer, type RunningServer } from './shell/server.ts';
import { createLogger } from './shell/log.ts';
import { simFeedToken, startSimChild } from './shell/sim-child.ts';
import { ensureDemoUsers } from './shell/demo-users.ts';

/** A deposed leader's tries at starting again as a standby before the process gives up. */
const RESTART_ATTEMPTS = 5;

/** The configuration; a bad flag or setting is a usage error (one line, exit 2). */
function configOrUsage(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  try {
    return parseConfig(argv, env);
  } catch (e) {
    throw isJcrError(e) ? usageError(failureLine(e)) : e;
  }
}

/**
 * Process entry: read the configuration, load the scenario, start the server (server/shell/server.ts
 * puts it together), the simulator if asked, and stop cleanly on a signal.
 */
async function main(): Promise<void> {
  const config = configOrUsage(process.argv.slice(2), process.env);
  const log = createLogger(config.logLevel);
  const scenario = loadScenario(config.scenario);
  const partners =
    config.partners === undefined
      ? undefined
      : loadPartners(config.partners, new Set(scenario.incidentTypes.map((t) => t.id)));
  // The simulator reports over the real /ws/avl with a development feed token (generated if none is set).
  const avlToken = config.avlToken ?? (config.sim ? simFeedToken() : undefined);
  const start = (standby: boolean) =>
    startServer({
      scenario,
      db: config.db,
      port: config.port,
      host: config.host,
      log,
      roads: {
        // Cached on disk by file hash under var/cache: journey times, recommendations, cover, /api/eta,
        // and the gazetteer's road names (GET /api/places).
        scenarioFile: config.scenario,
        mobilisation: 'planner',
        warmStationTrees: true,
        cover: { refreshMs: config.coverRefreshS * 1000 },
      },
      avl: {
        token: avlToken,
        limits: {
          staleAfterMs: config.avlStaleAfterS * 1000,
          historyRetentionMs: config.avlHistoryHours * 3_600_000,
          feedReportsPerS: config.feedReportsPerS,
          feedBurstReports: config.feedBurstReports,
        },
      },
      cop: { token: config.copToken, limits: { tickMs: config.copTickMs } },
      web: { publicUrl: config.publicUrl, trustProxy: config.trustProxy, metricsToken: config.metricsToken },
      cluster: config.cluster && { ...config.cluster, standby },
      ...(partners ? { mait: { partners } } : {}),
    });
  let stopping = false;
  let server = await start(config.cluster?.standby ?? false);
  log.info('control room listening', { url: server.url, scenario: scenario.id, db: config.db, sim: config.sim });
  // Cluster mode: the simulator runs on its own (npm run cluster) and reconnects to whoever leads.
  const stopSim =
    config.sim && avlToken && !config.cluster
      ? await startSimChild(server, { avlToken, scenario: config.scenario, log })
      : () => {};
  // A deposed leader steps down by itself: it starts again as a standby, its cache cut back to the log.
  // A restart that meets JetStream still electing (a NATS node was lost) is tried again.
  const restartAsStandby = async (attempt: number): Promise<RunningServer> => {
    try {
      return await start(true);
    } catch (e) {
      if (attempt >= RESTART_ATTEMPTS || stopping) throw e;
      log.warn('restart as standby failed; trying again', { attempt, err: String(e) });
      await new Promise((r) => setTimeout(r, 1000));
      return restartAsStandby(attempt + 1);
    }
  };
  const followStepDown = (s: RunningServer): void =>
    s.cluster?.onStepDown(() => {
      if (stopping) return;
      void s
        .close()
        .then(() => restartAsStandby(1))
        .then((next) => {
          server = next;
          followStepDown(next);
          process.stdout.write(`Joint control room: standby at http://localhost:${next.port}\n`);
        })
        .catch((e: unknown) => {
          log.error('restart as standby failed', { err: String(e) });
          process.exit(1);
        });
    });
  followStepDown(server);
  // Signal handlers go in before the ready line: a supervisor may send SIGTERM the moment it reads it.
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    stopSim();
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error('shutdown failed', { err: String(e) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // The demo prints how to sign in; a real deployment creates users with `npm run users -- add`.
  const signIn = config.sim ? await ensureDemoUsers(server.users) : [];
  if (signIn.length > 0)
    process.stdout.write(`Sign in as one of (new passwords on every demo start):\n${signIn.join('\n')}\n`);
  else if (server.users.count() === 0)
    process.stdout.write('No users yet: create one with `npm run users -- add NAME --role duty-officer`\n');
  process.stdout.write(`Joint control room: ${scenario.name} at http://localhost:${server.port}\n`);
}

runCli(main);
