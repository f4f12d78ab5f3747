import { isJcrError, type ErrorCode } from '../errors.ts';
import type { NewEvent } from '../events.ts';
import type { LiveResource } from '../fleet/fleet.ts';
import type { ResourceStatus } from '../fleet/status.ts';
import { haversineM } from '../geo.ts';
import type { Command, Room } from '../room.ts';
import type { Agency } from '../scenario/types.ts';
import type { AvlLimits } from './limits.ts';
import { statelessVerdict } from './report-rules.ts';

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

/** A resource's last accepted fix. */
interface Fix {
  lat: number;
  lon: number;
  fixTimeMs: number;
}

/** What ingestBatch does with a report beyond judging it (0: nothing, refused). */
const KEEP = 1; // accepted: moves the live position, then into history
const HISTORY_ONLY = 2; // out of order: into history only

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
  /** Set when the whole batch was refused with one code (rate, busy): an AVL gateway refuses its own share alike. */
  whole?: { code: ErrorCode; message: string };
}

export interface IngestSink {
  /**
   * Make a batch's status events durable and apply them, in one append (the shell calls
   * Engine.commit): all or nothing. Throws a JcrError (JCR_STORE_BUSY, JCR_STORE_FULL), having
   * written and applied nothing, when the event log cannot take them.
   */
  commitStatuses(events: readonly NewEvent[], feed: FeedScope): void;
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

  /** `last` is the resource's last accepted fix: live, or an earlier report of the same batch. */
  private checkLive(live: LiveResource, r: AvlReportIn, feed: FeedScope, now: number, last: Fix = live): Verdict {
    const L = this.limits;
    const stateless = statelessVerdict(r, live.def.agency, feed.agency, now, L);
    if (stateless !== null) return stateless;
    const t = r.fixTimeMs;
    const lastT = last.fixTimeMs;
    if (t === lastT) return 'JCR_AVL_DUPLICATE';
    if (t < lastT) {
      // A resend (a lost ack, a failover) of a fix already stored, live or history-only: not again.
      return this.room.fleet.wasStored(live, t) ? 'JCR_AVL_DUPLICATE' : 'JCR_AVL_OUT_OF_ORDER';
    }
    if (lastT > 0) {
      const d = haversineM(last.lat, last.lon, r.lat, r.lon);
      const max = this.maxSpeed.get(live.def.id) ?? L.maxSpeedRoadMps;
      if (d > L.speedNoiseM + (max * (t - lastT)) / 1000) return 'JCR_AVL_IMPOSSIBLE_SPEED';
    }
    return null;
  }

