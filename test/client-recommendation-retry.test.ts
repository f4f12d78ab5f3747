/**
 * The screens' recommendation fetch, when the server does not answer in time: a GET that writes
 * nothing, so it asks again (up to 3 attempts) and shows the recommendation once it comes. Before,
 * one request past the 8 s limit left the panel without a recommendation until the dispatcher
 * asked again by hand (test/browser/joint-flow timed out waiting for it on a loaded machine).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Api } from '../client/state/api.ts';
import { fetchRecommendation } from '../client/state/commands.ts';
import { ClientStore } from '../client/state/store.ts';

const never = () => undefined;
const timers = { setTimeout: never, clearTimeout: never, setInterval: never, clearInterval: never };
const timedOut = () => Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
const json = (status: number, body: unknown) => () => Promise.resolve(new Response(JSON.stringify(body), { status }));
const REC = {
  incidentId: 'INC-7',
  recommendationSeq: 12,
  fingerprint: 'fp-12',
  proposed: ['PC1'],
  lines: [
    {
      capability: 'police-response',
      unfilled: 0,
      candidates: [{ resourceId: 'PC1', callSign: 'HT-IRV1', agency: 'police', etaS: 240, proposed: true }],
    },
  ],
};

function run(answers: (() => Promise<Response>)[]) {
  const paths: string[] = [];
  const api = new Api(async (path) => {
    paths.push(path);
    return answers[paths.length - 1]!();
  });
  const store = new ClientStore({ timers });
  store.capabilities = { ...store.capabilities, incidents: true, recommendations: true };
  const messages: string[] = [];
  const out = { message: (t: string) => messages.push(t), busy: never };
  return { paths, messages, store, go: () => fetchRecommendation({ store, api }, 'INC-7', out) };
}

test('an unanswered recommendation is asked for again and shown when it comes', async () => {
  const r = run([timedOut, timedOut, json(200, REC)]);
  await r.go();
  assert.equal(r.paths, Array(3).fill('/api/incidents/INC-7/recommendation'));
  const rec = r.store.recommendations.get('INC-7');
  assert.equal(
    [rec?.seq, rec?.fingerprint, rec?.resources.map((x) => [x.resourceId, x.callSign, x.etaS])],
    [12, 'fp-12', [['PC1', 'HT-IRV1', 240]]],
  );
  assert.equal(r.messages, [
    'Recommendation for INC-7 not received yet — asking again…',
    'Recommendation for INC-7 not received yet — asking again…',
    'Recommendation for INC-7 received.',
  ]);
});

test('after three unanswered attempts it says so, and stores nothing', async () => {
  const r = run([timedOut, timedOut, timedOut]);
  await r.go();
  assert.is(r.paths.length, 3);
  assert.is(r.store.recommendations.size, 0);
  assert.equal(r.messages.slice(2), ['Recommendation: the server did not answer in time [NETWORK_TIMEOUT]']);
});

test('an answered refusal is not asked again; an answer at once says nothing', async () => {
  const refusal = run([json(409, { error: { code: 'JCR_INCIDENT_CLOSED', message: 'incident INC-7 is closed' } })]);
  await refusal.go();
  assert.equal(
    [refusal.paths.length, refusal.messages],
    [1, ['Recommendation: incident INC-7 is closed [JCR_INCIDENT_CLOSED]']],
  );
  const first = run([json(200, REC)]);
  await first.go();
  assert.equal([first.paths.length, first.messages, first.store.recommendations.has('INC-7')], [1, [], true]);
});

test.run();
