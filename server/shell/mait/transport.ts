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
      return { ok: false, error: `HTTP ${res.status} ${code}`.trim() };
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return { ok: false, error: cause ?? (e instanceof Error ? e.message : String(e)) };
    }
  };
}
