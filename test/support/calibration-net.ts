/**
 * The small literal network of the calibration tests (issue 19): a main road, a parallel road 30 m
 * north joined to it only at its ends, and a side road at B, on the equator (0.001 degrees of
 * longitude is 111.195 m); see test/calibration-matcher.test.ts for the picture.
 */
import { candidatesNear, MetreRouter } from '../../server/core/calibration/candidates.ts';
import type { Fix } from '../../server/core/calibration/matcher.ts';
import { buildGraph } from '../../server/core/graph/build.ts';
import { JourneyPlanner } from '../../server/core/graph/planner.ts';
import { SpeedModel } from '../../server/core/graph/speed.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { ResourceStatus } from '../../server/core/fleet/status.ts';
import type { Store } from '../../server/shell/store/store.ts';
import { parseGeoJsonNetwork } from '../../server/shell/network/geojson.ts';

export const PROFILES = { ten: { mode: 'road' as const, highwayKmh: { default: 36 } } };
export const N30 = 30 / 111_195; // 30 m north, in degrees
const road = (coords: Array<[number, number]>) => ({
  type: 'Feature',
  properties: { highway: 'residential' },
  geometry: { type: 'LineString', coordinates: coords },
});
export const graph = buildGraph(
  parseGeoJsonNetwork(
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        road([
          [0, 0],
          [0.002, 0],
          [0.01, 0],
          [0.018, 0],
          [0.02, 0],
        ]),
        road([
          [0.002, 0],
          [0.002, N30],
          [0.018, N30],
          [0.018, 0],
        ]),
        road([
          [0.01, 0],
          [0.01, -0.005],
        ]),
      ],
    }),
  ),
);
export const planner = new JourneyPlanner(graph, new SpeedModel(PROFILES));
export const w = planner.weights('ten');
export const router = new MetreRouter(graph);
export const geomAt = (lon: number, lat = 0) => candidatesNear(graph, lat, lon, 1, 1)[0]!.geom;
export const NAMES = new Map([
  [geomAt(0.001), 'M1'],
  [geomAt(0.006), 'M2'],
  [geomAt(0.014), 'M3'],
  [geomAt(0.019), 'M4'],
  [geomAt(0.01, N30), 'P'],
  [geomAt(0.01, -0.002), 'S'],
]);
export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
export const fix = (s: number, lon: number, northM = 0): Fix => ({ t: T0 + s * 1000, lat: northM / 111_195, lon });

/** The mini scenario moved onto the literal network: Hatfield at its west end, Welwyn at its east. */
export function netScenario(): Scenario {
  const s = miniScenario();
  const lonOf: Record<string, number> = { 'F-HAT': 0.001, 'F-WGC': 0.019, 'P-HAT': 0.0015 };
  s.bounds = { south: -0.01, west: -0.01, north: 0.01, east: 0.03 };
  s.stations = s.stations.map((st) => ({ ...st, lat: 0, lon: lonOf[st.id]! }));
  s.posts = s.posts.map((p) => ({ ...p, lat: 0, lon: 0.01 }));
  s.demand = [];
  return s;
}

/** Ten blue-light trips of HAT1 along the main road at half the prior's speed, written into `store`. */
export function history(store: Store): Store {
  const pos = store.db.prepare(
    `INSERT INTO positions (received_at, resource_id, fix_time, lat, lon, speed_mps, heading_deg, accuracy_m, status, live, feed)
     VALUES (?, 'HAT1', ?, ?, ?, 5, 90, 6, 0, 1, 'test')`,
  );
  for (let trip = 0; trip < 10; trip++) {
    const t = T0 + trip * 600_000;
    const status = (at: number, s: ResourceStatus) =>
      store.append([
        { at, type: 'resource.status', origin: 'avl', actor: 'test', data: { resourceId: 'HAT1', status: s } },
      ]);
    status(t, ResourceStatus.MOBILISED);
    // 50.04 m every 10 s: 5 m/s against the prior's 10
    for (let k = 0; k <= 13; k++) pos.run(t + k * 10_000, t + k * 10_000, (k % 2) * 0.00005, 0.003 + 0.00045 * k);
    status(t + 131_000, ResourceStatus.AT_SCENE);
  }
  return store;
}
