/**
 * REST for alerts (issue 17 item 3, docs/alerts.md): the alerts the caller may see, each with the
 * caller's own acknowledgement, and the acknowledgement itself: per user, an `alert.acknowledged`
 * event in the log (and in the incident's audit timeline). The wall viewer reads, never acknowledges.
 */
import { Router } from 'express';
import type { AlertView } from '../../../proto/wire.ts';
import { alertMsg } from '../../core/alerts/book.ts';
import type { Alert } from '../../core/alerts/types.ts';
import { JcrError } from '../../core/errors.ts';
import type { Engine } from '../engine.ts';
import { acting } from './acting.ts';
import { noUnknown, oneOf } from './body.ts';

/** At most this many alerts in one answer (newest kept). */
export const MAX_ALERTS = 500;

export interface AlertRouteDeps {
  engine: Engine;
}

function view(a: Alert, user: string): AlertView {
  const at = a.acks.get(user);
  return { ...alertMsg(a), acknowledged: at !== undefined, acknowledgedAtMs: at === undefined ? 0 : Math.round(at) };
}

export function alertRoutes({ engine }: AlertRouteDeps): Router {
  const r = Router();
  const room = engine.room;

  /** `status=active` (default): alerts not cleared; `all`: cleared ones too. Oldest first. */
  r.get('/alerts', (req, res) => {
    const q = req.query as Record<string, unknown>;
    noUnknown(q, ['status'], '', 'query parameter');
    const status = q.status === undefined ? 'active' : oneOf(q, 'status', ['active', 'all']);
    const a = acting(res, undefined);
    const list = status === 'active' ? room.alerts.active() : [...room.alerts.all()];
    const visible = list.filter((x) => room.alerts.visible(x, a.who, room.incidents));
    res.json({ seq: room.lastSeq, alerts: visible.slice(-MAX_ALERTS).map((x) => view(x, a.actor)) });
  });

  /** Acknowledge for the signed-in user; again is a no-op. 404 for an alert the caller may not see. */
  r.post('/alerts/:id/ack', async (req, res) => {
    noUnknown(req.body === undefined ? {} : (req.body as Record<string, unknown>), []);
    const a = acting(res, undefined);
    if (a.who === null) throw new JcrError('JCR_FORBIDDEN', 'the wall viewer cannot acknowledge alerts');
    await engine.submit(
      { type: 'alert.ack', alertId: req.params.id, acting: a.who },
      { origin: 'operator', actor: a.actor },
    );
    res.json({ alert: view(room.alerts.get(req.params.id)!, a.actor) });
  });

  return r;
}
