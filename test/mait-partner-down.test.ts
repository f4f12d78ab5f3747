/**
 * Issue 18 acceptance, over HTTP: the partner down for 10 minutes of fake time, then back. Two
 * servers on port 0 with database files; beds stops; herts transfers an incident and adds five
 * notes: six messages wait, durable in herts' outbox (another connection reads them), the
 * transfer stays "queued" and the partner link says why; beds starts again on its file at a new
 * port, and all six arrive once each, in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { partnersOf, serverPair } from './support/mait-servers.ts';
import { api, tokenFor } from './support/server.ts';

test('the partner down for 10 minutes, then back: all delivered once, in order; the API shows the wait', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-mait-down-'));
  const hertsDb = join(dir, 'herts.sqlite');
  const bedsDb = join(dir, 'beds.sqlite');
  const pair = await serverPair({ hertsDb, bedsDb });
  const { herts, clock, timers } = pair;
  let beds: RunningServer | undefined;
  const reader = new Database(hertsDb, { readonly: true });
  try {
    const h = await tokenFor(herts, 'fire-dispatcher', 'hanna');
    await pair.beds.close();
    const downAt = clock.now();

    const c = await api(herts, 'POST', '/api/incidents', {
      token: h,
      body: { typeId: 'dwelling-fire', lat: 51.9, lon: -0.3, address: '5 Border Lane' },
    });
    const ours = (c.body as { id: string }).id;
    const t = await api(herts, 'POST', `/api/incidents/${ours}/transfer`, { token: h, body: { partnerId: 'beds' } });
    assert.equal([t.status, (t.body as { status: string }).status], [202, 'queued']);
    for (let i = 1; i <= 5; i++)
      assert.is(
        (await api(herts, 'POST', `/api/incidents/${ours}/notes`, { token: h, body: { text: `note ${i}` } })).status,
        201,
      );

    // Ten minutes of fake time, ten seconds at a time: the courier keeps trying, with backoff.
    for (let s = 0; s < 60; s++) {
      clock.advance(10_000);
      timers.fire();
      await herts.mait!.courier.settled();
    }
    // Durable: another connection reads all six, none delivered.
    assert.equal(
      reader
        .prepare('SELECT kind, seq, delivered_at FROM mait_outbox ORDER BY id')
        .all()
        .map((r) => {
          const row = r as { kind: string; seq: number; delivered_at: number | null };
          return `${row.kind}#${row.seq} ${row.delivered_at === null ? 'waiting' : 'delivered'}`;
        }),
      [
        'Create#1 waiting',
        'Update#2 waiting',
        'Update#3 waiting',
        'Update#4 waiting',
        'Update#5 waiting',
        'Update#6 waiting',
      ],
    );
    // What the screens and the API show meanwhile: the transfer is queued, the link says why.
    const list = await api(herts, 'GET', '/api/transfers', { token: h });
    const [view] = (
      list.body as { transfers: Array<{ status: string; delivery: { attempts: number; lastError: string } }> }
    ).transfers;
    assert.equal([view?.status, view?.delivery.attempts, view?.delivery.lastError], ['queued', 15, 'ECONNREFUSED']);
    const links = await api(herts, 'GET', '/api/partner-links', { token: h });
    const [link] = (
      links.body as {
        partners: Array<{
          id: string;
          queued: number;
          oldestQueuedAt: number;
          deadLetters: number;
          head: { kind: string; seq: number; attempts: number; lastError: string; nextAt: number };
        }>;
      }
    ).partners;
    assert.equal([link?.id, link?.queued, link?.oldestQueuedAt, link?.deadLetters], ['beds', 6, downAt, 0]);
    assert.equal(
      [link?.head.kind, link?.head.seq, link?.head.attempts, link?.head.lastError],
      ['Create', 1, 15, 'ECONNREFUSED'],
    );
    assert.ok(link!.head.nextAt > clock.now() - 60_000 && link!.head.nextAt <= clock.now() + 60_000);

    // beds comes back on its file, at a new port.
    beds = await startServer({
      scenario: miniScenario(),
      db: bedsDb,
      port: 0,
      clock: clock.now,
      timers,
      log: 'silent',
      mait: { partners: partnersOf('beds') },
    });
    beds.mait!.partners.partners[0]!.baseUrl = herts.url;
    herts.mait!.partners.partners[0]!.baseUrl = beds.url;
    for (let i = 0; i < 10 && herts.mait!.outbox.pendingCount() + beds.mait!.outbox.pendingCount() > 0; i++) {
      clock.advance(60_000);
      timers.fire();
      await herts.mait!.courier.settled();
      await beds.mait!.courier.settled();
    }
    assert.is(herts.mait!.outbox.pendingCount(), 0);
    // Once each, in order, in beds' log.
    const received = [...beds.engine.store.events(0)].flatMap((e) =>
      e.type === 'mait.received' && e.data.partnerId === 'herts'
        ? [`${e.data.message.kind}#${e.data.message.seq}`]
        : [],
    );
    assert.equal(received, ['Create#1', 'Update#2', 'Update#3', 'Update#4', 'Update#5', 'Update#6']);
    const inbound = [...beds.engine.room.transfers.all()][0]!;
    assert.equal([inbound.status, inbound.content?.timeline.map((e) => e.text)], ['pending', ['note 5']]);
    // And herts hears beds' acknowledgement: the transfer is acknowledged, the link empty.
    const after = await api(herts, 'GET', '/api/transfers', { token: h });
    assert.equal(
      (after.body as { transfers: Array<{ status: string; ackStage: string }> }).transfers.map((x) => [
        x.status,
        x.ackStage,
      ]),
      [['acknowledged', 'received']],
    );
    const back = await api(herts, 'GET', '/api/partner-links', { token: h });
    assert.equal(
      (back.body as { partners: Array<{ queued: number; head: unknown }> }).partners.map((p) => [p.queued, p.head]),
      [[0, null]],
    );
  } finally {
    reader.close();
    await beds?.close();
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the way back down: the partner took the Create but its answer cannot reach us, so "delivered"', async () => {
  const pair = await serverPair();
  const { herts, beds, settle } = pair;
  try {
    const h = await tokenFor(herts, 'fire-dispatcher', 'hanna');
    const c = await api(herts, 'POST', '/api/incidents', {
      token: h,
      body: { typeId: 'dwelling-fire', lat: 51.9, lon: -0.3 },
    });
    const ours = (c.body as { id: string }).id;
    // beds' way back to herts is down: its acknowledgement waits in beds' outbox.
    beds.mait!.partners.partners[0]!.baseUrl = 'http://127.0.0.1:9';
    await api(herts, 'POST', `/api/incidents/${ours}/transfer`, { token: h, body: { partnerId: 'beds' } });
    await settle();
    const status = async () =>
      ((await api(herts, 'GET', '/api/transfers', { token: h })).body as { transfers: Array<{ status: string }> })
        .transfers[0]?.status;
    assert.is(await status(), 'delivered');
    assert.equal([beds.mait!.outbox.pendingCount('herts'), beds.mait!.outbox.head('herts')?.kind], [1, 'Acknowledge']);
    beds.mait!.partners.partners[0]!.baseUrl = herts.url;
    await settle();
    assert.is(await status(), 'acknowledged');
  } finally {
    await pair.close();
  }
});

test.run();
