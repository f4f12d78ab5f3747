/**
 * The lease's decisions (server/shell/cluster/lease.ts), on a fake clock: when a standby reads,
 * creates or claims the key, and the holder's standing from its last confirmed renewal and its
 * heartbeats. A standby claims only on the revision it last saw and only after the lease of
 * silence; a holder paused past the lease leads no more until it is confirmed again; one that
 * cannot reach JetStream still leads (its appends wait) until the key may have expired.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  afterRefusedClaim,
  decodeHeartbeat,
  leaseHolderId,
  leaseTtlMs,
  standbyMove,
  standing,
} from '../server/shell/cluster/lease.ts';

const LEASE = 3000;
const T0 = 1_000_000;

test('a standby that knows nothing reads the key, and creates it when absent', () => {
  assert.equal(standbyMove(T0, null, LEASE), { kind: 'read' });
  assert.equal(standbyMove(T0, 'absent', LEASE), { kind: 'create' });
});

test('a standby leaves an absent key to the primary starting beside it until its own start-up lease is over', () => {
  assert.equal(standbyMove(T0, 'absent', LEASE, T0 + LEASE), { kind: 'wait' });
  assert.equal(standbyMove(T0 + LEASE - 1, 'absent', LEASE, T0 + LEASE), { kind: 'wait' });
  assert.equal(standbyMove(T0 + LEASE, 'absent', LEASE, T0 + LEASE), { kind: 'create' });
  // It still reads the key at once: what it learns then starts the silence it waits out.
  assert.equal(standbyMove(T0, null, LEASE, T0 + LEASE), { kind: 'read' });
});

test('a standby claims on the revision it last saw only after the lease of silence', () => {
  const heard = { revision: 7, at: T0, holder: 'a:1', heard: true, mine: false };
  assert.equal(standbyMove(T0, heard, LEASE), { kind: 'wait' });
  assert.equal(standbyMove(T0 + 2999, heard, LEASE), { kind: 'wait' });
  assert.equal(standbyMove(T0 + 3000, heard, LEASE), { kind: 'claim', revision: 7 });
  assert.equal(standbyMove(T0 + 60_000, heard, LEASE), { kind: 'claim', revision: 7 });
});

test('a standby claims at once a key that names it (a takeover whose answer was lost)', () => {
  const read = { revision: 9, at: T0, holder: 'b:2', heard: false, mine: true };
  assert.equal(standbyMove(T0, read, LEASE), { kind: 'claim', revision: 9 });
});

test('a claim refused for a renewal the silent holder had in flight is claimed again at once', () => {
  // Heard holder a:1 at revision 7 at T0, silent since; its renewal to 8 landed as it died.
  const heard = { revision: 7, at: T0, holder: 'a:1', heard: true, mine: false };
  const next = afterRefusedClaim(T0 + 3000, heard, { revision: 8, holder: 'a:1' }, 'b:2');
  assert.equal(next, { revision: 8, at: T0, holder: 'a:1', heard: false, mine: false });
  assert.equal(standbyMove(T0 + 3000, next, LEASE), { kind: 'claim', revision: 8 });
});

test('a claim refused for anything else waits the lease again from the read', () => {
  const heard = { revision: 7, at: T0, holder: 'a:1', heard: true, mine: false };
  const restart = { at: T0 + 3000, heard: false, mine: false };
  // Renewed twice: the holder was alive after the heartbeat heard.
  assert.equal(afterRefusedClaim(T0 + 3000, heard, { revision: 9, holder: 'a:1' }, 'b:2'), {
    revision: 9,
    holder: 'a:1',
    ...restart,
  });
  // Taken by another standby.
  assert.equal(afterRefusedClaim(T0 + 3000, heard, { revision: 8, holder: 'c:3' }, 'b:2'), {
    revision: 8,
    holder: 'c:3',
    ...restart,
  });
  // Known from a read, not a heartbeat: nothing says when that renewal was sent.
  const read = { ...heard, heard: false };
  assert.equal(afterRefusedClaim(T0 + 3000, read, { revision: 8, holder: 'a:1' }, 'b:2'), {
    revision: 8,
    holder: 'a:1',
    ...restart,
  });
  // Released meanwhile: create it.
  assert.is(afterRefusedClaim(T0 + 3000, heard, null, 'b:2'), 'absent');
  // Its own earlier claim landed though its answer was lost: claim it at once.
  const mine = afterRefusedClaim(T0 + 3000, heard, { revision: 8, holder: 'b:2' }, 'b:2');
  assert.equal(standbyMove(T0 + 3000, mine, LEASE), { kind: 'claim', revision: 8 });
});

test('the TTL is a backstop well beyond a JetStream election', () => {
  assert.is(leaseTtlMs(3000), 15_000);
  assert.is(leaseTtlMs(500), 15_000);
  assert.is(leaseTtlMs(10_000), 50_000);
});

test('a holder leads while confirmed within the lease and heartbeating', () => {
  const t = { confirmedAt: T0, beatAt: T0 + 2500, gapAt: 0 };
  assert.is(standing(T0 + 2999, t, LEASE), 'lead');
});

test('a holder unconfirmed for the lease still leads but reconfirms before appending', () => {
  // Renewals unanswered (JetStream electing); heartbeats go on.
  assert.is(standing(T0 + 3000, { confirmedAt: T0, beatAt: T0 + 2900, gapAt: 0 }, LEASE), 'reconfirm');
  assert.is(standing(T0 + 11_999, { confirmedAt: T0, beatAt: T0 + 11_500, gapAt: 0 }, LEASE), 'reconfirm');
});

test('a holder unconfirmed until the key may have expired has lapsed', () => {
  assert.is(standing(T0 + 12_000, { confirmedAt: T0, beatAt: T0 + 11_900, gapAt: 0 }, LEASE), 'lapsed');
});

test('a holder whose heartbeats stopped for the lease is suspect until a renewal sent since succeeds', () => {
  // Paused (SIGSTOP) from T0 + 500 to T0 + 5000: on waking, before its heartbeat timer runs.
  assert.is(standing(T0 + 5000, { confirmedAt: T0, beatAt: T0 + 500, gapAt: 0 }, LEASE), 'suspect');
  // Its heartbeat found the gap at T0 + 5001: suspect until a renewal sent then or later succeeds.
  const woke = { confirmedAt: T0, beatAt: T0 + 5001, gapAt: T0 + 5001 };
  assert.is(standing(T0 + 5002, woke, LEASE), 'suspect');
  assert.is(standing(T0 + 5050, { ...woke, confirmedAt: T0 + 5001 }, LEASE), 'lead');
});

test('heartbeats and lease values decode, and anything else is refused', () => {
  const enc = (x: unknown) => new TextEncoder().encode(typeof x === 'string' ? x : JSON.stringify(x));
  assert.equal(decodeHeartbeat(enc({ id: 'a:1', rev: 4 })), { id: 'a:1', rev: 4 });
  assert.is(decodeHeartbeat(enc({ id: 'a:1', rev: '4' })), null);
  assert.is(decodeHeartbeat(enc('not json')), null);
  assert.is(leaseHolderId(JSON.stringify({ id: 'b:2', url: 'http://x:1' })), 'b:2');
  assert.is(leaseHolderId('{'), null);
  assert.is(leaseHolderId('{"url":"http://x:1"}'), null);
});

test.run();
