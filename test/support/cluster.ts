/**
 * Real clusters for the cluster tests (test/cluster/): nats-server processes with JetStream on
 * free loopback ports in temp directories, control room instances as child processes
 * (server/main.ts with --nats), and readers of the cluster log. Without nats-server installed
 * every cluster test fails with one line saying so: they must not pass silently.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { ReportFields } from '../../server/core/avl/report-rules.ts';
import type { JcrEvent } from '../../server/core/events.ts';
import { Users } from '../../server/shell/auth/users.ts';
import { AvlBatchReader } from '../../server/shell/avl/batch-reader.ts';
import { decodePositions } from '../../server/shell/cluster/positions-batch.ts';
import type { Role } from '../../server/core/auth/roles.ts';
import { Store } from '../../server/shell/store/store.ts';
import { natsServerBinary } from '../../server/shell/cluster/nats-server-binary.ts';
import { freePort } from './ports.ts';

/** The nats-server binary, or a failure that names the missing package. */
export { natsServerBinary };

export const SCENARIO = resolve('test/fixtures/crash/scenario.json');
export const AVL_TOKEN = 'cluster-test-feed-token-0123456789';
export const PASSWORD = 'cluster-test-password';

/** Ports outside the ephemeral range: a restarted instance or node gets its port back. */
export { freePort };

export interface Proc {
  proc: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

function spawnProc(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Proc {
  const proc = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, exited, output: () => out };
}

/** One nats-server with JetStream, its store under `dir`. */
export async function startNats(dir: string): Promise<{ url: string; nats: Proc }> {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const nats = spawnProc(natsServerBinary(), ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir]);
  const url = `nats://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const nc = await connect({ servers: url, reconnect: false }).catch(() => null);
    if (nc) {
      await nc.close();
      return { url, nats };
    }
    await sleep(50);
  }
  throw new Error(`nats-server did not start: ${nats.output()}`);
}

export interface Instance extends Proc {
  name: string;
  url: string;
  db: string;
}

/** A user (`duty`, the duty officer, unless named) in an instance's database, with PASSWORD. */
export async function seedUser(db: string, username = 'duty', role: Role = 'duty-officer'): Promise<void> {
  const store = Store.open(db);
  const users = new Users(store, Date.now);
  if (!users.get(username)) await users.create(username, PASSWORD, role);
  store.close();
}

/** A control room instance in cluster mode on a fixed port (it keeps the port when it steps down). */
export async function startInstance(
  name: string,
  o: {
    db: string;
    port: number;
    nats: string;
    room: string;
    standby: boolean;
    /** The scenario file (default SCENARIO). */
    scenario?: string;
    args?: readonly string[];
    /** Node's own flags (a benchmark's --cpu-prof), before the script. */
    nodeArgs?: readonly string[];
    /** Added to the environment (a test-only hook such as JCR_TEST_HOLD_APPEND). */
    env?: NodeJS.ProcessEnv;
  },
): Promise<Instance> {
  const args = [
    ...(o.nodeArgs ?? []),
    '--import',
    'tsx',
    'server/main.ts',
    '--scenario',
    o.scenario ?? SCENARIO,
    '--db',
    o.db,
    '--port',
    String(o.port),
  ];
  args.push('--nats', o.nats, '--room', o.room, '--avl-token', AVL_TOKEN, '--log-level', 'warn', '--no-sim');
  if (o.standby) args.push('--standby');
  args.push(...(o.args ?? []));
  const p = spawnProc(process.execPath, args, o.env);
  const url = `http://127.0.0.1:${o.port}`;
  const until = Date.now() + 60_000;
  while (!/Joint control room: .* at http/.test(p.output())) {
    if (Date.now() > until || p.proc.exitCode !== null) throw new Error(`${name} did not start: ${p.output()}`);
    await sleep(50);
  }
  return { ...p, name, url, db: o.db };
}

export interface ClusterStatus {
  role: string;
  streamSeq: number;
  lastSeq: number;
}

export async function clusterStatus(url: string): Promise<ClusterStatus | null> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1000) });
    return ((await res.json()) as { cluster: ClusterStatus }).cluster;
  } catch {
    return null;
  }
}

