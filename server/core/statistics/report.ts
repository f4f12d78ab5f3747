/**
 * The statistics report (issue 17 item 4, docs/statistics.md) from the fold's facts (./fold.ts):
 * - response times per standard target, day by day in the scenario's time zone: the counts and
 *   percentiles of performance against standards (../performance/figures.ts measureTarget, the
 *   same rules) and the cumulative share reached within each minute after the call;
 * - incidents by local hour of day and day of week, by lead agency;
 * - utilisation: each resource's share of the range committed to an incident, and per station;
 * - joint requests raised in the range and how long each took to answer, by agency pair;
 * - overrides (a recommendation or a request's suggestion not followed) and their reasons.
 * Counts are service-wide; the rows that name incidents (requests, overrides) are those the
 * caller's agency took part in (../auth/incident-access.ts). Pure.
 */
import type {
  AgencyCounts,
  JointRequestRow,
  OverrideRow,
  RequestPairRow,
  ResponseDay,
  ResponseDistribution,
  StatisticsDay,
  StatisticsReport,
} from '../../../proto/statistics.ts';
import { sees, type Acting } from '../auth/incident-access.ts';
import type { Incident } from '../incidents/types.ts';
import { measureTarget, percentile } from '../performance/figures.ts';
import { incidentSample, sampleIndex, type IncidentSample } from '../performance/samples.ts';
import { localTime, startOfLocalDay, zonedInstant } from '../performance/zone.ts';
import { AGENCIES, type Scenario } from '../scenario/types.ts';
import type { StatisticsFacts } from './fold.ts';

/** The cumulative curves stop at two hours after the call. */
export const MAX_CURVE_MINUTES = 120;
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The local days the range touches, each clipped to it. */
export function statisticsDays(zone: string, fromMs: number, toMs: number): StatisticsDay[] {
  const days: StatisticsDay[] = [];
  let start = startOfLocalDay(zone, fromMs);
  while (start < toMs) {
    const l = localTime(zone, start);
    const next = zonedInstant(zone, l.year, l.month, l.day + 1);
    days.push({
      date: `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}`,
      fromMs: Math.max(start, fromMs),
      toMs: Math.min(next, toMs),
    });
    start = next;
  }
  return days;
}

export function statisticsReport(scenario: Scenario, facts: StatisticsFacts, who: Acting): StatisticsReport {
  const { fromMs, toMs, asOfMs } = facts.range;
  const zone = scenario.timezone;
  const days = statisticsDays(zone, fromMs, toMs);
  const called = facts.incidents.filter((i) => i.createdAt >= fromMs && i.createdAt < toMs);
  const byId = new Map(facts.incidents.map((i) => [i.id, i]));
  const visible = (incidentId: string, ...agencies: Array<string | null>) => {
    if (who === null || who === 'all' || agencies.includes(who)) return true;
    const inc = byId.get(incidentId);
    return inc !== undefined && sees(who, inc);
  };
  return {
    fromMs,
    toMs,
    asOfMs,
    eventSeq: facts.eventSeq,
    timezone: zone,
    days,
    response: responseDistributions(scenario, called, days, asOfMs),
    incidents: incidentCounts(zone, called),
    utilisation: utilisation(scenario, facts),
    requests: jointRequests(facts.incidents, fromMs, toMs, visible),
    overrides: overrides(facts, visible),
  };
}

function responseDistributions(
  scenario: Scenario,
  called: readonly Incident[],
  days: readonly StatisticsDay[],
  asOfMs: number,
): ResponseDistribution[] {
  const ix = sampleIndex(scenario);
  const samples = called.map((i) => incidentSample(ix, i)).filter((s): s is IncidentSample => s !== null);
  const out: ResponseDistribution[] = [];
  for (const std of scenario.standards) {
    for (const target of std.targets) {
      const measure = (list: readonly IncidentSample[]) => measureTarget(list, std.id, target, asOfMs);
      const total = measure(samples);
      const slowest = total.times.filter(Number.isFinite).reduce((m, t) => Math.max(m, t), 0);
      const last = Math.min(MAX_CURVE_MINUTES, Math.max(Math.ceil((2 * target.withinS) / 60), Math.ceil(slowest / 60)));
      const minutes = Array.from({ length: last + 1 }, (_, m) => m);
      const day = (date: string, m: ReturnType<typeof measure>): ResponseDay => {
        const counted = m.times.length;
        return {
          date,
          counted,
          within: m.within,
          overdue: m.overdue,
          pending: m.pending,
          share: counted > 0 ? m.within / counted : null,
          medianS: percentile(m.times, 0.5),
          p90S: percentile(m.times, 0.9),
          cumulative: minutes.map((x) => (counted > 0 ? m.times.filter((t) => t <= x * 60).length / counted : null)),
        };
      };
      out.push({
        standardId: std.id,
        standardName: std.name,
        agency: std.agency,
        capability: std.capability,
        nth: target.nth,
        withinS: target.withinS,
        targetShare: target.share,
        minutes,
        days: days.map((d) =>
          day(d.date, measure(samples.filter((s) => s.calledAt >= d.fromMs && s.calledAt < d.toMs))),
        ),
        total: day('all', total),
      });
    }
  }
  return out;
}

