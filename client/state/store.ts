/**
 * ClientStore: the one place the screens read the live picture from. A feed writes into it (the
 * COP WebSocket client when /ws/cop is available, else the REST-polling fallback in
 * ./rest-feed.ts); Lit controllers (client/controllers/) and the map layers subscribe to slices.
 *
 * Notifications are batched: any number of writes within one frame (FRAME_MS) produce one
 * notification per subscriber, naming the slices that changed. The timers are injected so tests
 * flush by hand.
 */
import type { Timers } from '../../proto/timer.ts';
import type {
  Capabilities,
  ClientResource,
  ConnectionState,
  CoverSummary,
  Incident,
  Recommendation,
  RouteLine,
  ScenarioInfo,
} from './types.ts';
import type { AlertMsg, CopPartnerResourceMsg, PerformanceReport } from '../../proto/wire.ts';
import type { RoadSnap } from '../../proto/places.ts';

/**
 * - `scenario`: stations, posts, types, standards, bounds.
 * - `positions`: any resource moved (the map redraws).
 * - `statuses`: a resource was added, removed, or changed status or incident (the board re-renders).
 * - `incidents`, `recommendations`, `cover`, `routes`: the issue 5/6 slices.
 * - `performance`: performance against standards (issue 17), as the COP pushes it.
 * - `partners`: partner rooms' resources at our incidents (issue 18), as the COP pushes them.
 * - `connection`: live / stale / reconnecting, and REST waiting out a failover.
 * - `selection`: the selected incident, resource or map point.
 * - `capabilities`: which server features exist.
 * - `clock`: time passed (stale markings and "time since call" need redrawing).
 */
export type Slice =
  | 'scenario'
  | 'positions'
  | 'statuses'
  | 'incidents'
  | 'recommendations'
  | 'cover'
  | 'routes'
  | 'performance'
  | 'alerts'
  | 'partners'
  | 'connection'
  | 'selection'
  | 'capabilities'
  | 'clock';

export type Listener = (changed: ReadonlySet<Slice>) => void;
/** Writes are gathered for about one display frame before subscribers hear of them. */
export const FRAME_MS = 16;

export interface Selection {
  incidentId: string | null;
  resourceId: string | null;
  /** A point picked on the map for a new incident. */
  point: { lat: number; lon: number } | null;
  /** Where a picked point meets the road network, as the gazetteer said for that point (road null: none near). */
  pointRoad: { lat: number; lon: number; road: RoadSnap | null } | null;
}

interface Subscription {
  slices: ReadonlySet<Slice> | null;
  fn: Listener;
}

export class ClientStore {
  scenario: ScenarioInfo | null = null;
  readonly resources = new Map<string, ClientResource>();
  readonly incidents = new Map<string, Incident>();
  readonly recommendations = new Map<string, Recommendation>();
  readonly routes = new Map<string, RouteLine>();
  cover: CoverSummary | null = null;
  /** Performance against standards (null until the server sends it, or from one that does not). */
  performance: PerformanceReport | null = null;
  /** Partner rooms' resources at incidents this screen sees, as the COP last said (issue 18). */
  partnerResources: CopPartnerResourceMsg[] = [];
  /** The server's clock less ours, as of the last COP frame (0 without the COP). */
  serverOffsetMs = 0;
  connection: ConnectionState = 'connecting';
  /** Why the connection is in its state, for the indicator's tooltip. */
  connectionDetail = '';
  /** A REST call is waiting out the room's changeover to its standby (Api.onRetrying, state/failover.ts). */
  restRetrying = false;
  /** Sequence number of the last event the picture includes (resume point for the feed). */
  lastSeq = 0;
  /** Epoch ms (client clock) of the last message from the server. */
  lastMessageAtMs = 0;
  /** A resource with no fix for longer than this is drawn stale. */
  staleAfterMs = 120_000;
  capabilities: Capabilities = {
    incidents: false,
    recommendations: false,
    cover: false,
    routes: false,
    cop: false,
    joint: false,
  };
  selection: Selection = { incidentId: null, resourceId: null, point: null, pointRoad: null };
  /** Count of position/status writes, for tests and the bench. */
  updates = 0;

