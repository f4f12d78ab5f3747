import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Clock } from '../../core/clock.ts';
import { ERRORS, isJcrError, type ErrorCode } from '../../core/errors.ts';
import { parseControl } from '../../core/cop/frames.ts';
import { CopHub, type CopHubOptions, type CopSocket, type PositionSource } from '../../core/cop/hub.ts';
import type { CopLimits } from '../../core/cop/limits.ts';
import type { Locate } from '../../core/places/locate.ts';
import type { PerformanceReport } from '../../../proto/wire.ts';
import { every, type Timers } from '../timers.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { authenticateCop, type SessionCheck } from './auth.ts';
import { decodeClient, encodeServer } from './codec.ts';
import { coverSummaryMsg, type CoverFeed } from './cover-summary.ts';
import { refuse as refuseWith, type UpgradeRouter } from '../ws/upgrade.ts';

export const COP_WS_PATH = '/ws/cop';

export interface CopWsOptions {
  engine: Engine;
  clock: Clock;
  log: Logger;
  /** Repeating timer for the tick and the heartbeat; tests pass manualTimer() and tick by hand. */
  timers: Timers;
  limits?: Partial<CopLimits>;
  /** --cop-token / JCR_COP_TOKEN; unset = signed-in sessions only. */
  token?: string | undefined;
  users?: SessionCheck | undefined;
  /** The public URL (--public-url): an allowed Origin for a cookie-authenticated upgrade. */
  publicUrl?: string | undefined;
  /** Defaults to the engine's onPositions (accepted AVL batches). */
  positions?: PositionSource;
  /** Defaults to a random id per start; a clustered room's is the room's (cluster/cop-stream.ts). */
  epoch?: string | undefined;
  /** Told of each tick record cut (a clustered room's leader publishes it). */
  onCut?: CopHubOptions['onCut'];
  /** Live cover: snapshots carry its latest summary and each recompute is a cover change. */
  cover?: CoverFeed | undefined;
  /** Performance against standards: snapshots carry the figures at start (later ones: hub.onPerformance). */
  performance?: { report(): PerformanceReport } | undefined;
  /** Where incidents are, in words and on the road (issue 16): every incident record carries it. */
  locate?: Locate | undefined;
  /** A partner room's name from its id, for partner resources on the COP (issue 18). */
  partnerName?: ((partnerId: string) => string) | undefined;
}

export interface CopWsHandle {
  readonly hub: CopHub;
  readonly wss: WebSocketServer;
  close(): void;
}

/**
 * /ws/cop: the operating picture pushed to every screen. The upgrade request is authenticated
 * (authenticateCop) before any WebSocket exists; a refusal is a plain HTTP 401 with a JSON error
 * body. Each connection is wrapped in a CopSocket and handed to the hub, which owns everything
 * else: coalescing, filters, per-client backpressure, resume, heartbeat. This file only turns
 * bytes into validated control messages and timers into hub.tick() / hub.heartbeat() calls.
 * The upgrade router (../ws/upgrade.ts) hands this module the requests for /ws/cop.
 */
export function attachCopWs(router: UpgradeRouter, opts: CopWsOptions): CopWsHandle {
  const { engine, log } = opts;
  const epoch = opts.epoch ?? randomBytes(8).toString('hex');
  const hub = new CopHub({
    room: engine.room,
    clock: opts.clock,
    encode: encodeServer,
    epoch,
    limits: opts.limits ?? {},
    onDrop: (id, reason) => log.debug('cop client dropped', { client: id, reason }),
    cover: () => {
      const s = opts.cover?.latest();
      return s ? coverSummaryMsg(s) : null;
    },
    performance: () => opts.performance?.report() ?? null,
    locate: opts.locate,
    partnerName: opts.partnerName,
    onCut: opts.onCut,
  });
  const L = hub.limits;
  const positions: PositionSource = opts.positions ?? engine;
  const offEvents = engine.onChanges((record) => hub.onChanges(record));
  const offPositions = positions.onPositions((ids) => hub.markMoved(ids));
  const offCover = opts.cover?.onChange(() => {
    const s = opts.cover?.latest();
    if (s) hub.onCover(coverSummaryMsg(s));
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: L.maxControlBytes,
    perMessageDeflate: false,
    clientTracking: true,
  });

  /** Connections a user's session opened, by hub id: asked again on every heartbeat. */
  const sessions = new Map<number, { ws: WebSocket; stillValid: () => boolean }>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    let principal;
    try {
      principal = authenticateCop(req, { token: opts.token, users: opts.users, publicUrl: opts.publicUrl });
    } catch (e) {
      if (!isJcrError(e)) throw e;
      refuse(socket, e.code, e.message);
      return;
    }
    if (!principal) {
      refuse(
        socket,
        'JCR_UNAUTHENTICATED',
        'sign in, or present the COP token (Authorization: Bearer TOKEN or ?token=TOKEN)',
      );
      return;
    }
    if (hub.clientCount >= L.maxClients) {
      refuse(socket, 'JCR_RATE_LIMITED', `at most ${L.maxClients} COP connections`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const sock: CopSocket = {
        get bufferedAmount() {
          return ws.bufferedAmount;
        },
        send: (frame) => ws.send(frame),
        close: (code, reason) => ws.close(code, reason),
        terminate: () => ws.terminate(),
        ping: () => ws.ping(),
      };
      const id = hub.connect(sock, principal);
      const stillValid = principal.stillValid;
      if (stillValid) sessions.set(id, { ws, stillValid });
      log.debug('cop client connected', { client: id, principal: principal.id, via: principal.via });
      ws.on('pong', () => hub.pong(id));
      ws.on('error', (e) => log.debug('cop socket error', { client: id, err: e.message }));
      ws.on('close', () => {
        sessions.delete(id);
        hub.disconnect(id);
      });
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (ws.readyState !== WebSocket.OPEN) return;
        try {
          if (!isBinary) throw new Error('text frame');
          const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
          let decoded: unknown;
          try {
            decoded = decodeClient(bytes);
          } catch {
            throw new Error('not a CopClientMessage');
          }
          hub.control(id, parseControl(decoded));
        } catch (e) {
          const code: ErrorCode = isJcrError(e) ? e.code : 'JCR_VALIDATION';
          hub.disconnect(id);
          ws.close(ERRORS[code].close, code);
        }
      });
    });
  };
  const unroute = router.route(COP_WS_PATH, onUpgrade);

  /** Signed-in connections whose session ends close with JCR_UNAUTHENTICATED, at the next heartbeat. */
  const recheck = () => {
    for (const [id, s] of sessions) {
      if (s.stillValid()) continue;
      sessions.delete(id);
      hub.disconnect(id);
      log.info('cop session ended: connection closed', { client: id });
      s.ws.close(ERRORS.JCR_UNAUTHENTICATED.close, 'JCR_UNAUTHENTICATED: the session has ended');
    }
  };

  const stopTick = every(opts.timers, L.tickMs, () => {
    try {
      hub.tick();
    } catch (e) {
      log.error('cop tick failed', { err: e instanceof Error ? e.stack : String(e) });
    }
  });
  const stopHeartbeat = every(opts.timers, L.heartbeatMs, () => {
    recheck();
    hub.heartbeat();
  });

  return {
    hub,
    wss,
    close() {
      stopTick();
      stopHeartbeat();
      offEvents();
      offPositions();
      offCover?.();
      unroute();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

/** A plain HTTP refusal of an upgrade to /ws/cop. */
function refuse(socket: Duplex, code: ErrorCode, message: string): void {
  refuseWith(socket, code, message, 'jcr-cop');
}
