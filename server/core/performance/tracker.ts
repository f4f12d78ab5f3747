/**
 * The performance tracker: keeps each measured incident's sample (./samples.ts), updated from
 * the room's change records (the incident's state after each change: arrivals, close, type), so
 * the figures never rescan the log; seeded at start from the incidents the log replayed into the
 * room. Samples called more than RETAIN_MS ago fall out of every window and are dropped.
 */
import type { PerformanceReport } from '../../../proto/wire.ts';
import type { ChangeRecord } from '../changes.ts';
import type { Incident } from '../incidents/types.ts';
import type { Scenario } from '../scenario/types.ts';
import { DAY_MS, performanceReport } from './figures.ts';
import { incidentSample, sameSample, sampleIndex, type IncidentSample, type SampleIndex } from './samples.ts';

/** Longer than any window (a day of 25 hours at the autumn change, a shift of at most a day). */
export const RETAIN_MS = 2 * DAY_MS;

export class PerformanceTracker {
  private readonly scenario: Scenario;
  private readonly ix: SampleIndex;
  private readonly samples = new Map<string, IncidentSample>();

  constructor(scenario: Scenario, incidents: Iterable<Readonly<Incident>> = []) {
    this.scenario = scenario;
    this.ix = sampleIndex(scenario);
    for (const inc of incidents) this.put(inc);
  }

  /** Fold an applied batch; true when a figure may have changed (a sample did). */
  onChanges(record: ChangeRecord): boolean {
    let changed = false;
    for (const c of record.changes) for (const i of c.incidents) if (this.put(i.after)) changed = true;
    return changed;
  }

  private put(inc: Readonly<Incident>): boolean {
    const next = incidentSample(this.ix, inc);
    const prev = this.samples.get(inc.id);
    if (sameSample(prev, next)) return false;
    if (next) this.samples.set(inc.id, next);
    else this.samples.delete(inc.id);
    return true;
  }

  get size(): number {
    return this.samples.size;
  }

  /** The figures at `now`; drops samples too old for any window first. */
  report(now: number, eventSeq: number): PerformanceReport {
    for (const [id, s] of this.samples) if (s.calledAt < now - RETAIN_MS) this.samples.delete(id);
    return performanceReport(this.scenario, this.samples.values(), now, eventSeq);
  }
}
