/**
 * Crash safety: the real server runs as a child process and is killed with SIGKILL at random
 * moments while AVL terminals and operators change statuses. After every restart each
 * acknowledged change must be in the event log, in order, and live state must equal the last
 * acknowledged change or a later one that was in flight when the server died (written but not
 * yet acknowledged). Finally a SIGTERM must shut the server down cleanly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { seededRandom } from '../server/core/clock.ts';
import { ResourceStatus, STATUS_NAMES, type ResourceStatus as Status } from '../server/core/fleet/status.ts';
import { decodeAck, encodeBatch } from '../server/shell/avl/codec.ts';
import { Users } from '../server/shell/auth/users.ts';
import { Store } from '../server/shell/store/store.ts';

const ROUNDS = Number(process.env.JCR_CRASH_ROUNDS ?? 20);
const SCENARIO = resolve('test/fixtures/crash/scenario.json');
const AVL_TOKEN = 'crash-test-feed-token-0123456789';
const AVL_IDS = ['R0', 'R1', 'R2', 'R3'];
const REST_IDS = ['R4', 'R5', 'R6', 'R7'];
const POS: Record<string, [number, number]> = {};

/** The status cycle a crew goes round: sent, arrived, leaving, home. */
const NEXT: Partial<Record<Status, Status>> = {
  [ResourceStatus.AVAILABLE_AT_STATION]: ResourceStatus.MOBILISED,
  [ResourceStatus.MOBILISED]: ResourceStatus.AT_SCENE,
  [ResourceStatus.AT_SCENE]: ResourceStatus.RETURNING,
  [ResourceStatus.RETURNING]: ResourceStatus.AVAILABLE_AT_STATION,
};

interface Model {
  /** What the server acknowledged last, per resource. */
  acked: Map<string, Status>;
  /** Sent after the last ack and not acknowledged: may or may not have survived. */
  inFlight: Map<string, Status[]>;
  /** Every acknowledged change in order, to find in the event log. */
  ackedLog: Array<[string, Status]>;
}

