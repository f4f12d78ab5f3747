/**
 * The live simulator: drives a running server on the wall clock over its real interfaces, as a
 * fleet of vehicle terminals (AVL over /ws/avl with a feed token) plus a call generator and, in
 * demo mode, an automatic dispatcher (REST with a session token).
 *
 * One sequential step per tick: advance the FleetSim to now → send its reports (await the ack) →
 * raise due calls → every pollMs read /api/resources (and, when it can tell something new,
 * /api/cover for standby moves: sim/live/standby.ts) and turn what the control room decided
 * (mobilisations, stand-downs, returns, standby moves and their cancels) into orders for the
 * vehicles. Because each step waits for every answer, the server state it reads already holds
 * everything it has sent. `createLive` gives the steps to a caller (tests drive them on a fake
 * clock); `startLive` runs them on a timer.
 */
import { seededRandom, type Random } from '../../server/core/clock.ts';
import { STANDBY_ARRIVAL_M } from '../../server/core/cover/standby.ts';
import { ResourceStatus, statusFromName } from '../../server/core/fleet/status.ts';
import { haversineM } from '../../server/core/geo.ts';
import { chooseAttendance } from '../compare/dispatch.ts';
import { FleetSim, sceneTimeS } from '../fleet/fleet-sim.ts';
import type { Cadence } from '../fleet/movement.ts';
import { plannerRouter } from '../headless.ts';
import { generateIncidents, type GeneratedIncident } from '../incidents/generator.ts';
import type { AvlReportIn } from '../../server/core/avl/ingest.ts';
import type { AvlAckOut } from '../../server/shell/avl/codec.ts';
import { errorCodeOf, incidentIdOf, isObj, recommendationOf } from '../net/clients.ts';
import { FailoverApi, FailoverAvl, type Credentials } from '../net/failover.ts';
import type { World } from '../world.ts';
import { createKeys, incidentCreate } from './incident-create.ts';
import { StandbyWatch } from './standby.ts';

export interface LiveOptions {
  /** The room: one address, or a clustered room's instances (REST follows whichever leads). */
  baseUrl: string | readonly string[];
  /** Where AVL goes: AVL gateways or instances (default: baseUrl); the next when one goes. */
  avlUrls?: string | readonly string[];
  avlToken: string;
  apiToken?: string;
  /** Sign in with these where the session token is not known (per-instance sessions). */
  credentials?: Credentials;
  world: World;
  seed: number;
  /** Multiplies the incident rates (demo default 1). */
  rateFactor?: number;
  /** Raise calls at all. */
  incidents?: boolean;
  /** Demo mode: mobilise the top recommendation of each call automatically. */
  autoMobilise?: boolean;
  tickMs?: number;
  pollMs?: number;
  /** How often vehicles report, moving and parked (sim/fleet/movement.ts DEFAULT_CADENCE). */
  cadence?: Cadence;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /**
   * Each batch the room answered, with its ack (rejections index into `reports`): an audit of what
   * the room holds beyond `stats`. A batch no address acked in time is not passed.
   */
  onAck?: (reports: readonly AvlReportIn[], ack: AvlAckOut) => void;
  now?: () => number;
}

export interface LiveStats {
  reports: number;
  accepted: number;
  rejected: number;
  calls: number;
  mobilised: number;
  standbyMoves: number;
}

export interface LiveHandle {
  stop(): Promise<void>;
  readonly stats: LiveStats;
}

/** The simulator's steps, for a caller that owns the timing. */
export interface LiveSim {
  readonly stats: LiveStats;
  readonly fleet: FleetSim;
  /** One tick at now(): reports, calls, and (every pollMs) the control room's decisions. */
  step(): Promise<void>;
  close(): void;
}

interface Job {
  serverId: string | null;
  inc: GeneratedIncident;
  resources: Set<string>;
}

export async function startLive(o: LiveOptions): Promise<LiveHandle> {
  const log = o.log ?? (() => {});
  const live = await createLive(o);
  const tickMs = o.tickMs ?? 1000;
  let stopping = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const loop = () => {
    if (stopping) return;
    running = live.step().catch((e: unknown) => {
      log('simulator tick failed', { err: e instanceof Error ? e.message : String(e) });
    });
    void running.then(() => {
      if (!stopping) timer = setTimeout(loop, tickMs);
    });
  };
  loop();
  return {
    stats: live.stats,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      await running;
      live.close();
    },
  };
}

