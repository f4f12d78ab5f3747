/**
 * The journey times in force (issue 19, docs/calibration.md): the prior's, or, with a calibration
 * in force, those of the time band of the moment, each band a planner of its own
 * (calibratedModel, server/core/calibration/apply.ts) with its own station trees and landmarks,
 * so the exactness of docs/incidents.md holds within each band.
 *
 * Off the event loop: a band's weights, landmarks and station trees are built by a BandBuilder
 * (./band-worker.ts: a worker thread) and adopted here whole. Until they arrive the journey
 * times answering stay the previous ones, warm and exact (the prior's, or the previous band's or
 * calibration's), and so does the calibration a timing reports; the switch is one assignment.
 * A return to the prior (a rollback to it, or a version not usable here) is at once: its trees
 * are the server's own. Only the band answering is kept. The cover is told each switch.
 */
import { roadFactorArray } from '../../core/calibration/apply.ts';
import type { SpeedFactors } from '../../core/calibration/estimate.ts';
import type { CalibrationRef } from '../../core/calibration/force.ts';
import { bandOf } from '../../core/calibration/time-band.ts';
import type { Clock } from '../../core/clock.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import { stationPoints, type JourneyTimes, type WarmParts } from '../../core/incidents/journeys.ts';
import type { Scenario } from '../../core/scenario/types.ts';
import type { PlannerBase } from '../cover/answer.ts';
import type { SharedGraph } from '../cover/shared-graph.ts';
import type { Engine } from '../engine.ts';
import type { Mobilisation, Timing } from '../incidents/mobilisation.ts';
import type { Logger } from '../log.ts';
import { CalibrationStore, factorsProblem, networkKey } from '../store/calibrations.ts';
import { every, type Timers } from '../timers.ts';
import { bandJourneys } from './band-protocol.ts';
import { BandWorker, type BandBuilder } from './band-worker.ts';

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
  /** Told of every change of the speeds answering (calibration or band): the cover worker follows. */
  onSpeeds?: (s: BandSpeeds | null) => void;
  /** How often the band of the moment is checked (default 60 s). */
  bandCheckMs?: number;
  /** Who builds a band's trees (default: a BandWorker, started on the first calibration brought in). */
  bands?: BandBuilder;
  /** The graph in shared memory for the default BandWorker; made from planner.graph when not given. */
  shared?: SharedGraph;
}

/** Band boundaries are whole local hours (or half or three-quarter in some zones): 15 minutes never straddle one. */
const BAND_BUCKET_MS = 15 * 60_000;

/** What answers: journey times and the calibration band they are (null: the prior). */
interface Answering {
  key: string;
  journeys: JourneyTimes;
  speeds: BandSpeeds | null;
}

export class CalibratedJourneys implements Mobilisation {
  readonly cover: Mobilisation['cover'];
  private readonly o: CalibratedJourneysOptions;
  private readonly store: CalibrationStore;
  private active: ActiveCalibration | null = null;
  private answering: Answering;
  private bucket = { at: -1, band: '' };
  /** The band being built (its key) and its promise; a key that failed waits for the next band check. */
  private building: { key: string; done: Promise<void> } | null = null;
  private failed: string | null = null;
  private builder: BandBuilder | null;
  private closed = false;
  private readonly stops: Array<() => void> = [];

  constructor(o: CalibratedJourneysOptions) {
    this.o = o;
    this.cover = o.prior.cover;
    this.builder = o.bands ?? null;
    this.store = new CalibrationStore(o.engine.store);
    this.answering = this.prior();
    this.load(o.engine.room.calibration.inForce);
    this.stops.push(
      o.engine.onChanges((r) => {
        if (r.events.some((e) => e.type === 'calibration.inForce')) this.load(o.engine.room.calibration.inForce);
      }),
      every(o.timers, o.bandCheckMs ?? 60_000, () => {
        this.failed = null;
        this.check(this.o.clock());
      }),
    );
  }

  /** The calibration in force as the planner uses it (null: the prior), answering or still being built. */
  get calibration(): ActiveCalibration | null {
    return this.active;
  }

  get journeys(): JourneyTimes {
    return this.timing(this.o.clock()).journeys;
  }

  /** The journey times answering at `now` and which calibration (version, band) makes them. */
  timing(now: number): Timing {
    this.check(now);
    const a = this.answering;
    return { journeys: a.journeys, calibration: a.speeds && { version: a.speeds.version, band: a.speeds.band } };
  }

  /** Resolves once no band is being built (what is wanted answers, or its build failed): for tests and tools. */
  async settled(): Promise<void> {
    while (this.building) await this.building.done;
  }

  close(): void {
    this.closed = true;
    for (const s of this.stops) s();
    void this.builder?.close();
  }

  private prior(): Answering {
    return { key: 'prior', journeys: this.o.prior.journeys, speeds: null };
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
      const problem = !rec
        ? 'no such version in the calibrations table'
        : rec.network !== networkKey(g)
          ? 'learnt on another road network'
          : factorsProblem(rec.factors);
      if (problem || !rec)
        this.o.log?.warn('calibration in force not usable here: timing with the prior', {
          version: ref.version,
          reason: problem,
        });
      else
        next = {
          version: rec.version,
          factors: rec.factors.blue,
          roads: roadFactorArray(rec.factors.blue, g.geomStart.length - 1),
        };
    }
    this.active = next;
    this.failed = null;
    this.check(this.o.clock());
  }

  /** What should answer at `now`; switch to it at once if it is the prior, else have its band built. */
  private check(now: number): void {
    if (this.closed) return;
    const a = this.active;
    if (!a) return this.switchTo(this.prior());
    const band = this.bandAt(now);
    const key = `${a.version}|${band}`;
    if (key === this.answering.key || key === this.failed || this.building) return;
    const speeds: BandSpeeds = { version: a.version, band, factors: a.factors };
    const done = this.bands()
      .build(a.factors, band)
      .then(
        (parts) => this.built(key, speeds, parts),
        (e: unknown) => {
          this.failed = key;
          this.o.log?.error('band trees not built: the previous journey times answer', {
            band: key,
            err: e instanceof Error ? e.message : String(e),
          });
        },
      )
      .finally(() => {
        this.building = null;
        this.check(this.o.clock()); // the band or calibration may have moved on meanwhile
      });
    this.building = { key, done };
  }

  /** A band's parts arrived: adopt them into its planner and switch, if it is still what is wanted. */
  private built(key: string, speeds: BandSpeeds, parts: WarmParts): void {
    const a = this.active;
    if (this.closed || !a || a.version !== speeds.version || this.bandAt(this.o.clock()) !== speeds.band) return;
    const journeys = bandJourneys(this.base(), stationPoints(this.o.scenario), speeds);
    journeys.adopt(parts);
    this.switchTo({ key, journeys, speeds });
  }

  /** One assignment: the next question reads the new journey times; the cover is told. */
  private switchTo(next: Answering): void {
    if (next.key === this.answering.key) return;
    this.answering = next;
    this.o.log?.info('journey times now from', { calibration: next.speeds ? next.key : 'the prior' });
    this.o.onSpeeds?.(next.speeds);
  }

  private base(): PlannerBase {
    const p = this.o.planner;
    return {
      graph: p.graph,
      speedProfiles: this.o.scenario.speedProfiles,
      maxSnapM: p.maxSnapM,
      offRoadKmh: p.offRoadKmh,
    };
  }

  private bands(): BandBuilder {
    const shared = this.o.shared;
    this.builder ??= new BandWorker({ ...this.base(), ...(shared ? { shared } : {}) }, stationPoints(this.o.scenario));
    return this.builder;
  }
}
