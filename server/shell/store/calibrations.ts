/**
 * Calibrations in the database (migration 6): each run of the calibration is a versioned
 * artefact (its speed factors per driving mode, the trips it learnt from and its held-out error).
 * Which version is in force is not kept here: bringing one into force and rolling back are
 * changes of the room (`calibration.inForce` events, server/core/calibration/force.ts), so the
 * event log says who changed the room's journey times, when and why, and every listener hears it.
 */
import type { SpeedFactors } from '../../core/calibration/estimate.ts';
import { factorProblem } from '../../core/calibration/factor-range.ts';
import type { Store } from './store.ts';

export interface CalibrationFactors {
  blue: SpeedFactors;
  routine: SpeedFactors;
}

export interface CalibrationRecord {
  version: number;
  createdAt: number;
  /** The road network it was learnt on (roads are numbered by geometry): see networkKey. */
  network: string;
  learnedFrom: number;
  learnedTo: number;
  heldOutTrips: number;
  /** Held-out MAPE of what was in force before, and of this calibration. */
  mapeBefore: number;
  mapeAfter: number;
  biasAfter: number;
  accepted: boolean;
  reason: string;
  factors: CalibrationFactors;
}

interface Row {
  version: number;
  created_at: number;
  network: string;
  learned_from: number;
  learned_to: number;
  held_out_trips: number;
  mape_before: number;
  mape_after: number;
  bias_after: number;
  accepted: number;
  reason: string;
  factors: string;
}

const fromRow = (r: Row): CalibrationRecord => ({
  version: r.version,
  createdAt: r.created_at,
  network: r.network,
  learnedFrom: r.learned_from,
  learnedTo: r.learned_to,
  heldOutTrips: r.held_out_trips,
  mapeBefore: r.mape_before,
  mapeAfter: r.mape_after,
  biasAfter: r.bias_after,
  accepted: r.accepted === 1,
  reason: r.reason,
  factors: JSON.parse(r.factors) as CalibrationFactors,
});

export class CalibrationStore {
  constructor(private readonly store: Store) {}

  /** Save a calibration run; returns its version. */
  add(c: Omit<CalibrationRecord, 'version'>): number {
    const info = this.store.db
      .prepare(
        `INSERT INTO calibrations (created_at, network, learned_from, learned_to, held_out_trips, mape_before,
           mape_after, bias_after, accepted, reason, factors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.createdAt,
        c.network,
        c.learnedFrom,
        c.learnedTo,
        c.heldOutTrips,
        c.mapeBefore,
        c.mapeAfter,
        c.biasAfter,
        c.accepted ? 1 : 0,
        c.reason,
        JSON.stringify(c.factors),
      );
    return Number(info.lastInsertRowid);
  }

  get(version: number): CalibrationRecord | undefined {
    const r = this.store.db.prepare('SELECT * FROM calibrations WHERE version = ?').get(version) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** Every run, newest first (factors included). */
  list(limit = 50): CalibrationRecord[] {
    const rows = this.store.db.prepare('SELECT * FROM calibrations ORDER BY version DESC LIMIT ?').all(limit) as Row[];
    return rows.map(fromRow);
  }
}

/** What identifies a road network for a calibration: its roads are numbered by geometry. */
export function networkKey(g: { geomStart: ArrayLike<number>; edgeCount: number; pointCount: number }): string {
  return `g${g.geomStart.length - 1}-e${g.edgeCount}-p${g.pointCount}`;
}

/**
 * What is wrong with a stored artefact's factors (a row written by hand or by another tool), as
 * "factors.blue.roads.12 is 0", or null when both modes are within the allowed range
 * (server/core/calibration/factor-range.ts). Such an artefact is never brought into force.
 */
export function factorsProblem(f: CalibrationFactors): string | null {
  const p = factorProblem(f.blue, 'factors.blue') ?? factorProblem(f.routine, 'factors.routine');
  return p && `${p.path} ${p.why}`;
}
