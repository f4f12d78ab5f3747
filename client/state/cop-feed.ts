/**
 * COP feed: the live picture over the /ws/cop WebSocket (docs/cop.md). It subscribes, folds the
 * snapshot and deltas through `CopPicture` (client/cop/cop-client-core.ts) into the store, acks
 * as the protocol asks (`ackMessage()` after each applied frame), answers a gap with a resume, and
 * after a dropped connection reconnects with capped exponential backoff and resumes from the last
 * contiguous seq (the server answers a merged delta, or a snapshot for another epoch).
 *
 * The COP carries the open incidents (the queue) and the cover figures; the store follows them
 * live. What it does not carry comes over REST: the scenario (once), the cover's geometry (gap
 * cells, standby moves: fetched when a COP cover change arrives and every `restIntervalMs`), and
 * incidents only until the first snapshot. Recommendations stay on demand (the incident panel asks).
 *
 * Connection state: `reconnecting` while the socket is down; `live` once the subscription has
 * been answered; `stale` when nothing has been heard for `staleAfterMs` — neither a COP frame nor
 * a REST answer (a quiet fleet sends no deltas, so the REST polls double as the heartbeat the
 * page can see; the server pings the socket itself and drops dead connections).
 */
import { CopPicture, type CopResourceState, type OtherChanges } from '../cop/cop-client-core.ts';
import { decodeServerFrame, encodeClientFrame } from '../cop/codec.ts';
import type { CopClientMsg, CopCoverSummaryMsg, CopFilter, CopIncidentMsg } from '../../proto/wire.ts';
import type { Api } from './api.ts';
import { parseIncidents, parseScenario } from './parse.ts';
import { parseCover } from './parse-cover.ts';
import { requestFromCop } from './requests.ts';
import { locationFromCop } from './places.ts';
import type { Feed } from './rest-feed.ts';
import type { TimerHandle, Timers } from '../../proto/timer.ts';
import type { ClientStore } from './store.ts';
import {
  AGENCIES,
  isAgency,
  STATUSES,
  type Agency,
  type ClientResource,
  type CoverSummary,
  type Incident,
} from './types.ts';

/** The part of the browser WebSocket the feed uses (tests pass a fake). */
export interface CopSocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export interface CopFeedOptions {
  /** WebSocket URL; by default /ws/cop on this page's origin (ws: or wss: as the page). */
  url?: string;
  openSocket?: (url: string) => CopSocketLike;
  filter?: CopFilter;
  /** Polling interval for the REST slices (incidents, cover). */
  restIntervalMs?: number;
  staleAfterMs?: number;
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
  /** Timers for polling, backoff and the watchdog; the platform's by default. */
  timers?: Timers;
}

const OPEN = 1;