export async function createLive(o: LiveOptions): Promise<LiveSim> {
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => {});
  const { scenario, planner } = o.world;
  const api = new FailoverApi(o.baseUrl, o.apiToken, o.credentials, log);
  const avl = new FailoverAvl(o.avlUrls ?? o.baseUrl, o.avlToken, log);
  await avl.connect();
  const t0 = now();
  const fleet = new FleetSim(scenario, o.world.router ?? plannerRouter(planner), {
    seed: o.seed,
    startMs: t0,
    ...(o.cadence ? { cadence: o.cadence } : {}),
  });
  const types = new Map(scenario.incidentTypes.map((t) => [t.id, t]));
  const stats: LiveStats = { reports: 0, accepted: 0, rejected: 0, calls: 0, mobilised: 0, standbyMoves: 0 };
  const standby = new StandbyWatch(api, log);
  /** Every standby move (moveId) already given to a vehicle: a stale cover answer never repeats one. */
  const movesGiven = new Set<string>();
  const jobs = new Map<string, Job>(); // by server incident id (or local ref)
  const locations = new Map<string, { lat: number; lon: number; priority: number }>();
  let incidentsApi = true;
  let recommendApi = true;

  // Take over the fleet as the server holds it (positions and statuses survive restarts).
  const first = await api.call('GET', '/api/resources');
  for (const r of resourcesOf(first.body)) {
    const st = statusFromName(r.status);
    if (st === undefined) continue;
    const v = fleet.vehicles.get(r.id);
    if (!v) continue;
    const away = Math.abs(v.home.lat - r.lat) + Math.abs(v.home.lon - r.lon) > 1e-4;
    if (away || st !== ResourceStatus.AVAILABLE_AT_STATION)
      fleet.place(
        r.id,
        { lat: r.lat, lon: r.lon },
        st === ResourceStatus.MOBILISED || st === ResourceStatus.AT_SCENE ? ResourceStatus.AVAILABLE_MOBILE : st,
        r.fixTimeMs,
      );
    else fleet.place(r.id, v.home, st, r.fixTimeMs);
  }

  // Calls: generated an hour at a time from one seeded stream.
  const random: Random = seededRandom(o.seed);
  let genUpTo = t0;
  let queue: GeneratedIncident[] = [];
  let seqRef = 0;
  const createKey = createKeys();
  const refill = (upTo: number) => {
    while (genUpTo < upTo) {
      const next = genUpTo + 3_600_000;
      const batch = generateIncidents(scenario, random, genUpTo, next, {
        rateFactor: o.rateFactor ?? 1,
        place: o.world.onRoad,
      });
      for (const b of batch) queue.push({ ...b, ref: `SIM-${++seqRef}` });
      // Demo: the first call comes within seconds, so the map moves as soon as the room opens.
      if (o.autoMobilise && seqRef === batch.length && queue[0])
        queue[0] = { ...queue[0], t: Math.min(queue[0].t, t0 + 5_000) };
      genUpTo = next;
    }
  };

  async function raise(inc: GeneratedIncident, t: number): Promise<void> {
    stats.calls++;
    const type = types.get(inc.typeId);
    if (!type) return;
    let id: string | null = null;
    if (incidentsApi) {
      // Keyed: sent again across a failover (unknown outcome included), made once.
      const res = await api.call('POST', '/api/incidents', incidentCreate(inc, createKey(inc.ref)));
      id = res.status < 300 ? (incidentIdOf(res.body) ?? null) : null;
      // Still unknown once FailoverApi gave up: not sent as if not made; the next reconcile reads the room.
      if (errorCodeOf(res.body) === 'JCR_OUTCOME_UNKNOWN') return;
      if (res.status === 404 || res.status === 405) {
        incidentsApi = false;
        log('POST /api/incidents is not available: the simulator dispatches its own calls (resource status changes)');
      } else if (!id) log('incident refused', { status: res.status, code: errorCodeOf(res.body) });
    }
    const key = id ?? inc.ref;
    locations.set(key, { lat: inc.lat, lon: inc.lon, priority: type.priority });
    const job: Job = { serverId: id, inc, resources: new Set() };
    jobs.set(key, job);
    if (!o.autoMobilise) return;
    let ids: string[] = [];
    let fingerprint: string | undefined;
    if (id && recommendApi) {
      const res = await api.call('GET', `/api/incidents/${encodeURIComponent(id)}/recommendation`);
      if (res.status === 404) recommendApi = false; // not built yet: the simulator chooses by journey time
      if (res.status < 300) {
        const rec = recommendationOf(res.body);
        ids = rec.resourceIds;
        fingerprint = rec.fingerprint;
      }
    }
    const own = ids.length === 0;
    if (own) ids = chooseAttendance(type, inc, fleet, planner, 'dynamic', t).resourceIds;
    if (ids.length === 0) return;
    let done = false;
    if (id) {
      const body: Record<string, unknown> = { resourceIds: ids };
      if (fingerprint !== undefined) body.fingerprint = fingerprint;
      if (own) body.reason = 'simulator demo: journey-time choice';
      const res = await api.call('POST', `/api/incidents/${encodeURIComponent(id)}/mobilise`, body);
      if (errorCodeOf(res.body) === 'JCR_OUTCOME_UNKNOWN') return; // as a create's, above
      done = res.status < 300;
    }
    if (!done) {
      for (const rid of ids)
        await api.call('POST', `/api/resources/${encodeURIComponent(rid)}/status`, {
          status: 'MOBILISED',
          incidentId: key,
        });
    }
    stats.mobilised += ids.length;
  }

  async function locate(incidentId: string): Promise<{ lat: number; lon: number; priority: number } | null> {
    const known = locations.get(incidentId);
    if (known) return known;
    const res = await api.call('GET', `/api/incidents/${encodeURIComponent(incidentId)}`);
    const b = isObj(res.body) && isObj(res.body.incident) ? res.body.incident : res.body;
    if (res.status < 300 && isObj(b) && typeof b.lat === 'number' && typeof b.lon === 'number') {
      const loc = { lat: b.lat, lon: b.lon, priority: typeof b.priority === 'number' ? b.priority : 1 };
      locations.set(incidentId, loc);
      return loc;
    }
    return null;
  }

  /** Turn the control room's decisions into vehicle orders. */
  async function reconcile(t: number): Promise<void> {
    const res = await api.call('GET', '/api/resources');
    const rows = resourcesOf(res.body);
    const seq = isObj(res.body) && typeof res.body.seq === 'number' ? res.body.seq : 0;
    const moves = await standby.active(
      seq,
      rows.some((r) => r.status === 'AVAILABLE_MOBILE'),
    );
    for (const r of rows) {
      const v = fleet.vehicles.get(r.id);
      const st = statusFromName(r.status);
      if (!v || st === undefined) continue;
      const committed = v.status === ResourceStatus.MOBILISED || v.status === ResourceStatus.AT_SCENE;
      const move = moves?.get(r.id);
      const newMove = move !== undefined && !movesGiven.has(move.moveId) ? move : undefined;
      const task = v.task;
      if (st === ResourceStatus.MOBILISED && r.incidentId && task?.taskId !== r.incidentId) {
        // A mobilisation also supersedes a standby move (the server ended it with the status change).
        const where = await locate(r.incidentId);
        if (!where) continue;
        fleet.order(
          r.id,
          {
            kind: 'incident',
            taskId: r.incidentId,
            lat: where.lat,
            lon: where.lon,
            sceneS: sceneTimeS(o.seed, r.incidentId, r.id, where.priority),
          },
          t,
        );
        const job = jobs.get(r.incidentId);
        if (job) job.resources.add(r.id);
      } else if (st === ResourceStatus.AVAILABLE_MOBILE && newMove) {
        // A standby move ordered by the room (a new one supersedes the one being driven).
        movesGiven.add(newMove.moveId);
        stats.standbyMoves++;
        fleet.order(
          r.id,
          { kind: 'standby', taskId: newMove.moveId, lat: newMove.lat, lon: newMove.lon, atStation: newMove.atStation },
          t,
        );
      } else if (
        task?.kind === 'standby' &&
        (st === ResourceStatus.AVAILABLE_MOBILE || st === ResourceStatus.AVAILABLE_AT_STATION)
      ) {
        // Driving a standby move. Gone from the server within the arrival radius: the server saw the
        // AVL position arrive (and, at a station, booked the crew there); the vehicle parks at the
        // destination itself. Gone farther out: cancelled (or booked at station by an operator).
        const here = fleet.positionAt(v, t);
        const near = (p: { lat: number; lon: number }) =>
          haversineM(p.lat, p.lon, task.lat, task.lon) <= STANDBY_ARRIVAL_M;
        const arriving = near(here) || near(r);
        if (arriving || move?.moveId === task.taskId) continue;
        if (st === ResourceStatus.AVAILABLE_MOBILE && moves !== null)
          fleet.order(r.id, { kind: 'stop', status: st }, t);
        else if (st === ResourceStatus.AVAILABLE_AT_STATION) fleet.order(r.id, { kind: 'return' }, t);
      } else if (st === ResourceStatus.RETURNING && v.status !== ResourceStatus.RETURNING) {
        fleet.order(r.id, { kind: 'return' }, t);
      } else if (
        (st === ResourceStatus.AVAILABLE_MOBILE || st === ResourceStatus.UNAVAILABLE) &&
        (committed || task?.kind === 'standby')
      ) {
        fleet.order(r.id, { kind: 'stop', status: st }, t);
      } else if (st === ResourceStatus.AVAILABLE_AT_STATION && v.status !== st) {
        fleet.order(r.id, { kind: 'return' }, t);
      }
    }
  }

  async function closeFinished(events: ReturnType<FleetSim['drain']>['events']): Promise<void> {
    for (const e of events) {
      if (e.status !== ResourceStatus.RETURNING || e.taskId === null) continue;
      const job = jobs.get(e.taskId);
      if (!job || !job.resources.delete(e.resourceId) || job.resources.size > 0) continue;
      jobs.delete(e.taskId);
      if (job.serverId && o.autoMobilise)
        await api.call('POST', `/api/incidents/${encodeURIComponent(job.serverId)}/close`, {
          reason: 'simulator: all resources left the scene',
        });
    }
  }

  const pollMs = o.pollMs ?? 2000;
  let lastPoll = 0;

  async function step(): Promise<void> {
    const t = now();
    fleet.advance(t);
    const { reports, events } = fleet.drain();
    if (reports.length > 0) {
      const ack = await avl.send(reports);
      o.onAck?.(reports, ack);
      stats.reports += reports.length;
      stats.accepted += ack.accepted;
      stats.rejected += ack.rejected.length;
      if (ack.rejected.length > 0)
        log('AVL reports refused', {
          count: ack.rejected.length,
          first: ack.rejected[0]?.code,
          message: ack.rejected[0]?.message,
        });
    }
    await closeFinished(events);
    if (o.incidents ?? true) {
      refill(t + 60_000);
      while (queue.length > 0 && queue[0]!.t <= t) await raise(queue.shift()!, t);
      queue = queue.filter((q) => q.t > t);
    }
    if (t - lastPoll >= pollMs) {
      lastPoll = t;
      await reconcile(t);
    }
  }

  return { stats, fleet, step, close: () => avl.close() };
}

interface ResourceRow {
  id: string;
  status: string;
  lat: number;
  lon: number;
  fixTimeMs: number;
  incidentId: string | null;
}

function resourcesOf(body: unknown): ResourceRow[] {
  const list = isObj(body) && Array.isArray(body.resources) ? body.resources : [];
  const out: ResourceRow[] = [];
  for (const r of list) {
    if (
      !isObj(r) ||
      typeof r.id !== 'string' ||
      typeof r.status !== 'string' ||
      typeof r.lat !== 'number' ||
      typeof r.lon !== 'number'
    )
      continue;
    out.push({
      id: r.id,
      status: r.status,
      lat: r.lat,
      lon: r.lon,
      fixTimeMs: typeof r.fixTimeMs === 'number' ? r.fixTimeMs : 0,
      incidentId: typeof r.incidentId === 'string' ? r.incidentId : null,
    });
  }
  return out;
}
