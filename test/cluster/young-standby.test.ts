/**
 * A standby takes over within 5 s (issue #21) even when the leader dies just after the standby
 * started, before it heard a heartbeat. It once waited the lease before its first look at the
 * key and then the lease again from that look, so a leader SIGKILLed soon after a standby came up
 * was replaced only after about twice the lease (test/cluster/live-positions.test.ts failed one
 * run in three on it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterStatus, waitRole, type Instance } from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';

test('a standby that has just started takes over within 5 s of the leader dying', async () => {
  const room = await startClusterRoom({ room: 'young', instances: 2 });
  try {
    const [a, b] = room.instances as [Instance, Instance];
    a.proc.kill('SIGKILL');
    // Throws with the standby's status if it is not leading 5 s after the kill.
    await waitRole(b.url, 'leader', 5000);
    assert.is((await clusterStatus(b.url))?.role, 'leader');
  } finally {
    await room.close();
  }
});

test.run();
