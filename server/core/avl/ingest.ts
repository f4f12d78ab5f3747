import { isJcrError, type ErrorCode } from '../errors.ts';
import type { LiveResource } from '../fleet/fleet.ts';
import { isResourceStatus, type ResourceStatus } from '../fleet/status.ts';
import { haversineM } from '../geo.ts';
import type { Command, Room } from '../room.ts';
import type { Agency } from '../scenario/types.ts';
import type { AvlLimits } from './limits.ts';

/**
 * AVL ingest, the pure part: validate each report of a batch against live state, apply accepted
 * fixes to the fleet (and its spatial index), and hand status changes and history rows to the
 * shell through a sink. The shell owns the wire (protobuf, WebSocket, OsmAnd HTTP), the event log
 * and the history table; this file owns the rules, so every transport applies the same ones.
 *
 * The report shape is exactly what protobufjs decodes `jcr.v1.AvlReport` into, so the hot path
 * validates the decoded objects in place and allocates nothing per accepted report.
 */
export interface AvlReportIn {
  resourceId: string;
  lat: number;
  lon: number;
  speedMps: number;
  headingDeg: number;
  fixTimeMs: number;
  accuracyM: number;
  /** 0 = STATUS_UNSPECIFIED: a position only. 1..6 = jcr.v1.ResourceStatus. */
  status: number;
}

/** Who is reporting: a feed's id (the event actor) and the one agency it may report for, if limited. */
export interface FeedScope {
  readonly id: string;
  readonly agency: Agency | null;
}

export interface AvlRejection {
  index: number;
  code: ErrorCode;
  message: string;
}

export interface BatchOutcome {
  /** Reports that moved the live position. */
  accepted: number;
  /** One per refused report, in report order. */
  rejected: AvlRejection[];
  /** Ids of resources whose live position changed, each once. */
  moved: string[];
}

export interface IngestSink {
  /**
   * Execute a status command durably (the shell calls Engine.execute with origin 'avl'). Must
   * throw a JcrError, and change nothing, if the command is refused.
   */
  executeStatus(cmd: Command & { type: 'resource.setStatus' }, feed: FeedScope): void;
  /**
   * Record a raw position in the history buffer. `resourceId` is the scenario's own id string
   * (long-lived, unlike the decoded report's); `live` is false for an out-of-order fix.
   */
  history(report: AvlReportIn, resourceId: string, live: boolean, feed: FeedScope): void;
}

/** The validation verdict for one report: null = acceptable, else the rejection code. */
export type Verdict = ErrorCode | null;

export class AvlIngest {
  readonly room: Room;
  limits: AvlLimits;
  /** Highest believable speed per resource id, from its vehicle class's speed profile mode. */
  private readonly maxSpeed = new Map<string, number>();

  constructor(room: Room, limits: AvlLimits) {
    this.room = room;
    this.limits = limits;
    for (const def of room.scenario.resources) {
      const mode = room.scenario.speedProfiles[def.vehicleClass]?.mode ?? 'road';
      this.maxSpeed.set(def.id, mode === 'air' ? limits.maxSpeedAirMps : limits.maxSpeedRoadMps);
    }
  }

  /**
   * Validate one report against live state at `now`, without changing anything. The order of the
   * checks is the order of the codes in docs/avl.md; the first failing check decides the code.
   */
  check(r: AvlReportIn, feed: FeedScope, now: number): Verdict {
    const live = typeof r.resourceId === 'string' ? this.room.fleet.get(r.resourceId) : undefined;
    if (live === undefined) return 'JCR_AVL_UNKNOWN_RESOURCE';
    return this.checkLive(live, r, feed, now);
  }

  private checkLive(live: LiveResource, r: AvlReportIn, feed: FeedScope, now: number): Verdict {
    const L = this.limits;
    if (feed.agency !== null && live.def.agency !== feed.agency) return 'JCR_AVL_FORBIDDEN_RESOURCE';
    const lat = r.lat;
    const lon = r.lon;
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return 'JCR_AVL_BAD_COORDINATES'; // NaN fails every comparison
    if (lat === 0 && lon === 0) return 'JCR_AVL_NULL_ISLAND';
    const t = r.fixTimeMs;
    if (!(t > 0 && t < 1e15)) return 'JCR_AVL_BAD_FIX_TIME';
    if (t > now + L.futureSkewMs) return 'JCR_AVL_FUTURE_FIX';
    // The floor: a fix older than the history keeps is no position to show or store (a clock
    // reset to 1970, a mis-scaled time); refused with its own code, never kept in history.
    if (t < now - L.historyRetentionMs) return 'JCR_AVL_FIX_TOO_OLD';
    if (!(r.speedMps >= 0 && r.speedMps < 1e6) || !(r.headingDeg >= -360 && r.headingDeg <= 720) || !(r.accuracyM >= 0))
      return 'JCR_VALIDATION';
    if (r.status !== 0 && !isResourceStatus(r.status)) return 'JCR_VALIDATION';
    if (r.accuracyM > L.maxAccuracyM) return 'JCR_AVL_POOR_ACCURACY';
    const last = live.fixTimeMs;
    if (t === last) return 'JCR_AVL_DUPLICATE';
    if (t < last) return 'JCR_AVL_OUT_OF_ORDER';
    if (last > 0) {
      const d = haversineM(live.lat, live.lon, lat, lon);
      const max = this.maxSpeed.get(live.def.id) ?? L.maxSpeedRoadMps;
      if (d > L.speedNoiseM + (max * (t - last)) / 1000) return 'JCR_AVL_IMPOSSIBLE_SPEED';
    }
    return null;
  }

