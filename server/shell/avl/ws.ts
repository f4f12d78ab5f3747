import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { AvlReportIn, BatchOutcome, FeedScope } from '../../core/avl/ingest.ts';
import { ERRORS, JcrError, type ErrorCode } from '../../core/errors.ts';
import type { Logger } from '../log.ts';
import { OwnChanges } from '../own-changes.ts';
import { refuse as refuseWith, type UpgradeRouter } from '../ws/upgrade.ts';
import { AvlBatchReader } from './batch-reader.ts';
import { encodeAck, type AvlBatchIn } from './codec.ts';
import { presentedToken } from './feeds.ts';
import type { AvlEndpoint } from './endpoint.ts';
import { every, type Timers } from '../timers.ts';

export const AVL_WS_PATH = '/ws/avl';

interface Conn {
  feed: FeedScope;
  alive: boolean;
  /** Frames waiting for the event log, the first included; later frames queue behind them. */
  waiting: number;
  /** Settles when the last waiting frame has been answered. */
  tail: Promise<void>;
}

/**
 * Refusals that close the feed's socket: resend the batch (elsewhere) later. Nothing of it changed,
 * except JCR_OUTCOME_UNKNOWN (a gateway's leader stopped after sending it to the log): maybe
 * stored, and a resend of what was is answered JCR_AVL_DUPLICATE.
 */
const REFUSALS = new Set<string>(['JCR_STORE_BUSY', 'JCR_STORE_FULL', 'JCR_NOT_LEADER', 'JCR_OUTCOME_UNKNOWN']);

/** Frames a connection may have waiting for a write-locked event log; more are refused at once. */
export const MAX_WAITING_FRAMES = 32;

export interface AvlWsHandle {
  readonly wss: WebSocketServer;
  /** Open AVL connections. */
  readonly connections: number;
  close(): void;
}

/**
 * WebSocket transport for AVL at /ws/avl. The token is checked on the HTTP upgrade request, before
 * any WebSocket exists (`noServer` + handleUpgrade): a bad token gets a plain HTTP 401 with a JSON
 * error body. Each binary frame is one AvlBatch, answered by one AvlAck with the same seq, sent
 * only after any status change in the batch is durable. A batch whose status changes find the
 * event log write-locked waits (AvlService.ingestOrWait, never on the event loop), and the
 * connection's later frames wait behind it, in order; past MAX_WAITING_FRAMES a frame is refused
 * whole with JCR_STORE_BUSY at once.
 *
 * Per connection: a text frame or bytes that are not an AvlBatch close it with 1007
 * (JCR_AVL_MALFORMED_FRAME); a frame over maxFrameBytes closes it with 1009 (ws maxPayload); more
 * than maxReportsPerBatch reports closes it with 1009 (JCR_PAYLOAD_TOO_LARGE); a client that lets
 * more than maxBufferedAckBytes of acks pile up unread is closed with 1008. None of this touches
 * other connections. A ping goes out every heartbeatMs; no pong by the next one terminates.
 */
