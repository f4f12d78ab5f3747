/**
 * Incidents and location (issue 16): an incident's answer names its road, town and grid
 * reference and shows where it meets the road network; a point beyond the snapping allowance is
 * refused with JCR_OFF_ROAD and nothing is created, unless the dispatcher confirms, and then the
 * empty recommendation says why. Hertfordshire scenario and its road network.
 */
import { once } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocket } from 'ws';
import { CopPicture } from '../client/cop/cop-client-core.ts';
import { decodeServerFrame, encodeClientFrame } from '../client/cop/codec.ts';
import { toClientIncident } from '../client/state/cop-feed.ts';
import { parseLocation } from '../client/state/places.ts';
import { fakeClock } from '../server/core/clock.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import { Gazetteer, plannerSnap } from '../server/core/places/gazetteer.ts';
import { mobilisationFromPlanner } from '../server/shell/incidents/mobilisation.ts';
import { loadNetwork } from '../server/shell/network/load.ts';
import { loadRoadTable } from '../server/shell/network/road-table.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { api, errorCode, tokenFor } from './support/server.ts';

const NET = 'sim/scenarios/hertfordshire/network.geojson';
let server: RunningServer;
let token: string;
test.before(async () => {
  const scenario = loadScenario('sim/scenarios/hertfordshire/scenario.json');
  const { graph } = loadNetwork(NET, 'geojson', { cacheDir: null });
  const planner = new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles));
  const places = new Gazetteer(
    { ...scenario, roads: loadRoadTable(NET, 'geojson', { cacheDir: null }) },
    plannerSnap(planner),
  );
  server = await startServer({
    scenario,
    db: ':memory:',
    port: 0,
    clock: fakeClock(Date.UTC(2026, 10, 21, 12)).now,
    log: 'silent',
    roads: { graph, planner, places, mobilisation: mobilisationFromPlanner(planner, scenario) },
  });
  token = await tokenFor(server, 'fire-dispatcher');
});
test.after(async () => {
  await server.close();
});

interface Answer {
  id: string;
  location: { text: string; snapped: { distanceM: number } | null; offRoad: string | null; gridRef: string };
}

test('an incident on a road in Stevenage names its road, town and grid reference', async () => {
  const r = await api(server, 'POST', '/api/incidents', {
    token,
    body: { typeId: 'dwelling-fire', lat: 51.9038, lon: -0.1966 },
  });
  assert.is(r.status, 201);
  const inc = r.body as Answer;
  assert.equal(inc.location, {
    road: 'A602',
    roadDistanceM: 0,
    place: 'Stevenage',
    placeDistanceM: 0,
    gridRef: 'TL 2416 2434',
    text: 'A602, near Stevenage · TL 2416 2434',
    snapped: { lat: 51.9038, lon: -0.1966, distanceM: 0 },
    offRoad: null,
  });
  const rec = await api(server, 'GET', `/api/incidents/${inc.id}/recommendation`, { token });
  const body = rec.body as { proposed: string[]; emptyReason: string | null };
  assert.ok(body.proposed.length > 0);
  assert.is(body.emptyReason, null);
});

test('beyond the allowance create is refused with JCR_OFF_ROAD and nothing is created', async () => {
  const before = ((await api(server, 'GET', '/api/incidents', { token })).body as { incidents: unknown[] }).incidents;
  const r = await api(server, 'POST', '/api/incidents', {
    token,
    body: { typeId: 'dwelling-fire', lat: 52.3, lon: -0.9 },
  });
  assert.is(r.status, 422);
  assert.is(errorCode(r.body), 'JCR_OFF_ROAD');
  assert.match((r.body as { error: { message: string } }).error.message, 'no drivable road within 500 m');
  // The allowance as a number, so a screen can say "no road within 500 m" in its own words.
  assert.equal((r.body as { error: { details: unknown } }).error.details, { maxSnapM: 500 });
  const after = ((await api(server, 'GET', '/api/incidents', { token })).body as { incidents: unknown[] }).incidents;
  assert.is(after.length, before.length);
});

test('confirmed off the road: the incident records it and the empty recommendation says why', async () => {
  const r = await api(server, 'POST', '/api/incidents', {
    token,
    body: { typeId: 'dwelling-fire', lat: 52.3, lon: -0.9, confirmOffRoad: true },
  });
  assert.is(r.status, 201);
  const inc = r.body as Answer;
  assert.is(inc.location.offRoad, 'no road within 500 m');
  assert.is(inc.location.snapped, null);
  const rec = await api(server, 'GET', `/api/incidents/${inc.id}/recommendation`, { token });
  const body = rec.body as { proposed: string[]; emptyReason: string | null };
  assert.equal(body.proposed, []);
  assert.is(
    body.emptyReason,
    'no road within 500 m of the incident: no journey time can be predicted, so no resource is proposed',
  );
});

test("the incident list names each incident's location too", async () => {
  const r = await api(server, 'GET', '/api/incidents', { token });
  const list = (r.body as { incidents: Answer[] }).incidents;
  assert.is(list.length, 2);
  assert.equal(
    list.map((i) => [i.location.text, i.location.offRoad]),
    [
      ['A602, near Stevenage · TL 2416 2434', null],
      [list[1]!.location.text, 'no road within 500 m'],
    ],
  );
});

test("the COP carries every incident's location as the REST answer gives it, for the queue, panel and wall", async () => {
  const ws = new WebSocket(server.url.replace('http:', 'ws:') + '/ws/cop', {
    headers: { authorization: `Bearer ${token}` },
  });
  await once(ws, 'open');
  const first = once(ws, 'message');
  ws.send(encodeClientFrame(new CopPicture().subscribeMessage()));
  const [data] = (await first) as [Buffer];
  ws.close();
  const incidents = decodeServerFrame(data).snapshot?.incidents ?? [];
  assert.equal(
    incidents.map((i) => [i.id, i.location]),
    [
      [
        'INC-1',
        {
          text: 'A602, near Stevenage · TL 2416 2434',
          road: 'A602',
          roadDistanceM: 0,
          place: 'Stevenage',
          placeDistanceM: 0,
          gridRef: 'TL 2416 2434',
          snapped: { latE7: 519038000, lonE7: -1966000, distanceM: 0 },
          offRoad: '',
        },
      ],
      [
        'INC-2',
        {
          text: 'SP 7510 6744',
          road: '',
          roadDistanceM: 0,
          place: '',
          placeDistanceM: 0,
          gridRef: 'SP 7510 6744',
          snapped: null,
          offRoad: 'no road within 500 m',
        },
      ],
    ],
  );
  // The screens read it as they read the REST answer's: the same location, field for field.
  const rest = ((await api(server, 'GET', '/api/incidents', { token })).body as { incidents: Answer[] }).incidents;
  assert.equal(
    incidents.map((i) => toClientIncident(i).location),
    rest.map((i) => parseLocation(i.location)),
  );
});

test.run();
