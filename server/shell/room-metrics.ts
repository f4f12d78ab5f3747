/**
 * The room's gauges on /metrics: AVL ingest and rejections by code, connected clients, the COP
 * ring, the history queue and, with live cover, its computation. The composition root
 * (server.ts) registers them once every part exists.
 */
import type { AvlService } from './avl/service.ts';
import type { AvlWsHandle } from './avl/ws.ts';
import type { CopWsHandle } from './cop/ws.ts';
import type { CoverService } from './cover/service.ts';
import type { Metrics } from './metrics.ts';

/** What /metrics reports: ingest, rejections by code, connected clients, queue depths. */
export function registerMetrics(
  m: Metrics,
  s: { avl: AvlService; avlWs: AvlWsHandle; cop: CopWsHandle; cover: CoverService | undefined },
): void {
  m.gauge('jcr_avl_batches_total', 'AVL batches received', () => s.avl.stats.batches);
  m.gauge(
    'jcr_avl_positions_accepted_total',
    'AVL reports accepted (ingest rate: rate() of this)',
    () => s.avl.stats.accepted,
  );
  m.gauge('jcr_avl_rejections_total', 'AVL reports rejected, by stable code', () =>
    [...s.avl.rejectedByCode].map(([code, n]) => [{ code }, n] as [{ code: string }, number]),
  );
  m.gauge('jcr_avl_connections', 'Open AVL WebSocket connections', () => s.avlWs.connections);
  m.gauge('jcr_cop_clients', 'Connected COP screens', () => s.cop.hub.clientCount);
  m.gauge('jcr_cop_ring_frames', 'COP delta frames held for resume', () => s.cop.hub.ringSize.frames);
  m.gauge('jcr_cop_ring_bytes', 'Bytes of COP delta frames held for resume', () => s.cop.hub.ringSize.bytes);
  m.gauge('jcr_avl_history_pending', 'Raw positions waiting for the next history tick', () => s.avl.history.pending);
  const cover = s.cover;
  if (cover) {
    m.gauge(
      'jcr_cover_computes_total',
      'Cover pictures computed (status changes, position refreshes, flushes)',
      () => cover.health().computes,
    );
    m.gauge(
      'jcr_cover_last_compute_ms',
      'Compute time of the last cover picture, summed over its surfaces, ms',
      () => cover.health().lastComputeMs,
    );
    m.gauge('jcr_cover_worker_restarts_total', 'Cover worker restarts after a crash', () => cover.health().restarts);
    m.gauge(
      'jcr_cover_refreshes_total',
      'Cover recomputes started because available resources moved',
      () => cover.health().refreshes,
    );
  }
}
