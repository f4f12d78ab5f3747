/**
 * Which calibration is in force: a change of the room like any other (decide -> durable append
 * -> apply, with its origin), so every listener (the planner's band switch, the COP, a standby
 * node following the log) hears of it and a restart replays it. The artefacts themselves (their
 * factors) live in the calibrations table (server/shell/store/calibrations.ts); the log names
 * the version and the road network it was learnt on. Pure.
 *
 * Bringing a version into force pushes it; a rollback pops the version in force, so what was in
 * force before comes back, step by step down to the prior (null).
 */
import { JcrError } from '../errors.ts';
import type { CommandContext, EventEnvelope, NewEvent } from '../events.ts';

export type CalibrationCommand =
  | { type: 'calibration.bringIntoForce'; version: number; network: string; reason: string }
  | { type: 'calibration.rollBack'; reason: string };

/** A calibration in force: its version (calibrations table) and the network it was learnt on. */
export interface CalibrationRef {
  version: number;
  network: string;
}

export interface CalibrationInForceData {
  /** The version now in force; null: the prior. */
  version: number | null;
  /** The network of that version (absent for the prior). */
  network?: string;
  /** True when it came back by a rollback. */
  rollback: boolean;
  reason: string;
}

export type CalibrationInForceEvent = EventEnvelope<'calibration.inForce', CalibrationInForceData>;

const MAX_REASON = 2000;

function reasonOf(r: unknown): string {
  const s = typeof r === 'string' ? r.trim() : '';
  if (s.length === 0 || s.length > MAX_REASON)
    throw new JcrError('JCR_VALIDATION', `a reason of 1..${MAX_REASON} characters is required`, { path: 'reason' });
  return s;
}

export class CalibrationBook {
  /** Versions brought into force and not rolled back, oldest first. */
  private readonly stack: CalibrationRef[] = [];

  /** The calibration in force; null: the prior. */
  get inForce(): CalibrationRef | null {
    return this.stack[this.stack.length - 1] ?? null;
  }

  decide(cmd: CalibrationCommand, ctx: CommandContext, at: number): NewEvent[] {
    const reason = reasonOf(cmd.reason);
    const ev = (data: CalibrationInForceData): NewEvent => ({
      at,
      type: 'calibration.inForce',
      origin: ctx.origin,
      actor: ctx.actor,
      data,
    });
    if (cmd.type === 'calibration.rollBack') {
      if (this.stack.length === 0) throw new JcrError('JCR_CONFLICT', 'the prior is in force: nothing to roll back');
      const back = this.stack[this.stack.length - 2];
      return [
        ev(
          back
            ? { version: back.version, network: back.network, rollback: true, reason }
            : { version: null, rollback: true, reason },
        ),
      ];
    }
    if (!Number.isInteger(cmd.version) || cmd.version < 1)
      throw new JcrError('JCR_VALIDATION', 'version must be a positive integer', { path: 'version' });
    if (typeof cmd.network !== 'string' || cmd.network.length === 0 || cmd.network.length > 200)
      throw new JcrError('JCR_VALIDATION', 'network must be 1..200 characters', { path: 'network' });
    if (this.inForce?.version === cmd.version)
      throw new JcrError('JCR_CONFLICT', `calibration version ${cmd.version} is already in force`, { path: 'version' });
    return [ev({ version: cmd.version, network: cmd.network, rollback: false, reason })];
  }

  apply(e: CalibrationInForceEvent): void {
    const d = e.data;
    if (d.rollback) this.stack.pop();
    else if (d.version !== null && d.network !== undefined) this.stack.push({ version: d.version, network: d.network });
  }
}
