/**
 * The leader's side of the AVL gateways (npm run gateway -- avl). Gateways check tokens' shape and
 * the stateless rules and send each batch as a NATS request on jcr.<room>.avl (its bytes:
 * cluster/relay-batch.ts); the leader (only it subscribes) authenticates the feed by its token's
 * hash, applies the stateful rules through AvlService.ingest like a direct feed, and answers once
 * the cluster log has the batch's status changes: per-report codes as today. Feed checks at
 * connect go on jcr.<room>.avl.feed.
 */
import type { Msg, Subscription } from '@nats-io/transport-node';
import type { BatchOutcome, FeedScope } from '../../core/avl/ingest.ts';
import { isJcrError, JcrError } from '../../core/errors.ts';
import { AvlBatchReader } from '../avl/batch-reader.ts';
import type { AvlService } from '../avl/service.ts';
import type { Logger } from '../log.ts';
import { OwnChanges } from '../own-changes.ts';
import { SharedAccounts } from './accounts.ts';
import type { ClusterLog } from './log.ts';
import { readRelayedBatch, relayedBatchBody } from './relay-batch.ts';

/**
 * The leader's answer: accepted count and rejections by the relayed batch's index, and `w` when
 * the whole batch was refused with one code (rate limited, busy), or a refusal of the request.
 */
export type RelayAnswer =
  | { a: number; r: Array<{ index: number; code: string; message: string }>; w?: { code: string; message: string } }
  | { e: string; m: string };

export const avlSubject = (room: string) => `jcr.${room}.avl`;
export const feedSubject = (room: string) => `jcr.${room}.avl.feed`;

export function serveAvlRelay(clusterLog: ClusterLog, room: string, avl: AvlService, log: Logger): () => void {
  const enc = (x: unknown) => JSON.stringify(x);
  const refuse = (m: Msg, e: unknown) =>
    m.respond(enc(isJcrError(e) ? { e: e.code, m: e.message } : { e: 'JCR_INTERNAL', m: 'relay failed' }));
  const accounts = () => clusterLog.accounts().then((kv) => new SharedAccounts(kv));
  // One reader for every relayed batch, as /ws/avl has: each is ingested (or copied) before the next.
  const reader = new AvlBatchReader(avl.resourceIds, avl.limits.maxReportsPerBatch + 1);
  // This instance's copy of the feeds first; one the copy lacks yet (added a moment ago through
  // the accounts bucket) is looked up there.
  const sharedFeed = async (hash: string): Promise<FeedScope | undefined> => {
    const shared = await (await accounts()).feedByHash(hash);
    return shared === 'revoked' || shared === null ? undefined : shared;
  };
  const feedOf = async (m: Msg): Promise<FeedScope | undefined> => {
    const hash = String((m.json() as { t?: unknown }).t ?? '');
    return avl.feeds.authenticateHash(hash) ?? sharedFeed(hash);
  };
  const subs: Subscription[] = [
    clusterLog.nc.subscribe(feedSubject(room), {
      callback: (_err, m) => {
        feedOf(m).then(
          (feed) => m.respond(enc({ feed: feed ?? null })),
          (e: unknown) => refuse(m, e),
        );
      },
    }),
    clusterLog.nc.subscribe(avlSubject(room), {
      callback: (_err, m) => {
        let out: BatchOutcome | Promise<BatchOutcome>;
        // What this batch changes is its own (../own-changes.ts): a failed wait is answered by it.
        const own = new OwnChanges();
        try {
          const { hash, sent, reports } = readRelayedBatch(reader, m.data, avl.limits.maxReportsPerBatch);
          // A known feed is ingested at once, so a feed's batches keep their order.
          const known = avl.feeds.authenticateHashCached(hash);
          // Read now, so its AvlBatch goes to the positions stream as it came (the reports unchanged).
          if (known) out = own.run(() => avl.ingestOrWait(reports, known, sent, relayedBatchBody(m.data)));
          else {
            const copy = reports.map((r) => ({ ...r })); // the reader reuses its reports at the next read
            out = own.run(() =>
              sharedFeed(hash).then((feed) => {
                if (!feed) throw new JcrError('JCR_UNAUTHENTICATED', 'feed token unknown or revoked');
                return avl.ingestOrWait(copy, feed, sent);
              }),
            );
          }
        } catch (e) {
          if (!isJcrError(e)) log.error('avl relay failed', { err: String(e) });
          refuse(m, e);
          return;
        }
        // Answered once the batch is applied and the cluster log has its status changes.
        Promise.resolve(out)
          .then(async (o) => {
            await avl.whenReplicated(own);
            const answer: RelayAnswer = { a: o.accepted, r: o.rejected, ...(o.whole ? { w: o.whole } : {}) };
            m.respond(enc(answer));
          })
          .catch((e: unknown) => {
            if (!isJcrError(e)) log.error('avl relay failed', { err: String(e) });
            refuse(m, e);
          });
      },
    }),
  ];
  return () => {
    for (const s of subs) s.unsubscribe();
  };
}
