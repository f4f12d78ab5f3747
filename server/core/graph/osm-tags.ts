/**
 * How OSM tags on a way decide whether a fire engine, police car or ambulance may drive it, in
 * which direction, and at what posted limit. Pure functions over a tag dictionary, shared by all
 * three importers (PBF, XML, GeoJSON). docs/journey-time.md lists the rules.
 */
export type Tags = Readonly<Record<string, string>>;

/** Highway classes we route on, in rough order of importance. Anything else is not drivable. */
export const DRIVABLE_HIGHWAYS = [
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
  'road',
] as const;
export type DrivableHighway = (typeof DRIVABLE_HIGHWAYS)[number];

const DRIVABLE = new Set<string>(DRIVABLE_HIGHWAYS);
/** Access values that shut a road to us. destination, customers, permit, delivery stay open: 999 vehicles may use them. */
const CLOSED = new Set(['no', 'private']);

export type WayVerdict =
  | { drivable: true; highway: DrivableHighway; forward: boolean; backward: boolean; maxspeedKmh: number }
  | { drivable: false; reason: 'not-a-road' | 'no-access' | 'area' | 'reversible' };

/**
 * Decide one way. Access precedence, most specific wins: motor_vehicle, then vehicle, then access
 * (so `access=no` + `motor_vehicle=yes` is open, `motor_vehicle=private` alone is closed).
 * One-way: `oneway=yes|true|1` forward, `-1|reverse` backward, `no|false|0` both ways;
 * with no oneway tag, `junction=roundabout|circular` and `highway=motorway` imply forward only.
 * `oneway=reversible|alternating` (tidal lanes) is dropped: we cannot know its direction now.
 */
export function classifyWay(tags: Tags): WayVerdict {
  const hw = tags.highway;
  if (hw === undefined || !DRIVABLE.has(hw)) return { drivable: false, reason: 'not-a-road' };
  if (tags.area === 'yes') return { drivable: false, reason: 'area' };
  const access = tags.motor_vehicle ?? tags.vehicle ?? tags.access;
  if (access !== undefined && CLOSED.has(access.trim().toLowerCase())) return { drivable: false, reason: 'no-access' };
  let forward = true;
  let backward = true;
  const oneway = tags.oneway?.trim().toLowerCase();
  if (oneway === 'yes' || oneway === 'true' || oneway === '1') backward = false;
  else if (oneway === '-1' || oneway === 'reverse') forward = false;
  else if (oneway === 'reversible' || oneway === 'alternating') return { drivable: false, reason: 'reversible' };
  else if (oneway === undefined || (oneway !== 'no' && oneway !== 'false' && oneway !== '0')) {
    const j = tags.junction;
    if (j === 'roundabout' || j === 'circular' || hw === 'motorway') backward = false;
  }
  return {
    drivable: true,
    highway: hw as DrivableHighway,
    forward,
    backward,
    maxspeedKmh: parseMaxspeed(tags.maxspeed),
  };
}

const MPH = 1.609344;

/** Implicit national limits written as zone codes, km/h. */
export const MAXSPEED_ZONES: Readonly<Record<string, number>> = {
  'GB:nsl_single': 60 * MPH,
  'GB:nsl_dual': 70 * MPH,
  'GB:motorway': 70 * MPH,
  'GB:nsl_restricted': 30 * MPH,
  'UK:nsl_single': 60 * MPH,
  'UK:nsl_dual': 70 * MPH,
  'UK:motorway': 70 * MPH,
  'SE:urban': 50,
  'SE:rural': 70,
  'SE:motorway': 110,
  'DE:urban': 50,
  'DE:rural': 100,
  'FR:urban': 50,
  'FR:rural': 80,
};

/**
 * Parse an OSM maxspeed value to km/h; 0 means no usable limit (absent, `none`, `signals`,
 * `walk`, unparseable). Accepts `50`, `50 km/h`, `50 kmh`, `30 mph`, `30mph`, zone codes like
 * `GB:nsl_single`; a list (`50;30`) takes the lowest.
 */
export function parseMaxspeed(v: string | undefined): number {
  if (v === undefined) return 0;
  let best = 0;
  for (const part of v.split(';')) {
    const s = part.trim();
    const zone = MAXSPEED_ZONES[s];
    let kmh = 0;
    if (zone !== undefined) kmh = zone;
    else {
      const m = /^(\d+(?:\.\d+)?)\s*(mph|km\/h|kmh|kph)?$/i.exec(s);
      if (m) {
        const n = Number(m[1]);
        kmh = m[2]?.toLowerCase() === 'mph' ? n * MPH : n;
      }
    }
    if (kmh > 0 && (best === 0 || kmh < best)) best = kmh;
  }
  return best;
}
