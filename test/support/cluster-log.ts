/**
 * The cluster log as the tests of the leader's writers use it (test/cluster/appender,
 * positions-publisher, outcome-unknown): one nats-server for a test file, started by the first
 * test that opens a room's log (inside a test, so without nats-server that test fails and says
 * so), killed after the last; a JetStream that stores a message and loses its answer, as when a
 * connection moves; a lease that lapses when told; and how a wait settled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'uvu';
import { isJcrError } from '../../server/core/errors.ts';
import { ClusterLog } from '../../server/shell/cluster/log.ts';
import { clusterConfig, type ClusterOptions } from '../../server/shell/cluster/options.ts';
import { createLogger } from '../../server/shell/log.ts';
import { startNats, type Proc } from './cluster.ts';

export interface FileNats {
  /** The file's temp directory (the nats-server's store is under it), removed after the last test. */
  dir: string;
  /** The nats-server's URL, started at the first call. */
  url(): Promise<string>;
  /** Room `room`'s cluster log on it (made if missing), as an instance opens it. */
  open(room: string): Promise<ClusterLog>;
}

/** One nats-server for the test file of `test`, in a temp directory named after `name`. */
export function fileNats(test: Test, name: string): FileNats {
  const dir = mkdtempSync(join(tmpdir(), `jcr-${name}-`));
  let nats: Promise<{ url: string; nats: Proc }> | undefined;
  const url = async () => (await (nats ??= startNats(join(dir, 'nats')))).url;
  test.after(async () => {
    const n = await nats?.catch(() => undefined);
    n?.nats.proc.kill('SIGKILL');
    await n?.nats.exited;
    rmSync(dir, { recursive: true, force: true });
  });
  const log = createLogger('silent');
  return {
    dir,
    url,
    open: async (room) => ClusterLog.open(clusterConfig({ nats: await url(), room }, {}) as ClusterOptions, log),
  };
}

/**
 * `js`, but the answer to a publish that `lose(call)` (1 the first) says is lost is: JetStream
 * stores the message and the publisher hears TIMEOUT, as when its connection moves.
 */
export function answersLost(js: ClusterLog['js'], lose: (call: number) => boolean): ClusterLog['js'] {
  let calls = 0;
  return {
    publish: async (...args: Parameters<ClusterLog['js']['publish']>) => {
      const ack = await js.publish(...args);
      if (lose(++calls)) throw new Error('TIMEOUT');
      return ack;
    },
  } as unknown as ClusterLog['js'];
}

/** A writer's gate on a lease that holds until `lapse()`. */
export function lease(): { gate: () => Promise<void>; lapse: () => void } {
  let holds = true;
  return {
    gate: () => (holds ? Promise.resolve() : Promise.reject(new Error('the lease lapsed'))),
    lapse: () => void (holds = false),
  };
}

/** How a wait settled: 'acknowledged', or the code (else the error) it was refused with. */
export const settled = (p: Promise<void> | null): Promise<string> =>
  (p ?? Promise.resolve()).then(
    () => 'acknowledged',
    (e: unknown) => (isJcrError(e) ? e.code : String(e)),
  );
