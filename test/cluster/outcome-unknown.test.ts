/**
 * What a change waiting for the cluster log is answered when its leader stops (docs/cluster.md
 * § How a change is acknowledged): a leader closed (SIGTERM) after it sent the change to
 * JetStream, whose answer never came back, fails the wait with JCR_OUTCOME_UNKNOWN, not
 * JCR_NOT_LEADER: the change is in the log, so a resend would make it twice. And the REST
 * answer (server/shell/http/replicated.ts) carries the code the wait failed with.
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

test('a leader closed with a change sent and unanswered fails its wait JCR_OUTCOME_UNKNOWN', async () => {
  const room = 'outcome-close';
  const clusterLog = await ClusterLog.open(clusterConfig({ nats: await natsUrl(), room }, {}) as ClusterOptions, log);
  const store = Store.open(':memory:');
  const engine = Engine.boot(miniScenario(), store, fakeClock().now);
  const opts = {
    ...(clusterConfig({ nats: await natsUrl(), room, 'lease-ms': '1000' }, {}) as ClusterOptions),
    instanceId: 'closing',
  };
  const node = new ClusterNode(clusterLog, engine, opts, log, 0);
  try {
    await node.start('http://127.0.0.1:9');
    for (let i = 0; i < 200 && !node.leads(); i++) await sleep(50);
    assert.ok(node.leads(), 'the instance leads');

    // From here JetStream stores each message, but its answer never comes back.
    const real = clusterLog.js;
    let stored = 0;
    const js = new Proxy(real, {
      get: (target, key) =>
        key === 'publish'
          ? async (...args: Parameters<ClusterLog['js']['publish']>) => {
              await real.publish(...args);
              stored++;
              return new Promise(() => {});
            }
          : Reflect.get(target, key),
    });
    (clusterLog as { js: ClusterLog['js'] }).js = js;

    engine.commit([
      { at: 1_000, type: 'operator.note', origin: 'operator', actor: 'duty', data: { text: 'crew on scene' } },
    ]);
    const answer = codeOf(engine.whenReplicated());
    for (let i = 0; i < 200 && stored === 0; i++) await sleep(25);
    assert.is(stored, 1, 'the change reached the log');
    await node.close(); // SIGTERM: what waits is failed after the drain
    assert.is(await answer, 'JCR_OUTCOME_UNKNOWN');
    assert.equal(
      (await clusterEvents(await natsUrl(), room)).map((e) => [e.seq, e.type]),
      [[1, 'operator.note']],
      'the next leader will have it: a resend would make it twice',
    );
  } finally {
    if (node.role !== 'closed') await node.close();
    await clusterLog.nc.close();
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
