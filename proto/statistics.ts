/**
 * Statistics on the wire contract (issue 17 item 4, docs/statistics.md): the report of
 * GET /api/statistics and its tables, the one definition of every table's columns that the
 * server's CSV (`?format=csv&table=ID`) and the screen's tables both read, so the two never
 * disagree.
 *
 * Dependency-free: imports nothing (test/boundary.test.ts), so the pure core, the shell and the
 * client bundle can all use it.
 */

type AgencyName = 'fire' | 'police' | 'ambulance';

/** One local day of the range (the scenario's time zone), clipped to the range. */
export interface StatisticsDay {
  /** Local date, YYYY-MM-DD. */
  date: string;
  fromMs: number;
  toMs: number;
}

/** One standard target over one day (or the whole range): counts and the cumulative curve. */
export interface ResponseDay {
  /** YYYY-MM-DD, or 'all' for the whole range. */
  date: string;
  /** Incidents called that day whose nth unit arrived, or that are overdue. */
  counted: number;
  within: number;
  overdue: number;
  pending: number;
  /** within / counted, null when nothing was counted. */
  share: number | null;
  medianS: number | null;
  p90S: number | null;
  /** Share of counted incidents reached within each minute of `minutes`; null when none counted. */
  cumulative: Array<number | null>;
}

export interface ResponseDistribution {
  standardId: string;
  standardName: string;
  agency: AgencyName;
  capability: string;
  nth: number;
  withinS: number;
  targetShare: number;
  /** The x axis, whole minutes after the call: 0, 1, ... */
  minutes: number[];
  days: ResponseDay[];
  total: ResponseDay;
}

export interface AgencyCounts {
  total: number;
  fire: number;
  police: number;
  ambulance: number;
}

export interface ResourceUtilisation {
  resourceId: string;
  callSign: string;
  agency: AgencyName;
  stationId: string;
  /** Time committed to an incident inside the range, ms. */
  committedMs: number;
  /** committedMs / the range's span. */
  share: number;
  /** Commitments that started inside the range. */
  commitments: number;
}

export interface StationUtilisation {
  stationId: string;
  stationName: string;
  resources: number;
  committedMs: number;
  /** committedMs / (resources × the range's span). */
  share: number;
}

export interface JointRequestRow {
  incidentId: string;
  requestId: string;
  fromAgency: AgencyName;
  toAgency: AgencyName;
  requestedAtMs: number;
  answeredAtMs: number | null;
  status: 'pending' | 'accepted' | 'declined' | 'advised' | 'withdrawn';
  /** Seconds from asking to the answer, null while pending. */
  answerS: number | null;
}

export interface RequestPairRow {
  fromAgency: AgencyName;
  toAgency: AgencyName;
  count: number;
  accepted: number;
  declined: number;
  advised: number;
  pending: number;
  medianAnswerS: number | null;
  p90AnswerS: number | null;
  maxAnswerS: number | null;
}

export interface OverrideRow {
  atMs: number;
  incidentId: string;
  /** mobilise: a dispatcher chose other units than recommended; request: an addressee other than suggested. */
  kind: 'mobilise' | 'request';
  agency: AgencyName | null;
  actor: string;
  proposed: string[];
  chosen: string[];
  reason: string;
}

export interface StatisticsReport {
  fromMs: number;
  toMs: number;
  /** The instant the figures are as of (min of `toMs` and now): overdue and still-committed are judged then. */
  asOfMs: number;
  eventSeq: number;
  timezone: string;
  days: StatisticsDay[];
  response: ResponseDistribution[];
  incidents: {
    total: number;
    byHour: Array<AgencyCounts & { hour: number }>;
    byWeekday: Array<AgencyCounts & { weekday: string }>;
  };
  utilisation: { spanMs: number; resources: ResourceUtilisation[]; stations: StationUtilisation[] };
  requests: { rows: JointRequestRow[]; pairs: RequestPairRow[] };
  overrides: {
    decisions: number;
    overridden: number;
    rows: OverrideRow[];
    reasons: Array<{ reason: string; count: number }>;
  };
}

export const STATISTICS_TABLES = [
  'response',
  'incidents-by-hour',
  'incidents-by-weekday',
  'utilisation-resources',
  'utilisation-stations',
  'requests',
  'request-pairs',
  'overrides',
  'override-reasons',
] as const;
export type StatisticsTableId = (typeof STATISTICS_TABLES)[number];

export type Cell = string | number | null;

export interface StatisticsTable {
  id: StatisticsTableId;
  title: string;
  columns: string[];
  rows: Cell[][];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const round4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10_000) / 10_000);
