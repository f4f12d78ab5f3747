/**
 * What a change waiting for the cluster log is answered when its leader stops (docs/cluster.md
 * § How a change is acknowledged): a leader closed (SIGTERM) after it sent the change to
 * JetStream, whose answer never came back, fails the wait with JCR_OUTCOME_UNKNOWN, not
 * JCR_NOT_LEADER: the change is in the log, so a resend would make it twice. And the REST
 * answer (server/shell/http/replicated.ts) carries the code the wait failed with.
 * Per request (server/shell/own-changes.ts): a request whose own change was never sent (queued
 * behind another's in flight) is JCR_NOT_LEADER, though it waited on that other one too; a
 * change appended outside any request (a timer's reaction) counts as every waiter's own.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { fakeClock } from '../../server/core/clock.ts';
import { ERRORS, isJcrError, JcrError } from '../../server/core/errors.ts';
import { ClusterLog } from '../../server/shell/cluster/log.ts';
import { ClusterNode } from '../../server/shell/cluster/node.ts';
import { clusterConfig, type ClusterOptions } from '../../server/shell/cluster/options.ts';
import { Engine } from '../../server/shell/engine.ts';
import { replicatedAcks } from '../../server/shell/http/replicated.ts';
import { createLogger } from '../../server/shell/log.ts';
import { Store } from '../../server/shell/store/store.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { clusterEvents, sleep } from '../support/cluster.ts';
import { fileNats } from '../support/cluster-log.ts';

const log = createLogger('silent');
const { url: natsUrl } = fileNats(test, 'outcome');

const codeOf = (p: Promise<void> | null) =>
  (p ?? Promise.resolve()).then(
    () => 'acknowledged',
    (e: unknown) => (isJcrError(e) ? e.code : String(e)),
  );

/** A leader of `room` on a fresh engine, its log's publishes from then on stored but never answered. */
async function unansweredLeader(room: string) {
  const clusterLog = await ClusterLog.open(clusterConfig({ nats: await natsUrl(), room }, {}) as ClusterOptions, log);
  const store = Store.open(':memory:');
  const engine = Engine.boot(miniScenario(), store, fakeClock().now);
  const opts = {
    ...(clusterConfig({ nats: await natsUrl(), room, 'lease-ms': '1000' }, {}) as ClusterOptions),
    instanceId: room,
  };
  const node = new ClusterNode(clusterLog, engine, opts, log, 0);
  const stored = { count: 0 };
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await node.close();
      await clusterLog.nc.close();
    })());
  try {
    await node.start('http://127.0.0.1:9');
    for (let i = 0; i < 200 && !node.leads(); i++) await sleep(50);
    assert.ok(node.leads(), 'the instance leads');
  } catch (e) {
    await stop();
    throw e;
  }
  // From here JetStream stores each message, but its answer never comes back.
  const real = clusterLog.js;
  const js = new Proxy(real, {
    get: (target, key) =>
      key === 'publish'
        ? async (...args: Parameters<ClusterLog['js']['publish']>) => {
            await real.publish(...args);
            stored.count++;
            return new Promise(() => {});
          }
        : Reflect.get(target, key),
  });
  (clusterLog as { js: ClusterLog['js'] }).js = js;
  return { engine, node, stored, stop };
}

const note = (text: string) =>
  ({ at: 1_000, type: 'operator.note', origin: 'operator', actor: 'duty', data: { text } }) as const;

/** Until `ok` holds (or 5 s). */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await sleep(25);
}

/** An HTTP server with the replicated acks over `engine`: POST /notes/:text commits a note. */
async function notesApp(engine: Engine) {
  const app = express();
  app.use(replicatedAcks(engine));
  app.post('/notes/:text', (req, res) => {
    engine.commit([note(req.params.text)]);
    res.status(201).json({ seq: engine.room.lastSeq });
  });
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  const post = async (text: string): Promise<[number, string]> => {
    const res = await fetch(`http://127.0.0.1:${port}/notes/${text}`, { method: 'POST' });
    const body = (await res.json()) as { error?: { code: string } };
    return [res.status, body.error?.code ?? 'acknowledged'];
  };
  return { post, close: () => new Promise((r) => server.close(r)) };
}

