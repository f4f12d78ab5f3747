/**
 * The recording format (docs/recording.md): NDJSON, one JSON object per line, the first line a
 * header. Times are milliseconds since the header's `startMs`, so a recording can be replayed at
 * any date. Pure: parse and serialise text; the CLI reads and writes the files.
 */
import { JcrError } from '../../server/core/errors.ts';
import type { AvlReportIn } from '../../server/core/avl/ingest.ts';

export const RECORDING_FORMAT = 'jcr-recording';
/** Version written. 2 added standby orders a replay sends (`standby.destinationId`) and `standbyEnd`. */
export const RECORDING_VERSION = 2;
/** Versions read: a version 1 file is a version 2 file without standby orders. */
export const READABLE_VERSIONS: readonly number[] = [1, 2];

export interface RecHeader {
  type: 'header';
  format: typeof RECORDING_FORMAT;
  version: number;
  /** Scenario id the recording belongs to. */
  scenario: string;
  /** Epoch ms of t = 0. */
  startMs: number;
  /** Length of the recording, ms. */
  durationMs: number;
  source: 'sim' | 'live';
  seed?: number;
  note?: string;
}

export interface RecIncident {
  type: 'incident';
  t: number;
  /** Reference within the recording; the replaying server assigns its own id. */
  ref: string;
  typeId: string;
  priority?: 1 | 2 | 3;
  lat: number;
  lon: number;
  address?: string;
}

export interface RecMobilise {
  type: 'mobilise';
  t: number;
  ref: string;
  resourceIds: string[];
}

/**
 * The control room ordered a standby move (POST /api/cover/moves): `resourceId` to the station or
 * post `destinationId` at `lat`, `lon`. Version 1 files had no destinationId (informational).
 */
export interface RecStandby {
  type: 'standby';
  t: number;
  resourceId: string;
  destinationId?: string;
  lat: number;
  lon: number;
}

/**
 * A standby move ended: `cancelled` by the room (a replay sends the cancel), or `arrived` (the
 * server decides that itself from the AVL stream; informational). Version 2.
 */
export interface RecStandbyEnd {
  type: 'standbyEnd';
  t: number;
  resourceId: string;
  reason: 'arrived' | 'cancelled';
}

export interface RecClose {
  type: 'close';
  t: number;
  ref: string;
}

/**
 * AVL reports, in the order a feed sent them in one batch. Each report is an array
 * [resourceId, lat, lon, speedMps, headingDeg, fixT, accuracyM, status] where fixT is the fix
 * time in ms since startMs and status 0 means "position only".
 */
export type RecReport = [string, number, number, number, number, number, number, number];

export interface RecAvl {
  type: 'avl';
  t: number;
  reports: RecReport[];
}

/** What the final state must be after replaying everything before it. */
export interface RecExpect {
  type: 'expect';
  t: number;
  resources: Array<{ id: string; status: string; lat: number; lon: number }>;
}

export type RecLine = RecIncident | RecMobilise | RecStandby | RecStandbyEnd | RecClose | RecAvl | RecExpect;

export interface Recording {
  header: RecHeader;
  /** In file order; `t` never decreases. */
  lines: RecLine[];
}

export function toRecReport(r: AvlReportIn, startMs: number): RecReport {
  return [r.resourceId, r.lat, r.lon, r.speedMps, r.headingDeg, r.fixTimeMs - startMs, r.accuracyM, r.status];
}

/** A recorded report as an AvlReportIn whose fix time is `base + fixT`. */
export function fromRecReport(r: RecReport, base: number): AvlReportIn {
  return {
    resourceId: r[0],
    lat: r[1],
    lon: r[2],
    speedMps: r[3],
    headingDeg: r[4],
    fixTimeMs: base + r[5],
    accuracyM: r[6],
    status: r[7],
  };
}

export function serialiseRecording(rec: Recording): string {
  const out = [JSON.stringify(rec.header)];
  for (const l of rec.lines) out.push(JSON.stringify(l));
  return out.join('\n') + '\n';
}

const bad = (line: number, why: string): never => {
  throw new JcrError('JCR_VALIDATION', `recording line ${line}: ${why}`, { path: `line ${line}` });
};

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(o: Record<string, unknown>, k: string, line: number): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(line, `${k} must be a finite number`);
  return v as number;
}

function str(o: Record<string, unknown>, k: string, line: number): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length === 0) bad(line, `${k} must be a non-empty string`);
  return v as string;
}

