/**
 * An AVL gateway's relayed batch the leader does not answer (server/shell/gateway/avl-gateway.ts):
 * with no instance subscribed nothing took it, JCR_NOT_LEADER; with the request out and no
 * answer in time a leader may have taken it and died, JCR_OUTCOME_UNKNOWN (not "nothing
 * changed"). Either closes the feed's socket 1013 and the feed resends (JCR_AVL_DUPLICATE for
 * what was stored).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { isJcrError } from '../../server/core/errors.ts';
import { avlSubject } from '../../server/shell/cluster/avl-relay.ts';
import { GatewayAvl } from '../../server/shell/gateway/avl-gateway.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { report } from '../support/avl.ts';
import { startNats } from '../support/cluster.ts';

const dir = mkdtempSync(join(tmpdir(), 'jcr-outcome-gw-'));

test('a relayed batch: no leader subscribed is JCR_NOT_LEADER; sent and unanswered is JCR_OUTCOME_UNKNOWN', async () => {
  const { url, nats } = await startNats(join(dir, 'nats'));
  const nc = await connect({ servers: url });
  const leader = await connect({ servers: url });
  try {
    const scenario = miniScenario();
    const id = scenario.resources[0]?.id as string;
    const gateway = new GatewayAvl(nc, 'gw', scenario);
    const feed = { id: 'dev', agency: null };
    const send = () =>
      Promise.resolve(gateway.ingestOrWait([report(id, 51.76, -0.22, Date.now() - 1000)], feed)).then(
        () => 'acknowledged',
        (e: unknown) => (isJcrError(e) ? e.code : String(e)),
      );

    assert.is(await send(), 'JCR_NOT_LEADER', 'nobody subscribed: nothing took it');

    // A leader that takes the batch and dies before answering.
    let taken = 0;
    leader.subscribe(avlSubject('gw'), { callback: () => void taken++ });
    await leader.flush();
    assert.is(await send(), 'JCR_OUTCOME_UNKNOWN');
    assert.is(taken, 1, 'the leader had it');
  } finally {
    await leader.close();
    await nc.close();
    nats.proc.kill('SIGKILL');
    await nats.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