export function attachAvlWs(router: UpgradeRouter, avl: AvlEndpoint, log: Logger, timers: Timers): AvlWsHandle {
  const L = avl.limits;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: L.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: true,
  });
  const conns = new WeakMap<WebSocket, Conn>();
  const perFeed = new Map<string, number>();
  // One reader for every connection: frames are handled one at a time, each to its ack, and the
  // reader's reused batch is not kept past that (see batch-reader.ts).
  // It keeps at most maxReportsPerBatch + 1 reports of a frame: enough to see a batch is too big.
  const reader = new AvlBatchReader(avl.resourceIds, L.maxReportsPerBatch + 1);

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const feed = avl.authenticate(presentedToken(req.headers.authorization, req.url));
    if (feed instanceof Promise) {
      // A gateway asks the leader: the socket may go meanwhile.
      feed.then(
        (f) => (socket.destroyed ? undefined : admit(req, socket, head, f)),
        () => refuse(socket, 'JCR_NOT_LEADER', 'no leader answered the feed check; retry'),
      );
      return;
    }
    admit(req, socket, head, feed);
  };

  function admit(req: IncomingMessage, socket: Duplex, head: Buffer, feed: FeedScope | undefined): void {
    if (!feed) {
      refuse(
        socket,
        'JCR_UNAUTHENTICATED',
        'a valid feed token is required (Authorization: Bearer TOKEN or ?token=TOKEN)',
      );
      return;
    }
    const open = perFeed.get(feed.id) ?? 0;
    if (open >= L.maxConnectionsPerFeed || wss.clients.size >= L.maxConnections) {
      refuse(
        socket,
        'JCR_RATE_LIMITED',
        `too many AVL connections (per feed ${L.maxConnectionsPerFeed}, in all ${L.maxConnections})`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, feed, socket));
  }
  const unroute = router.route(AVL_WS_PATH, onUpgrade);

  function onConnection(ws: WebSocket, feed: FeedScope, socket: Duplex): void {
    const conn: Conn = { feed, alive: true, waiting: 0, tail: Promise.resolve() };
    // Acks of all the frames read in one turn of the event loop go out in one write: the socket
    // (the one we handed to ws) is corked at the first ack and uncorked in the check phase, after
    // libuv has delivered every read that was ready (up to 32 per socket), not after each read:
    // under load that is several frames per write(v) syscall instead of one.
    let corked = false;
    const uncork = () => {
      corked = false;
      socket.uncork();
    };
    // Counted once the socket exists (a failed handshake never calls back, so never leaks a count).
    perFeed.set(feed.id, (perFeed.get(feed.id) ?? 0) + 1);
    conns.set(ws, conn);
    log.debug('avl feed connected', { feed: feed.id });
    ws.on('pong', () => (conn.alive = true));
    ws.on('close', () => {
      const n = (perFeed.get(feed.id) ?? 1) - 1;
      if (n <= 0) perFeed.delete(feed.id);
      else perFeed.set(feed.id, n);
    });
    ws.on('error', (e) => log.debug('avl socket error', { feed: feed.id, err: e.message }));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (!isBinary) return closeWith(ws, 'JCR_AVL_MALFORMED_FRAME');
      let batch: AvlBatchIn;
      try {
        batch = reader.read(data as Buffer);
      } catch {
        return closeWith(ws, 'JCR_AVL_MALFORMED_FRAME');
      }
      const reports = batch.reports;
      if (reports.length > L.maxReportsPerBatch) return closeWith(ws, 'JCR_PAYLOAD_TOO_LARGE');
      if (conn.waiting === 0) return answer(batch.seq, reports);
      if (conn.waiting >= MAX_WAITING_FRAMES) {
        const message = `${conn.waiting} frames of this connection wait for the write-locked event log`;
        return send(
          encodeAck({
            seq: batch.seq,
            accepted: 0,
            rejected: reports.map((_, index) => ({ index, code: 'JCR_STORE_BUSY', message })),
          }),
        );
      }
      // Behind a frame that waits for the log: copy (the reader reuses its batch) and queue.
      const seq = batch.seq;
      const copy = reports.map((r) => ({ ...r }));
      wait(conn.tail.then(() => answer(seq, copy)));
    });

    /** Ingest a batch and send its ack, now or once it has waited for the event log. */
    function answer(seq: number, reports: readonly AvlReportIn[]): Promise<void> | undefined {
      if (ws.readyState !== WebSocket.OPEN) return undefined;
      let out: BatchOutcome | Promise<BatchOutcome>;
      // What this batch changes is its own (../own-changes.ts): a failed wait is answered by it.
      const own = new OwnChanges();
      try {
        out = own.run(() => avl.ingestOrWait(reports, feed));
      } catch (e) {
        return failed(e);
      }
      if (!(out instanceof Promise)) return deliver(seq, out, own);
      const done = out.then(
        (o) => deliver(seq, o, own),
        (e: unknown) => failed(e),
      );
      if (conn.waiting === 0) wait(done);
      return done;
    }

    function wait(p: Promise<void> | undefined): void {
      conn.waiting++;
      conn.tail = Promise.resolve(p).finally(() => conn.waiting--);
    }

    /** Send a batch's ack; in cluster mode once the cluster log has its status changes. */
    function deliver(seq: number, o: BatchOutcome, own: OwnChanges): undefined {
      const ack = encodeAck({ seq, accepted: o.accepted, rejected: o.rejected });
      const replicated = avl.whenReplicated(own);
      if (!replicated) return send(ack);
      // The leader stopped before the log confirmed it: 1013 with JCR_NOT_LEADER (nothing sent)
      // or JCR_OUTCOME_UNKNOWN (maybe stored). Either way the feed resends the batch unacked to
      // whoever leads: reports stored already answer JCR_AVL_DUPLICATE, so nothing counts twice.
      replicated.then(
        () => send(ack),
        (e: unknown) => closeWith(ws, e instanceof JcrError ? e.code : 'JCR_OUTCOME_UNKNOWN'),
      );
      return undefined;
    }

    function failed(e: unknown): undefined {
      if (e instanceof JcrError && REFUSALS.has(e.code)) {
        log.warn('avl batch refused: event log', { feed: feed.id, code: e.code });
        closeWith(ws, e.code);
        return undefined;
      }
      log.error('avl batch failed', { feed: feed.id, err: e instanceof Error ? e.stack : String(e) });
      closeWith(ws, 'JCR_INTERNAL');
      return undefined;
    }

    function send(ack: Uint8Array): undefined {
      if (ws.readyState !== WebSocket.OPEN) return undefined;
      if (!corked) {
        corked = true;
        socket.cork();
        setImmediate(uncork);
      }
      ws.send(ack);
      if (ws.bufferedAmount > L.maxBufferedAckBytes) closeWith(ws, 'JCR_RATE_LIMITED');
      return undefined;
    }
  }

  const stopHeartbeat = every(timers, L.heartbeatMs, () => {
    for (const ws of wss.clients) {
      const c = conns.get(ws);
      if (!c) continue;
      if (!c.alive) {
        ws.terminate();
        continue;
      }
      c.alive = false;
      ws.ping();
    }
  });

  return {
    wss,
    get connections() {
      return wss.clients.size;
    },
    close() {
      stopHeartbeat();
      unroute();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function closeWith(ws: WebSocket, code: ErrorCode): void {
  ws.close(ERRORS[code].close, code);
}

/** A plain HTTP refusal of an upgrade to /ws/avl. */
function refuse(socket: Duplex, code: ErrorCode, message: string): void {
  refuseWith(socket, code, message, 'jcr-avl');
}
