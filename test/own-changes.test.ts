/**
 * A request's own changes (server/shell/own-changes.ts) across the write-locked log's queue
 * (server/shell/store/busy-queue.ts): the queue retries its waiting changes on a timer made in
 * the first waiter's async context, so each attempt is bound to its own caller's; else a later
 * request's change would count to the first request, and the later one, told it changed nothing
 * (JCR_NOT_LEADER), would resend a change the cluster log may hold.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JcrError } from '../server/core/errors.ts';
import { OwnChanges, ownChanges } from '../server/shell/own-changes.ts';
import { BusyQueue } from '../server/shell/store/busy-queue.ts';
import { serverTimers } from '../server/shell/timers.ts';

/** The writer the marks below are planned by. */
const log = {};

test('a change retried from the busy queue counts to its own request, not the one whose wait made the timer', async () => {
  const queue = new BusyQueue(serverTimers, { firstDelayMs: 1, maxDelayMs: 1 });
  let locked = true;
  /** A change: refused while the log is locked, else it records its seq in the running request's record. */
  const change = (seq: number) => () => {
    if (locked) throw new JcrError('JCR_STORE_BUSY', 'the event log is locked');
    ownChanges()?.add(log, seq - 1, seq);
    return seq;
  };
  const a = new OwnChanges();
  const b = new OwnChanges();
  const first = a.run(() => queue.run(change(1))); // waits: the retry timer is made here
  const second = b.run(() => queue.run(change(2))); // waits behind it
  assert.is(queue.length, 2);
  locked = false;
  assert.equal(await Promise.all([first, second]), [1, 2]);
  assert.equal([a.of(log), b.of(log)], [[[0, 1]], [[1, 2]]]);
});

test('what runs outside any request has no record', () => {
  assert.is(ownChanges(), undefined);
  const own = new OwnChanges();
  assert.is(
    own.run(() => ownChanges()),
    own,
  );
});

test.run();
