/**
 * `npm run gateway -- avl --nats URL[,URL…] --room ID [--port N] [--host H] [--scenario FILE]`:
 * a stateless AVL gateway in front of a clustered room (server/shell/gateway/avl-gateway.ts,
 * docs/cluster.md). Run any number; each relays to whichever instance leads.
 */
import { failureLine, readArgs, runCli, usageError } from './shell/cli.ts';
import { clusterConfig } from './shell/cluster/options.ts';
import { DEFAULT_SCENARIO } from './shell/config.ts';
import { startAvlGateway } from './shell/gateway/avl-gateway.ts';
import { createLogger, LOG_LEVELS, type LogLevel } from './shell/log.ts';
import { loadScenario } from './shell/scenario-loader.ts';
import { isJcrError } from './core/errors.ts';

const USAGE = `usage: npm run gateway -- avl --nats URL[,URL...] [options]
  avl                   an AVL gateway: /ws/avl relayed to the room's leader
  --nats URL[,URL...]   JCR_NATS        the cluster's NATS servers
  --room ID             JCR_ROOM        the room (room)
  --port N              JCR_PORT        port, 0 = any free (8090)
  --host H              JCR_HOST        interface to bind (127.0.0.1)
  --scenario FILE       JCR_SCENARIO    the room's scenario: resources and agencies (${DEFAULT_SCENARIO})
  --log-level L         JCR_LOG_LEVEL   ${LOG_LEVELS.join(', ')} (info)
  -h, --help            this text
(cop gateways are not built yet: screens use the leader or a standby.)`;

async function main(): Promise<void> {
  const { values: v, positionals } = readArgs({
    usage: USAGE,
    options: {
      nats: { type: 'string' },
      room: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  if (positionals.length !== 1 || positionals[0] !== 'avl')
    throw usageError(positionals[0] === 'cop' ? 'cop gateways are not built yet' : 'the gateway kind is avl');
  const env = process.env;
  let cluster;
  try {
    cluster = clusterConfig({ nats: v.nats, room: v.room }, env);
  } catch (e) {
    throw isJcrError(e) ? usageError(failureLine(e)) : e;
  }
  if (!cluster) throw usageError('--nats is needed');
  const port = Number(v.port ?? env.JCR_PORT ?? '8090');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('--port must be 0..65535');
  const level = (v['log-level'] ?? env.JCR_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw usageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const log = createLogger(level);
  const gateway = await startAvlGateway({
    servers: cluster.servers,
    room: cluster.room,
    scenario: loadScenario(v.scenario ?? env.JCR_SCENARIO ?? DEFAULT_SCENARIO),
    port,
    host: v.host ?? env.JCR_HOST ?? '127.0.0.1',
    log,
  });
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`AVL gateway for room ${cluster.room} at http://localhost:${gateway.port}\n`);
}

runCli(main);
