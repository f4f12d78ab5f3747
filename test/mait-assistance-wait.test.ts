/**
 * Asking a partner for assistance is an operator change like any other (issue 15 item 10, issue
 * 18 item 5): with another connection holding the room's write lock, the ask waits in line off
 * the event loop and is answered once durable, instead of failing at once with JCR_STORE_BUSY.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { api, tokenFor, type JsonResponse } from './support/server.ts';
import { serverPair, STRAIGHT_LINE } from './support/mait-servers.ts';

const turn = () => new Promise<void>((r) => setImmediate(r));

test('an ask to a partner under an external write lock waits in line, then lands once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-ask-wait-'));
  const file = join(dir, 'herts.sqlite');
  const pair = await serverPair({ hertsDb: file, journeys: STRAIGHT_LINE });
  const lock = new Database(file);
  try {
    const { herts } = pair;
    const h = await tokenFor(herts, 'fire-dispatcher', 'hanna');
    const c = await api(herts, 'POST', '/api/incidents', {
      token: h,
      body: { typeId: 'dwelling-fire', lat: 51.8, lon: -0.25, address: '9 Border Road' },
    });
    assert.is(c.status, 201, JSON.stringify(c.body));
    const id = (c.body as { id: string }).id;

    lock.exec('BEGIN IMMEDIATE');
    let settled = false;
    const ask: Promise<JsonResponse> = api(herts, 'POST', `/api/incidents/${id}/partner-assistance`, {
      token: h,
      body: { partnerId: 'beds', capability: 'pump', count: 2, note: 'Over the border' },
    });
    ask.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let i = 0; i < 20_000 && herts.engine.waiting !== 1 && !settled; i++) await turn();
    // Waiting in line, not refused: nothing queued for the partner yet.
    assert.equal([herts.engine.waiting, settled], [1, false]);
    assert.is(herts.mait!.outbox.pendingCount(), 0);

    lock.exec('ROLLBACK');
    pair.timers.fire();
    const res = await ask;
    assert.is(res.status, 201, JSON.stringify(res.body));
    assert.equal([herts.engine.waiting, herts.mait!.outbox.pendingCount()], [0, 1]);
  } finally {
    if (lock.inTransaction) lock.exec('ROLLBACK');
    lock.close();
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
