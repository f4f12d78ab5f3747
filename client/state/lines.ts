/**
 * An incident's attendance lines as GET /api/incidents/:id/lines answers them (issue 22 item 3):
 * each line with what counts against it, and the commands that add a line, change its count or
 * remove one, each with a reason (the lead agency and the duty officer; the server decides).
 * Lenient as ./parse.ts: a line that does not fit is dropped.
 */
import { Checker, isObj } from '../../proto/checker.ts';
import type { ApiResult } from './api.ts';
import { errText, type CommandDeps, type CommandOutput } from './commands.ts';
import { isAgency, type Agency } from './types.ts';

/** One line of the incident's attendance, as the recommendation fills it. */
export interface IncidentLine {
  /** The line's id in the routes (its capability). */
  lineId: string;
  capability: string;
  count: number;
  /** The agency the line asks of; null: any agency that offers the capability. */
  agency: Agency | null;
  /** 'type' (the predetermined attendance), 'added' or 'changed' by a dispatcher, ... */
  source: string;
  /** Resources committed to the incident counted against this line. */
  attending: string[];
  outstanding: number;
}

/** A line to add, or the new count of a line the incident has. */
export interface LineChange {
  capability: string;
  count: number;
  agency: Agency | null;
  reason: string;
}

const read = Checker.quiet();

/** GET /api/incidents/:id/lines → its lines (empty when the answer does not fit). */
export function parseLines(body: unknown): IncidentLine[] {
  if (!isObj(body)) return [];
  const out: IncidentLine[] = [];
  for (const l of read.array(body['lines'], 'lines', { optional: true }) ?? []) {
    if (!isObj(l)) continue;
    const capability = read.string(l['capability'], 'capability', { optional: true });
    const count = read.number(l['count'], 'count', { optional: true });
    if (capability === undefined || count === undefined) continue;
    const attending = read.array(l['attending'], 'attending', { optional: true }) ?? [];
    out.push({
      lineId: read.string(l['lineId'], 'lineId', { optional: true }) ?? capability,
      capability,
      count,
      agency: isAgency(l['agency']) ? l['agency'] : null,
      source: read.string(l['source'], 'source', { optional: true }) ?? '',
      attending: attending.filter((x): x is string => typeof x === 'string'),
      outstanding: read.number(l['outstanding'], 'outstanding', { optional: true }) ?? 0,
    });
  }
  return out;
}

function report(r: ApiResult, done: string, failed: string, out: CommandOutput): boolean {
  out.busy(false);
  out.message(r.ok ? done : `${failed}: ${errText(r)}`);
  return r.ok;
}

/** Add a line, or change the count of the line for that capability. */
export async function setLine(d: CommandDeps, incidentId: string, c: LineChange, out: CommandOutput): Promise<boolean> {
  out.busy(true);
  const r = await d.api.setLine(incidentId, {
    capability: c.capability,
    count: c.count,
    reason: c.reason,
    ...(c.agency !== null ? { agency: c.agency } : {}),
  });
  return report(r, `Line ${c.count} × ${c.capability} set on ${incidentId}.`, `Line ${c.capability} not set`, out);
}

/** Remove the line `lineId`, with a reason. */
export async function removeLine(
  d: CommandDeps,
  incidentId: string,
  lineId: string,
  reason: string,
  out: CommandOutput,
): Promise<boolean> {
  out.busy(true);
  const r = await d.api.removeLine(incidentId, lineId, reason);
  return report(r, `Line ${lineId} removed from ${incidentId}.`, `Line ${lineId} not removed`, out);
}
