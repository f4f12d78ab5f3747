import type { SpeedProfile } from '../../../server/core/scenario/types.ts';

/**
 * Blue-light average speeds of the Hertfordshire demo, km/h by OSM highway class (see
 * docs/scenario.md for the basis): one row a class, one column an agency, so the three road
 * profiles read side by side. Key order is the profiles' (scenario.json is built from it).
 */
const KMH: Record<string, readonly [fire: number, police: number, ambulance: number]> = {
  motorway: [90, 115, 105],
  motorway_link: [55, 65, 60],
  trunk: [80, 95, 88],
  trunk_link: [50, 60, 55],
  primary: [65, 75, 70],
  primary_link: [45, 50, 48],
  secondary: [55, 65, 60],
  secondary_link: [40, 45, 42],
  tertiary: [45, 55, 50],
  tertiary_link: [35, 40, 38],
  unclassified: [40, 50, 45],
  residential: [30, 38, 34],
  living_street: [10, 12, 11],
  service: [15, 18, 16],
  default: [30, 35, 32],
};

function road(column: 0 | 1 | 2, maxspeedFactor: number): SpeedProfile {
  const highwayKmh: Record<string, number> = {};
  for (const [highway, kmh] of Object.entries(KMH)) highwayKmh[highway] = kmh[column];
  return { mode: 'road', highwayKmh, maxspeedFactor };
}

export const SPEED_PROFILES: Record<string, SpeedProfile> = {
  fire: road(0, 1.1),
  police: road(1, 1.3),
  ambulance: road(2, 1.2),
  /** A van-carried drone team: modelled as a straight line at a blue-light road average. */
  drone: { mode: 'air', airspeedKmh: 60 },
};
