/**
 * The client's address, for per-address limits. Behind a reverse proxy every request comes from
 * the proxy, so `--trust-proxy` names the proxies whose `X-Forwarded-For` is believed: the
 * address is the rightmost hop that is not a trusted proxy (anything left of it was written by
 * the client and proves nothing). From any other peer the header is ignored.
 */
import { BlockList, isIP } from 'node:net';

export type ClientAddress = (req: {
  socket: { remoteAddress?: string | undefined };
  headers: Record<string, string | string[] | undefined>;
}) => string;

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
function normal(addr: string): string {
  return addr.startsWith('::ffff:') && isIP(addr.slice(7)) === 4 ? addr.slice(7) : addr;
}

/** `trusted`: proxy addresses or CIDR ranges (`127.0.0.1`, `10.0.0.0/8`, `::1`). */
export function clientAddress(trusted: readonly string[]): ClientAddress {
  const list = new BlockList();
  for (const t of trusted) {
    const [addr = '', bits] = t.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(normal(addr), type);
    else list.addSubnet(normal(addr), Number(bits), type);
  }
  const isTrusted = (addr: string) => {
    const family = isIP(addr);
    return family !== 0 && list.check(addr, family === 6 ? 'ipv6' : 'ipv4');
  };
  return (req) => {
    const peer = normal(req.socket.remoteAddress ?? 'unknown');
    if (trusted.length === 0 || !isTrusted(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((h) => normal(h.trim()))
      .filter((h) => h !== '');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] as string;
      if (isIP(hop) === 0) return peer; // a hop that is no address: the header is junk, fall back to the proxy
      if (!isTrusted(hop)) return hop;
    }
    return hops[0] ?? peer;
  };
}
