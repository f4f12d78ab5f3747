/**
 * A headless simulated run on virtual time: incidents from a stream, mobilised by one of the
 * simulator's policies (sim/compare/dispatch.ts), vehicles moved by the FleetSim over the journey
 * planner's routes. It produces a recording (sim/record/format.ts) and per-incident outcomes.
 * Deterministic: the same scenario, network, stream, seed and mode give the same output.
 * Nothing here talks to a server; `replay` does that with the recording.
 */
import { ResourceStatus, STATUS_NAMES } from '../server/core/fleet/status.ts';
import type { JourneyPlanner } from '../server/core/graph/planner.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { chooseAttendance, type DispatchMode } from './compare/dispatch.ts';
import { FleetSim, sceneTimeS, type Router, type SimEvent } from './fleet/fleet-sim.ts';
import type { GeneratedIncident } from './incidents/generator.ts';
import type { MoveUp, MoveUpStats } from './compare/move-up.ts';
import { RECORDING_FORMAT, RECORDING_VERSION, toRecReport, type RecLine, type Recording } from './record/format.ts';

/** Seconds from the call to the mobilisation (call handling), the same in every mode. */
export const CALL_HANDLING_S = 60;

export interface HeadlessOptions {
  scenario: Scenario;
  planner: JourneyPlanner;
  incidents: readonly GeneratedIncident[];
  seed: number;
  startMs: number;
  durationMs: number;
  mode: DispatchMode;
  /** Produce AVL reports and a recording (false: outcomes only, faster). */
  record: boolean;
  /** Keep simulating this long after durationMs so late arrivals are measured (not recorded). */
  drainMs?: number;
  /** How vehicles drive (default: the planner's routes at its speeds; true traffic: sim/traffic/). */
  router?: Router;
  /** A move-up policy (sim/compare/move-up.ts), asked after every call, mobilisation and minute. */
  moveUp?: MoveUp;
}

export interface IncidentOutcome {
  ref: string;
  typeId: string;
  t: number;
  mobilised: string[];
  unfilled: number;
  /** Arrival time (ms) of each mobilised resource that arrived. */
  arrivals: Map<string, number>;
}

export interface HeadlessResult {
  recording: Recording | null;
  outcomes: IncidentOutcome[];
  fleet: FleetSim;
  /** What the move-up policy did (zero without one). */
  moves: MoveUpStats;
}

export function plannerRouter(planner: JourneyPlanner): Router {
  return (from, to, profile) => {
    try {
      const r = planner.eta(from, to, profile);
      return r ? { coords: r.coords, seconds: r.seconds } : null;
    } catch {
      return null; // off road: the FleetSim drives a straight line
    }
  };
}

type Action = { t: number; kind: 'call' | 'mobilise'; inc: GeneratedIncident } | { t: number; kind: 'tick' };

/** Decision moments of a move-up policy between calls: every minute of virtual time. */
const TICK_MS = 60_000;
const KIND_ORDER = { call: 0, mobilise: 1, tick: 2 };

