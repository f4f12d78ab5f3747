/**
 * Replay a recording against a running server over its real interfaces: AVL over /ws/avl,
 * incidents, mobilisations and standby moves over REST. Time: line `t` (ms since the recording's start) is sent
 * when the replay's virtual clock reaches it; the virtual clock runs `speed` times faster than
 * the wall clock from the moment the replay starts. What is sent, and in which order, does not
 * depend on timing: every AVL batch waits for its ack and every REST call for its answer before
 * the next line goes, so a slow server makes the replay lag, never reorder.
 *
 * Fix times (docs/recording.md § Replay): a recorded fix at fixT is sent as `fixBase + fixT`.
 * Against a wall-clock server the default base is `wallStart - duration * (1 - 1/speed)`: every
 * fix is in the server's past (never JCR_AVL_FUTURE_FIX), deltas between fixes are kept (so the
 * implied-speed check sees the recorded speeds), and the last fix lands at the replay's end. A
 * server started on the replay's virtual clock (tests: `clock: replay.virtualNow`) takes
 * `fixBase: header.startMs`, i.e. the recording's own times.
 */
import { ApiClient, AvlClient, errorCodeOf, incidentIdOf, isObj } from '../net/clients.ts';
import { fromRecReport, type RecExpect, type Recording } from '../record/format.ts';
import { silentProgress, type ProgressSink } from './progress.ts';

export interface ReplayOptions {
  baseUrl: string;
  avlToken: string;
  /** Session token for the REST API (bearer), if the server requires one. */
  apiToken?: string;
  speed: number;
  /** Wall clock (ms) and a way to wait; injectable. */
  wallNow?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Base for fix times; default: see the file comment. */
  fixBase?: number;
  progress?: ProgressSink;
}

export interface Mismatch {
  id: string;
  field: 'status' | 'lat' | 'lon' | 'missing';
  expected: string | number;
  actual: string | number | null;
}

export interface ReplaySummary {
  lines: number;
  incidents: { sent: number; created: number; skipped: number };
  mobilisations: { sent: number; viaIncidentsApi: number; viaStatusApi: number; failed: number };
  avl: { batches: number; reports: number; accepted: number; rejected: number; rejectedByCode: Record<string, number> };
  closes: { sent: number; done: number };
  /** Standby orders and cancels sent over the cover API (lines without a destination are not sent). */
  standby: { ordered: number; cancelled: number; failed: number };
  wallMs: number;
  virtualMs: number;
  maxLagMs: number;
  /** Present when the recording carries an `expect` line. */
  expect: { checked: number; mismatches: Mismatch[] } | null;
  notes: string[];
}

/** A controller for one replay: start it, read its virtual clock (for a server under test). */
export class Replay {
  readonly rec: Recording;
  readonly opts: ReplayOptions;
  private wall0 = 0;
  private started = false;
  private readonly wallNow: () => number;

  constructor(rec: Recording, opts: ReplayOptions) {
    if (!(opts.speed > 0)) throw new Error('speed must be > 0');
    this.rec = rec;
    this.opts = opts;
    this.wallNow = opts.wallNow ?? (() => performance.timeOrigin + performance.now());
  }

  /** Mark t = 0 of the virtual clock now (run() does this if it has not been done). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.wall0 = this.wallNow();
  }

  /** The replay's virtual clock: the recording's epoch ms. Before start(), the recording's start. */
  readonly virtualNow = (): number => {
    if (!this.started) return this.rec.header.startMs;
    return Math.floor(this.rec.header.startMs + (this.wallNow() - this.wall0) * this.opts.speed);
  };

