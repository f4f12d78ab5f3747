/**
 * The courier's HTTP transport (issue 18): POST one outbox row's body to the partner's
 * MAIT_PATH, signed with the partner's outbound secret at the moment of sending (so a retry an
 * hour later is inside the partner's replay window). Any 2xx is taken; anything else, or no
 * answer within the timeout, is a failed attempt with its status and code for the status API.
 */
import { MAIT_PATH, type MaitPartners } from '../../../proto/mait.ts';
import type { Clock } from '../../core/clock.ts';
import type { Transport } from './courier.ts';
import { signMait } from './signing.ts';

/**
 * Answers that refuse the message itself (malformed, invalid, too large, an unknown type): the
 * same bytes will be refused again, so they count toward a dead letter (courier.ts
 * MAIT_DEAD_AFTER). Every other failure (no answer, 5xx, 429, 401 and 404, which are the
 * partner's or our configuration) is retried for as long as it takes.
 */
export const MAIT_REFUSALS = new Set([400, 409, 413, 415, 422]);

/** How long one attempt may take before it counts as failed. */
export const MAIT_SEND_TIMEOUT_MS = 10_000;

export function httpTransport(partners: MaitPartners, clock: Clock, timeoutMs = MAIT_SEND_TIMEOUT_MS): Transport {
  return async (row) => {
    const p = partners.partners.find((x) => x.id === row.partnerId);
    if (!p) return { ok: false, error: `no partner ${row.partnerId} in the partners file` };
    const url = `${p.baseUrl.replace(/\/+$/, '')}${MAIT_PATH}`;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/xml; charset=utf-8',
          ...signMait(row.body, partners.room.id, p.secrets.outbound, clock()),
        },
        body: row.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      if (res.ok) return { ok: true };
      const code = /"code":"(JCR_[A-Z_]+)"/.exec(text)?.[1] ?? '';
      return { ok: false, error: `HTTP ${res.status} ${code}`.trim(), refused: MAIT_REFUSALS.has(res.status) };
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return { ok: false, error: cause ?? (e instanceof Error ? e.message : String(e)) };
    }
  };
}
