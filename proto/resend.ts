/**
 * Which REST calls a client may send again when it cannot know whether the room applied them: a
 * clustered room that changed over before confirming a change (503 `JCR_OUTCOME_UNKNOWN`), a
 * leader's connection broken after the call went, a connection dropped mid-call. Repeating
 * these cannot act twice: a read; signing in and out; acknowledging an alert (a second
 * acknowledgement by the same user changes nothing); an incident create carrying its
 * `idempotencyKey` (the room answers a repeat with the incident it made,
 * server/core/incidents/create-keys.ts). Any other write resent could be made twice (a second
 * mobilisation, a second note).
 *
 * One rule for the screens (client/state/failover.ts) and the simulator (sim/net/failover.ts).
 * Dependency-free: imports nothing (test/boundary.test.ts).
 */

/** Whether sending `method path` with `body` again cannot do it twice. */
export function repeatable(method: string, path: string, body: unknown): boolean {
  if (method === 'GET') return true;
  if (method !== 'POST') return false;
  const p = path.split('?')[0] ?? '';
  if (p === '/api/login' || p === '/api/logout' || /^\/api\/alerts\/[^/]+\/ack$/.test(p)) return true;
  return (
    p === '/api/incidents' &&
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { idempotencyKey?: unknown }).idempotencyKey === 'string'
  );
}
