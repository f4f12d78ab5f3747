/**
 * What the screens do with a REST call the room refuses while it changes over to its standby
 * (docs/cluster.md § The screens' one URL). A COP gateway answers 503 `JCR_NOT_LEADER` when no
 * one leads (nothing was sent on) and 502 `JCR_LEADER_UNREACHABLE` when the leader's connection
 * broke after the request went (it may have been applied); a leader that stops leading while a
 * change waits for the cluster log answers 503 `JCR_NOT_LEADER` if it never sent it there
 * (nothing changed) and 503 `JCR_OUTCOME_UNKNOWN` if it did, unconfirmed (the next leader may
 * hold it); a direct server may drop the connection (`NETWORK_ERROR`). A failover takes about the lease, 3 s (up to ~10 s when a NATS
 * node is lost), so such a call is tried again with a doubling pause, 250 ms up to 2 s, for at
 * most FAILOVER_RETRY.withinMs (12 s) from its first answer:
 *
 * - a read (GET) always;
 * - a write only when repeating it cannot do it twice (`repeatable`): an incident create carrying
 *   its idempotencyKey (the server answers a repeat with the first incident), signing in and out,
 *   and acknowledging an alert (a second acknowledgement by the same user changes nothing);
 * - any other write is not sent again: its answer says in words that the room is changing over
 *   and whether the change may have been made, so the operator decides (`changingOver`); after
 *   `JCR_OUTCOME_UNKNOWN` a resend would make it twice (a second mobilisation, a second note).
 *
 * Api (./api.ts) runs this around every request; nothing here does I/O. `repeatable` is
 * proto/resend.ts's, the simulator's rule too (sim/net/failover.ts).
 */

/** An answer as Api gives it (./api.ts ApiResult; not imported, as Api imports this). */
type Answer = { ok: true } | { ok: false; status: number; code: string; message: string };

export const FAILOVER_RETRY = { withinMs: 12_000, firstPauseMs: 250, maxPauseMs: 2_000 } as const;

/** An answer that means the room is changing over (or its connection dropped), not a refusal of the call. */
export function isFailoverRefusal(r: Answer): boolean {
  if (r.ok) return false;
  return (
    (r.status === 503 && r.code === 'JCR_NOT_LEADER') ||
    (r.status === 502 && r.code === 'JCR_LEADER_UNREACHABLE') ||
    (r.status === 503 && r.code === 'JCR_OUTCOME_UNKNOWN') ||
    r.code === 'NETWORK_ERROR'
  );
}

/** Writes whose repeat cannot act twice (see the header); reads always. Shared with the simulator. */
export { repeatable } from '../../proto/resend.ts';

/** The pause before the attempt after one that waited `previous` (0: the first retry). */
export function nextPause(previous: number): number {
  return previous === 0 ? FAILOVER_RETRY.firstPauseMs : Math.min(previous * 2, FAILOVER_RETRY.maxPauseMs);
}

/**
 * A failover refusal given up on (`retried`) or, for a write that is not repeatable, not retried:
 * the same code, its meaning in words. A read's "cannot reach the server" is left as it is.
 */
export function changingOver<R extends Answer>(r: R, retried: boolean, write: boolean): R {
  if (r.ok || (!write && r.code === 'NETWORK_ERROR')) return r;
  const tail = retried ? ` (still so after ${FAILOVER_RETRY.withinMs / 1000} s)` : '';
  const message =
    r.code === 'JCR_NOT_LEADER'
      ? `the room is changing over to its standby${tail}: nothing was changed, try again in a few seconds`
      : r.code === 'JCR_OUTCOME_UNKNOWN'
        ? `the room changed over to its standby before confirming this change${tail}: it may or may not have been made, check before trying again`
        : `the room is changing over or cannot be reached${tail}: ${write ? 'this change may or may not have been made, check before trying again' : 'try again in a few seconds'}`;
  return { ...r, message };
}
