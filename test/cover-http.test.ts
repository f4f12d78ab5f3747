import { test } from 'uvu';
import { neverTimers } from './support/timers.ts';
import * as assert from 'uvu/assert';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { fakeClock } from '../server/core/clock.ts';
import { api, errorCode, tokenFor } from './support/server.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';

let server: RunningServer;
const clock = fakeClock();

test.before(async () => {
  const scenario = coverScenario();
  server = await startServer({
    scenario,
    db: ':memory:',
    port: 0,
    clock: clock.now,
    log: 'error',
    roads: { planner: coverPlanner(scenario), cover: { timers: neverTimers } },
  });
});
test.after(async () => {
  await server.close();
});

test('GET /api/cover: figures and GeoJSON gaps; a status change recomputes and tells listeners', async () => {
  const token = await tokenFor(server, 'wall-viewer');
  const r = await api(server, 'GET', '/api/cover', { token });
  assert.is(r.status, 200);
  const body = r.body as { figures: Array<{ coveredWeight: number }>; gaps: { type: string; features: unknown[] } };
  assert.equal(
    body.figures.map((f) => f.coveredWeight),
    [125, 110, 140],
  );
  assert.is(body.gaps.type, 'FeatureCollection');
  const seen: number[] = [];
  server.cover!.onChange((s) => seen.push(s.figures[0]!.coveredShare));
  server.engine.execute(
    { type: 'resource.setStatus', resourceId: 'CHH1', status: 3 },
    { origin: 'operator', actor: 't' },
  );
  server.cover!.flush();
  assert.equal(seen, [95 / 150]);
});

test('moves: recommend, order (duty officer only), validation and stable codes', async () => {
  const duty = await tokenFor(server, 'duty-officer');
  const fireDesk = await tokenFor(server, 'fire-dispatcher');
  const m = await api(server, 'GET', '/api/cover/moves?surface=fire:pump&limit=2', { token: duty });
  assert.is(m.status, 200);
  const moves = (m.body as { moves: Array<{ resourceId: string; destination: { id: string } }> }).moves;
  assert.is(moves[0]!.destination.id, 'F-CHH');
  assert.is(
    errorCode((await api(server, 'GET', '/api/cover/moves?surface=nope', { token: duty })).body),
    'JCR_VALIDATION',
  );
  assert.is(
    errorCode((await api(server, 'POST', '/api/cover/moves', { token: duty, body: { resourceId: 'CEN1' } })).body),
    'JCR_VALIDATION',
  );
  assert.is(
    errorCode(
      (
        await api(server, 'POST', '/api/cover/moves', {
          token: fireDesk,
          body: { resourceId: 'CEN1', destinationId: 'F-CHH' },
        })
      ).body,
    ),
    'JCR_FORBIDDEN',
  );
  assert.is(
    errorCode(
      (
        await api(server, 'POST', '/api/cover/moves', {
          token: duty,
          body: { resourceId: 'CEN1', destinationId: 'DAP-NEW' },
        })
      ).body,
    ),
    'JCR_COVER_BAD_DESTINATION',
  );
  const ok = await api(server, 'POST', '/api/cover/moves', {
    token: duty,
    body: { resourceId: moves[0]!.resourceId, destinationId: 'F-CHH' },
  });
  assert.is(ok.status, 201);
  assert.is(server.engine.room.standby.get(moves[0]!.resourceId)!.destination.id, 'F-CHH');
  // The order shows in GET /api/cover at once, before any recompute (the schedule never fires here).
  const listed = (await api(server, 'GET', '/api/cover', { token: duty })).body as {
    standby: Array<{ resourceId: string }>;
  };
  assert.equal(
    listed.standby.map((x) => x.resourceId),
    [moves[0]!.resourceId],
  );
  // AVL reaches the destination: the service ends the move
  server.engine.room.fleet.move(moves[0]!.resourceId, { lat: 52.1886, lon: 0.1746 });
  server.engine.notifyPositions([moves[0]!.resourceId]);
  await Promise.resolve();
  assert.is(server.engine.room.standby.get(moves[0]!.resourceId), undefined);
  assert.is(server.engine.room.fleet.get(moves[0]!.resourceId)!.status, 1);
  assert.is(
    errorCode((await api(server, 'POST', `/api/cover/moves/${moves[0]!.resourceId}/cancel`, { token: duty })).body),
    'JCR_COVER_NO_STANDBY',
  );
  // A cancelled order leaves the list at once too.
  const second = await api(server, 'POST', '/api/cover/moves', {
    token: duty,
    body: { resourceId: 'CEN1', destinationId: 'F-CHH' },
  });
  assert.is(second.status, 201);
  assert.is(
    ((await api(server, 'GET', '/api/cover', { token: duty })).body as { standby: unknown[] }).standby.length,
    1,
  );
  assert.is((await api(server, 'POST', '/api/cover/moves/CEN1/cancel', { token: duty })).status, 200);
  assert.equal(((await api(server, 'GET', '/api/cover', { token: duty })).body as { standby: unknown[] }).standby, []);
  const w = await api(server, 'POST', '/api/cover/what-if', { token: duty, body: { resourceIds: ['TRU1'] } });
  assert.is(w.status, 200);
  assert.is(
    errorCode((await api(server, 'POST', '/api/cover/what-if', { token: duty, body: { resourceIds: [] } })).body),
    'JCR_VALIDATION',
  );
});

test.run();