/** Poll until `url` reports `role` (and, if given, `lastSeq`); returns ms waited, or throws past `withinMs`. */
export async function waitRole(url: string, role: string, withinMs: number, lastSeq?: number): Promise<number> {
  const from = Date.now();
  for (;;) {
    const s = await clusterStatus(url);
    if (s?.role === role && (lastSeq === undefined || s.lastSeq === lastSeq)) return Date.now() - from;
    if (Date.now() - from > withinMs)
      throw new Error(`${url} is ${JSON.stringify(s)} after ${withinMs} ms, not ${role} at ${lastSeq ?? 'any seq'}`);
    await sleep(25);
  }
}

export async function login(url: string, username = 'duty'): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    const body = (await res.json()) as { token?: string; error?: { code?: string } };
    // The session's write found the database locked (the position history writes under AVL
    // load): 503, to be tried again, as a client would.
    if (res.status === 503 && body.error?.code === 'JCR_STORE_BUSY' && attempt < 10) {
      await sleep(100 * attempt);
      continue;
    }
    // A refused sign-in named here, not as a 401 on the first call made with no token.
    if (!res.ok || typeof body.token !== 'string')
      throw new Error(`sign-in as ${username} at ${url}: ${res.status} ${JSON.stringify(body)}`);
    return body.token;
  }
}

/** Every event in the room's cluster log, in stream order. */
export async function clusterEvents(natsUrl: string, room: string): Promise<JcrEvent[]> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = `jcr_${room}_events`;
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const out: JcrEvent[] = [];
    for (let seq = 1; seq <= last; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (m) out.push(...(JSON.parse(new TextDecoder().decode(m.data)) as JcrEvent[]));
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** One AVL report as the positions stream or a position history holds it. */
export interface StoredPosition extends ReportFields {
  resourceId: string;
  /** False for a fix kept in history only (JCR_AVL_OUT_OF_ORDER). */
  live: boolean;
  feed: string;
}

/** One message of the positions stream: the reports the leader kept of one AVL batch. */
export interface ClusterPositionsMessage {
  streamSeq: number;
  receivedAt: number;
  positions: StoredPosition[];
}

/**
 * Every message of the room's positions stream (jcr_<room>_positions), in stream order: each AVL
 * report an instance acknowledged as accepted (or kept in history only) is in one of them. Float
 * fields (speed, heading, accuracy) are float32 on the wire: compare values exact in float32.
 */
export async function clusterPositions(natsUrl: string, room: string): Promise<ClusterPositionsMessage[]> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const stream = `jcr_${room}_positions`;
    const { first_seq: first, last_seq: last } = (await jsm.streams.info(stream)).state;
    const reader = new AvlBatchReader([]);
    const out: ClusterPositionsMessage[] = [];
    for (let seq = Math.max(1, first); seq <= last; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq });
      if (!m) continue;
      const rows = decodePositions(reader, m.data);
      out.push({
        streamSeq: seq,
        receivedAt: rows.receivedAt,
        positions: rows.reports.map((r, i) => ({
          resourceId: r.resourceId,
          lat: r.lat,
          lon: r.lon,
          fixTimeMs: r.fixTimeMs,
          speedMps: r.speedMps,
          headingDeg: r.headingDeg,
          accuracyM: r.accuracyM,
          status: r.status,
          live: !rows.historyOnly.includes(i),
          feed: rows.feedId,
        })),
      });
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** The room's last COP seq: the head of its COP stream (jcr_<room>_cop), which the leader numbers. */
export async function copHead(natsUrl: string, room: string): Promise<number> {
  const nc = await connect({ servers: natsUrl });
  try {
    return (await (await jetstreamManager(nc)).streams.info(`jcr_${room}_cop`)).state.last_seq;
  } finally {
    await nc.close();
  }
}

/** An instance's position history (its SQLite `positions` table), in row order. */
export function positionHistory(db: string): StoredPosition[] {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = d
      .prepare(
        `SELECT resource_id AS resourceId, lat, lon, fix_time AS fixTimeMs, speed_mps AS speedMps,
                heading_deg AS headingDeg, accuracy_m AS accuracyM, status, live, feed
         FROM positions ORDER BY id`,
      )
      .all() as Array<Omit<StoredPosition, 'live'> & { live: number }>;
    return rows.map((r) => ({ ...r, live: r.live === 1 }));
  } finally {
    d.close();
  }
}

/** Every event in an instance's SQLite cache, in order. */
export function cachedEvents(db: string): JcrEvent[] {
  const store = Store.open(db);
  try {
    return [...store.events(0)];
  } finally {
    store.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `ok` every 50 ms; fails naming `what` if it is not true within `ms`. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(50);
  }
}