  async run(): Promise<ReplaySummary> {
    this.start();
    const o = this.opts;
    const rec = this.rec;
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const progress = o.progress ?? silentProgress;
    const D = rec.header.durationMs;
    const fixBase = o.fixBase ?? Math.round(this.wall0 - D * (1 - 1 / o.speed));
    const api = new ApiClient(o.baseUrl, o.apiToken);
    const avl = await AvlClient.connect(o.baseUrl, o.avlToken);
    const s: ReplaySummary = {
      lines: rec.lines.length,
      incidents: { sent: 0, created: 0, skipped: 0 },
      mobilisations: { sent: 0, viaIncidentsApi: 0, viaStatusApi: 0, failed: 0 },
      avl: { batches: 0, reports: 0, accepted: 0, rejected: 0, rejectedByCode: {} },
      closes: { sent: 0, done: 0 },
      standby: { ordered: 0, cancelled: 0, failed: 0 },
      wallMs: 0,
      virtualMs: 0,
      maxLagMs: 0,
      expect: null,
      notes: [],
    };
    const ids = new Map<string, string>(); // recording ref -> server incident id
    let incidentsApi = true;
    const note = (n: string) => {
      if (!s.notes.includes(n)) s.notes.push(n);
    };
    let done = 0;
    let lagMs = 0;
    try {
      for (const line of rec.lines) {
        const dueWall = this.wall0 + line.t / o.speed;
        const wait = dueWall - this.wallNow();
        if (wait > 0) await sleep(wait);
        lagMs = Math.max(0, this.wallNow() - dueWall);
        if (lagMs > s.maxLagMs) s.maxLagMs = lagMs;
        switch (line.type) {
          case 'avl': {
            const reports = line.reports.map((r) => fromRecReport(r, fixBase));
            const ack = await avl.send(reports);
            s.avl.batches++;
            s.avl.reports += reports.length;
            s.avl.accepted += ack.accepted;
            s.avl.rejected += ack.rejected.length;
            for (const r of ack.rejected) s.avl.rejectedByCode[r.code] = (s.avl.rejectedByCode[r.code] ?? 0) + 1;
            break;
          }
          case 'incident': {
            s.incidents.sent++;
            if (!incidentsApi) {
              s.incidents.skipped++;
              break;
            }
            const res = await api.call('POST', '/api/incidents', {
              typeId: line.typeId,
              lat: line.lat,
              lon: line.lon,
              ...(line.address ? { address: line.address } : {}),
              ...(line.priority ? { priority: line.priority } : {}),
            });
            const id = res.status < 300 ? incidentIdOf(res.body) : undefined;
            if (id) {
              ids.set(line.ref, id);
              s.incidents.created++;
            } else {
              s.incidents.skipped++;
              if (res.status === 404 || res.status === 405) {
                incidentsApi = false;
                note(
                  'POST /api/incidents is not available on this server: incidents were skipped and mobilisations sent as resource status changes',
                );
              } else note(`POST /api/incidents answered ${res.status} ${errorCodeOf(res.body) ?? ''}`.trim());
            }
            break;
          }
          case 'mobilise': {
            s.mobilisations.sent++;
            const id = ids.get(line.ref);
            if (id) {
              const res = await api.call('POST', `/api/incidents/${encodeURIComponent(id)}/mobilise`, {
                resourceIds: line.resourceIds,
                reason: 'replay of a recorded mobilisation',
              });
              if (res.status < 300) {
                s.mobilisations.viaIncidentsApi++;
                break;
              }
              note(
                `POST /api/incidents/:id/mobilise answered ${res.status} ${errorCodeOf(res.body) ?? ''}; fell back to resource status changes`.trim(),
              );
            }
            let ok = true;
            for (const rid of line.resourceIds) {
              const res = await api.call('POST', `/api/resources/${encodeURIComponent(rid)}/status`, {
                status: 'MOBILISED',
                incidentId: id ?? line.ref,
              });
              if (res.status >= 300) {
                ok = false;
                note(`POST /api/resources/:id/status answered ${res.status} ${errorCodeOf(res.body) ?? ''}`.trim());
              }
            }
            if (ok) s.mobilisations.viaStatusApi++;
            else s.mobilisations.failed++;
            break;
          }
          case 'close': {
            const id = ids.get(line.ref);
            if (!id) break;
            s.closes.sent++;
            const res = await api.call('POST', `/api/incidents/${encodeURIComponent(id)}/close`, { reason: 'replay' });
            if (res.status < 300) s.closes.done++;
            else note(`POST /api/incidents/:id/close answered ${res.status} ${errorCodeOf(res.body) ?? ''}`.trim());
            break;
          }
          case 'standby': {
            // Version 1 lines name no destination: informational only.
            if (line.destinationId === undefined) break;
            const res = await api.call('POST', '/api/cover/moves', {
              resourceId: line.resourceId,
              destinationId: line.destinationId,
              note: 'replay of a recorded standby move',
            });
            if (res.status < 300) s.standby.ordered++;
            else {
              s.standby.failed++;
              note(`POST /api/cover/moves answered ${res.status} ${errorCodeOf(res.body) ?? ''}`.trim());
            }
            break;
          }
          case 'standbyEnd': {
            // Arrival is the server's own decision from the AVL stream just replayed.
            if (line.reason !== 'cancelled') break;
            const res = await api.call('POST', `/api/cover/moves/${encodeURIComponent(line.resourceId)}/cancel`);
            if (res.status < 300) s.standby.cancelled++;
            else {
              s.standby.failed++;
              note(
                `POST /api/cover/moves/:resourceId/cancel answered ${res.status} ${errorCodeOf(res.body) ?? ''}`.trim(),
              );
            }
            break;
          }
          case 'expect':
            s.expect = await checkExpect(api, line);
            break;
        }
        done++;
        const wallMs = this.wallNow() - this.wall0;
        progress.update({
          done,
          total: rec.lines.length,
          rate: wallMs > 0 ? (done * 1000) / wallMs : 0,
          lagMs,
          virtualMs: line.t,
        });
      }
    } finally {
      avl.close();
      progress.end();
    }
    s.wallMs = this.wallNow() - this.wall0;
    s.virtualMs = rec.lines.length > 0 ? rec.lines[rec.lines.length - 1]!.t : 0;
    return s;
  }
}

