/**
 * The alert book's active alerts by incident. The COP sends an incident's active alerts with
 * each of its changes; it found them by scanning every active alert in the room on each change.
 * The book now keeps them by incident as it folds the alert events: activeFor(id) must give the
 * same alerts, in the same order, as active() filtered by incident, through raises and clears.
 * Literal events, no server.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlertBook } from '../server/core/alerts/book.ts';
import type { AlertRaise } from '../server/core/alerts/types.ts';
import type { JcrEvent } from '../server/core/events.ts';

let seq = 0;
const raised = (alertId: string, raise: AlertRaise): JcrEvent => ({
  seq: ++seq,
  at: 1_000 * seq,
  type: 'alert.raised',
  origin: 'system',
  actor: 'system',
  data: { alertId, ...raise },
});
const cleared = (alertId: string): JcrEvent => ({
  seq: ++seq,
  at: 1_000 * seq,
  type: 'alert.cleared',
  origin: 'system',
  actor: 'system',
  data: { alertId, reason: 'resolved' },
});
const p1 = (incidentId: string): AlertRaise => ({
  kind: 'new-p1',
  cause: `new-p1:${incidentId}`,
  incidentId,
  agencies: ['fire'],
  priority: 1,
  text: `New priority 1: ${incidentId}`,
});
const quicker = (incidentId: string, quickerId: string): AlertRaise => ({
  kind: 'quicker',
  cause: `quicker:${incidentId}:P1:${quickerId}`,
  incidentId,
  resourceId: quickerId,
  agencies: ['fire', 'police'],
  priority: 1,
  text: `${quickerId} would arrive sooner`,
});
const stale: AlertRaise = {
  kind: 'avl-stale',
  cause: 'avl-stale:P1#1',
  resourceId: 'P1',
  agencies: ['fire'],
  priority: 3,
  text: 'P1 has sent no position',
};

const ids = (alerts: { id: string }[]) => alerts.map((a) => a.id);
const scan = (book: AlertBook, incidentId: string) => book.active().filter((a) => a.incidentId === incidentId);

test('activeFor gives the same alerts as scanning the active ones, through raises and clears', () => {
  const book = new AlertBook();
  const log = [
    raised('AL-1', p1('INC-1')),
    raised('AL-2', stale),
    raised('AL-3', p1('INC-2')),
    raised('AL-4', quicker('INC-1', 'P2')),
    raised('AL-5', quicker('INC-1', 'P3')),
  ];
  for (const e of log) book.apply(e);
  assert.equal(ids(book.activeFor('INC-1')), ['AL-1', 'AL-4', 'AL-5']);
  assert.equal(ids(book.activeFor('INC-2')), ['AL-3']);
  assert.equal(ids(book.activeFor('INC-9')), []);
  for (const inc of ['INC-1', 'INC-2', 'INC-9']) assert.equal(book.activeFor(inc), scan(book, inc), inc);

  book.apply(cleared('AL-4'));
  book.apply(cleared('AL-3'));
  book.apply(cleared('AL-2'));
  book.apply(cleared('AL-99')); // unknown: nothing changes
  book.apply(raised('AL-6', quicker('INC-2', 'P4')));
  assert.equal(ids(book.activeFor('INC-1')), ['AL-1', 'AL-5']);
  assert.equal(ids(book.activeFor('INC-2')), ['AL-6']);
  assert.equal(ids(book.active()), ['AL-1', 'AL-5', 'AL-6']);
  for (const inc of ['INC-1', 'INC-2', 'INC-9']) assert.equal(book.activeFor(inc), scan(book, inc), inc);

  book.apply(cleared('AL-1'));
  book.apply(cleared('AL-5'));
  assert.equal(book.activeFor('INC-1'), []);
  assert.equal(book.activeFor('INC-1'), scan(book, 'INC-1'));
});

test.run();
