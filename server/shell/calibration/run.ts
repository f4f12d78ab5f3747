/**
 * One calibration run against the room's database (`npm run calibrate`, docs/calibration.md):
 * the AVL history and the status changes in the event log cut into trips, matched in the worker
 * thread, factors estimated and judged on held-out trips; the run is saved as a new version and
 * comes into force only if the verdict accepts it.
 */
import type { SpeedFactors } from '../../core/calibration/estimate.ts';
import type { CalibrationRef } from '../../core/calibration/force.ts';
import type { CommandContext } from '../../core/events.ts';
import { roadClassOf } from '../../core/calibration/apply.ts';
import { learnCalibration } from '../../core/calibration/learn.ts';
import { tripsOf, type Position, type StatusChange } from '../../core/calibration/trips.ts';
import type { MatchOptions } from '../../core/calibration/matcher.ts';
import { isResourceStatus } from '../../core/fleet/status.ts';
import type { RoadGraph } from '../../core/graph/build.ts';
import type { SpeedProfile } from '../../core/scenario/types.ts';
import { JcrError } from '../../core/errors.ts';
import { CalibrationStore, networkKey } from '../store/calibrations.ts';
import { isServed } from '../store/serving.ts';
import type { Store } from '../store/store.ts';
import type { Engine } from '../engine.ts';
import { MatchWorker } from './match-worker.ts';

/** What is in force, and bringing a version into force: the room's, as a change (forceThrough). */
export interface CalibrationForce {
  inForce(): CalibrationRef | null;
  bringIntoForce(version: number, network: string, reason: string): Promise<void>;
}

/** The room's calibration in force, changed through Engine.submit with this origin and actor. */
export function forceThrough(engine: Engine, ctx: CommandContext): CalibrationForce {
  return {
    inForce: () => engine.room.calibration.inForce,
    bringIntoForce: async (version, network, reason) => {
      await engine.submit({ type: 'calibration.bringIntoForce', version, network, reason }, ctx);
    },
  };
}

/**
 * The calibration as `npm run calibrate` may change it. With no server on the database: the
 * room's log directly (origin operator, actor calibrate-cli). With a server running on it
 * (server/shell/store/serving.ts): never the log, whose appends that server would not hear (it
 * reads the log at its start only), so its room and the log would disagree until a restart. A
 * run is then saved as a version only, which the server lists at once (GET /api/calibration) and
 * the duty officer brings in through it (POST /api/calibration/activate); a rollback is refused.
 */
export function byHand(engine: Engine, dbPath: string) {
  const served = isServed(dbPath);
  const ctx = { origin: 'operator' as const, actor: 'calibrate-cli' };
  const through = forceThrough(engine, ctx);
  const force: CalibrationForce = served ? { inForce: through.inForce, bringIntoForce: async () => {} } : through;
  return {
    served,
    force,
    /** Bring back what was in force before; returns what is in force then. */
    async rollBack(reason: string): Promise<CalibrationRef | null> {
      if (served)
        throw new JcrError(
          'JCR_CONFLICT',
          `a server is running on ${dbPath}: roll back through it (POST /api/calibration/rollback, duty officer)`,
        );
      await engine.submit({ type: 'calibration.rollBack', reason }, ctx);
      return through.inForce();
    },
  };
}

export interface CalibrationRunOptions {
  /** The database with the AVL history and the event log to learn from; the artefact is saved there. */
  store: Store;
  /** What is in force and how a version comes into force (forceThrough an Engine). */
  force: CalibrationForce;
  graph: RoadGraph;
  speedProfiles: Readonly<Record<string, SpeedProfile>>;
  zone: string;
  /** A resource's speed profile (undefined: not calibrated from, e.g. drones). */
  profileOf: (resourceId: string) => string | undefined;
  /** Learn from fixes at or after this time, epoch ms. */
  sinceMs: number;
  now: number;
  /** Save the run but never bring it into force. */
  dryRun?: boolean;
  heldOutShare?: number;
  match?: MatchOptions;
}

export interface CalibrationRunResult {
  version: number;
  accepted: boolean;
  inForce: number | null;
  reason: string;
  trips: number;
  traversals: number;
  mapeBefore: number;
  mapeAfter: number;
}

export async function runCalibration(o: CalibrationRunOptions): Promise<CalibrationRunResult> {
  const db = o.store.db;
  const positions = (
    db
      .prepare('SELECT resource_id, fix_time, lat, lon FROM positions WHERE fix_time >= ? ORDER BY id')
      .all(o.sinceMs) as Array<{ resource_id: string; fix_time: number; lat: number; lon: number }>
  ).map((r): Position => ({ resourceId: r.resource_id, t: r.fix_time, lat: r.lat, lon: r.lon }));
  const changes: StatusChange[] = [];
  const rows = db
    .prepare("SELECT at, data FROM events WHERE type = 'resource.status' ORDER BY seq")
    .iterate() as Iterable<{
    at: number;
    data: string;
  }>;
  for (const r of rows) {
    const d = JSON.parse(r.data) as { resourceId?: unknown; status?: unknown };
    if (typeof d.resourceId === 'string' && isResourceStatus(d.status))
      changes.push({ resourceId: d.resourceId, t: r.at, status: d.status });
  }
  const trips = tripsOf(positions, changes, o.profileOf);
  const worker = new MatchWorker(o.graph, o.speedProfiles, o.match);
  let matched;
  try {
    matched = await worker.match(trips);
  } finally {
    await worker.close();
  }
  const cal = new CalibrationStore(o.store);
  const network = networkKey(o.graph);
  const current = o.force.inForce();
  const currentRec = current === null ? undefined : cal.get(current.version);
  const inForce: SpeedFactors | null = currentRec && currentRec.network === network ? currentRec.factors.blue : null;
  const learnt = learnCalibration(matched, {
    zone: o.zone,
    classOf: roadClassOf(o.graph),
    inForce,
    ...(o.heldOutShare === undefined ? {} : { heldOutShare: o.heldOutShare }),
  });
  const v = learnt.verdict;
  const version = cal.add({
    createdAt: o.now,
    network,
    learnedFrom: learnt.learnedFrom,
    learnedTo: learnt.learnedTo,
    heldOutTrips: v.candidate.trips,
    mapeBefore: v.current.mape,
    mapeAfter: v.candidate.mape,
    biasAfter: v.candidate.bias,
    accepted: v.accept,
    reason: v.reason,
    factors: learnt.factors,
  });
  if (v.accept && !o.dryRun) await o.force.bringIntoForce(version, network, v.reason);
  return {
    version,
    accepted: v.accept,
    inForce: o.force.inForce()?.version ?? null,
    reason: v.reason,
    trips: trips.length,
    traversals: matched.reduce((s, m) => s + m.traversals.length, 0),
    mapeBefore: v.current.mape,
    mapeAfter: v.candidate.mape,
  };
}
