/**
 * The map's partner-resources controller (issue 18): one read in flight at a time, however many
 * incident changes arrive meanwhile, then exactly one more read, so the newest answer is shown.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppContext } from '../client/context.ts';
import { PartnerResourcesController } from '../client/controllers/partner-resources-controller.ts';
import type { Timers } from '../proto/timer.ts';

const timers: Timers = {
  setTimeout: () => 0,
  clearTimeout() {},
  setInterval: () => 0,
  clearInterval() {},
};

const host: ReactiveControllerHost = {
  addController(_c: ReactiveController) {},
  removeController(_c: ReactiveController) {},
  requestUpdate() {},
  updateComplete: Promise.resolve(true),
};

const row = (resourceId: string) => ({
  partnerId: 'beds',
  partnerName: 'Bedfordshire',
  incidentId: 'INC-1',
  resourceId,
  agency: 'fire',
  status: 'mobilised',
  lat: 52.1,
  lon: -0.4,
  fixTimeMs: 1_000,
  fixAgeMs: 0,
  stale: false,
});

test('incident changes during a read coalesce into one more read, newest answer kept', async () => {
  const answers: Array<(body: unknown) => void> = [];
  let notify = () => {};
  const ctx = {
    api: {
      request: () => new Promise((resolve) => answers.push((body) => resolve({ ok: true, status: 200, body }))),
    },
    store: {
      subscribe: (_topics: string[], fn: () => void) => {
        notify = fn;
        return () => {};
      },
    },
  } as unknown as AppContext;
  const c = new PartnerResourcesController(host, () => ctx, timers);
  c.hostConnected(); // the first read
  for (let i = 0; i < 5; i++) notify(); // five COP ticks with incident changes meanwhile
  assert.is(answers.length, 1, 'one read in flight, not six');
  answers[0]!({ resources: [row('OLD-1')] });
  await new Promise((r) => setTimeout(r, 0));
  assert.is(answers.length, 2, 'exactly one more read after it');
  answers[1]!({ resources: [row('NEW-1')] });
  await new Promise((r) => setTimeout(r, 0));
  assert.is(answers.length, 2);
  assert.is(c.reads, 2);
  assert.equal(
    c.resources.map((r) => r.resourceId),
    ['NEW-1'],
  );
  c.hostDisconnected();
});

test.run();
