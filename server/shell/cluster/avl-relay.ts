/**
 * The leader's side of the AVL gateways (npm run gateway -- avl). Gateways check tokens' shape and
 * the stateless rules and send each batch as a NATS request on jcr.<room>.avl; the leader (only
 * it subscribes) authenticates the feed by its token's hash, applies the stateful rules through
 * AvlService.ingest like a direct feed, and answers once the cluster log has the batch's status
 * changes: per-report codes as today. Feed checks at connect go on jcr.<room>.avl.feed.
 */
import type { Msg, Subscription } from '@nats-io/transport-node';
import type { AvlReportIn, BatchOutcome, FeedScope } from '../../core/avl/ingest.ts';
import { isJcrError, JcrError } from '../../core/errors.ts';
import type { AvlService } from '../avl/service.ts';
import type { Logger } from '../log.ts';
import { SharedAccounts } from './accounts.ts';
import type { ClusterLog } from './log.ts';

/**
 * A gateway's batch: the token's SHA-256, the reports that passed the stateless rules, and how
 * many reports the feed sent (`n`): the feed's token bucket is charged the whole batch, as direct.
 */
export interface RelayedBatch {
  t: string;
  r: AvlReportIn[];
  n?: number;
}

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
        try {
          const req = m.json() as RelayedBatch;
          if (!Array.isArray(req.r)) throw new JcrError('JCR_UNAUTHENTICATED', 'feed token unknown or revoked');
          const sent =
            typeof req.n === 'number' && Number.isInteger(req.n) && req.n >= req.r.length ? req.n : req.r.length;
          // A known feed is ingested at once, so a feed's batches keep their order.
          const known = avl.feeds.authenticateHash(String(req.t));
          out = known
            ? avl.ingestOrWait(req.r, known, sent)
            : sharedFeed(String(req.t)).then((feed) => {
                if (!feed) throw new JcrError('JCR_UNAUTHENTICATED', 'feed token unknown or revoked');
                return avl.ingestOrWait(req.r, feed, sent);
              });
        } catch (e) {
          if (!isJcrError(e)) log.error('avl relay failed', { err: String(e) });
          refuse(m, e);
          return;
        }
        // Answered once the batch is applied and the cluster log has its status changes.
        Promise.resolve(out)
          .then(async (o) => {
            await avl.whenReplicated();
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
