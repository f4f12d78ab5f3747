/**
 * `npm run gateway -- avl|cop --nats URL[,URL…] --room ID [--port N] [--host H] [--scenario FILE]`:
 * a stateless gateway in front of a clustered room (docs/cluster.md). Run any number. An AVL
 * gateway (server/shell/gateway/avl-gateway.ts) relays feeds to whichever instance leads; a COP
 * gateway (server/shell/gateway/cop-gateway.ts) serves /ws/cop from a replica of the room, and
 * forwards REST and partner rooms' MAIT messages to the leader.
 */
import { failureLine, readArgs, runCli, usageError } from './shell/cli.ts';
import { clusterConfig } from './shell/cluster/options.ts';
import { DEFAULT_SCENARIO } from './shell/config.ts';
import { startAvlGateway, type RunningGateway } from './shell/gateway/avl-gateway.ts';
import { startCopGateway } from './shell/gateway/cop-gateway.ts';
import { createLogger, LOG_LEVELS, type LogLevel } from './shell/log.ts';
import { loadScenario } from './shell/scenario-loader.ts';
import { isJcrError } from './core/errors.ts';

const USAGE = `usage: npm run gateway -- avl|cop --nats URL[,URL...] [options]
  avl                   an AVL gateway: /ws/avl, /osmand and /traccar relayed to the room's leader
  cop                   a COP gateway: /ws/cop for screens, from a replica of the room; the pages,
                        /api and partner rooms' POST /mait/v1/messages forwarded to the leader
  --nats URL[,URL...]   JCR_NATS        the cluster's NATS servers
  --room ID             JCR_ROOM        the room (room)
  --port N              JCR_PORT        port, 0 = any free (8090)
  --host H              JCR_HOST        interface to bind (127.0.0.1)
  --scenario FILE       JCR_SCENARIO    the room's scenario: resources and agencies (${DEFAULT_SCENARIO})
  --cop-token T         JCR_COP_TOKEN   cop: the token wall screens present (else signed-in sessions only)
  --public-url URL      JCR_PUBLIC_URL  cop: the screens' address, an allowed Origin for the session cookie
  --log-level L         JCR_LOG_LEVEL   ${LOG_LEVELS.join(', ')} (info)
  -h, --help            this text`;

async function main(): Promise<void> {
  const { values: v, positionals } = readArgs({
    usage: USAGE,
    options: {
      nats: { type: 'string' },
      room: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      'cop-token': { type: 'string' },
      'public-url': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const kind = positionals[0];
  if (positionals.length !== 1 || (kind !== 'avl' && kind !== 'cop'))
    throw usageError('the gateway kind is avl or cop');
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
  const scenarioFile = v.scenario ?? env.JCR_SCENARIO ?? DEFAULT_SCENARIO;
  const scenario = loadScenario(scenarioFile);
  const host = v.host ?? env.JCR_HOST ?? '127.0.0.1';
  const gateway: RunningGateway =
    kind === 'avl'
      ? await startAvlGateway({ servers: cluster.servers, room: cluster.room, scenario, port, host, log })
      : await startCopGateway({
          cluster,
          scenario,
          scenarioFile,
          port,
          host,
          log,
          token: v['cop-token'] ?? env.JCR_COP_TOKEN,
          publicUrl: v['public-url'] ?? env.JCR_PUBLIC_URL,
        });
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${kind.toUpperCase()} gateway for room ${cluster.room} at http://localhost:${gateway.port}\n`);
}

runCli(main);