  /**
   * Ingest one batch, all or nothing (issue 15 item 10). First every report is judged in order,
   * each against the live state as the batch's earlier reports leave it: a report carrying a
   * status different from the resource's is decided (Room.decideStatus: the same transition rules
   * as an operator's change) and refused whole if that throws. Then the batch's status events go
   * to the sink in one durable append; if that throws (a full disk, the log locked) it propagates
   * and nothing of the batch is applied, not even its positions. Only then do accepted reports
   * move the live position (and the index), in order, and accepted and out-of-order reports go to
   * the history sink.
   */
  ingestBatch(reports: readonly AvlReportIn[], feed: FeedScope, now: number, sink: IngestSink): BatchOutcome {
    const fleet = this.room.fleet;
    const n = reports.length;
    const rejected: AvlRejection[] = [];
    // The hot path allocates per batch, not per report: per report its resource and what becomes
    // of it (KEEP, HISTORY_ONLY or nothing); per resource already met in the batch, the index of
    // its last accepted report, whose fix (and staged status and incident) the next one is judged
    // against. A resource reported once per batch, the usual case, costs one map entry.
    const lives = new Array<LiveResource | undefined>(n);
    const fate = new Uint8Array(n);
    const stagedStatus = new Array<ResourceStatus>(n);
    const stagedIncident = new Array<string | undefined>(n);
    const lastOf = new Map<LiveResource, number>();
    let repeated = false;
    const events: NewEvent[] = [];
    let accepted = 0;
    let ctx: { origin: 'avl'; actor: string } | undefined;
    for (let i = 0; i < n; i++) {
      const r = reports[i] as AvlReportIn;
      const live = typeof r.resourceId === 'string' ? fleet.get(r.resourceId) : undefined;
      const at = live === undefined ? undefined : lastOf.get(live);
      const was = at === undefined ? undefined : (reports[at] as Fix);
      const verdict: Verdict =
        live === undefined ? 'JCR_AVL_UNKNOWN_RESOURCE' : this.checkLive(live, r, feed, now, was ?? live);
      if (verdict !== null || live === undefined) {
        const code = verdict ?? 'JCR_AVL_UNKNOWN_RESOURCE';
        rejected.push({ index: i, code, message: this.explain(code, r, live, now, was) });
        if (verdict === 'JCR_AVL_OUT_OF_ORDER' && live !== undefined) {
          lives[i] = live;
          fate[i] = HISTORY_ONLY;
        }
        continue;
      }
      const status = at === undefined ? live.status : (stagedStatus[at] as ResourceStatus);
      const incidentId = at === undefined ? live.incidentId : stagedIncident[at];
      let next = status;
      if (r.status !== 0 && r.status !== status) {
        next = r.status as ResourceStatus;
        try {
          const cmd = {
            type: 'resource.setStatus' as const,
            resourceId: live.def.id,
            status: next,
            lat: r.lat,
            lon: r.lon,
          };
          ctx ??= { origin: 'avl', actor: `feed:${feed.id}` };
          events.push(...this.room.decideStatus(cmd, ctx, { status, incidentId }));
        } catch (e) {
          if (!isJcrError(e)) throw e;
          rejected.push({ index: i, code: e.code, message: e.message });
          continue;
        }
      }
      stagedStatus[i] = next;
      stagedIncident[i] = next === status ? incidentId : fleet.holdsIncident(next) ? incidentId : undefined;
      if (at !== undefined) repeated = true;
      lastOf.set(live, i);
      lives[i] = live;
      fate[i] = KEEP;
      accepted++;
    }
    // The one durable append: it throws before anything of the batch is applied.
    if (events.length > 0) sink.commitStatuses(events, feed);
    const moved: string[] = [];
    const listed = repeated ? new Set<LiveResource>() : null; // each once, in order of first acceptance
    for (let i = 0; i < n; i++) {
      const f = fate[i];
      if (f === 0) continue;
      const r = reports[i] as AvlReportIn;
      const live = lives[i] as LiveResource;
      if (f === KEEP) {
        fleet.applyFix(live, r.lat, r.lon, r.headingDeg, r.speedMps, r.fixTimeMs, r.accuracyM);
        if (listed === null) moved.push(live.def.id);
        else if (!listed.has(live)) {
          listed.add(live);
          moved.push(live.def.id);
        }
      } else fleet.noteStored(live, r.fixTimeMs); // applyFix notes a KEEP
      sink.history(r, live.def.id, f === KEEP, feed);
    }
    return { accepted, rejected, moved };
  }

  /** A human-readable reason (clients match on the code, never on this text). */
  explain(code: ErrorCode, r: AvlReportIn, live: LiveResource | undefined, now: number, was?: Fix): string {
    const last: Fix | undefined = was ?? live;
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
        return `fix at ${r.fixTimeMs} was already stored for ${id}`;
      case 'JCR_AVL_OUT_OF_ORDER':
        return `fix at ${r.fixTimeMs} is older than the last accepted (${last?.fixTimeMs}); kept in history only`;
      case 'JCR_AVL_IMPOSSIBLE_SPEED': {
        if (!live || !last) return 'impossible speed';
        const d = haversineM(last.lat, last.lon, r.lat, r.lon);
        const v = d / Math.max(0.001, (r.fixTimeMs - last.fixTimeMs) / 1000);
        return `${Math.round(d)} m in ${r.fixTimeMs - last.fixTimeMs} ms implies ${Math.round(v)} m/s (max ${this.maxSpeed.get(live.def.id)} m/s)`;
      }
      default:
        return code;
    }
  }
}