interface Child {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

function startServer(dbPath: string): Promise<Child> {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/main.ts',
      '--scenario',
      SCENARIO,
      '--db',
      dbPath,
      '--port',
      '0',
      '--no-sim',
      '--log-level',
      'error',
      '--avl-token',
      AVL_TOKEN,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return new Promise((resolveStart, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 60_000);
    proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({ proc, url: `http://127.0.0.1:${m[1]}`, exited });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${err}`));
    });
  });
}

async function liveStatuses(url: string, token: string): Promise<Map<string, Status>> {
  const res = await fetch(`${url}/api/resources`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { resources: Array<{ id: string; status: string; lat: number; lon: number }> };
  const out = new Map<string, Status>();
  for (const r of body.resources) {
    const s = Number(Object.entries(STATUS_NAMES).find(([, n]) => n === r.status)?.[0]) as Status;
    out.set(r.id, s);
    POS[r.id] = [r.lat, r.lon];
  }
  return out;
}

/** Every acknowledged change must appear in the log, per resource in the order acknowledged. */
function checkLog(dbPath: string, model: Model): void {
  const db = new Database(dbPath, { readonly: true });
  const rows = db.prepare("SELECT data FROM events WHERE type = 'resource.status' ORDER BY seq").all() as Array<{
    data: string;
  }>;
  db.close();
  const logged = new Map<string, Status[]>();
  for (const r of rows) {
    const d = JSON.parse(r.data) as { resourceId: string; status: Status };
    logged.set(d.resourceId, [...(logged.get(d.resourceId) ?? []), d.status]);
  }
  const want = new Map<string, Status[]>();
  for (const [id, s] of model.ackedLog) want.set(id, [...(want.get(id) ?? []), s]);
  for (const [id, statuses] of want) {
    const have = logged.get(id) ?? [];
    // acked changes form a subsequence of the logged ones (in-flight extras may sit between)
    let i = 0;
    for (const s of have) if (i < statuses.length && s === statuses[i]) i++;
    assert.is(i, statuses.length, `${id}: acknowledged ${statuses.join(',')} but the log holds ${have.join(',')}`);
  }
}

async function drive(
  child: Child,
  userToken: string,
  model: Model,
  rnd: () => number,
  killAfterMs: number,
): Promise<void> {
  const ws = new WebSocket(`${child.url.replace('http', 'ws')}/ws/avl?token=${AVL_TOKEN}`);
  await new Promise<void>((r, j) => {
    ws.once('open', () => r());
    ws.once('error', j);
  });
  let seq = 1;
  let dead = false;
  const pending = new Map<number, Array<[string, Status]>>();
  ws.on('message', (data: Buffer) => {
    const ack = decodeAck(data);
    const sent = pending.get(ack.seq);
    pending.delete(ack.seq);
    if (!sent) return;
    assert.is(ack.rejected.length, 0, JSON.stringify(ack.rejected));
    for (const [id, s] of sent) {
      model.acked.set(id, s);
      model.ackedLog.push([id, s]);
      model.inFlight.set(
        id,
        (model.inFlight.get(id) ?? []).filter((_, k) => k > 0),
      );
    }
  });
  ws.on('error', () => (dead = true));
  ws.on('close', () => (dead = true));

  const killAt = Date.now() + killAfterMs;
  const killer = new Promise<void>((r) =>
    setTimeout(() => {
      child.proc.kill('SIGKILL');
      r();
    }, killAfterMs),
  );

  const avlLoop = async () => {
    while (!dead && Date.now() < killAt) {
      const id = AVL_IDS[Math.floor(rnd() * AVL_IDS.length)] as string;
      const queue = model.inFlight.get(id) ?? [];
      if (queue.length > 0) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      const next = NEXT[model.acked.get(id) as Status] as Status;
      const [lat, lon] = POS[id] as [number, number];
      const s = seq++;
      pending.set(s, [[id, next]]);
      model.inFlight.set(id, [next]);
      ws.send(
        encodeBatch({
          seq: s,
          reports: [
            {
              resourceId: id,
              lat,
              lon,
              speedMps: 0,
              headingDeg: 0,
              fixTimeMs: Date.now() + s,
              accuracyM: 5,
              status: next,
            },
          ],
        }),
      );
      await new Promise((r) => setTimeout(r, 2 + rnd() * 10));
    }
  };
  const restLoop = async () => {
    while (!dead && Date.now() < killAt) {
      const id = REST_IDS[Math.floor(rnd() * REST_IDS.length)] as string;
      const next = NEXT[model.acked.get(id) as Status] as Status;
      model.inFlight.set(id, [next]);
      try {
        const res = await fetch(`${child.url}/api/resources/${id}/status`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${userToken}` },
          body: JSON.stringify({ status: STATUS_NAMES[next] }),
        });
        if (res.status === 429) {
          // The per-user write rate limit refused it: not applied, so not in flight either.
          model.inFlight.set(id, []);
          await new Promise((r) => setTimeout(r, 150));
          continue;
        }
        if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
        model.acked.set(id, next);
        model.ackedLog.push([id, next]);
        model.inFlight.set(id, []);
        await new Promise((r) => setTimeout(r, 2 + rnd() * 40)); // an operator's pace, under the write rate limit
      } catch (e) {
        if (Date.now() < killAt - 50 && !(e instanceof TypeError)) throw e;
        return; // the server died under us: this change stays in flight
      }
    }
  };
  await Promise.all([avlLoop(), restLoop(), killer]);
  await child.exited;
  ws.terminate();
}

test(`${ROUNDS} rounds of SIGKILL and restart lose no acknowledged change`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-crash-'));
  const dbPath = join(dir, 'jcr.sqlite');
  const store = Store.open(dbPath);
  const users = new Users(store, Date.now);
  await users.create('duty', 'duty-officer-password', 'duty-officer');
  const userToken = users.startSession('duty').token;
  store.close();

  const rnd = seededRandom(20261121);
  const model: Model = { acked: new Map(), inFlight: new Map(), ackedLog: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const child = await startServer(dbPath);
      const live = await liveStatuses(child.url, userToken);
      if (round === 0) for (const [id, s] of live) model.acked.set(id, s);
      for (const [id, s] of live) {
        const allowed = [model.acked.get(id), ...(model.inFlight.get(id) ?? [])];
        assert.ok(
          allowed.includes(s),
          `round ${round}: ${id} is ${STATUS_NAMES[s]}, expected one of ${allowed.map((x) => (x ? STATUS_NAMES[x] : '?')).join(', ')}`,
        );
        model.acked.set(id, s); // an in-flight change that survived is now the truth
        model.inFlight.set(id, []);
      }
      await drive(child, userToken, model, rnd, 150 + Math.floor(rnd() * 900));
      checkLog(dbPath, model);
    }
    assert.ok(model.ackedLog.length >= ROUNDS, `only ${model.ackedLog.length} changes were acknowledged`);

    // Graceful shutdown: SIGTERM flushes and exits 0.
    const child = await startServer(dbPath);
    child.proc.kill('SIGTERM');
    assert.is(await child.exited, 0);
    const db = new Database(dbPath, { readonly: true });
    assert.is(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
