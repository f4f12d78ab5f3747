/**
 * The map's partner-resources controller (issue 18): on a COP screen, the list the COP pushed,
 * judged stale on the server's clock, and no REST read at all; on the REST feed, one read in
 * flight at a time, however many incident changes arrive meanwhile, then exactly one more read, so
 * the newest answer is shown.
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
      capabilities: { cop: false }, // the REST feed: no COP to push them
      subscribe: (_topics: string[], fn: (changed: Set<string>) => void) => {
        notify = () => fn(new Set(['incidents']));
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

test('on a COP screen the list is what the COP pushed, stale by the server clock, with no REST read', () => {
  let notify: (changed: Set<string>) => void = () => {};
  const store = {
    capabilities: { cop: true },
    staleAfterMs: 120_000,
    serverOffsetMs: -3_600_000, // the server's clock is an hour behind the screen's
    partnerResources: [
      {
        partnerId: 'beds',
        partnerName: 'Bedfordshire',
        resourceId: 'WGC1',
        callSign: 'WG-P1',
        agency: 'fire',
        status: 'MOBILISED',
        incidentId: 'INC-1',
        latE7: 518500000,
        lonE7: -2500000,
        fixTimeMs: 1_000_000,
        removed: false,
      },
    ],
    subscribe: (_topics: string[], fn: (changed: Set<string>) => void) => {
      notify = fn;
      return () => {};
    },
  };
  const ctx = {
    api: { request: () => Promise.reject(new Error('no REST read on a COP screen')) },
    store,
  } as unknown as AppContext;
  let screenNow = 3_600_000 + 1_060_000; // server time 1,060,000: the fix is 60 s old
  const c = new PartnerResourcesController(
    host,
    () => ctx,
    timers,
    () => screenNow,
  );
  const heard: string[][] = [];
  c.onChange((list) => heard.push(list.map((r) => `${r.key} ${r.lat},${r.lon} ${r.fixAgeMs} ${r.stale}`)));
  c.hostConnected();
  screenNow += 120_000; // two minutes on: over staleAfterMs
  notify(new Set(['clock']));
  store.partnerResources = [];
  notify(new Set(['partners']));
  assert.equal(heard, [[], ['beds|WGC1 51.85,-0.25 60000 false'], ['beds|WGC1 51.85,-0.25 180000 true'], []]);
  assert.is(c.reads, 0);
  c.hostDisconnected();
});

test.run();
