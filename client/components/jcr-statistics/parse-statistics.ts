/**
 * The statistics screen's check of a report from outside the page (the server's answer, a saved
 * file): the shape <jcr-statistics> reads, or null.
 */
import type { StatisticsReport } from '../../../proto/statistics.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The report when `body` has the shape the screen reads, else null. */
export function parseStatistics(body: unknown): StatisticsReport | null {
  if (!isObj(body) || !isNum(body.fromMs) || !isNum(body.toMs) || typeof body.timezone !== 'string') return null;
  if (!Array.isArray(body.days) || !Array.isArray(body.response)) return null;
  const inc = body.incidents;
  const use = body.utilisation;
  const req = body.requests;
  const ov = body.overrides;
  if (!isObj(inc) || !Array.isArray(inc.byHour) || inc.byHour.length !== 24 || !Array.isArray(inc.byWeekday))
    return null;
  if (!isObj(use) || !Array.isArray(use.resources) || !Array.isArray(use.stations)) return null;
  if (!isObj(req) || !Array.isArray(req.rows) || !Array.isArray(req.pairs)) return null;
  if (!isObj(ov) || !Array.isArray(ov.rows) || !Array.isArray(ov.reasons)) return null;
  for (const d of body.response) {
    if (!isObj(d) || !Array.isArray(d.minutes) || !Array.isArray(d.days) || !isObj(d.total)) return null;
    if (!isNum(d.withinS) || !isNum(d.targetShare)) return null;
  }
  return body as unknown as StatisticsReport;
}
