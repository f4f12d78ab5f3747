/**
 * Ports for programs the tests start with a port number (the demo, nats-server, cluster
 * instances), as opposed to servers the tests start in-process on port 0.
 *
 * Why not "listen on 0, read the port, close": that port comes from the OS's ephemeral range,
 * which every outgoing connection also draws from. Between the close and the program's own
 * listen (seconds, for a room that builds its scenario first) any test's fetch or WebSocket could
 * take it, and the program dies with EADDRINUSE (seen: test/demo-partners in a CI run). Ports
 * below the ephemeral range are never handed to outgoing connections, so a port free now stays
 * free unless another program asks for it by number.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Lowest port we hand out: above the registered services most machines run. */
const FLOOR = 20_000;

/** The OS's ephemeral range [low, high]; Linux's default when it cannot be read. */
export function ephemeralRange(text?: string): [number, number] {
  try {
    const [lo, hi] = (text ?? readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'))
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo! > 0 && hi! >= lo!) return [lo!, hi!];
  } catch {
    // Not Linux: fall through to the default.
  }
  return [32_768, 60_999];
}

/** Whether 127.0.0.1:port can be listened on now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Ports this process has handed out: never the same one twice. */
const given = new Set<number>();

/** A port free now, outside the ephemeral range, not handed out before by this process. */
export async function freePort(): Promise<number> {
  const [lo] = ephemeralRange();
  const top = lo - 1;
  if (top - FLOOR < 1000) throw new Error(`ephemeral range starts at ${lo}: too low to pick ports below it`);
  for (let i = 0; i < 200; i++) {
    const port = FLOOR + Math.floor(Math.random() * (top - FLOOR + 1));
    if (given.has(port)) continue;
    if (await canListen(port)) {
      given.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${FLOOR} and ${top} after 200 tries`);
}
