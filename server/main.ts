import { parseConfig } from './shell/config.ts';
import { isJcrError } from './core/errors.ts';
import { loadScenario } from './shell/scenario-loader.ts';
import { startServer } from './shell/server.ts';
import { createLogger } from './shell/log.ts';

/** Process entry: read the configuration, load the scenario, start serving, stop cleanly. */
async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2), process.env);
  const log = createLogger(config.logLevel);
  const scenario = loadScenario(config.scenario);
  const server = await startServer({ scenario, db: config.db, port: config.port, host: config.host, logger: log });
  log.info('control room listening', { url: server.url, scenario: scenario.id, db: config.db, sim: config.sim });
  if (config.sim) log.warn('the fleet simulator is not built yet; serving the scenario without simulated movement');
  process.stdout.write(`Joint control room: ${scenario.name} at http://localhost:${server.port}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
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
}

main().catch((e: unknown) => {
  if (isJcrError(e)) {
    process.stderr.write(`error ${e.code}: ${e.message}\n`);
  } else {
    process.stderr.write(`fatal: ${e instanceof Error ? e.stack : String(e)}\n`);
  }
  process.exit(1);
});
