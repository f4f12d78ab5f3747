/**
 * The simulator's incident creates (POST /api/incidents). Each carries an idempotency key
 * (server/core/incidents/create-keys.ts), so FailoverApi (sim/net/failover.ts) sends it again
 * after 503 JCR_OUTCOME_UNKNOWN as after JCR_NOT_LEADER, by the screens' rule (proto/resend.ts):
 * the room answers a repeat with the incident it made, never a second one. A key is this run's
 * random prefix and the call's ref (SIM-n): refs start again at SIM-1 each run, and the room
 * remembers a key for 24 h.
 */
import { randomUUID } from 'node:crypto';
import type { GeneratedIncident } from '../incidents/generator.ts';

/** The key of each call's create in one run: the same for every send of one call. */
export function createKeys(run: string = randomUUID()): (ref: string) => string {
  return (ref) => `sim-${run}-${ref}`;
}

/** The body of a call's create, with its key. */
export function incidentCreate(inc: GeneratedIncident, key: string): Record<string, unknown> {
  return { typeId: inc.typeId, lat: inc.lat, lon: inc.lon, address: `near ${inc.near}`, idempotencyKey: key };
}
