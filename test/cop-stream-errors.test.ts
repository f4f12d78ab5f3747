/**
 * The clustered COP stream (server/shell/cluster/cop-stream.ts) taking the lead when JetStream
 * fails it: asking the stream's head must never end the process. lead() runs from the node's
 * leading listener (`void this.lead(hub)`), so a head that JetStream did not answer (still
 * electing after losing a NATS node) was an unhandled rejection and the instance exited, as the
 * resync of a refused record did before b1ae13c (test/cluster/nats-node-loss found an instance
 * gone, ClosedConnectionError at cop-stream.ts). With a fake cluster log (a cluster file needs
 * real nats-server; these need none).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JetStreamApiError } from '@nats-io/jetstream';
import type { CopHub } from '../server/core/cop/hub.ts';
import { CopStream } from '../server/shell/cluster/cop-stream.ts';
import type { ClusterLog } from '../server/shell/cluster/log.ts';
import type { Logger } from '../server/shell/log.ts';

const timeout = () => Object.assign(new Error('timeout'), { name: 'TimeoutError' });

/** A cluster log whose stream info answers `infos` in turn (an Error is thrown). */
function world(infos: Array<{ last_seq: number } | Error>) {
  const lines: string[] = [];
  const say = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    void lines.push(`${level} ${msg}${fields?.['err'] ? `: ${String(fields['err'])}` : ''}`);
  const log: Logger = {
    level: 'debug',
    debug: say('debug'),
    info: say('info'),
    warn: say('warn'),
    error: say('error'),
  };
  let asked = 0;
  const clusterLog = {
    room: 'errs',
    jsm: {
      streams: {
        info: async () => {
          const a = infos[Math.min(asked++, infos.length - 1)] as { last_seq: number } | Error;
          if (a instanceof Error) throw a;
          return { created: '2026-12-03T08:00:00Z', state: a };
        },
      },
    },
  } as unknown as ClusterLog;
  const leads: number[] = [];
  const hub = { lead: (seq: number) => void leads.push(seq) } as unknown as CopHub;
  return { clusterLog, log, lines, leads, hub };
}

/** Wait until `done()` or a turn of the event loop 2,000 times; unhandled rejections meanwhile collected. */
async function settle(done: () => boolean): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const catcher = (e: unknown) => void unhandled.push(e);
  process.on('unhandledRejection', catcher);
  try {
    for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, 10));
  } finally {
    process.off('unhandledRejection', catcher);
  }
  return unhandled;
}

test('taking the lead while JetStream does not answer asks the head again, then numbers on from it', async () => {
  const w = world([{ last_seq: 0 }, timeout(), { last_seq: 12 }]);
  const stream = await CopStream.open(w.clusterLog, 1, w.log);
  const led = stream.lead(w.hub);
  assert.equal(await settle(() => w.leads.length > 0), []);
  await led;
  assert.equal(w.leads, [12]);
  assert.equal(w.lines, ['warn cluster: JetStream is not answering yet; trying again: TimeoutError: timeout']);
});

test('taking the lead when JetStream refuses the head is logged and never rejects', async () => {
  const refused = new JetStreamApiError({ code: 500, err_code: 10001, description: 'stream unavailable' });
  const w = world([{ last_seq: 0 }, refused]);
  const stream = await CopStream.open(w.clusterLog, 1, w.log);
  let rejected: unknown = null;
  await stream.lead(w.hub).catch((e: unknown) => (rejected = e));
  assert.equal([rejected, w.leads], [null, []]);
  assert.equal(w.lines, [
    'error cluster: the COP stream head is not known; no COP records are cut: JetStreamApiError: stream unavailable',
  ]);
});

test.run();
