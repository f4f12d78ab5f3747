import type { CopChangeMsg, CopResourceMsg } from './frames.ts';

/**
 * One durable change as recorded in a tick, with what decides who sees it: a status change by
 * its resource's agency (and, under a viewport, where the resource is); an incident change by
 * the agencies that see the incident before and after it; a cover change by everyone.
 */
export type DurableChange =
  | { kind: 'status'; ref: number; agency: string; msg: CopChangeMsg }
  | {
      kind: 'incident';
      before: readonly string[];
      after: readonly string[];
      open: boolean;
      msg: CopChangeMsg;
      gone: CopChangeMsg;
      /** The incident's active alerts after the change: a client that now first sees it gets them too. */
      alerts: readonly CopChangeMsg[];
    }
  | { kind: 'cover'; msg: CopChangeMsg }
  | { kind: 'performance'; msg: CopChangeMsg }
  | { kind: 'alert'; agencies: readonly string[]; msg: CopChangeMsg }
  | { kind: 'partner'; agencies: readonly string[]; msg: CopChangeMsg };

/** One resource touched in a tick: where it was at the previous tick, where it is now. */
export interface Touched {
  ref: number;
  agency: string;
  prevLon: number;
  prevLat: number;
  lon: number;
  lat: number;
  view: CopResourceMsg;
}

export interface TickRecord {
  seq: number;
  serverTimeMs: number;
  changes: DurableChange[];
  touched: Touched[];
  /** Encoded size of the unfiltered delta: the ring's byte measure. */
  bytes: number;
}

/** How much the resume ring keeps: whichever limit is hit first trims the oldest record. */
export interface RingLimits {
  readonly ringFrames: number;
  readonly ringBytes: number;
}

/**
 * The resume ring: the most recent tick records, contiguous in seq, that a client behind by a
 * few ticks (or reconnecting) is caught up from. Bounded by frames and by bytes (each record's
 * encoded unfiltered delta); it always keeps the newest record.
 */
export class CopRing {
  private readonly records: TickRecord[] = [];
  private bytes = 0;

  constructor(private readonly limits: RingLimits) {}

  /** Keep `record` (its seq one after the newest kept), trimming the oldest past either limit. */
  push(record: TickRecord): void {
    this.records.push(record);
    this.bytes += record.bytes;
    while (
      this.records.length > 1 &&
      (this.records.length > this.limits.ringFrames || this.bytes > this.limits.ringBytes)
    ) {
      const old = this.records.shift() as TickRecord;
      this.bytes -= old.bytes;
    }
  }

  /** Forget every record (the next one does not follow on from them). */
  clear(): void {
    this.records.length = 0;
    this.bytes = 0;
  }

  /** The last `count` records, oldest first (the caller checks the ring still holds them). */
  latest(count: number): TickRecord[] {
    return this.records.slice(this.records.length - count);
  }

  /** Oldest seq kept, or undefined when empty. */
  get oldest(): number | undefined {
    return this.records[0]?.seq;
  }

  get size(): { frames: number; bytes: number } {
    return { frames: this.records.length, bytes: this.bytes };
  }
}