  private readonly subs = new Set<Subscription>();
  private pending = new Set<Slice>();
  private scheduled = false;
  private readonly timers: Timers;

  constructor(opts: { timers?: Timers } = {}) {
    this.timers = opts.timers ?? globalThis;
  }

  /** Listen to some slices (or all with `null`). Returns the unsubscribe function. */
  subscribe(slices: readonly Slice[] | null, fn: Listener): () => void {
    const sub: Subscription = { slices: slices ? new Set(slices) : null, fn };
    this.subs.add(sub);
    return () => this.subs.delete(sub);
  }

  /** Deliver pending notifications now (the frame timer calls this; tests may too). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const changed = this.pending;
    this.pending = new Set();
    for (const s of [...this.subs]) {
      if (s.slices === null || [...changed].some((c) => s.slices?.has(c))) s.fn(changed);
    }
  }

  private touch(...slices: Slice[]): void {
    for (const s of slices) this.pending.add(s);
    if (!this.scheduled) {
      this.scheduled = true;
      this.timers.setTimeout(() => this.flush(), FRAME_MS);
    }
  }

  setScenario(s: ScenarioInfo): void {
    this.scenario = s;
    this.touch('scenario');
  }

  setCapabilities(c: Capabilities): void {
    this.capabilities = c;
    this.touch('capabilities');
  }

  /** A full picture of the fleet: resources not in `list` are removed. */
  replaceResources(list: readonly ClientResource[], seq: number): void {
    const keep = new Set<string>();
    let statusChanged = list.length !== this.resources.size;
    for (const r of list) {
      keep.add(r.id);
      const old = this.resources.get(r.id);
      if (!old || old.status !== r.status || old.incidentId !== r.incidentId) statusChanged = true;
      this.resources.set(r.id, r);
    }
    for (const id of [...this.resources.keys()]) if (!keep.has(id)) this.resources.delete(id);
    this.lastSeq = seq;
    this.updates += list.length;
    this.touch('positions');
    if (statusChanged) this.touch('statuses');
  }

  /** Changes to some resources: a full record or a partial one for a known id. */
  upsertResources(changes: readonly (Partial<ClientResource> & { id: string })[], seq?: number): void {
    let statusChanged = false;
    let moved = false;
    for (const c of changes) {
      const old = this.resources.get(c.id);
      if (!old) {
        if (!isFull(c)) continue;
        this.resources.set(c.id, { ...c });
        statusChanged = moved = true;
        continue;
      }
      if (
        (c.status !== undefined && c.status !== old.status) ||
        (c.incidentId !== undefined && c.incidentId !== old.incidentId)
      )
        statusChanged = true;
      if (c.lat !== undefined || c.lon !== undefined || c.headingDeg !== undefined || c.fixTimeMs !== undefined)
        moved = true;
      Object.assign(old, c);
    }
    if (seq !== undefined) this.lastSeq = Math.max(this.lastSeq, seq);
    this.updates += changes.length;
    if (moved) this.touch('positions');
    if (statusChanged) this.touch('statuses', 'positions');
  }

  removeResource(id: string): void {
    if (this.resources.delete(id)) this.touch('statuses', 'positions');
  }

  replaceIncidents(list: readonly Incident[]): void {
    const old = new Map(this.incidents);
    this.incidents.clear();
    for (const i of list) this.incidents.set(i.id, keepLocation(i, old.get(i.id)));
    this.touch('incidents');
  }

  upsertIncident(i: Incident): void {
    this.incidents.set(i.id, keepLocation(i, this.incidents.get(i.id)));
    this.touch('incidents');
  }

  setRecommendation(r: Recommendation): void {
    this.recommendations.set(r.incidentId, r);
    this.touch('recommendations');
  }

  clearRecommendation(incidentId: string): void {
    if (this.recommendations.delete(incidentId)) this.touch('recommendations');
  }

  setCover(c: CoverSummary | null): void {
    this.cover = c;
    this.touch('cover');
  }

  replaceRoutes(list: readonly RouteLine[]): void {
    this.routes.clear();
    for (const r of list) this.routes.set(r.resourceId, r);
    this.touch('routes');
  }