const logged = async (room: string) =>
  (await clusterEvents(await natsUrl(), room)).map((e) => [e.seq, (e.data as { text: string }).text]);

test('a leader closed with a change sent and unanswered fails its wait JCR_OUTCOME_UNKNOWN', async () => {
  const room = 'outcome-close';
  const { engine, stored, stop } = await unansweredLeader(room);
  try {
    engine.commit([note('crew on scene')]);
    const answer = codeOf(engine.whenReplicated());
    await until(() => stored.count > 0);
    assert.is(stored.count, 1, 'the change reached the log');
    await stop(); // SIGTERM: what waits is failed after the drain
    assert.is(await answer, 'JCR_OUTCOME_UNKNOWN');
    assert.equal(
      await logged(room),
      [[1, 'crew on scene']],
      'the next leader will have it: a resend would make it twice',
    );
  } finally {
    await stop();
  }
});

test('each request is answered by its own change: sent is unknown; queued behind it, never sent, not leader', async () => {
  const room = 'outcome-own';
  const { engine, stored, stop } = await unansweredLeader(room);
  const app = await notesApp(engine);
  try {
    const first = app.post('first');
    await until(() => stored.count > 0);
    assert.is(stored.count, 1, "the first request's change reached the log");
    // One message is in flight at a time: the second waits behind the first, never sent.
    const second = app.post('second');
    await until(() => engine.room.lastSeq === 2);
    assert.is(engine.room.lastSeq, 2, 'the second request committed its change');
    await stop();
    assert.equal(await first, [503, 'JCR_OUTCOME_UNKNOWN']);
    assert.equal(await second, [503, 'JCR_NOT_LEADER'], 'it waited on the first, but its own was never sent');
    assert.equal(stored.count, 1);
    assert.equal(await logged(room), [[1, 'first']], 'the next leader lacks the second: resending it is safe');
  } finally {
    await app.close();
    await stop();
  }
});

test("a change appended outside any request counts as each waiting request's own", async () => {
  const room = 'outcome-unowned';
  const { engine, stored, stop } = await unansweredLeader(room);
  const app = await notesApp(engine);
  try {
    engine.commit([note('a reaction')]); // no request's: a timer's, say
    await until(() => stored.count > 0);
    const request = app.post('request');
    await until(() => engine.room.lastSeq === 2);
    await stop();
    // The unowned change might have been this request's (a lost async context): not "nothing changed".
    assert.equal(await request, [503, 'JCR_OUTCOME_UNKNOWN']);
    assert.equal(await logged(room), [[1, 'a reaction']]);
  } finally {
    await app.close();
    await stop();
  }
});

test('a REST change whose wait fails is answered with that code: outcome unknown or not leader', async () => {
  const answers: Array<[number, string]> = [];
  for (const code of ['JCR_OUTCOME_UNKNOWN', 'JCR_NOT_LEADER'] as const) {
    const engine = { whenReplicated: () => Promise.reject(new JcrError(code, 'the leader stopped')) };
    const app = express();
    app.use(replicatedAcks(engine as unknown as Engine));
    app.post('/api/incidents/INC-1/notes', (_req, res) => void res.status(201).json({ seq: 7 }));
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/api/incidents/INC-1/notes`, { method: 'POST' });
      const body = (await res.json()) as { error: { code: string } };
      answers.push([res.status, body.error.code]);
    } finally {
      server.close();
    }
  }
  assert.equal(answers, [
    [503, 'JCR_OUTCOME_UNKNOWN'],
    [503, 'JCR_NOT_LEADER'],
  ]);
  assert.equal([ERRORS.JCR_OUTCOME_UNKNOWN.status, ERRORS.JCR_OUTCOME_UNKNOWN.close], [503, 1013]);
});

test.run();
