/**
 * The leader's lease: key `leader` of bucket jcr_<room>_lease, whose TTL is the lease
 * (cluster/node.ts holds and renews it). Its value names the holder and the URL its HTTP server
 * is reached at (--advertise-url), so a COP gateway forwards the screens' REST calls to whoever
 * leads (gateway/leader-proxy.ts).
 */
import type { KV } from '@nats-io/kv';

export const LEASE_KEY = 'leader';

export interface LeaseHolder {
  id: string;
  url: string;
}

export function encodeLease(holder: LeaseHolder): string {
  return JSON.stringify(holder);
}

/** The leader's URL from the lease, or null when nobody leads (or it names no http URL). */
export async function leaderUrl(lease: KV): Promise<string | null> {
  const e = await lease.get(LEASE_KEY);
  if (!e || e.operation !== 'PUT') return null;
  try {
    const url = e.json<Partial<LeaseHolder>>().url;
    return typeof url === 'string' && /^https?:\/\/[^\s/]+$/.test(url) ? url : null;
  } catch {
    return null;
  }
}
