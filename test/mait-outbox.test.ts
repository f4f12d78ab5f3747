/**
 * Issue 18 item 3, the sender's half: the MAIT outbox and its courier. Messages are durable when
 * queued, go out one at a time in queue order, wait with exponential backoff on a fake clock and
 * fake timers while the partner is down, and survive the store being closed and reopened.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '../server/core/clock.ts';
import { createLogger } from '../server/shell/log.ts';
import { backoffMs, Courier, type SendOutcome } from '../server/shell/mait/courier.ts';
import { HeldMessages } from '../server/shell/mait/held.ts';
import { Outbox, type OutboxRow } from '../server/shell/mait/outbox.ts';
import { Store } from '../server/shell/store/store.ts';
import { manualTimer } from './support/timers.ts';

const log = createLogger('silent');

function queue(outbox: Outbox, n: number, at: number, incidents = ['A', 'B']): void {
  for (let i = 0; i < n; i++) {
    const incidentKey = `herts/${incidents[i % incidents.length]}`;
    outbox.enqueue(
      {
        messageId: `m${i + 1}`,
        partnerId: 'beds',
        incidentKey,
        seq: Math.floor(i / incidents.length) + 1,
        kind: 'Update',
        body: `<Mait n="${i + 1}"/>`,
      },
      at,
    );
  }
}

test('backoff doubles from 1 s and stops at a minute', () => {
  assert.equal(
    [1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffMs(n)),
    [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000],
  );
});

test('the courier sends one partner its messages one at a time, in queue order', async () => {
  const store = Store.open(':memory:');
  const outbox = new Outbox(store.db);
  const clock = fakeClock();
  queue(outbox, 6, clock.now());
  const sent: string[] = [];
  let inFlight = 0;
  let most = 0;
  const courier = new Courier({
    outbox,
    clock: clock.now,
    timers: manualTimer(),
    log,
    transport: async (row) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      sent.push(`${row.incidentKey}#${row.seq}`);
      inFlight--;
      return { ok: true };
    },
  });
  courier.kick();
  courier.kick('beds'); // a second kick while the run is in flight starts no second run
  await courier.settled();
  assert.equal(sent, ['herts/A#1', 'herts/B#1', 'herts/A#2', 'herts/B#2', 'herts/A#3', 'herts/B#3']);
  assert.is(most, 1);
  assert.is(outbox.pendingCount(), 0);
  assert.equal(
    outbox.all('beds').map((r) => [r.attempts, r.deliveredAt]),
    Array.from({ length: 6 }, () => [1, clock.now()]),
  );
  store.close();
});

test('a partner down for 10 minutes of fake time: retried with backoff, then all delivered in order', async () => {
  const store = Store.open(':memory:');
  const outbox = new Outbox(store.db);
  const clock = fakeClock();
  const timers = manualTimer();
  const t0 = clock.now();
  queue(outbox, 10, t0);
  let up = false;
  const attempts: number[] = [];
  const sent: string[] = [];
  const courier = new Courier({
    outbox,
    clock: clock.now,
    timers,
    log,
    transport: async (row): Promise<SendOutcome> => {
      attempts.push(clock.now() - t0);
      if (!up) return { ok: false, error: 'connect ECONNREFUSED' };
      sent.push(row.messageId);
      return { ok: true };
    },
  });
  courier.kick();
  await courier.settled();
  // Ten minutes, a second at a time: a timer that fires early finds the clock short and waits on.
  for (let s = 0; s < 600; s++) {
    clock.advance(1000);
    timers.fire();
    await courier.settled();
  }
  const head = outbox.head('beds') as OutboxRow;
  assert.is(head.messageId, 'm1');
  assert.is(head.lastError, 'connect ECONNREFUSED');
  // Tried at 0, 1, 3, 7, 15, 31, 63 s, then once a minute: 123, 183, ... 543 s.
  assert.equal(
    attempts.map((ms) => ms / 1000),
    [0, 1, 3, 7, 15, 31, 63, 123, 183, 243, 303, 363, 423, 483, 543],
  );
  assert.is(head.attempts, 15);
  assert.equal(sent, []);
  up = true;
  clock.advance(60_000);
  timers.fire();
  await courier.settled();
  assert.equal(sent, ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10']);
  assert.is(outbox.pendingCount('beds'), 0);
  store.close();
});

test('queued messages outlive the process: a reopened store sends them, delivered ones stay sent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-outbox-'));
  const path = join(dir, 'jcr.sqlite');
  const clock = fakeClock();
  const first = Store.open(path);
  const outbox1 = new Outbox(first.db);
  queue(outbox1, 4, clock.now());
  outbox1.markDelivered(outbox1.head('beds')!.id, clock.now());
  first.close();

  const second = Store.open(path);
  const outbox2 = new Outbox(second.db);
  const sent: string[] = [];
  const courier = new Courier({
    outbox: outbox2,
    clock: clock.now,
    timers: manualTimer(),
    log,
    transport: async (row) => {
      sent.push(row.body);
      return { ok: true };
    },
  });
  courier.kick();
  await courier.settled();
  assert.equal(sent, ['<Mait n="2"/>', '<Mait n="3"/>', '<Mait n="4"/>']);
  second.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a row written by an append hook commits with its events, and a failing hook writes neither', () => {
  const store = Store.open(':memory:');
  const outbox = new Outbox(store.db);
  let fail = false;
  store.onAppend((events) => {
    for (const e of events) {
      if (fail) throw new Error('encoder refused');
      outbox.enqueue(
        { messageId: `e${e.seq}`, partnerId: 'beds', incidentKey: 'herts/A', seq: e.seq, kind: 'Update', body: '' },
        e.at,
      );
    }
  });
  const note = { at: 1000, type: 'operator.note', origin: 'operator', actor: 'alice', data: { text: 'x' } } as const;
  store.append([note]);
  fail = true;
  assert.throws(() => store.append([note]), /encoder refused/);
  assert.is(store.lastSeq(), 1);
  assert.equal(
    outbox.all('beds').map((r) => r.messageId),
    ['e1'],
  );
  store.close();
});

test('held messages: kept once per id, the lowest sequence first, dropped when applied', () => {
  const store = Store.open(':memory:');
  const held = new HeldMessages(store.db);
  const m = (id: string, seq: number) => ({
    messageId: id,
    partnerId: 'beds',
    incidentKey: 'beds/7',
    seq,
    body: `<${id}/>`,
    receivedAt: 1000 + seq,
  });
  held.hold(m('x3', 3));
  held.hold(m('x2', 2));
  held.hold(m('x3', 3));
  assert.is(held.count(), 2);
  assert.is(held.first('beds', 'beds/7')?.messageId, 'x2');
  held.drop('x2');
  assert.is(held.first('beds', 'beds/7')?.seq, 3);
  assert.is(held.first('beds', 'herts/1'), undefined);
  store.close();
});

test.run();