  /**
   * Ingest one batch in report order. Accepted reports move the live position (and the index);
   * a report carrying a status different from the live one first goes through the sink's
   * `executeStatus` (the same transition rules as an operator's change) and is refused whole if
   * that throws. Accepted and out-of-order reports go to the history sink.
   */
  ingestBatch(reports: readonly AvlReportIn[], feed: FeedScope, now: number, sink: IngestSink): BatchOutcome {
    const fleet = this.room.fleet;
    const rejected: AvlRejection[] = [];
    const moved = new Set<string>();
    let accepted = 0;
    for (let i = 0; i < reports.length; i++) {
      const r = reports[i] as AvlReportIn;
      const live = typeof r.resourceId === 'string' ? fleet.get(r.resourceId) : undefined;
      const verdict: Verdict = live === undefined ? 'JCR_AVL_UNKNOWN_RESOURCE' : this.checkLive(live, r, feed, now);
      if (verdict !== null || live === undefined) {
        rejected.push({
          index: i,
          code: verdict ?? 'JCR_AVL_UNKNOWN_RESOURCE',
          message: this.explain(verdict ?? 'JCR_AVL_UNKNOWN_RESOURCE', r, live, now),
        });
        if (verdict === 'JCR_AVL_OUT_OF_ORDER' && live !== undefined) sink.history(r, live.def.id, false, feed);
        continue;
      }
      if (r.status !== 0 && r.status !== live.status) {
        try {
          sink.executeStatus(
            {
              type: 'resource.setStatus',
              resourceId: live.def.id,
              status: r.status as ResourceStatus,
              lat: r.lat,
              lon: r.lon,
            },
            feed,
          );
        } catch (e) {
          if (!isJcrError(e)) throw e;
          rejected.push({ index: i, code: e.code, message: e.message });
          continue;
        }
      }
      fleet.applyFix(live, r.lat, r.lon, r.headingDeg, r.speedMps, r.fixTimeMs, r.accuracyM);
      sink.history(r, live.def.id, true, feed);
      moved.add(live.def.id);
      accepted++;
    }
    return { accepted, rejected, moved: moved.size === 0 ? [] : Array.from(moved) };
  }

  /** A human-readable reason (clients match on the code, never on this text). */
  explain(code: ErrorCode, r: AvlReportIn, live: LiveResource | undefined, now: number): string {
    const id = typeof r.resourceId === 'string' ? JSON.stringify(r.resourceId.slice(0, 64)) : '(none)';
    switch (code) {
      case 'JCR_AVL_UNKNOWN_RESOURCE':
        return `unknown resource ${id}`;
      case 'JCR_AVL_FORBIDDEN_RESOURCE':
        return `resource ${id} (${live?.def.agency}) is outside this feed's agency`;
      case 'JCR_AVL_BAD_COORDINATES':
        return `lat ${r.lat}, lon ${r.lon} are not finite or out of range`;
      case 'JCR_AVL_NULL_ISLAND':
        return 'lat 0, lon 0 is a tracker without a fix';
      case 'JCR_AVL_BAD_FIX_TIME':
        return `fix_time_ms ${r.fixTimeMs} is not a positive epoch time in ms`;
      case 'JCR_AVL_FUTURE_FIX':
        return `fix time is ${Math.round(r.fixTimeMs - now)} ms ahead of the server clock (allowance ${this.limits.futureSkewMs} ms)`;
      case 'JCR_AVL_FIX_TOO_OLD':
        return `fix time is ${Math.round(now - r.fixTimeMs)} ms behind the server clock (floor ${this.limits.historyRetentionMs} ms, the history retention)`;
      case 'JCR_VALIDATION':
        return `speed ${r.speedMps}, heading ${r.headingDeg}, accuracy ${r.accuracyM} or status ${r.status} out of range`;
      case 'JCR_AVL_POOR_ACCURACY':
        return `accuracy ${r.accuracyM} m is worse than ${this.limits.maxAccuracyM} m`;
      case 'JCR_AVL_DUPLICATE':
        return `fix at ${r.fixTimeMs} was already accepted for ${id}`;
      case 'JCR_AVL_OUT_OF_ORDER':
        return `fix at ${r.fixTimeMs} is older than the last accepted (${live?.fixTimeMs}); kept in history only`;
      case 'JCR_AVL_IMPOSSIBLE_SPEED': {
        if (!live) return 'impossible speed';
        const d = haversineM(live.lat, live.lon, r.lat, r.lon);
        const v = d / Math.max(0.001, (r.fixTimeMs - live.fixTimeMs) / 1000);
        return `${Math.round(d)} m in ${r.fixTimeMs - live.fixTimeMs} ms implies ${Math.round(v)} m/s (max ${this.maxSpeed.get(live.def.id)} m/s)`;
      }
      default:
        return code;
    }
  }
}
