/**
 * What the AVL transports (/ws/avl, server/shell/avl/ws.ts; /osmand and /traccar) need from whatever takes the
 * reports: the room's own AvlService, or in cluster mode an AVL gateway that relays each batch to
 * the leader (server/shell/gateway/avl-relay-client.ts) and so answers later.
 */
import type { AvlReportIn, BatchOutcome, FeedScope } from '../../core/avl/ingest.ts';
import type { AvlLimits } from '../../core/avl/limits.ts';
import type { OwnChanges } from '../own-changes.ts';

export interface AvlEndpoint {
  readonly limits: AvlLimits;
  /** The scenario's resource ids, in order. */
  readonly resourceIds: readonly string[];
  /** The feed a presented token belongs to; a gateway asks the leader. */
  authenticate(token: string | undefined): FeedScope | undefined | Promise<FeedScope | undefined>;
  /**
   * Judge a batch: now, or later as a promise (the room's log write-locked, or a gateway waiting
   * for the leader). The reports are read before this returns (the caller reuses them). Throws or rejects JcrError for a refusal of the whole batch.
   */
  ingestOrWait(reports: readonly AvlReportIn[], feed: FeedScope): BatchOutcome | Promise<BatchOutcome>;
  /** Now, by the endpoint's clock (an OsmAnd fix without a time is taken as now). */
  now(): number;
  /**
   * Cluster mode: resolves once the log has everything the answers so far depend on; null = now.
   * `own`: what the waiting batch changed, so a failed wait is answered by its own changes.
   */
  whenReplicated(own?: OwnChanges): Promise<void> | null;
}