const counts = (c: AgencyCounts): Cell[] => [c.total, c.fire, c.police, c.ambulance];

/** One table of the report, its columns in order; instants as ISO 8601 UTC, shares to 4 places. */
export function statisticsTable(r: StatisticsReport, id: StatisticsTableId): StatisticsTable {
  switch (id) {
    case 'response':
      return {
        id,
        title: 'Response times per standard and day',
        columns: [
          'standard',
          'nth',
          'withinS',
          'targetShare',
          'date',
          'counted',
          'within',
          'overdue',
          'pending',
          'share',
          'medianS',
          'p90S',
        ],
        rows: r.response.flatMap((d) =>
          [...d.days, d.total].map((x) => [
            d.standardName,
            d.nth,
            d.withinS,
            d.targetShare,
            x.date,
            x.counted,
            x.within,
            x.overdue,
            x.pending,
            round4(x.share),
            x.medianS,
            x.p90S,
          ]),
        ),
      };
    case 'incidents-by-hour':
      return {
        id,
        title: 'Incidents by hour of day',
        columns: ['hour', 'total', 'fire', 'police', 'ambulance'],
        rows: r.incidents.byHour.map((h) => [h.hour, ...counts(h)]),
      };
    case 'incidents-by-weekday':
      return {
        id,
        title: 'Incidents by day of week',
        columns: ['weekday', 'total', 'fire', 'police', 'ambulance'],
        rows: r.incidents.byWeekday.map((w) => [w.weekday, ...counts(w)]),
      };
    case 'utilisation-resources':
      return {
        id,
        title: 'Utilisation per resource',
        columns: ['resource', 'callSign', 'agency', 'station', 'committedS', 'share', 'commitments'],
        rows: r.utilisation.resources.map((u) => [
          u.resourceId,
          u.callSign,
          u.agency,
          u.stationId,
          Math.round(u.committedMs / 1000),
          round4(u.share),
          u.commitments,
        ]),
      };
    case 'utilisation-stations':
      return {
        id,
        title: 'Utilisation per station',
        columns: ['station', 'name', 'resources', 'committedS', 'share'],
        rows: r.utilisation.stations.map((s) => [
          s.stationId,
          s.stationName,
          s.resources,
          Math.round(s.committedMs / 1000),
          round4(s.share),
        ]),
      };
    case 'requests':
      return {
        id,
        title: 'Joint requests',
        columns: ['incident', 'request', 'from', 'to', 'requestedAt', 'answeredAt', 'status', 'answerS'],
        rows: r.requests.rows.map((q) => [
          q.incidentId,
          q.requestId,
          q.fromAgency,
          q.toAgency,
          iso(q.requestedAtMs),
          iso(q.answeredAtMs),
          q.status,
          q.answerS,
        ]),
      };
    case 'request-pairs':
      return {
        id,
        title: 'Joint requests by agency',
        columns: [
          'from',
          'to',
          'count',
          'accepted',
          'declined',
          'advised',
          'pending',
          'medianAnswerS',
          'p90AnswerS',
          'maxAnswerS',
        ],
        rows: r.requests.pairs.map((p) => [
          p.fromAgency,
          p.toAgency,
          p.count,
          p.accepted,
          p.declined,
          p.advised,
          p.pending,
          p.medianAnswerS,
          p.p90AnswerS,
          p.maxAnswerS,
        ]),
      };
    case 'overrides':
      return {
        id,
        title: 'Overrides',
        columns: ['at', 'incident', 'kind', 'agency', 'actor', 'proposed', 'chosen', 'reason'],
        rows: r.overrides.rows.map((o) => [
          iso(o.atMs),
          o.incidentId,
          o.kind,
          o.agency,
          o.actor,
          o.proposed.join(' '),
          o.chosen.join(' '),
          o.reason,
        ]),
      };
    case 'override-reasons':
      return {
        id,
        title: 'Override reasons',
        columns: ['reason', 'count'],
        rows: r.overrides.reasons.map((x) => [x.reason, x.count]),
      };
  }
}

/**
 * RFC 4180 CSV: CRLF line ends, a field quoted when it holds a comma, quote or line break.
 * A text cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe: override reasons are typed by operators. null is an empty field.
 */
export function tableCsv(t: StatisticsTable): string {
  const field = (c: Cell): string => {
    if (c === null) return '';
    if (typeof c === 'number') return String(c);
    const s = /^[=+\-@\t\r]/.test(c) ? `'${c}` : c;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [t.columns, ...t.rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
