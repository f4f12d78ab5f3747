/**
 * Live state that is not events, shared through the cluster: each resource's last AVL fix, and the
 * latest cover and performance figures. They are the last value per key of bucket jcr_<room>_live
 * (keys `pos.<resource>`, `cover`, `performance`). The leader puts each as it changes without
 * waiting for JetStream (a lost fix is replaced by the next one; only status changes are events
 * and acknowledged after the log has them). Standbys and COP gateways watch the bucket: a newer
 * fix is applied to their fleet (Fleet.applyFix) and heard by position listeners, so after a
 * failover the map, the recommendations and the stateful AVL rules (duplicates, order, implied
 * speed) start from the fleet's current positions, not those of its last status event.
 */
import type { KvWatchEntry } from '@nats-io/kv';
import type { PerformanceReport } from '../../../proto/wire.ts';
import type { CopCoverSummaryMsg } from '../../core/cop/frames.ts';
import { coverSummaryMsg, type CoverFeed } from '../cop/cover-summary.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { startOrRetry, type ClusterLog } from './log.ts';

const POS = 'pos.';
const COVER = 'cover';
const PERFORMANCE = 'performance';

/** A resource id as a key: as it is when it is a plain token, else `=` and its UTF-8 in hex. */
export function positionKey(resourceId: string): string {
  return POS + (/^[A-Za-z0-9_-]+$/.test(resourceId) ? resourceId : '=' + Buffer.from(resourceId).toString('hex'));
}

function resourceOfKey(key: string): string {
  const k = key.slice(POS.length);
  return k.startsWith('=') ? Buffer.from(k.slice(1), 'hex').toString() : k;
}

/** A fix as stored: [lat, lon, headingDeg, speedMps, fixTimeMs, accuracyM]. */
type StoredFix = [number, number, number, number, number, number];

/** The leader's side: what it shares, each put at once with no wait for an answer. */
export class LiveShare {
  private readonly prefix: string;

  constructor(
    private readonly clusterLog: ClusterLog,
    private readonly engine: Engine,
  ) {
    this.prefix = `$KV.jcr_${clusterLog.room}_live.`;
  }

  /** Share the live fixes of resources that just moved (Engine.onPositions), while leading. */
  positions(resourceIds: readonly string[]): void {
    if (!this.engine.leads()) return;
    const fleet = this.engine.room.fleet;
    for (const id of resourceIds) {
      const r = fleet.get(id);
      if (!r) continue;
      const fix: StoredFix = [r.lat, r.lon, r.headingDeg, r.speedMps, r.fixTimeMs, r.accuracyM];
      this.put(positionKey(id), fix);
    }
  }

  cover(summary: CopCoverSummaryMsg): void {
    if (this.engine.leads()) this.put(COVER, summary);
  }

  performance(report: PerformanceReport): void {
    if (this.engine.leads()) this.put(PERFORMANCE, report);
  }

  /** A publish on the bucket's subject is stored by JetStream like kv.put, without its reply. */
  private put(key: string, value: unknown): void {
    if (!this.clusterLog.nc.isClosed()) this.clusterLog.nc.publish(this.prefix + key, JSON.stringify(value));
  }
}

export interface LiveListeners {
  cover?: (summary: CopCoverSummaryMsg) => void;
  performance?: (report: PerformanceReport) => void;
}

/**
 * A follower's side (a standby, a COP gateway): apply what the leader shares while this instance
 * does not lead. The watch first delivers every key's last value, then each change. It is opened
 * like the shared accounts (startOrRetry): should JetStream not answer (electing the bucket's
 * leader after losing a node), the start goes on and serves without live positions, and the
 * watch is tried again every second until it opens. Resolves after the first try; returns a stop.
 */
export async function followLive(
  clusterLog: ClusterLog,
  engine: Engine,
  log: Logger,
  on: LiveListeners = {},
): Promise<() => void> {
  const following = startOrRetry(log, 'live positions', async () => {
    const entries = await clusterLog.live.watch();
    void (async () => {
      for await (const e of entries) {
        if (e.operation !== 'PUT' || engine.leads()) continue;
        try {
          applyEntry(engine, e, on);
        } catch (err) {
          log.warn('cluster: a live entry could not be applied', { key: e.key, err: String(err) });
        }
      }
    })();
    return () => entries.stop();
  });
  await following.ready;
  return () => following.stop();
}

function applyEntry(engine: Engine, e: KvWatchEntry, on: LiveListeners): void {
  if (e.key === COVER) on.cover?.(e.json<CopCoverSummaryMsg>());
  else if (e.key === PERFORMANCE) on.performance?.(e.json<PerformanceReport>());
  else if (e.key.startsWith(POS)) {
    const id = resourceOfKey(e.key);
    const r = engine.room.fleet.get(id);
    const fix = e.json<StoredFix>();
    if (!r || !Array.isArray(fix) || fix.length !== 6 || !fix.every((x) => typeof x === 'number')) return;
    const [lat, lon, headingDeg, speedMps, fixTimeMs, accuracyM] = fix;
    // An older fix (a slow put overtaken, or state this instance already has) changes nothing.
    if (fixTimeMs <= r.fixTimeMs) return;
    engine.room.fleet.applyFix(r, lat, lon, headingDeg, speedMps, fixTimeMs, accuracyM);
    engine.notifyPositions([id]);
  }
}

/**
 * An instance's part (server.ts): share while leading, follow while not. The cover and
 * performance figures a standby shows are its own (it computes them from the same log and
 * positions); only COP gateways take those from the bucket.
 */
export async function joinLive(
  clusterLog: ClusterLog,
  engine: Engine,
  log: Logger,
  cover: CoverFeed | undefined,
): Promise<{ share: LiveShare; stop(): void }> {
  const share = new LiveShare(clusterLog, engine);
  const offPositions = engine.onPositions((ids) => share.positions(ids));
  const offCover = cover?.onChange(() => {
    const s = cover.latest();
    if (s) share.cover(coverSummaryMsg(s));
  });
  const stopFollowing = await followLive(clusterLog, engine, log);
  return {
    share,
    stop() {
      offPositions();
      offCover?.();
      stopFollowing();
    },
  };
}