  /** Active alerts this screen may see, oldest first (the COP's). */
  alerts: AlertMsg[] = [];
  /** Alerts this user acknowledged while on this page (GET /api/alerts has the rest). */
  readonly acknowledged = new Set<string>();

  /** Alerts already active in the first picture this page got: not news when it opened (no tone). */
  readonly alertsAtOpen = new Set<string>();
  private alertsHeard = false;

  /** `snapshot`: the list of a whole picture (the first one names the alerts active at open). */
  setAlerts(list: AlertMsg[], snapshot = false): void {
    if (snapshot && !this.alertsHeard) for (const a of list) this.alertsAtOpen.add(a.id);
    this.alertsHeard = true;
    this.alerts = list;
    this.touch('alerts');
  }

  acknowledge(id: string): void {
    this.acknowledged.add(id);
    this.touch('alerts');
  }

  setPartnerResources(list: CopPartnerResourceMsg[]): void {
    this.partnerResources = list;
    this.touch('partners');
  }

  setPerformance(p: PerformanceReport | null): void {
    this.performance = p;
    this.touch('performance');
  }

  setConnection(state: ConnectionState, detail = ''): void {
    if (state === this.connection && detail === this.connectionDetail) return;
    this.connection = state;
    this.connectionDetail = detail;
    this.touch('connection');
  }

  setRestRetrying(on: boolean): void {
    if (on === this.restRetrying) return;
    this.restRetrying = on;
    this.touch('connection');
  }

  /** Time passed: redraw what depends on the clock (stale marks, time since call). */
  tick(): void {
    this.touch('clock');
  }

  /** The feed heard from the server. */
  heard(nowMs: number): void {
    this.lastMessageAtMs = nowMs;
  }

  select(sel: Partial<Selection>): void {
    this.selection = { ...this.selection, ...sel };
    this.touch('selection');
  }

  // ---- derived figures (pure reads; the components call these in render) ----

  isStale(r: ClientResource, nowMs: number): boolean {
    return r.fixTimeMs <= 0 || nowMs - r.fixTimeMs > this.staleAfterMs;
  }

  /**
   * Deployable resources by agency at `nowMs`: available at station or mobile, or returning, with a
   * recent position. One whose position is stale is counted in `stale`, not as available: where it
   * is, and so whether it can go, is not known.
   */
  availableByAgency(nowMs: number): { available: Record<string, number>; stale: Record<string, number> } {
    const available: Record<string, number> = { fire: 0, police: 0, ambulance: 0 };
    const stale: Record<string, number> = { fire: 0, police: 0, ambulance: 0 };
    for (const r of this.resources.values()) {
      if (r.status !== 'AVAILABLE_AT_STATION' && r.status !== 'AVAILABLE_MOBILE' && r.status !== 'RETURNING') continue;
      const into = this.isStale(r, nowMs) ? stale : available;
      into[r.agency] = (into[r.agency] ?? 0) + 1;
    }
    return { available, stale };
  }

  openIncidents(): Incident[] {
    return [...this.incidents.values()]
      .filter((i) => i.state === 'OPEN')
      .sort((a, b) => a.priority - b.priority || a.callTimeMs - b.callTimeMs);
  }
}

/**
 * An incident's location comes with every COP record and REST answer from a server with a
 * gazetteer; a record without it (a partial answer) keeps the one already known while the
 * incident has not moved.
 */
function keepLocation(i: Incident, old: Incident | undefined): Incident {
  // The COP sends degrees × 1e7: the same point may differ in the last bits.
  if (i.location || !old?.location || Math.abs(old.lat - i.lat) > 1e-6 || Math.abs(old.lon - i.lon) > 1e-6) return i;
  return { ...i, location: old.location };
}

function isFull(c: Partial<ClientResource>): c is ClientResource {
  return (
    c.callSign !== undefined &&
    c.agency !== undefined &&
    c.type !== undefined &&
    c.capabilities !== undefined &&
    c.station !== undefined &&
    c.status !== undefined &&
    c.lat !== undefined &&
    c.lon !== undefined &&
    c.headingDeg !== undefined &&
    c.speedMps !== undefined &&
    c.fixTimeMs !== undefined &&
    c.incidentId !== undefined
  );
}
