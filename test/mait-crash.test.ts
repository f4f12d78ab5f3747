/**
 * Issue 18 acceptance: SIGKILL of the sender with 50 messages in its outbox. The sender ('herts')
 * runs as a child process on a database file and queues 10 transfers with 4 notes each (50
 * messages: 10 Creates, 40 Updates) to 'beds', a server in this process, and is killed with
 * SIGKILL the moment the last is queued, while its courier is sending. After a restart on the
 * same file every message reaches beds exactly once, and each incident's in order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { partnersOf } from './support/mait-servers.ts';

interface Child {
  proc: ChildProcess;
  url: string;
  token: string;
  exited: Promise<string | null>;
}

function startHerts(db: string, partnersFile: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/mait-crash-child.ts', db, partnersFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<string | null>((r) => proc.on('exit', (_code, signal) => r(signal)));
  return new Promise((resolveStart, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`herts did not start: ${out} ${err}`)), 60_000);
    proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        const { url, token } = JSON.parse(line) as { url: string; token: string };
        resolveStart({ proc, url, token, exited });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`herts exited with ${code} before listening: ${err}`));
    });
  });
}

/** POST as the dispatcher; a 429 (writes are rate limited per user: 30, then 10 a second) waits and tries again. */
async function post(c: Child, path: string, body: unknown): Promise<{ id?: string }> {
  for (;;) {
    const res = await fetch(`${c.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { id?: string };
    if (res.status === 429) {
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
      continue;
    }
    assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
}

function pendingIn(db: string): number {
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT COUNT(*) AS n FROM mait_outbox WHERE delivered_at IS NULL').get() as { n: number }).n;
  } finally {
    d.close();
  }
}

test('SIGKILL with 50 messages in the outbox: after restart each is delivered once, in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-mait-crash-'));
  const db = join(dir, 'herts.sqlite');
  const partnersFile = join(dir, 'partners.json');
  const beds = await startServer({
    scenario: miniScenario(),
    db: ':memory:',
    port: 0,
    log: 'silent',
    mait: { partners: partnersOf('beds') },
  });
  const hertsPartners = partnersOf('herts');
  hertsPartners.partners[0]!.baseUrl = beds.url;
  writeFileSync(partnersFile, JSON.stringify(hertsPartners));
  let herts = await startHerts(db, partnersFile);
  beds.mait!.partners.partners[0]!.baseUrl = herts.url;
  try {
    for (let i = 0; i < 10; i++) {
      const inc = await post(herts, '/api/incidents', { typeId: 'dwelling-fire', lat: 51.9, lon: -0.3 + i * 0.001 });
      await post(herts, `/api/incidents/${inc.id}/transfer`, { partnerId: 'beds' });
      for (let n = 1; n <= 4; n++) await post(herts, `/api/incidents/${inc.id}/notes`, { text: `note ${n}` });
    }
    herts.proc.kill('SIGKILL');
    assert.is(await herts.exited, 'SIGKILL');
    const queued = new Database(db, { readonly: true });
    assert.is((queued.prepare('SELECT COUNT(*) AS n FROM mait_outbox').get() as { n: number }).n, 50);
    queued.close();

    herts = await startHerts(db, partnersFile);
    beds.mait!.partners.partners[0]!.baseUrl = herts.url;
    for (let i = 0; i < 600 && pendingIn(db) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.is(pendingIn(db), 0);

    const got = [...beds.engine.store.events(0)].flatMap((e) => (e.type === 'mait.received' ? [e.data.message] : []));
    assert.is(got.length, 50);
    assert.is(new Set(got.map((m) => m.messageId)).size, 50);
    const perIncident = new Map<string, number[]>();
    for (const m of got) perIncident.set(m.incident.id, [...(perIncident.get(m.incident.id) ?? []), m.seq]);
    assert.is(perIncident.size, 10);
    for (const seqs of perIncident.values()) assert.equal(seqs, [1, 2, 3, 4, 5]);
    assert.is(beds.mait!.held.count(), 0);
  } finally {
    herts.proc.kill('SIGKILL');
    await herts.exited;
    await beds.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
