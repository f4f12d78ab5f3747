/**
 * A three-node NATS JetStream cluster on loopback for the cluster tests that kill a NATS node
 * (test/cluster/nats-node-loss.test.ts) and for `npm run bench -- cluster`: each node with its
 * own store, client port and route port, all routed to each other. A node can be SIGKILLed and
 * started again on the same ports and store. Without nats-server the start fails saying so.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { freePort, natsServerBinary, sleep, type Proc } from './cluster.ts';

export interface NatsNode {
  /** The server name (-n), as JetStream's cluster info names a stream's leader. */
  name: string;
  url: string;
  proc: Proc | null;
  start(): void;
  kill(): Promise<void>;
}

export interface NatsCluster {
  nodes: NatsNode[];
  /** Every client URL, comma-separated, as --nats takes them. */
  urls: string;
  node(name: string): NatsNode;
  close(): Promise<void>;
}

function spawnProc(cmd: string, args: string[]): Proc {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, exited, output: () => out };
}

/** Three routed nats-server nodes with JetStream; resolves once JetStream answers (a meta leader is elected). */
export async function startNatsCluster(dir: string, count = 3): Promise<NatsCluster> {
  const bin = natsServerBinary();
  const clientPorts: number[] = [];
  const routePorts: number[] = [];
  for (let i = 0; i < count; i++) {
    clientPorts.push(await freePort());
    routePorts.push(await freePort());
  }
  const routes = routePorts.map((p) => `nats://127.0.0.1:${p}`).join(',');
  const nodes: NatsNode[] = clientPorts.map((port, i) => {
    const name = `jcr-test-nats-${i}`;
    const store = join(dir, name);
    mkdirSync(store, { recursive: true });
    const node: NatsNode = {
      name,
      url: `nats://127.0.0.1:${port}`,
      proc: null,
      start() {
        node.proc = spawnProc(bin, [
          ...['-js', '-a', '127.0.0.1', '-p', String(port), '-n', name, '-sd', store],
          ...['--cluster_name', 'jcr-test', '--cluster', `nats://127.0.0.1:${routePorts[i]}`, '--routes', routes],
        ]);
      },
      async kill() {
        const p = node.proc;
        if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) return;
        p.proc.kill('SIGKILL');
        await p.exited;
      },
    };
    return node;
  });
  for (const n of nodes) n.start();
  const urls = nodes.map((n) => n.url).join(',');
  await jetStreamReady(urls, 30_000, () => nodes.map((n) => n.proc?.output() ?? '').join('\n'));
  return {
    nodes,
    urls,
    node(name) {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no NATS node ${name}`);
      return n;
    },
    async close() {
      for (const n of nodes) await n.kill();
    },
  };
}

/** Wait until JetStream answers through `urls` (its meta group has a leader). */
export async function jetStreamReady(urls: string, withinMs: number, output: () => string = () => ''): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    const nc = await connect({ servers: urls.split(','), reconnect: false }).catch(() => null);
    if (nc) {
      const ok = await jetstreamManager(nc, { timeout: 1000 })
        .then((jsm) => jsm.getAccountInfo())
        .then(() => true)
        .catch(() => false);
      await nc.close();
      if (ok) return;
    }
    if (Date.now() > until) throw new Error(`JetStream did not come up on ${urls}:\n${output().slice(-3000)}`);
    await sleep(200);
  }
}

/** The name of the server leading a stream's Raft group (its replicas' leader), or null. */
export async function streamLeader(urls: string, stream: string): Promise<string | null> {
  const nc = await connect({ servers: urls.split(',') });
  try {
    const jsm = await jetstreamManager(nc);
    return (await jsm.streams.info(stream)).cluster?.leader ?? null;
  } finally {
    await nc.close();
  }
}

/**
 * Move a stream's Raft leadership until the server named `on` leads it (JetStream's leader
 * step-down elects another replica at random); true once it does, false after `tries`.
 */
export async function moveStreamLeader(urls: string, stream: string, on: string, tries = 10): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    const was = await streamLeader(urls, stream).catch(() => null);
    if (was === on) return true;
    const nc = await connect({ servers: urls.split(',') });
    try {
      await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${stream}`, '', { timeout: 5000 }).catch(() => null);
    } finally {
      await nc.close();
    }
    const until = Date.now() + 10_000;
    for (;;) {
      const now = await streamLeader(urls, stream).catch(() => null);
      if ((now !== null && now !== was) || Date.now() > until) break;
      await sleep(100);
    }
  }
  return (await streamLeader(urls, stream).catch(() => null)) === on;
}