export function runHeadless(o: HeadlessOptions): HeadlessResult {
  const { scenario, planner, startMs } = o;
  const endMs = startMs + o.durationMs;
  const fleet = new FleetSim(scenario, o.router ?? plannerRouter(planner), {
    seed: o.seed,
    startMs,
    reports: o.record,
  });
  const types = new Map(scenario.incidentTypes.map((t) => [t.id, t]));
  const lines: RecLine[] = [];
  const lastReport = new Map<string, { lat: number; lon: number }>();
  const outcomes = new Map<string, IncidentOutcome>();
  /** Open incidents: resources still to leave the scene. */
  const open = new Map<string, Set<string>>();
  const sec = (t: number) => Math.floor(t / 1000) * 1000;

  const actions: Action[] = [];
  for (const inc of o.incidents) {
    if (inc.t < startMs || inc.t >= endMs) continue;
    actions.push(
      { t: sec(inc.t), kind: 'call', inc },
      { t: sec(inc.t) + CALL_HANDLING_S * 1000, kind: 'mobilise', inc },
    );
  }
  if (o.moveUp) for (let t = startMs + TICK_MS; t < endMs; t += TICK_MS) actions.push({ t, kind: 'tick' });
  actions.sort((a, b) => a.t - b.t || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  /** Crew events since the move-up policy last looked. */
  let seen: SimEvent[] = [];

  const flush = (upTo: number, recording: boolean) => {
    fleet.advance(upTo);
    const { reports, events } = fleet.drain();
    if (o.moveUp) seen.push(...events);
    for (const e of events) {
      if (e.taskId === null) continue;
      const out = outcomes.get(e.taskId);
      if (out && e.status === ResourceStatus.AT_SCENE && !out.arrivals.has(e.resourceId))
        out.arrivals.set(e.resourceId, e.t);
      if (e.status === ResourceStatus.RETURNING && recording) {
        const left = open.get(e.taskId);
        if (left && left.delete(e.resourceId) && left.size === 0) {
          open.delete(e.taskId);
          pendingCloses.push({ t: e.t, ref: e.taskId });
        }
      }
    }
    if (!recording || !o.record) return;
    // One AVL line per second of send time: reports whose fix falls in (T-1000, T].
    let batch: { t: number; reports: ReturnType<typeof toRecReport>[] } | null = null;
    const emitClosesUpTo = (t: number) => {
      while (pendingCloses.length > 0 && pendingCloses[0]!.t <= t) {
        const c = pendingCloses.shift()!;
        lines.push({ type: 'close', t: Math.ceil((c.t - startMs) / 1000) * 1000, ref: c.ref });
      }
    };
    for (const r of reports) {
      const sendT = Math.ceil((r.fixTimeMs - startMs) / 1000) * 1000;
      if (!batch || batch.t !== sendT) {
        if (batch) lines.push({ type: 'avl', t: batch.t, reports: batch.reports });
        emitClosesUpTo(startMs + sendT - 1000);
        batch = { t: sendT, reports: [] };
      }
      batch.reports.push(toRecReport(r, startMs));
      lastReport.set(r.resourceId, { lat: r.lat, lon: r.lon });
    }
    if (batch) lines.push({ type: 'avl', t: batch.t, reports: batch.reports });
    emitClosesUpTo(upTo);
  };
  const pendingCloses: Array<{ t: number; ref: string }> = [];

  /** A call or a mobilisation; returns the resources mobilised. */
  function act(a: Extract<Action, { inc: GeneratedIncident }>): string[] {
    const rel = a.t - startMs;
    const inc = a.inc;
    const type = types.get(inc.typeId);
    if (!type) return [];
    if (a.kind === 'call') {
      outcomes.set(inc.ref, {
        ref: inc.ref,
        typeId: inc.typeId,
        t: inc.t,
        mobilised: [],
        unfilled: 0,
        arrivals: new Map(),
      });
      if (o.record)
        lines.push({
          type: 'incident',
          t: rel,
          ref: inc.ref,
          typeId: inc.typeId,
          priority: inc.priority,
          lat: inc.lat,
          lon: inc.lon,
          address: `near ${inc.near}`,
        });
      return [];
    }
    const choice = chooseAttendance(type, inc, fleet, planner, o.mode, a.t);
    const out = outcomes.get(inc.ref)!;
    out.mobilised = choice.resourceIds;
    out.unfilled = choice.unfilled;
    if (choice.resourceIds.length === 0) return [];
    if (o.record) lines.push({ type: 'mobilise', t: rel, ref: inc.ref, resourceIds: choice.resourceIds });
    open.set(inc.ref, new Set(choice.resourceIds));
    for (const id of choice.resourceIds) {
      // A resource re-mobilised away from an open incident no longer holds that incident open.
      for (const [ref, set] of open) {
        if (ref !== inc.ref && set.delete(id) && set.size === 0) {
          open.delete(ref);
          pendingCloses.push({ t: a.t, ref });
        }
      }
      fleet.order(
        id,
        {
          kind: 'incident',
          taskId: inc.ref,
          lat: inc.lat,
          lon: inc.lon,
          sceneS: sceneTimeS(o.seed, inc.ref, id, type.priority),
        },
        a.t,
      );
    }
    return choice.resourceIds;
  }

  for (const a of actions) {
    if (o.record && a.t > endMs) break;
    flush(a.t, a.t <= endMs);
    const mobilised = a.kind === 'tick' ? [] : act(a);
    if (o.moveUp) {
      o.moveUp.step(a.t, fleet, seen, mobilised);
      seen = [];
    }
  }
  flush(endMs, true);
  const moves = o.moveUp ? o.moveUp.finish(endMs, seen) : { moves: 0, driveS: 0 };
  let recording: Recording | null = null;
  if (o.record) {
    const resources = [...fleet.vehicles.values()].map((v) => {
      const p = lastReport.get(v.id) ?? v.home;
      return { id: v.id, status: STATUS_NAMES[v.status], lat: p.lat, lon: p.lon };
    });
    lines.push({ type: 'expect', t: o.durationMs, resources });
    recording = {
      header: {
        type: 'header',
        format: RECORDING_FORMAT,
        version: RECORDING_VERSION,
        scenario: scenario.id,
        startMs,
        durationMs: o.durationMs,
        source: 'sim',
        seed: o.seed,
      },
      lines,
    };
  }
  if (o.drainMs) flush(endMs + o.drainMs, false);
  return { recording, outcomes: [...outcomes.values()], fleet, moves };
}
