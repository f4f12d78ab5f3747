/**
 * A standby's or COP gateway's live positions (server/shell/cluster/live.ts), and a COP gateway's
 * shared sessions (cluster/shared-auth.ts), do not hold up its start while JetStream cannot open
 * the bucket's watch (it is electing after losing a node): the start goes on without them and
 * the watch is tried again until it opens, as the shared accounts are (startOrRetry). Before, a
 * refused watch failed the whole start.
 */
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import type { ClusterLog } from '../server/shell/cluster/log.ts';
import { followLive } from '../server/shell/cluster/live.ts';
import { SharedSessions } from '../server/shell/cluster/shared-auth.ts';
import { Engine } from '../server/shell/engine.ts';
import { createLogger } from '../server/shell/log.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const FIX_AT = Date.UTC(2026, 0, 1, 9, 0, 30);

/** A bucket whose first watch is refused as JetStream refuses one mid-election, then opens with `entry`. */
function electing(entry: { key: string; operation: string; json: () => unknown }) {
  let watches = 0;
  const bucket = {
    watch: async () => {
      watches++;
      if (watches === 1) throw new Error('TimeoutError: timeout');
      let stopped = false;
      return {
        stop: () => void (stopped = true),
        async *[Symbol.asyncIterator]() {
          if (!stopped) yield entry;
        },
      };
    },
  };
  return { bucket, watches: () => watches };
}

/** The live bucket mid-election, then with one fix of HAT1. */
function electingBucket() {
  const e = electing({ key: 'pos.HAT1', operation: 'PUT', json: () => [51.75, -0.23, 90, 12, FIX_AT, 8] });
  return { clusterLog: { live: e.bucket } as unknown as ClusterLog, watches: e.watches };
}

test('a refused watch neither fails the start nor stops live positions for good', async () => {
  const store = Store.open(':memory:');
  const engine = Engine.boot(miniScenario(), store, fakeClock(Date.UTC(2026, 0, 1, 9)).now);
  // A follower: it does not lead, so it applies what the bucket brings.
  engine.setReplication({ leads: () => false, appended: () => undefined, pending: () => null });
  const bucket = electingBucket();
  const warnings: string[] = [];
  const log = createLogger('warn', (line) => warnings.push(line));
  const moved = new Promise<readonly string[]>((r) => engine.onPositions(r));
  const stop = await followLive(bucket.clusterLog, engine, log);
  // Started and serving, without the bucket's positions yet.
  assert.is(bucket.watches(), 1);
  assert.is(engine.room.fleet.require('HAT1').fixTimeMs < FIX_AT, true);
  assert.equal(await moved, ['HAT1']); // the retried watch brought the fix
  const hat1 = engine.room.fleet.require('HAT1');
  assert.equal([hat1.lat, hat1.lon, hat1.fixTimeMs], [51.75, -0.23, FIX_AT]);
  assert.is(bucket.watches(), 2);
  assert.ok(warnings.some((w) => w.includes('live positions: JetStream is not answering yet')));
  stop();
  engine.close();
  store.close();
});

test('a COP gateway whose session watch is refused starts, and knows sessions once it opens', async () => {
  const token = 'a-session-token-of-thirty-two-chars';
  const hash = createHash('sha256').update(token).digest('hex');
  const stored = { u: 'dora', r: 'duty-officer', d: 'Dora', c: 0, x: Date.UTC(2026, 0, 1, 21) };
  const e = electing({ key: `s.${hash}`, operation: 'PUT', json: () => stored });
  const sessions = new SharedSessions(fakeClock(Date.UTC(2026, 0, 1, 9)).now);
  await sessions.follow({ auth: e.bucket } as unknown as ClusterLog, createLogger('silent'));
  assert.is(sessions.session(token), undefined); // started, the session not yet known
  // The watch is tried again a second later (startOrRetry's pace); wait for what it brings.
  for (let i = 0; i < 100 && !sessions.session(token); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(sessions.session(token), { username: 'dora', role: 'duty-officer', displayName: 'Dora' });
  assert.is(e.watches(), 2);
  sessions.stop();
});

test.run();
