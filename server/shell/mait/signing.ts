/**
 * Signing MAIT messages (docs/mait.md § Signing): HMAC-SHA256 with the direction's shared secret
 * over `${timestamp}.${body}`, the timestamp being ms since the epoch in decimal. The receiver
 * checks the signature first (in constant time), then that the timestamp lies within
 * MAIT_REPLAY_WINDOW_MS of its own clock either way. A copy replayed inside the window carries a
 * messageId already applied and the inbox applies it once; outside the window it is refused as
 * stale. Pure functions: the clock comes in as `now`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAIT_HEADERS, MAIT_REPLAY_WINDOW_MS } from '../../../proto/mait.ts';
import { JcrError } from '../../core/errors.ts';

export interface SignatureHeaders {
  [MAIT_HEADERS.from]: string;
  [MAIT_HEADERS.timestamp]: string;
  [MAIT_HEADERS.signature]: string;
}

function mac(secret: string, timestamp: string, body: Uint8Array | string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** The headers to send `body` from room `from` with `secret` (the partner's `outbound`), signed at `now`. */
export function signMait(body: Uint8Array | string, from: string, secret: string, now: number): SignatureHeaders {
  const timestamp = String(Math.trunc(now));
  return {
    [MAIT_HEADERS.from]: from,
    [MAIT_HEADERS.timestamp]: timestamp,
    [MAIT_HEADERS.signature]: `sha256=${mac(secret, timestamp, body).toString('hex')}`,
  };
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/;
const TIMESTAMP = /^[0-9]{1,16}$/;

/**
 * Throws JCR_MAIT_BAD_SIGNATURE unless `signature` is the HMAC of `timestamp` and `body` under
 * `secret` (the partner's `inbound`), then JCR_MAIT_STALE unless `timestamp` is within the replay
 * window of `now`.
 */
export function verifyMait(
  body: Uint8Array | string,
  timestamp: string | undefined,
  signature: string | undefined,
  secret: string,
  now: number,
): void {
  const sig = signature === undefined ? null : SIGNATURE.exec(signature);
  if (!sig || timestamp === undefined || !TIMESTAMP.test(timestamp)) {
    throw new JcrError(
      'JCR_MAIT_BAD_SIGNATURE',
      `the ${MAIT_HEADERS.timestamp} or ${MAIT_HEADERS.signature} header is missing or malformed`,
    );
  }
  const want = mac(secret, timestamp, body);
  if (!timingSafeEqual(want, Buffer.from(sig[1]!, 'hex'))) {
    throw new JcrError('JCR_MAIT_BAD_SIGNATURE', 'the signature does not match the body and timestamp');
  }
  const skew = Number(timestamp) - now;
  if (Math.abs(skew) > MAIT_REPLAY_WINDOW_MS) {
    throw new JcrError(
      'JCR_MAIT_STALE',
      `signed ${Math.round(Math.abs(skew) / 1000)} s ${skew < 0 ? 'ago' : 'ahead'}; the window is ${MAIT_REPLAY_WINDOW_MS / 1000} s either way`,
    );
  }
}
