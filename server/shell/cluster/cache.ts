/**
 * Each instance's SQLite event log is a cache of the cluster log. Meta `cluster.stream` names the
 * stream it caches and `cluster.streamSeq` the last stream message it holds whole. At start the
 * cache is cut back to that message's last event: anything after it was appended here and never
 * taken by the cluster log (a deposed or killed leader's unacknowledged tail), so it is dropped.
 * A cache of another stream, or one whose message no longer matches, is emptied and refilled.
 */
import type { JcrEvent } from '../../core/events.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { forgetCutEvents } from '../mait/outbox.ts';
import type { Store } from '../store/store.ts';
import type { ClusterLog } from './log.ts';

export const META_STREAM = 'cluster.stream';
export const META_STREAM_SEQ = 'cluster.streamSeq';

/** Cut the cache back to what the cluster log holds; returns the stream sequence it covers. */
export async function reconcileCache(store: Store, clusterLog: ClusterLog, log: Logger): Promise<number> {
  const covered = Number(store.getMeta(META_STREAM_SEQ) ?? 0);
  if (store.getMeta(META_STREAM) === clusterLog.stream && covered > 0) {
    const batch = await clusterLog.batchAt(covered);
    const last = batch?.[batch.length - 1];
    const local = last ? firstEvent(store, last.seq - 1) : undefined;
    if (last && local && sameEvent(local, last)) {
      const dropped = store.lastSeq() - last.seq;
      if (dropped > 0) log.warn('cluster: dropping events the cluster log never took', { dropped, after: last.seq });
      cutAfter(store, last.seq);
      return covered;
    }
  }
  if (store.lastSeq() > 0) log.warn('cluster: local event cache does not match the cluster log; refilling it');
  cutAfter(store, 0);
  store.setMeta(META_STREAM, clusterLog.stream);
  store.setMeta(META_STREAM_SEQ, '0');
  return 0;
}

/** Drop cached events after `seq`, and the outbox rows they made, in one transaction. */
function cutAfter(store: Store, seq: number): void {
  store.db.transaction(() => {
    forgetCutEvents(store.db, seq);
    store.truncateAfter(seq);
  })();
}

function firstEvent(store: Store, afterSeq: number): JcrEvent | undefined {
  for (const e of store.events(afterSeq)) return e;
  return undefined;
}

function sameEvent(a: JcrEvent, b: JcrEvent): boolean {
  return (
    a.seq === b.seq &&
    a.at === b.at &&
    a.type === b.type &&
    a.origin === b.origin &&
    a.actor === b.actor &&
    JSON.stringify(a.data) === JSON.stringify(b.data)
  );
}

/**
 * Note that the cache holds stream message `seq` whole. Best effort: a write lock held elsewhere
 * (the history thread) only leaves the note behind, and an older note costs a longer catch-up.
 */
export function coverMeta(engine: Engine, seq: number): void {
  try {
    engine.store.setMeta(META_STREAM_SEQ, String(seq));
  } catch {
    // the next batch writes a newer one
  }
}