/** Compare the server's resources with an expect line (exact status and position). */
export async function checkExpect(
  api: ApiClient,
  line: RecExpect,
): Promise<{ checked: number; mismatches: Mismatch[] }> {
  const res = await api.call('GET', '/api/resources');
  const list = isObj(res.body) && Array.isArray(res.body.resources) ? res.body.resources : [];
  const byId = new Map<string, Record<string, unknown>>();
  for (const r of list) if (isObj(r) && typeof r.id === 'string') byId.set(r.id, r);
  const mismatches: Mismatch[] = [];
  for (const e of line.resources) {
    const a = byId.get(e.id);
    if (!a) {
      mismatches.push({ id: e.id, field: 'missing', expected: e.id, actual: null });
      continue;
    }
    if (a.status !== e.status)
      mismatches.push({
        id: e.id,
        field: 'status',
        expected: e.status,
        actual: typeof a.status === 'string' ? a.status : null,
      });
    if (a.lat !== e.lat)
      mismatches.push({ id: e.id, field: 'lat', expected: e.lat, actual: typeof a.lat === 'number' ? a.lat : null });
    if (a.lon !== e.lon)
      mismatches.push({ id: e.id, field: 'lon', expected: e.lon, actual: typeof a.lon === 'number' ? a.lon : null });
  }
  return { checked: line.resources.length, mismatches };
}

export function formatSummary(s: ReplaySummary): string {
  const L: string[] = [];
  L.push(
    `replayed ${s.lines} lines (${(s.virtualMs / 60000).toFixed(1)} min of recording) in ${(s.wallMs / 1000).toFixed(1)} s wall, max lag ${s.maxLagMs.toFixed(0)} ms`,
  );
  L.push(`  incidents:     ${s.incidents.sent} sent, ${s.incidents.created} created, ${s.incidents.skipped} skipped`);
  L.push(
    `  mobilisations: ${s.mobilisations.sent} sent, ${s.mobilisations.viaIncidentsApi} via /api/incidents, ${s.mobilisations.viaStatusApi} via /api/resources status, ${s.mobilisations.failed} failed`,
  );
  L.push(`  closes:        ${s.closes.sent} sent, ${s.closes.done} done`);
  if (s.standby.ordered + s.standby.cancelled + s.standby.failed > 0)
    L.push(
      `  standby moves: ${s.standby.ordered} ordered, ${s.standby.cancelled} cancelled, ${s.standby.failed} failed`,
    );
  const codes = Object.entries(s.avl.rejectedByCode)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  L.push(
    `  AVL:           ${s.avl.batches} batches, ${s.avl.reports} reports, ${s.avl.accepted} accepted, ${s.avl.rejected} rejected${codes ? ` (${codes})` : ''}`,
  );
  if (s.expect) {
    L.push(
      `  final state:   ${s.expect.checked} resources checked, ${s.expect.mismatches.length} mismatches${s.expect.mismatches.length === 0 ? ' — matches the recording' : ''}`,
    );
    for (const m of s.expect.mismatches.slice(0, 10))
      L.push(`    ${m.id} ${m.field}: expected ${m.expected}, got ${m.actual}`);
  }
  for (const n of s.notes) L.push(`  note: ${n}`);
  return L.join('\n');
}
