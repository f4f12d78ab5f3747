/**
 * No split brain (issue #21): the leader is paused (SIGSTOP) past its lease, the standby takes
 * over and appends, then the old leader resumes (SIGCONT). Its first change is refused, never
 * acknowledged; it steps down by itself and follows the new leader; the cluster log has no fork
 * (seqs 1..N once each) and both instances' caches equal it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JcrEvent } from '../../server/core/events.ts';
import { cachedEvents, clusterEvents, login, waitRole, type Instance } from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';

async function setStatus(
  url: string,
  token: string,
  id: string,
  status: string,
): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(`${url}/api/resources/${id}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ status }),
    });
    return { status: res.status, body: await res.json() };
  } catch (e) {
    return { status: 0, body: String(e) }; // the socket closed as it stepped down: not acknowledged either
  }
}

const line = (e: JcrEvent) => JSON.stringify([e.seq, e.at, e.type, e.origin, e.actor, e.data]);

test('a paused leader resumes deposed: its append fails, it steps down, the log has no fork', async () => {
  const room = await startClusterRoom({ room: 'split', instances: 2 });
  try {
    const [a, b] = room.instances as [Instance, Instance];
    const [da, db] = room.dbs as [string, string];
    const ta = await login(a.url);
    const tb = await login(b.url);
    assert.is((await setStatus(a.url, ta, 'R4', 'MOBILISED')).status, 200);
    await waitRole(b.url, 'standby', 5000, 1);

    a.proc.kill('SIGSTOP');
    await waitRole(b.url, 'leader', 10_000);
    assert.is((await setStatus(b.url, tb, 'R5', 'MOBILISED')).status, 200);
    a.proc.kill('SIGCONT');

    const first = await setStatus(a.url, ta, 'R6', 'MOBILISED');
    assert.is.not(first.status, 200, `the deposed leader acknowledged a change: ${JSON.stringify(first.body)}`);
    if (first.status !== 0) assert.is((first.body as { error: { code: string } }).error.code, 'JCR_NOT_LEADER');

    const log = await clusterEvents(room.nats, room.room);
    assert.equal(
      log.map((e) => [e.seq, e.type, (e.data as { resourceId: string }).resourceId]),
      [
        [1, 'resource.status', 'R4'],
        [2, 'resource.status', 'R5'],
      ],
    );
    await waitRole(a.url, 'standby', 10_000, 2);
    assert.equal(cachedEvents(da).map(line), log.map(line), "the deposed leader's cache is the log");
    assert.equal(cachedEvents(db).map(line), log.map(line), "the new leader's cache is the log");
  } finally {
    await room.close();
  }
});

test.run();
