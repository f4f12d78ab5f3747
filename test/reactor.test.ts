/**
 * The reactor's queueing rule (server/shell/reactor.ts): reactions to a batch run after every
 * listener of that batch has returned, never inside one, and batches are reacted to in the order
 * they were applied.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import type { Policy } from '../server/core/reactions/policy.ts';
import { Engine } from '../server/shell/engine.ts';
import { createLogger } from '../server/shell/log.ts';
import { Reactor } from '../server/shell/reactor.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const op = { origin: 'operator' as const, actor: 'alice' };

/** A test policy: a resource booked unavailable takes the next one in `chain` with it. */
const chain = ['HAT1', 'HAT2', 'WGC1'];
const followOn: Policy = (t) => {
  if (t.kind !== 'events') return [];
  return t.record.changes.flatMap((c) =>
    c.resources
      .filter((r) => r.after.status === ResourceStatus.UNAVAILABLE && chain.indexOf(r.resourceId) + 1 < chain.length)
      .map((r) => ({
        cmd: {
          type: 'resource.setStatus' as const,
          resourceId: chain[chain.indexOf(r.resourceId) + 1]!,
          status: ResourceStatus.UNAVAILABLE,
        },
        ctx: { origin: 'system' as const, actor: 'system' },
      })),
  );
};

test('every listener hears a batch before anything reacts to it; reactions follow in order, as system', () => {
  const engine = Engine.boot(miniScenario(), Store.open(':memory:'), fakeClock().now);
  new Reactor(engine, createLogger('silent')).register('follow-on', followOn);
  const heard: string[] = [];
  engine.onChanges((r) => heard.push(`A ${r.events.map((e) => e.seq).join()}`));
  engine.onChanges((r) => heard.push(`B ${r.events.map((e) => e.seq).join()}`));
  engine.execute({ type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.UNAVAILABLE }, op);
  assert.equal(heard, ['A 1', 'B 1', 'A 2', 'B 2', 'A 3', 'B 3']);
  assert.equal(
    [...engine.store.events(0)].map((e) => [e.seq, e.origin, e.type === 'resource.status' ? e.data.resourceId : '']),
    [
      [1, 'operator', 'HAT1'],
      [2, 'system', 'HAT2'],
      [3, 'system', 'WGC1'],
    ],
  );
});

test('a command a listener executes is reacted to after the batch it heard, in the order applied', () => {
  const engine = Engine.boot(miniScenario(), Store.open(':memory:'), fakeClock().now);
  const seen: string[] = [];
  new Reactor(engine, createLogger('silent')).register('log', (t) => {
    if (t.kind === 'events') seen.push(`react ${t.record.events.map((e) => e.seq).join()}`);
    return [];
  });
  engine.onChanges((r) => {
    seen.push(`hear ${r.events[0]!.seq}`);
    if (r.events[0]!.seq === 1)
      engine.execute({ type: 'resource.setStatus', resourceId: 'PC1', status: ResourceStatus.UNAVAILABLE }, op);
  });
  engine.execute({ type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.UNAVAILABLE }, op);
  assert.equal(seen, ['hear 1', 'hear 2', 'react 1', 'react 2']);
});

test('a refused reaction is logged and skipped; the change it reacted to stands', () => {
  const engine = Engine.boot(miniScenario(), Store.open(':memory:'), fakeClock().now);
  const lines: string[] = [];
  const log = createLogger('warn', (line) => lines.push(line));
  new Reactor(engine, log).register('bad', (t) =>
    t.kind === 'events' && t.record.events[0]!.seq === 1
      ? [
          {
            cmd: { type: 'resource.setStatus', resourceId: 'NOPE', status: 6 },
            ctx: { origin: 'system', actor: 'system' },
          },
        ]
      : [],
  );
  const out = engine.execute({ type: 'resource.setStatus', resourceId: 'HAT1', status: 6 }, op);
  assert.is(out.length, 1);
  assert.is(engine.room.lastSeq, 1);
  assert.equal(
    lines.map((l) => JSON.parse(l) as Record<string, unknown>).map((l) => [l.msg, l.policy, l.code]),
    [['reaction not recorded', 'bad', 'JCR_NOT_FOUND']],
  );
});

test.run();
