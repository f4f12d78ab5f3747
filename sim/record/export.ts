/**
 * Export a live run from the server's SQLite database into a recording: incidents, mobilisations,
 * closes and standby moves (ordered, ended) from the event log, AVL reports from the position history (grouped into one line
 * per second of receive time), and the final statuses and last positions as the expect line.
 * Read-only; run it on a copy or a stopped server's file (WAL readers are fine too).
 */
import Database from 'better-sqlite3';
import { STATUS_NAMES, isResourceStatus } from '../../server/core/fleet/status.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import { isObj } from '../net/clients.ts';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecLine, type RecReport, type Recording } from './format.ts';

export function exportRecording(dbPath: string, scenario: Scenario, fromMs: number, toMs: number): Recording {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const lines: Array<RecLine & { order: number }> = [];
    const rel = (t: number) => Math.max(0, t - fromMs);
    const status = new Map<string, number>();
    const events = db.prepare('SELECT seq, at, type, data FROM events WHERE at < ? ORDER BY seq').all(toMs) as Array<{
      seq: number;
      at: number;
      type: string;
      data: string;
    }>;
    for (const e of events) {
      const d = JSON.parse(e.data) as Record<string, unknown>;
      if (e.type === 'resource.status' && typeof d.resourceId === 'string' && isResourceStatus(d.status))
        status.set(d.resourceId, d.status);
      if (e.at < fromMs) continue;
      const ref = typeof d.incidentId === 'string' ? d.incidentId : '';
      if (
        e.type === 'incident.created' &&
        typeof d.typeId === 'string' &&
        typeof d.lat === 'number' &&
        typeof d.lon === 'number'
      ) {
        lines.push({
          type: 'incident',
          t: rel(e.at),
          ref,
          typeId: d.typeId,
          lat: d.lat,
          lon: d.lon,
          ...(typeof d.address === 'string' && d.address ? { address: d.address } : {}),
          order: e.seq,
        });
      } else if (e.type === 'incident.decision' && Array.isArray(d.chosen)) {
        lines.push({
          type: 'mobilise',
          t: rel(e.at),
          ref,
          resourceIds: d.chosen.filter((x): x is string => typeof x === 'string'),
          order: e.seq,
        });
      } else if (e.type === 'incident.closed') {
        lines.push({ type: 'close', t: rel(e.at), ref, order: e.seq });
      } else if (e.type === 'cover.standbyOrdered' && typeof d.resourceId === 'string' && isObj(d.destination)) {
        const dest = d.destination;
        if (typeof dest.id === 'string' && typeof dest.lat === 'number' && typeof dest.lon === 'number') {
          lines.push({
            type: 'standby',
            t: rel(e.at),
            resourceId: d.resourceId,
            destinationId: dest.id,
            lat: dest.lat,
            lon: dest.lon,
            order: e.seq,
          });
        }
      } else if (
        e.type === 'cover.standbyEnded' &&
        typeof d.resourceId === 'string' &&
        (d.reason === 'arrived' || d.reason === 'cancelled')
      ) {
        lines.push({ type: 'standbyEnd', t: rel(e.at), resourceId: d.resourceId, reason: d.reason, order: e.seq });
      }
    }
    const last = new Map<string, { lat: number; lon: number }>();
    const rows = db
      .prepare(
        'SELECT received_at, resource_id, fix_time, lat, lon, speed_mps, heading_deg, accuracy_m, status FROM positions WHERE received_at >= ? AND received_at < ? AND live = 1 ORDER BY id',
      )
      .all(fromMs, toMs) as Array<{
      received_at: number;
      resource_id: string;
      fix_time: number;
      lat: number;
      lon: number;
      speed_mps: number;
      heading_deg: number;
      accuracy_m: number;
      status: number;
    }>;
    let batch: { t: number; reports: RecReport[] } | null = null;
    for (const r of rows) {
      const t = Math.ceil(rel(r.received_at) / 1000) * 1000;
      if (!batch || batch.t !== t) {
        if (batch) lines.push({ type: 'avl', t: batch.t, reports: batch.reports, order: Infinity });
        batch = { t, reports: [] };
      }
      batch.reports.push([
        r.resource_id,
        r.lat,
        r.lon,
        r.speed_mps,
        r.heading_deg,
        r.fix_time - fromMs,
        r.accuracy_m,
        r.status,
      ]);
      last.set(r.resource_id, { lat: r.lat, lon: r.lon });
    }
    if (batch) lines.push({ type: 'avl', t: batch.t, reports: batch.reports, order: Infinity });
    lines.sort((a, b) => a.t - b.t || a.order - b.order);
    const out: RecLine[] = lines.map(({ order: _o, ...l }) => l as RecLine);
    const stations = new Map(scenario.stations.map((s) => [s.id, s]));
    out.push({
      type: 'expect',
      t: toMs - fromMs,
      resources: scenario.resources.map((def) => {
        const home = stations.get(def.station)!;
        const p = last.get(def.id) ?? { lat: home.lat, lon: home.lon };
        const st = status.get(def.id) ?? 1;
        return { id: def.id, status: STATUS_NAMES[st as 1], lat: p.lat, lon: p.lon };
      }),
    });
    return {
      header: {
        type: 'header',
        format: RECORDING_FORMAT,
        version: RECORDING_VERSION,
        scenario: scenario.id,
        startMs: fromMs,
        durationMs: toMs - fromMs,
        source: 'live',
      },
      lines: out,
    };
  } finally {
    db.close();
  }
}
