/**
 * Where partner rooms deliver (issue 18 item 3): POST /mait/v1/messages, a signed XML message.
 * Outside /api: no session, the partner proves itself with the HMAC (../mait/receive.ts checks
 * size, sender, signature and replay window, XML and fields, addressing and type, each refusal
 * with a stable code and nothing applied). What passes goes to the inbox, which answers once the
 * message is durable in our database: 200 applied (the log was free) or a duplicate, 202 held
 * until its predecessor comes or queued behind a busy log. Rate limited per client address before
 * any of that, like every other door of the server, and ResourcePosition per partner (./inbox.ts).
 * Mounted behind replicatedAcks (./app.ts): in cluster mode the answer waits for the cluster log,
 * and a clustered inbox never answers 202 (docs/mait-delivery.md § In cluster mode).
 */
import express, { Router, type Request } from 'express';
import { MAIT_MAX_BYTES, MAIT_PATH } from '../../../proto/mait.ts';
import type { Clock } from '../../core/clock.ts';
import { JcrError } from '../../core/errors.ts';
import { RateLimiter } from '../../core/ratelimit.ts';
import type { Engine } from '../engine.ts';
import { receiveMait } from '../mait/receive.ts';
import type { MaitService } from '../mait/service.ts';

/** A partner may burst this many messages, refilled at MAIT_RATE_PER_S (docs/mait-delivery.md). */
export const MAIT_RATE_BURST = 500;
export const MAIT_RATE_PER_S = 200;

export function maitReceiveRoutes(deps: {
  engine: Engine;
  mait: MaitService;
  clock: Clock;
  clientAddress: (req: Request) => string;
}): Router {
  const r = Router();
  const limiter = new RateLimiter(deps.clock, MAIT_RATE_BURST, MAIT_RATE_PER_S);
  r.post(
    MAIT_PATH,
    (req, res, next) => {
      if (!limiter.take(deps.clientAddress(req))) {
        res.setHeader('Retry-After', '1');
        throw new JcrError('JCR_RATE_LIMITED', 'too many MAIT messages in a short time; slow down');
      }
      next();
    },
    // Any content type: the body is read as bytes, since the signature is over the bytes.
    express.raw({ type: () => true, limit: MAIT_MAX_BYTES }),
    async (req, res) => {
      const body: Uint8Array = Buffer.isBuffer(req.body) ? req.body : new Uint8Array(0);
      const { partner, message } = receiveMait(
        { body, headers: req.headers },
        {
          partners: deps.mait.partners,
          now: deps.clock(),
          isKnownType: (t) => deps.engine.room.scenario.incidentTypes.some((x) => x.id === t),
        },
      );
      // Answered once the message is durable here (or known): applying it may come later.
      const outcome = await deps.mait.inbox.receiveOrWait(partner.id, message);
      res
        .status(outcome === 'held' || outcome === 'queued' ? 202 : 200)
        .json({ messageId: message.messageId, outcome });
    },
  );
  return r;
}
