/**
 * AVL positions in cluster mode: every report the leader keeps (accepted, or out of order and
 * so kept in history only) is in stream jcr_<room>_positions before its ack, and every instance
 * writes its position history from that stream, so the history is the cluster's.
 *
 * The leader (PositionPublisher): one message per batch (cluster/positions-batch.ts), through
 * the confirmed publish pipeline (cluster/publish-pipeline.ts: the lease's gate, sending again
 * what JetStream does not answer, a refusal or the lease lost deposing the leader, and what the
 * waiters are told then), each published at once without waiting for the one before (JetStream's
 * answers arrive while the next batches are judged), with a message id (this leader's term and
 * the message's number) so a publish sent again lands once. A batch's ack goes out once
 * JetStream has confirmed its message and every one published before it (ClusterNode.pending,
 * Engine.whenReplicated); a deposed leader's feeds resend (reports the room has answer
 * JCR_AVL_DUPLICATE). Published messages are not fenced by an expected sequence: a deposed
 * leader stops at the lease's gate before every send, as its appends do.
 *
 * Every instance (followPositions): an ordered consumer writes each message's rows into the
 * position history with the message's stream sequence as the history's mark, in one
 * transaction (avl/history.ts pushMarked), and a restart follows from the mark: each report is
 * stored once. While not leading it also applies each live fix newer than the fleet's, so a
 * standby promoted after catching up to the stream's head has every acknowledged fix.
 */
import { JcrError } from '../../core/errors.ts';
import { AvlBatchReader } from '../avl/batch-reader.ts';
import { META_POSITIONS_SEQ } from '../avl/history-rows.ts';
import type { MarkedRows, PositionHistory } from '../avl/history.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import type { OwnChanges } from '../own-changes.ts';
import { Follower } from './follower.ts';
import { whileUnanswered, type ClusterLog } from './log.ts';
import { decodePositions, encodePositions } from './positions-batch.ts';
import { Deposed, PublishPipeline, Refused, type Leading } from './publish-pipeline.ts';

/** Reports published and not yet confirmed, at most: past it batches are refused JCR_AVL_BUSY. */
export const MAX_UNCONFIRMED_REPORTS = 50_000;

/** Meta: the positions stream the history's mark counts in (its name and creation time). */
const META_POSITIONS_STREAM = 'cluster.positionsStream';

export class PositionPublisher {
  /** Messages published in this term: the pipeline's marks are their numbers. */
  private sent = 0;
  private readonly pipeline: PublishPipeline;
  private unconfirmedReports = 0;

  constructor(clusterLog: ClusterLog, log: Logger, leading: Leading) {
    const names = { message: 'positions message', stream: 'the positions stream' };
    this.pipeline = new PublishPipeline(clusterLog, clusterLog.positionsSubject, log, names, leading, 0);
  }

  /** Reports that may still be published before JetStream confirms some (AvlService refuses beyond). */
  get room(): number {
    return this.pipeline.stopped ? 0 : MAX_UNCONFIRMED_REPORTS - this.unconfirmedReports;
  }

  /**
   * Publish the reports kept of one batch (`wire`: their AvlBatch as it came, when they are all of
   * it); throws JCR_NOT_LEADER once deposed.
   */
  append(rows: MarkedRows, wire?: Uint8Array): void {
    if (this.pipeline.stopped) throw new JcrError('JCR_NOT_LEADER', 'this instance no longer leads');
    const n = ++this.sent;
    const count = rows.reports.length;
    this.unconfirmedReports += count;
    this.pipeline.plan(n);
    this.pipeline.publish({ body: encodePositions(rows, wire), id: `p${n}`, after: n - 1, upTo: n }).then(
      () => {
        this.unconfirmedReports -= count;
        this.pipeline.confirm(n - 1, n);
      },
      (e: unknown) => {
        const refusal = e instanceof Refused ? e.answer : e;
        this.pipeline.stop(e instanceof Deposed ? e.message : `positions publish refused: ${String(refusal)}`);
      },
    );
  }

  /**
   * Resolves once every message published so far is confirmed; null when none waits. Failed by
   * `own`, the waiting request's record (../own-changes.ts).
   */
  pending(own?: OwnChanges): Promise<void> | null {
    return this.pipeline.pending(own);
  }

  /** Wait (up to `ms`) for what is published to be confirmed: a clean stop hands over all of it. */
  drain(ms: number): Promise<void> {
    return this.pipeline.drain(ms);
  }

  /** Fail every waiting batch and publish no more (this instance steps down or closes). */
  fail(reason: string): void {
    this.pipeline.fail(reason);
  }
}

/**
 * Follow the positions stream into `history` from the history's mark (0 if it counts in another
 * stream, one made again since), applying live fixes to the fleet while not leading. Returns
 * the follower, started.
 */
export async function followPositions(
  clusterLog: ClusterLog,
  engine: Engine,
  history: PositionHistory,
  log: Logger,
): Promise<Follower> {
  const store = engine.store;
  // Retried while JetStream does not answer, as opening the log is (a restart during an election).
  const info = await whileUnanswered(log, () => clusterLog.jsm.streams.info(clusterLog.positionsStream));
  const identity = `${info.config.name}@${info.created}`;
  if (store.getMeta(META_POSITIONS_STREAM) !== identity) {
    store.setMeta(META_POSITIONS_SEQ, '0');
    store.setMeta(META_POSITIONS_STREAM, identity);
  }
  const from = Number(store.getMeta(META_POSITIONS_SEQ) ?? 0);
  const fleet = engine.room.fleet;
  const reader = new AvlBatchReader(engine.room.scenario.resources.map((r) => r.id));
  const follower = new Follower(clusterLog, engine, log, from, {
    stream: clusterLog.positionsStream,
    apply(data, seq) {
      const rows = decodePositions(reader, data);
      history.pushMarked(seq, rows);
      if (engine.leads()) return; // the leader's fleet has them: it judged them
      const moved = new Set<string>();
      rows.reports.forEach((r, i) => {
        const live = fleet.get(r.resourceId);
        if (!live) return;
        if (rows.historyOnly.includes(i) || r.fixTimeMs <= live.fixTimeMs) {
          // Stored by the leader: remembered, so a resend to this instance once it leads is a duplicate.
          if (!fleet.wasStored(live, r.fixTimeMs)) fleet.noteStored(live, r.fixTimeMs);
          return;
        }
        fleet.applyFix(live, r.lat, r.lon, r.headingDeg, r.speedMps, r.fixTimeMs, r.accuracyM);
        moved.add(live.def.id);
      });
      if (moved.size > 0) engine.notifyPositions([...moved]);
    },
  });
  await follower.start();
  return follower;
}
