/**
 * The journey times in force (issue 19, docs/calibration.md): the prior's, or, with a calibration
 * in force, those of the time band of the moment, each band a planner of its own
 * (calibratedModel, server/core/calibration/apply.ts) with its own station trees and landmarks,
 * so the exactness of docs/incidents.md holds within each band.
 *
 * The switch is one assignment: the `calibration.inForce` change (bringing in, rolling back: an
 * Engine change, server/core/calibration/force.ts) replaces the calibration read by the next
 * question, and a band's planner is made (a few milliseconds: weights are built per profile on
 * first use) the first time its band is asked for, then its station trees and landmarks are
 * warmed one per macrotask off the request path (until then questions use the search, exact
 * too). Only the current band's planner is kept. With the prior in force (and with no history at
 * all) the prior's journey times answer, exactly as before calibrations existed.
 */
import { calibratedModel, roadFactorArray } from '../../core/calibration/apply.ts';
import type { SpeedFactors } from '../../core/calibration/estimate.ts';
import type { CalibrationRef } from '../../core/calibration/force.ts';
import { bandOf } from '../../core/calibration/time-band.ts';
import type { Clock } from '../../core/clock.ts';
import { JourneyPlanner } from '../../core/graph/planner.ts';
import { PlannerJourneyTimes, stationPoints, type JourneyTimes } from '../../core/incidents/journeys.ts';
import type { Scenario } from '../../core/scenario/types.ts';
import type { Engine } from '../engine.ts';
import type { Mobilisation, Timing } from '../incidents/mobilisation.ts';
import type { Logger } from '../log.ts';
import { CalibrationStore, networkKey } from '../store/calibrations.ts';
import { every, type Timers } from '../timers.ts';

/** A calibration as the planner uses it: its blue-light factors (mobilisation is under blue lights). */
export interface ActiveCalibration {
  version: number;
  factors: SpeedFactors;
  roads: Float32Array;
}

/** The speeds the cover worker is to time with: a calibration's band, or null for the prior. */
export interface BandSpeeds {
  version: number;
  band: string;
  factors: SpeedFactors;
}

export interface CalibratedJourneysOptions {
  engine: Engine;
  planner: JourneyPlanner;
  scenario: Scenario;
  /** The prior's mobilisation (journeys and cover impact): answers whenever the prior is in force. */
  prior: Mobilisation;
  clock: Clock;
  timers: Timers;
  log?: Logger | undefined;
  /** Told of every change of the speeds in force (calibration or band): the cover worker follows. */
  onSpeeds?: (s: BandSpeeds | null) => void;
  /** How often the band of the moment is checked for the cover (default 60 s). */
  bandCheckMs?: number;
}

/** Band boundaries are whole local hours (or half or three-quarter in some zones): 15 minutes never straddle one. */
const BAND_BUCKET_MS = 15 * 60_000;

export class CalibratedJourneys implements Mobilisation {
  readonly cover: Mobilisation['cover'];
  private readonly o: CalibratedJourneysOptions;
  private readonly store: CalibrationStore;
  private active: ActiveCalibration | null = null;
  private bandJourneys: { band: string; journeys: PlannerJourneyTimes } | null = null;
  private bucket = { at: -1, band: '' };
  private speedsKey = 'prior';
  private stopWarming: () => void = () => {};
  private readonly stops: Array<() => void> = [];

  constructor(o: CalibratedJourneysOptions) {
    this.o = o;
    this.cover = o.prior.cover;
    this.store = new CalibrationStore(o.engine.store);
    this.load(o.engine.room.calibration.inForce);
    this.stops.push(
      o.engine.onChanges((r) => {
        if (r.events.some((e) => e.type === 'calibration.inForce')) this.load(o.engine.room.calibration.inForce);
      }),
      every(o.timers, o.bandCheckMs ?? 60_000, () => this.tellSpeeds()),
    );
  }

  /** The calibration in force as the planner uses it (null: the prior). */
  get calibration(): ActiveCalibration | null {
    return this.active;
  }

  get journeys(): JourneyTimes {
    return this.timing(this.o.clock()).journeys;
  }

  /** The journey times in force at `now` and which calibration (version, band) makes them. */
  timing(now: number): Timing {
    const a = this.active;
    if (!a) return { journeys: this.o.prior.journeys, calibration: null };
    const band = this.bandAt(now);
    let bj = this.bandJourneys;
    if (!bj || bj.band !== band) bj = this.build(a, band);
    return { journeys: bj.journeys, calibration: { version: a.version, band } };
  }

  close(): void {
    this.stopWarming();
    for (const s of this.stops) s();
  }

  private bandAt(now: number): string {
    const at = Math.floor(now / BAND_BUCKET_MS);
    if (this.bucket.at !== at) this.bucket = { at, band: bandOf(this.o.scenario.timezone, now).band };
    return this.bucket.band;
  }

  /** Bring a calibration (by its reference in the room's log) into the planner; null: the prior. */
  private load(ref: CalibrationRef | null): void {
    if (ref?.version === this.active?.version) return;
    let next: ActiveCalibration | null = null;
    if (ref) {
      const rec = this.store.get(ref.version);
      const g = this.o.planner.graph;
      if (!rec || rec.network !== networkKey(g))
        this.o.log?.warn('calibration in force not usable here: timing with the prior', {
          version: ref.version,
          reason: rec ? 'learnt on another road network' : 'no such version in the calibrations table',
        });
      else
        next = {
          version: rec.version,
          factors: rec.factors.blue,
          roads: roadFactorArray(rec.factors.blue, g.geomStart.length - 1),
        };
    }
    // one assignment: the next question reads the new calibration
    this.active = next;
    this.stopWarming();
    this.bandJourneys = null;
    this.o.log?.info('journey times now from', { calibration: next ? next.version : 'the prior' });
    if (next) this.build(next, this.bandAt(this.o.clock()));
    this.tellSpeeds();
  }

  /** The band's planner and journey times (the only one kept), its trees warmed off the request path. */
  private build(a: ActiveCalibration, band: string): { band: string; journeys: PlannerJourneyTimes } {
    const p = this.o.planner;
    const speed = calibratedModel(this.o.scenario.speedProfiles, p.graph, a.factors, band, a.roads);
    const planner = new JourneyPlanner(p.graph, speed, { maxSnapM: p.maxSnapM, offRoadKmh: p.offRoadKmh });
    const journeys = new PlannerJourneyTimes(planner, { stations: stationPoints(this.o.scenario) });
    this.stopWarming();
    this.stopWarming = warm(journeys, this.o.timers);
    this.bandJourneys = { band, journeys };
    this.tellSpeeds();
    return this.bandJourneys;
  }

  /** Tell the cover of the speeds of the moment when they changed (calibration or band). */
  private tellSpeeds(): void {
    const a = this.active;
    const band = a ? this.bandAt(this.o.clock()) : '';
    const key = a ? `${a.version}|${band}` : 'prior';
    if (key === this.speedsKey) return;
    this.speedsKey = key;
    this.o.onSpeeds?.(a ? { version: a.version, band, factors: a.factors } : null);
  }
}

/** Build the trees and landmarks one per macrotask; returns the function that stops it. */
function warm(j: PlannerJourneyTimes, timers: Timers): () => void {
  let h: unknown = null;
  const step = () => {
    h = j.warmOne() ? timers.setTimeout(step, 0) : null;
  };
  h = timers.setTimeout(step, 0);
  return () => {
    if (h !== null) timers.clearTimeout(h);
    h = null;
  };
}
