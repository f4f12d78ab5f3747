/**
 * Cover worker health in /metrics: computes, the last compute's time, worker restarts and
 * position refreshes, scraped over HTTP from a real server (port 0, ':memory:', the cover
 * worker on the Cambridge network).
 */
import { neverTimers } from './support/timers.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import type { WorkerComputer } from '../server/shell/cover/computer.ts';
import { startServer } from '../server/shell/server.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';

const scenario = coverScenario();
const planner = coverPlanner(scenario);

/** The cover lines of a scrape, by metric name. */
const METRICS_TOKEN = 'cover-metrics-scraper-token';

async function scrape(url: string): Promise<{ names: string[]; value: (name: string) => number }> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.is(res.status, 200);
  const lines = (await res.text()).split('\n');
  const samples = new Map(
    lines.filter((l) => l.startsWith('jcr_cover_')).map((l) => [l.split(' ')[0]!, Number(l.split(' ')[1])]),
  );
  return {
    names: lines.filter((l) => l.startsWith('# TYPE jcr_cover_')).map((l) => l.split(' ')[2]!),
    value: (name) => {
      const v = samples.get(name);
      if (v === undefined) throw new Error(`no sample ${name}`);
      return v;
    },
  };
}

test('/metrics: cover computes, last compute time, worker restarts and refreshes; the counts move with a compute and a crash', async () => {
  const clock = fakeClock();
  const server = await startServer({
    scenario,
    db: ':memory:',
    port: 0,
    clock: clock.now,
    log: 'silent',
    roads: { planner, cover: { timers: neverTimers, restartDelayMs: 0 } },
    web: { metricsToken: METRICS_TOKEN },
  });
  try {
    const first = await scrape(server.url);
    assert.equal(first.names, [
      'jcr_cover_computes_total',
      'jcr_cover_last_compute_ms',
      'jcr_cover_worker_restarts_total',
      'jcr_cover_refreshes_total',
    ]);
    // the debounce never fires here: nothing computed yet
    assert.equal(
      [
        'jcr_cover_computes_total',
        'jcr_cover_last_compute_ms',
        'jcr_cover_worker_restarts_total',
        'jcr_cover_refreshes_total',
      ].map(first.value),
      [0, 0, 0, 0],
    );

    await server.cover!.flushAsync();
    const second = await scrape(server.url);
    assert.is(second.value('jcr_cover_computes_total'), 1);
    // the worker's own measure of the two surfaces it computed (what the picture reports)
    const computeMs = server.cover!.latest()!.surfaces.reduce((t, s) => t + s.computeMs, 0);
    assert.is(second.value('jcr_cover_last_compute_ms'), computeMs);

    // a crash: the worker restarts and the next compute is answered by the new one
    await (server.cover!.computer as WorkerComputer).kill();
    server.engine.execute(
      { type: 'resource.setStatus', resourceId: 'CHH1', status: 3 },
      { origin: 'operator', actor: 't' },
    );
    await server.cover!.flushAsync();
    const third = await scrape(server.url);
    assert.equal([third.value('jcr_cover_computes_total'), third.value('jcr_cover_worker_restarts_total')], [2, 1]);
  } finally {
    await server.close();
  }
});

test.run();
