/**
 * The statistics query (GET /api/statistics?from=&to=), untrusted: `from` and `to` are a local
 * date (YYYY-MM-DD: its midnight in the scenario's time zone) or an ISO 8601 instant with its
 * zone (2026-03-28T23:30:00Z, …+01:00). `to` is exclusive and defaults to now; `from` defaults
 * to the local midnight six days before `to`'s day (a week). The range is bounded (MAX_DAYS
 * local days) so one request cannot ask the server to fold and send years. Anything else is
 * JCR_STATISTICS_RANGE with the parameter at fault as `path`. Pure: `now` comes in.
 */
import { JcrError } from '../errors.ts';
import { localTime, zonedInstant } from '../performance/zone.ts';
import type { StatisticsRange } from './fold.ts';
import { statisticsDays } from './report.ts';

export const MAX_DAYS = 31;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function refuse(path: string, message: string): never {
  throw new JcrError('JCR_STATISTICS_RANGE', message, { path });
}

/** One of from/to as epoch ms, or undefined when absent. */
export function parseInstant(v: unknown, key: string, zone: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > 40) refuse(key, `${key} must be a date YYYY-MM-DD or an ISO 8601 instant`);
  const d = DATE_RE.exec(v);
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    // Date.UTC normalises 2026-02-31 to March: refuse what does not round-trip.
    const check = new Date(Date.UTC(y, m - 1, day));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== day)
      refuse(key, `${key} ${JSON.stringify(v)} is not a calendar date`);
    return zonedInstant(zone, y, m, day);
  }
  const t = INSTANT_RE.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(t))
    refuse(key, `${key} must be a date YYYY-MM-DD or an ISO 8601 instant with a zone (Z or ±hh:mm)`);
  return t;
}

/** The range the query asks for, checked against `now` and the scenario's zone. */
export function statisticsRange(query: { from?: unknown; to?: unknown }, zone: string, now: number): StatisticsRange {
  const toMs = parseInstant(query.to, 'to', zone) ?? now;
  let fromMs = parseInstant(query.from, 'from', zone);
  if (fromMs === undefined) {
    const l = localTime(zone, toMs - 1);
    fromMs = zonedInstant(zone, l.year, l.month, l.day - 6);
  }
  if (fromMs >= toMs) refuse('from', 'from must be before to');
  if (fromMs > now) refuse('from', 'from is in the future');
  const days = statisticsDays(zone, fromMs, toMs).length;
  if (days > MAX_DAYS) refuse('to', `the range spans ${days} local days; at most ${MAX_DAYS}`);
  return { fromMs, toMs, asOfMs: Math.min(toMs, now) };
}
