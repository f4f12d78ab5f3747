/**
 * `npm run cluster`: a whole cluster on loopback for demos and trials (docs/cluster.md): three
 * nats-server nodes forming a JetStream cluster, a primary and a hot standby on one room, two AVL
 * and two COP gateways, and the fleet simulator. Ctrl+C stops them all, in order
 * (cluster-processes.ts). State lives under --dir
 * (var/cluster); a duty officer with a fresh password is created in the room's shared accounts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readArgs, runCli, usageError } from '../shell/cli.ts';
import { DEFAULT_SCENARIO } from '../shell/config.ts';
import { withClusterAccounts } from '../shell/cluster/accounts-client.ts';
import { natsServerBinary } from '../shell/cluster/nats-server-binary.ts';
import { ClusterProcesses, type StopStage } from './cluster-processes.ts';

const USAGE = `usage: npm run cluster -- [--dir DIR] [--scenario FILE] [--port N] [--nats-port N] [--no-sim]
  three NATS nodes (clients on --nats-port and the next two, routes 2000 above), a primary
  (--port), a standby (port+1), AVL gateways (port+11, +12), COP gateways (port+21, +22)
  and the simulator;
  Ctrl+C stops them all (docs/cluster.md)
  --dir DIR        state: NATS stores and the two databases (var/cluster)
  --scenario FILE  the scenario (${DEFAULT_SCENARIO})
  --port N         the primary's port (8080)
  --nats-port N    the first NATS node's client port (4222)
  --no-sim         no simulator
  -h, --help       this text`;

const ROOM = 'demo';
/** How long each stop stage (front, instances, NATS) is given after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 8000;

async function main(): Promise<void> {
  const { values: v } = readArgs({
    usage: USAGE,
    options: {
      dir: { type: 'string' },
      scenario: { type: 'string' },
      port: { type: 'string' },
      'nats-port': { type: 'string' },
      'no-sim': { type: 'boolean' },
    },
    positionals: false,
  });
  const dir = resolve(v.dir ?? 'var/cluster');
  const scenario = v.scenario ?? DEFAULT_SCENARIO;
  const port = Number(v.port ?? '8080');
  const natsPort = Number(v['nats-port'] ?? '4222');
  for (const p of [port, natsPort])
    if (!Number.isInteger(p) || p < 1 || p > 63000) throw usageError('--port and --nats-port must be 1..63000');
  const processes = new ClusterProcesses<ChildProcess>({
    timers: globalThis,
    graceMs: STOP_GRACE_MS,
    log: (line) => process.stderr.write(`cluster: ${line}\n`),
  });
  // Nothing starts once Ctrl+C came (run() answers null): not even a start that was waiting.
  const run = (name: string, stage: StopStage, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    processes.run(name, stage, () => {
      // Its own process group: a terminal's Ctrl+C (SIGINT to the foreground group) would
      // otherwise reach NATS and the instances at once, and the order below would be moot.
      const child = spawn(cmd, args, {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, ...env },
        detached: true,
      });
      child.on('exit', (code, signal) => process.stderr.write(`cluster: ${name} exited (${code ?? signal})\n`));
      return child;
    });
  const stop = () => void processes.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Exiting any other way (a failed start): the detached processes would outlive it.
  process.on('exit', () => processes.killNow());

  // Three NATS nodes, one JetStream cluster: clients on natsPort.., routes 2000 above.
  // Off a normal user's PATH on Debian (/usr/sbin): found before anything starts.
  const natsServer = natsServerBinary();
  const clientPorts = [0, 1, 2].map((i) => natsPort + i);
  const routes = clientPorts.map((p) => `nats://127.0.0.1:${p + 2000}`).join(',');
  for (const [i, p] of clientPorts.entries()) {
    mkdirSync(join(dir, `nats${i}`), { recursive: true });
    run(`nats${i}`, 'nats', natsServer, [
      ...['-js', '-a', '127.0.0.1', '-p', String(p), '-n', `jcr-nats-${i}`, '-sd', join(dir, `nats${i}`)],
      ...['-l', join(dir, `nats${i}.log`)],
      ...['--cluster_name', 'jcr', '--cluster', `nats://127.0.0.1:${p + 2000}`, '--routes', routes],
    ]);
  }
  const nats = clientPorts.map((p) => `nats://127.0.0.1:${p}`).join(',');

  // The NATS nodes elect a JetStream leader first; the instances retry their connection meanwhile.
  await new Promise((r) => setTimeout(r, 3000));
  if (processes.stopping) return;
  // One duty officer in the room's shared accounts (every instance mirrors them), once the
  // NATS nodes answer (opening the accounts waits for JetStream to elect its leader).
  const password = randomBytes(12).toString('base64url');
  await withClusterAccounts({ nats, room: ROOM }, async (accounts) => {
    if ((await accounts.users()).some((u) => u.username === 'duty')) await accounts.setPassword('duty', password);
    else await accounts.addUser('duty', password, 'duty-officer');
  });
  if (processes.stopping) return;
  const avlToken = 'jcr_cluster_' + randomBytes(24).toString('base64url');
  const copToken = 'jcr_cop_' + randomBytes(24).toString('base64url');
  const node = (args: string[]) => ['--import', 'tsx', ...args];
  const instance = (name: string, p: number, standby: boolean) =>
    run(
      name,
      'instance',
      process.execPath,
      node([
        ...['server/main.ts', '--scenario', scenario, '--db', join(dir, `${name}.sqlite`), '--port', String(p)],
        ...['--nats', nats, '--room', ROOM, ...(standby ? ['--standby'] : [])],
        // The COP gateways forward the screens' REST calls: count sign-ins per browser, not per gateway.
        ...['--trust-proxy', '127.0.0.1'],
      ]),
      { JCR_AVL_TOKEN: avlToken },
    );
  instance('primary', port, false);
  instance('standby', port + 1, true);
  // Stateless gateways, two of each: AVL at port+11 and +12, COP at port+21 and +22 (the screens'
  // URL: pages, /ws/cop, and REST forwarded to whoever leads).
  for (const [kind, base] of [
    ['avl', 10],
    ['cop', 20],
  ] as const)
    for (const i of [1, 2])
      run(
        `${kind}-gateway-${i}`,
        'front',
        process.execPath,
        node([
          ...['server/gateway.ts', kind, '--nats', nats, '--room', ROOM],
          ...['--port', String(port + base + i), '--scenario', scenario],
        ]),
        { JCR_COP_TOKEN: copToken },
      );
  process.stdout.write(
    `Cluster: screens at http://localhost:${port + 21} (or :${port + 22}), whoever leads; ` +
      `primary http://localhost:${port}, standby http://localhost:${port + 1}, ` +
      `AVL gateways ws://localhost:${port + 11}/ws/avl and :${port + 12}, ` +
      `wall screens ws://localhost:${port + 21}/ws/cop?token=${copToken}; ` +
      `sign in as duty / ${password}\n`,
  );
  if (v['no-sim']) return;
  // The simulator needs the primary's REST API: wait for it to lead.
  for (let i = 0; i < 240 && !processes.stopping; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
      .then((r) => r.json() as Promise<{ cluster?: { role: string } }>)
      .then((h) => h.cluster?.role === 'leader')
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (processes.stopping) return;
  const login = await fetch(`http://127.0.0.1:${port}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'duty', password }),
  }).then((r) => r.json() as Promise<{ token: string }>);
  run(
    'simulator',
    'front',
    process.execPath,
    // REST to whichever instance leads, AVL through the gateways: it follows a failover.
    node([
      ...['sim/cli.ts', 'run', '--demo', '--scenario', scenario],
      ...['--url', `http://127.0.0.1:${port},http://127.0.0.1:${port + 1}`],
      ...['--avl-url', `http://127.0.0.1:${port + 11},http://127.0.0.1:${port + 12}`],
    ]),
    {
      JCR_AVL_TOKEN: avlToken,
      JCR_API_TOKEN: login.token,
      JCR_API_USER: 'duty',
      JCR_API_PASSWORD: password,
    },
  );
}

runCli(main);
