/**
 * The one 'upgrade' listener on the HTTP server: each WebSocket upgrade request goes to the
 * endpoint registered for its path (/ws/avl, /ws/cop); any other path is answered 404 with a
 * JSON error body, so no request hangs. Endpoints authenticate the request before any WebSocket
 * exists and turn it away with refuse(): a plain HTTP error, never an opened-then-closed socket.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERRORS, type ErrorCode } from '../../core/errors.ts';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface UpgradeRouter {
  /** Serve upgrades to `path` with `handler`; returns a function that stops serving it. */
  route(path: string, handler: UpgradeHandler): () => void;
  /** Stop listening for upgrades on the HTTP server. */
  close(): void;
}

export function upgradeRouter(http: Server): UpgradeRouter {
  const routes = new Map<string, UpgradeHandler>();
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const handler = routes.get(path);
    if (handler) handler(req, socket, head);
    else refuse(socket, 'JCR_NOT_FOUND', `no WebSocket endpoint ${path}`);
  };
  http.on('upgrade', onUpgrade);
  return {
    route(path, handler) {
      if (routes.has(path)) throw new Error(`WebSocket endpoint ${path} is already served`);
      routes.set(path, handler);
      return () => {
        if (routes.get(path) === handler) routes.delete(path);
      };
    },
    close() {
      http.off('upgrade', onUpgrade);
      routes.clear();
    },
  };
}

const REASONS: Partial<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
};

/**
 * Answer an upgrade request with a plain HTTP error (no WebSocket is opened). A 401 names the
 * endpoint's Bearer realm.
 */
export function refuse(socket: Duplex, code: ErrorCode, message: string, realm = 'jcr'): void {
  const status = ERRORS[code].status;
  const body = JSON.stringify({ error: { code, message } });
  const reason = REASONS[status] ?? 'Error';
  const extra = status === 401 ? `WWW-Authenticate: Bearer realm="${realm}"\r\n` : '';
  socket.on('error', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