const zero = (): AgencyCounts => ({ total: 0, fire: 0, police: 0, ambulance: 0 });

function incidentCounts(zone: string, called: readonly Incident[]): StatisticsReport['incidents'] {
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, ...zero() }));
  const byWeekday = WEEKDAYS.map((weekday) => ({ weekday: weekday as string, ...zero() }));
  for (const inc of called) {
    const l = localTime(zone, inc.createdAt);
    for (const row of [byHour[l.hour]!, byWeekday[(l.weekday + 6) % 7]!]) {
      row.total++;
      row[inc.leadAgency]++;
    }
  }
  return { total: called.length, byHour, byWeekday };
}

function utilisation(scenario: Scenario, facts: StatisticsFacts): StatisticsReport['utilisation'] {
  const spanMs = Math.max(0, facts.range.asOfMs - facts.range.fromMs);
  const share = (ms: number, n = 1) => (spanMs > 0 && n > 0 ? ms / (spanMs * n) : 0);
  const resources = scenario.resources.map((r) => {
    const u = facts.utilisation.get(r.id) ?? { committedMs: 0, commitments: 0 };
    return {
      resourceId: r.id,
      callSign: r.callSign,
      agency: r.agency,
      stationId: r.station,
      committedMs: u.committedMs,
      share: share(u.committedMs),
      commitments: u.commitments,
    };
  });
  const names = new Map(scenario.stations.map((s) => [s.id, s.name]));
  const order = [...new Set([...scenario.stations.map((s) => s.id), ...resources.map((r) => r.stationId)])];
  const stations = order
    .map((stationId) => {
      const own = resources.filter((r) => r.stationId === stationId);
      const committedMs = own.reduce((n, r) => n + r.committedMs, 0);
      return {
        stationId,
        stationName: names.get(stationId) ?? stationId,
        resources: own.length,
        committedMs,
        share: share(committedMs, own.length),
      };
    })
    .filter((s) => s.resources > 0);
  return { spanMs, resources, stations };
}

function jointRequests(
  incidents: readonly Incident[],
  fromMs: number,
  toMs: number,
  visible: (incidentId: string, ...agencies: string[]) => boolean,
): StatisticsReport['requests'] {
  const rows: JointRequestRow[] = [];
  for (const inc of incidents)
    for (const q of inc.requests) {
      if (q.requestedAt < fromMs || q.requestedAt >= toMs || !visible(inc.id, q.fromAgency, q.toAgency)) continue;
      rows.push({
        incidentId: inc.id,
        requestId: q.requestId,
        fromAgency: q.fromAgency,
        toAgency: q.toAgency,
        requestedAtMs: q.requestedAt,
        answeredAtMs: q.answeredAt,
        status: q.status,
        answerS: q.answeredAt === null ? null : (q.answeredAt - q.requestedAt) / 1000,
      });
    }
  rows.sort((a, b) => a.requestedAtMs - b.requestedAtMs || a.requestId.localeCompare(b.requestId));
  const pairs: RequestPairRow[] = [];
  for (const from of AGENCIES)
    for (const to of AGENCIES) {
      const mine = rows.filter((r) => r.fromAgency === from && r.toAgency === to);
      if (mine.length === 0) continue;
      const times = mine.flatMap((r) => (r.answerS === null ? [] : [r.answerS])).sort((a, b) => a - b);
      const n = (s: JointRequestRow['status']) => mine.filter((r) => r.status === s).length;
      pairs.push({
        fromAgency: from,
        toAgency: to,
        count: mine.length,
        accepted: n('accepted'),
        declined: n('declined'),
        advised: n('advised'),
        pending: n('pending'),
        medianAnswerS: percentile(times, 0.5),
        p90AnswerS: percentile(times, 0.9),
        maxAnswerS: times.length > 0 ? times[times.length - 1]! : null,
      });
    }
  return { rows, pairs };
}

function overrides(
  facts: StatisticsFacts,
  visible: (incidentId: string, ...agencies: Array<string | null>) => boolean,
): StatisticsReport['overrides'] {
  const decisions = facts.decisions.filter((d) => visible(d.incidentId));
  const rows: OverrideRow[] = facts.overrides.filter((o) => visible(o.incidentId, o.agency));
  const counts = new Map<string, number>();
  for (const o of rows) counts.set(o.reason.trim(), (counts.get(o.reason.trim()) ?? 0) + 1);
  const reasons = [...counts]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { decisions: decisions.length, overridden: decisions.filter((d) => d.overridden).length, rows, reasons };
}