/** Parse and check a recording; every problem names its line. */
export function parseRecording(text: string): Recording {
  const raw = text.split('\n');
  let header: RecHeader | undefined;
  const lines: RecLine[] = [];
  let lastT = 0;
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i]!.trim();
    if (s.length === 0) continue;
    const n = i + 1;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch {
      bad(n, 'not JSON');
    }
    if (!isObj(v)) return bad(n, 'not a JSON object');
    if (header === undefined) {
      if (v.type !== 'header' || v.format !== RECORDING_FORMAT)
        bad(n, `the first line must be a ${RECORDING_FORMAT} header`);
      if (typeof v.version !== 'number' || !READABLE_VERSIONS.includes(v.version))
        bad(n, `version ${String(v.version)} is not supported (this build reads ${READABLE_VERSIONS.join(' and ')})`);
      num(v, 'startMs', n);
      num(v, 'durationMs', n);
      str(v, 'scenario', n);
      header = v as unknown as RecHeader;
      continue;
    }
    const t = num(v, 't', n);
    if (t < lastT) bad(n, `t ${t} is before the previous line's ${lastT}`);
    lastT = t;
    switch (v.type) {
      case 'incident':
        str(v, 'ref', n);
        str(v, 'typeId', n);
        num(v, 'lat', n);
        num(v, 'lon', n);
        break;
      case 'mobilise':
        str(v, 'ref', n);
        if (!Array.isArray(v.resourceIds) || !v.resourceIds.every((x) => typeof x === 'string'))
          bad(n, 'resourceIds must be an array of strings');
        break;
      case 'standby':
        str(v, 'resourceId', n);
        if (header.version >= 2) str(v, 'destinationId', n);
        num(v, 'lat', n);
        num(v, 'lon', n);
        break;
      case 'standbyEnd':
        if (header.version < 2) bad(n, 'standbyEnd lines need version 2');
        str(v, 'resourceId', n);
        if (v.reason !== 'arrived' && v.reason !== 'cancelled') bad(n, 'reason must be "arrived" or "cancelled"');
        break;
      case 'close':
        str(v, 'ref', n);
        break;
      case 'avl':
        if (!Array.isArray(v.reports)) bad(n, 'reports must be an array');
        for (const r of v.reports as unknown[]) {
          if (
            !Array.isArray(r) ||
            r.length !== 8 ||
            typeof r[0] !== 'string' ||
            !r.slice(1).every((x) => typeof x === 'number' && Number.isFinite(x))
          ) {
            bad(n, 'each report must be [resourceId, lat, lon, speedMps, headingDeg, fixT, accuracyM, status]');
          }
        }
        break;
      case 'expect':
        if (!Array.isArray(v.resources)) bad(n, 'resources must be an array');
        break;
      default:
        bad(n, `unknown line type ${JSON.stringify(v.type)}`);
    }
    lines.push(v as unknown as RecLine);
  }
  if (!header) throw new JcrError('JCR_VALIDATION', 'recording is empty (no header)');
  return { header, lines };
}

/** Counts for progress bars and summaries. */
export function recordingStats(rec: Recording): {
  incidents: number;
  mobilisations: number;
  standbyMoves: number;
  avlBatches: number;
  reports: number;
} {
  let incidents = 0,
    mobilisations = 0,
    standbyMoves = 0,
    avlBatches = 0,
    reports = 0;
  for (const l of rec.lines) {
    if (l.type === 'incident') incidents++;
    else if (l.type === 'mobilise') mobilisations++;
    else if (l.type === 'standby') standbyMoves++;
    else if (l.type === 'avl') {
      avlBatches++;
      reports += l.reports.length;
    }
  }
  return { incidents, mobilisations, standbyMoves, avlBatches, reports };
}

/**
 * The recording with the crews' status messages only (AT_SCENE, RETURNING, back at station): every
 * position-only report and the `expect` line (its positions would no longer hold) dropped. A day
 * of calls then fits a test fixture (about 0.1 MB for 24 hours of Hertfordshire, not 13 MB) and
 * still books every arrival, leaving and return, which is all statistics read.
 */
export function statusOnly(rec: Recording): Recording {
  const lines: RecLine[] = [];
  for (const l of rec.lines) {
    if (l.type === 'expect') continue;
    if (l.type !== 'avl') lines.push(l);
    else {
      const reports = l.reports.filter((r) => r[7] !== 0);
      if (reports.length > 0) lines.push({ ...l, reports });
    }
  }
  const note = rec.header.note ? `${rec.header.note}; status messages only` : 'status messages only';
  return { header: { ...rec.header, note }, lines };
}