export function defaultCopUrl(loc: { protocol: string; host: string } = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws/cop`;
}

/** One COP resource as the store holds it; undefined for a status or agency this client does not know. */
export function toClientResource(r: CopResourceState): ClientResource | undefined {
  const status = STATUSES[r.status - 1];
  const agency = AGENCIES.find((a): a is Agency => a === r.agency);
  if (status === undefined || agency === undefined) return undefined;
  return {
    id: r.id,
    callSign: r.callSign,
    agency,
    type: r.type,
    capabilities: [...r.capabilities],
    station: r.station,
    status,
    lat: r.lat,
    lon: r.lon,
    headingDeg: r.headingDeg,
    speedMps: r.speedMps,
    fixTimeMs: r.fixTimeMs,
    incidentId: r.incidentId,
  };
}

/** One COP incident as the store holds it. */
export function toClientIncident(m: CopIncidentMsg): Incident {
  const assigned: string[] = [];
  for (const a of m.attendances) if (a.leftAtMs === 0 && !assigned.includes(a.resourceId)) assigned.push(a.resourceId);
  return {
    id: m.id,
    typeId: m.typeId,
    typeName: m.typeName || m.typeId,
    priority: m.priority === 1 || m.priority === 2 ? m.priority : 3,
    lat: m.latE7 / 1e7,
    lon: m.lonE7 / 1e7,
    callTimeMs: m.createdAtMs,
    state: m.status === 'closed' ? 'CLOSED' : 'OPEN',
    status: m.status,
    assigned,
    ...(m.address ? { description: m.address } : {}),
    leadAgency: isAgency(m.leadAgency) ? m.leadAgency : null,
    supportingAgencies: m.supportingAgencies.filter(isAgency),
    requestedAgencies: m.requestedAgencies.filter(isAgency),
    attendances: m.attendances.flatMap((a) =>
      isAgency(a.agency)
        ? [
            {
              resourceId: a.resourceId,
              agency: a.agency,
              mobilisedAtMs: a.mobilisedAtMs,
              arrivedAtMs: a.arrivedAtMs === 0 ? null : a.arrivedAtMs,
              leftAtMs: a.leftAtMs === 0 ? null : a.leftAtMs,
              line: null,
            },
          ]
        : [],
    ),
    requests: m.requests.flatMap((r) => requestFromCop(r, m.id) ?? []),
    ...(m.location ? { location: locationFromCop(m.location) } : {}),
  };
}

/**
 * The store's cover from a COP summary: its figures, with the gap cells and standby moves of the
 * previous picture (the COP carries their counts only; GET /api/cover brings them).
 */
export function toClientCover(m: CopCoverSummaryMsg, prev: CoverSummary | null): CoverSummary {
  return {
    computedAtMs: m.computedAtMs,
    eventSeq: m.eventSeq,
    figures: m.figures.map((f) => ({
      surface: f.surface,
      standardId: f.standardId,
      standardName: f.standardName,
      nth: f.nth,
      withinS: f.withinS,
      coveredShare: f.coveredShare,
      target: f.targetShare,
      meetsStandard: f.meetsStandard,
      label: f.label,
    })),
    gaps: prev?.gaps ?? [],
    standby: prev?.standby ?? [],
  };
}

export class CopFeed implements Feed {
  readonly picture = new CopPicture();
  private readonly url: string;
  private readonly openSocket: (url: string) => CopSocketLike;
  private readonly filter: CopFilter;
  private readonly restIntervalMs: number;
  private readonly staleAfterMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  private readonly timers: Timers;
  private socket: CopSocketLike | null = null;
  private running = false;
  private failures = 0;
  private reconnectTimer: TimerHandle = null;
  private restTimer: TimerHandle = null;
  private watchdog: TimerHandle = null;
  /** What the last applied frame changed (filled by the picture's listener). */
  private changed: ReadonlySet<string> = new Set();
  private removed: ReadonlySet<string> = new Set();
  private other: OtherChanges = { incidents: false, cover: false, performance: false };
  /** A GET /api/cover is under way (a COP cover change asks for the geometry once at a time). */
  private coverFetch: Promise<boolean> | null = null;
  /** Frames received and applied since the feed started (for tests). */
  frames = 0;

  constructor(
    private readonly store: ClientStore,
    private readonly api: Api,
    opts: CopFeedOptions = {},
  ) {
    this.url = opts.url ?? defaultCopUrl();
    this.openSocket = opts.openSocket ?? ((u) => new WebSocket(u));
    this.filter = opts.filter ?? { agencies: [], bounds: null };
    this.restIntervalMs = opts.restIntervalMs ?? 2000;
    this.staleAfterMs = opts.staleAfterMs ?? 5000;
    this.minBackoffMs = opts.minBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? globalThis;
    this.picture.onChange((changed, removed, other) => {
      this.changed = changed;
      this.removed = removed;
      this.other = other;
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.store.setConnection('connecting', 'opening the operating picture (/ws/cop)');
    this.connect();
    this.restLoop();
    this.watch();
  }

  stop(): void {
    this.running = false;
    for (const t of [this.reconnectTimer, this.restTimer, this.watchdog]) if (t !== null) this.timers.clearTimeout(t);
    this.reconnectTimer = this.restTimer = this.watchdog = null;
    const ws = this.socket;
    this.socket = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      ws.close(1000, 'screen closed');
    }
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (!this.running) return;
    let ws: CopSocketLike;
    try {
      ws = this.openSocket(this.url);
    } catch (e) {
      this.dropped(e instanceof Error ? e.message : 'cannot open the WebSocket');
      return;
    }
    this.socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      // A resume from the last contiguous seq when the picture holds one (docs/cop.md).
      this.send(this.picture.subscribeMessage(this.picture.synced ? this.picture.filter : this.filter));
    };
    ws.onmessage = (ev) => this.onFrame(ev.data);
    ws.onerror = () => undefined; // a close event follows
    ws.onclose = (ev) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.dropped(
        ev.code === 1000 || ev.code === 1005 || ev.code === 1006 ? 'connection lost' : `closed ${ev.code} ${ev.reason}`,
      );
    };
  }

  private dropped(why: string): void {
    if (!this.running) return;
    this.failures++;
    const delay = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.min(this.failures - 1, 10));
    this.store.setConnection(
      'reconnecting',
      `${why}; retrying in ${Math.round(delay / 100) / 10} s (attempt ${this.failures})`,
    );
    this.reconnectTimer = this.timers.setTimeout(() => this.connect(), delay);
  }

  private send(msg: CopClientMsg): void {
    const ws = this.socket;
    if (ws && ws.readyState === OPEN) ws.send(encodeClientFrame(msg));
  }

  private onFrame(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) return; // the COP sends binary frames only
    let result;
    try {
      result = this.picture.apply(decodeServerFrame(new Uint8Array(data)));
    } catch {
      // Undecodable or inconsistent: start again from a snapshot on a new connection.
      this.picture.synced = false;
      this.socket?.close(4000, 'bad frame');
      return;
    }
    this.store.heard(this.now());
    if (result === 'gap') {
      this.send(this.picture.subscribeMessage());
      return;
    }
    if (result === 'snapshot') {
      const list: ClientResource[] = [];
      for (const r of this.picture.list()) {
        const c = toClientResource(r);
        if (c) list.push(c);
      }
      this.store.replaceResources(list, this.picture.eventSeq);
    } else if (result === 'delta') {
      const ups: ClientResource[] = [];
      for (const id of this.changed) {
        const r = this.picture.resources.get(id);
        const c = r ? toClientResource(r) : undefined;
        if (c) ups.push(c);
      }
      if (ups.length > 0) this.store.upsertResources(ups, this.picture.eventSeq);
      for (const id of this.removed) this.store.removeResource(id);
    }
    if (result === 'snapshot' || result === 'delta') {
      this.store.serverOffsetMs = this.picture.serverTimeMs - this.now();
      this.applyOther(result === 'snapshot');
    }
    if (result === 'snapshot' || result === 'delta') {
      this.frames++;
      this.failures = 0;
      this.store.setConnection('live', 'live operating picture (/ws/cop)');
    }
    const ack = this.picture.ackMessage();
    if (ack) this.send(ack);
  }

  /** Incidents, performance and cover from the picture into the store (a snapshot replaces them). */
  private applyOther(snapshot: boolean): void {
    const s = this.store;
    if (snapshot || this.other.incidents) s.replaceIncidents(this.picture.incidentList().map(toClientIncident));
    if (snapshot || this.other.performance) s.setPerformance(this.picture.performance);
    if (snapshot || this.other.alerts) s.setAlerts([...this.picture.alerts.values()], snapshot);
    if (snapshot || this.other.partners) s.setPartnerResources([...this.picture.partnerResources.values()]);
    const c = this.picture.cover;
    if ((snapshot || this.other.cover) && c) {
      s.setCover(toClientCover(c, s.cover));
      // The COP carries no geometry: fetch the gap cells and standby moves now, not at the next poll.
      if (s.capabilities.cover) void this.fetchCover();
    }
  }

  /** GET /api/cover into the store; figures newer than the COP's win, older ones never replace them. */
  private fetchCover(): Promise<boolean> {
    if (this.coverFetch) return this.coverFetch;
    const run = async (): Promise<boolean> => {
      const r = await this.api.cover();
      if (!r.ok) return false;
      const rest = parseCover(r.body);
      if (!rest) return true;
      const cop = this.picture.cover;
      if (cop && cop.computedAtMs > rest.computedAtMs) this.store.setCover(toClientCover(cop, rest));
      else this.store.setCover(rest);
      return true;
    };
    this.coverFetch = run().finally(() => {
      this.coverFetch = null;
    });
    return this.coverFetch;
  }

  private watch(): void {
    this.watchdog = this.timers.setTimeout(() => {
      if (!this.running) return;
      const quiet = this.now() - this.store.lastMessageAtMs;
      if (this.store.connection === 'live' && quiet > this.staleAfterMs)
        this.store.setConnection('stale', `no update for ${Math.round(quiet / 1000)} s`);
      else if (this.store.connection === 'stale' && quiet <= this.staleAfterMs && this.socket)
        this.store.setConnection('live', 'live operating picture (/ws/cop)');
      this.store.tick();
      this.watch();
    }, 1000);
  }

  private restLoop(): void {
    void this.pollRest().then(() => {
      if (this.running) this.restTimer = this.timers.setTimeout(() => this.restLoop(), this.restIntervalMs);
    });
  }

  /** What the COP does not carry: the scenario (until loaded), cover geometry, incidents before the first snapshot. */
  async pollRest(): Promise<void> {
    const s = this.store;
    let heard = false;
    if (!s.scenario) {
      const r = await this.api.scenario();
      if (r.ok) {
        heard = true;
        const sc = parseScenario(r.body);
        if (sc) s.setScenario(sc);
      }
    }
    if (s.capabilities.cover) {
      if (await this.fetchCover()) heard = true;
    } else if (s.capabilities.incidents) {
      // Once the COP is synced its incidents win; the request then only tells the page the
      // server answers (the heartbeat a quiet fleet does not give).
      const inc = await this.api.incidents();
      if (inc.ok) {
        heard = true;
        if (!this.picture.synced)
          s.replaceIncidents(
            parseIncidents(inc.body, new Map((s.scenario?.incidentTypes ?? []).map((t) => [t.id, t.name]))),
          );
      }
    }
    // The server answers: the picture is current while the socket is up (a quiet fleet sends no deltas).
    if (heard && this.socket && this.picture.synced) s.heard(this.now());
  }
}
