/**
 * AVL positions in cluster mode: every report the leader keeps (accepted, or out of order and
 * so kept in history only) is in stream jcr_<room>_positions before its ack, and every instance
 * writes its position history from that stream, so the history is the cluster's.
 *
 * The leader (PositionPublisher): one message per batch (cluster/positions-batch.ts), published
 * at once without waiting for the one before (JetStream's answers arrive while the next batches
 * are judged), each with a message id (this leader's term and the message's number) so a publish
 * sent again lands once. A batch's ack goes out once JetStream has confirmed its message and
 * every one published before it (ClusterNode.pending, Engine.whenReplicated). A publish
 * JetStream does not answer is sent again while the lease holds; a refusal, or the lease lost,
 * deposes the leader: what waits is never acknowledged, JCR_NOT_LEADER if none of the messages
 * it waits on was sent, else JCR_OUTCOME_UNKNOWN (they may be stored), and the feeds resend
 * (reports the room has answer JCR_AVL_DUPLICATE).
 * Published messages are not fenced by an expected sequence: a deposed leader stops at the
 * lease's gate before every send, as its appends do.
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
import { Deposed, outcome, refusedForGood } from './appender.ts';
import { Follower } from './follower.ts';
import { whileUnanswered, type ClusterLog } from './log.ts';
import { decodePositions, encodePositions } from './positions-batch.ts';

/** Reports published and not yet confirmed, at most: past it batches are refused JCR_AVL_BUSY. */
export const MAX_UNCONFIRMED_REPORTS = 50_000;

/** Meta: the positions stream the history's mark counts in (its name and creation time). */
const META_POSITIONS_STREAM = 'cluster.positionsStream';

interface Waiter {
  upTo: number;
  /** Messages confirmed when it began waiting: it waits on those after, up to `upTo`. */
  from: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class PositionPublisher {
  /** Messages published in this term, and how many of the first of them JetStream confirmed. */
  private sent = 0;
  private confirmed = 0;
  /** Confirmed out of order: numbers above `confirmed`. */
  private readonly early = new Set<number>();
  /** Sent to JetStream at least once, not refused, and above `confirmed`: they may be stored. */
  private readonly attempted = new Set<number>();
  private unconfirmedReports = 0;
  private readonly waiters: Waiter[] = [];
  private failed: Error | null = null;

  constructor(
    private readonly clusterLog: ClusterLog,
    private readonly log: Logger,
    /** This leader's term in message ids: its instance id and the lease revision it took. */
    private readonly term: string,
    /** Resolves while this instance may still publish; rejects once it may not. */
    private readonly gate: () => Promise<void>,
    /** Per attempt: how long to wait for JetStream's answer before sending the message again. */
    private readonly attemptMs: number,
    /** JetStream refused a message, or the gate closed: this instance must stop leading. */
    private readonly onDeposed: (reason: string) => void,
  ) {}

  /** Reports that may still be published before JetStream confirms some (AvlService refuses beyond). */
  get room(): number {
    return this.failed ? 0 : MAX_UNCONFIRMED_REPORTS - this.unconfirmedReports;
  }

  /** Publish the reports kept of one batch; throws JCR_NOT_LEADER once deposed. */
  append(rows: MarkedRows): void {
    if (this.failed) throw new JcrError('JCR_NOT_LEADER', 'this instance no longer leads');
    const n = ++this.sent;
    const count = rows.reports.length;
    this.unconfirmedReports += count;
    this.publish(encodePositions(rows), `${this.term}:p${n}`, n).then(
      () => {
        this.unconfirmedReports -= count;
        this.early.add(n);
        while (this.early.delete(this.confirmed + 1)) this.attempted.delete(++this.confirmed);
        const done = this.waiters.filter((w) => w.upTo <= this.confirmed);
        this.waiters.splice(0, this.waiters.length, ...this.waiters.filter((w) => w.upTo > this.confirmed));
        for (const w of done) w.resolve();
      },
      (e: unknown) => {
        const reason = e instanceof Deposed ? e.message : `positions publish refused: ${String(e)}`;
        if (this.failed) return;
        this.fail(reason);
        this.onDeposed(reason);
      },
    );
  }

  /** Resolves once every message published so far is confirmed; null when none waits. */
  pending(): Promise<void> | null {
    if (this.confirmed >= this.sent) return null;
    if (this.failed) return Promise.reject(this.outcome(this.confirmed, this.sent, this.failed.message));
    const upTo = this.sent;
    const from = this.confirmed;
    return new Promise((resolve, reject) => this.waiters.push({ upTo, from, resolve, reject }));
  }

  /** Fail every waiting batch and publish no more (this instance steps down or closes). */
  fail(reason: string): void {
    if (this.failed) return;
    this.failed = new Deposed(reason);
    for (const w of this.waiters.splice(0)) w.reject(this.outcome(w.from, w.upTo, reason));
  }

  /** JCR_OUTCOME_UNKNOWN if a message after `from`, up to `upTo`, was sent unconfirmed, else JCR_NOT_LEADER. */
  private outcome(from: number, upTo: number, reason: string): Error {
    return outcome(
      [...this.attempted].some((n) => n > from && n <= upTo),
      reason,
    );
  }

  /** Publish one message until JetStream takes it; throws Deposed or JetStream's refusal. */
  private async publish(body: Uint8Array, msgID: string, n: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.gate().catch((e: unknown) => {
        throw new Deposed(`may no longer lead: ${String(e)}`);
      });
      if (this.failed) throw this.failed;
      this.attempted.add(n);
      try {
        await this.clusterLog.js.publish(this.clusterLog.positionsSubject, body, { msgID, timeout: this.attemptMs });
        if (attempt > 1) this.log.warn('cluster: the positions stream took the message again', { attempt, msgID });
        return;
      } catch (e) {
        // A refusal for what it is (an answer, the client's max_payload check) is not sent again,
        // or every later ack would wait behind it; no answer (a timeout, no responders, 503) is.
        if (refusedForGood(e)) {
          this.attempted.delete(n); // refused: not stored
          throw e;
        }
        if (attempt === 1)
          this.log.warn('cluster: positions unanswered; sending them again', { msgID, err: String(e) });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
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
        if (!live || rows.historyOnly.includes(i) || r.fixTimeMs <= live.fixTimeMs) return;
        fleet.applyFix(live, r.lat, r.lon, r.headingDeg, r.speedMps, r.fixTimeMs, r.accuracyM);
        moved.add(live.def.id);
      });
      if (moved.size > 0) engine.notifyPositions([...moved]);
    },
  });
  await follower.start();
  return follower;
}
