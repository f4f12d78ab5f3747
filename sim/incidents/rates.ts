/**
 * Default incident rates for the Hertfordshire scenario, incidents per year by scenario incident
 * type, and time-of-day profiles by lead agency. The basis of each figure is in
 * docs/simulator.md § Incident rates; all are approximate public figures, rounded, and scaled
 * where the scenario's fleet is a subset of the real one. They are demonstration defaults, not
 * planning data.
 */
import type { Agency } from '../../server/core/scenario/types.ts';

/**
 * How the ambulance rates are derived (docs/simulator.md § Incident rates): EEAST incidents a
 * month by category (NHS England Ambulance Quality Indicators, approximate 2023-24 levels),
 * times Hertfordshire's share of the East of England's population (ONS Census 2021), times the
 * share of the county's on-duty ambulance work the scenario's 23 ambulances stand for (an
 * assumption: half). `cardiac-arrest` stands for every category 1 medical call (2 paramedic
 * resources, as the scenario's attendance sends), `medical-emergency` for category 2.
 */
export const AMBULANCE_SCALING = {
  eeastPerMonth: { c1: 9_000, c2: 43_000 },
  hertsPopulation: 1_198_800,
  eastOfEnglandPopulation: 6_335_100,
  fleetShare: 0.5,
} as const;

function ambulancePerYear(cat: 'c1' | 'c2'): number {
  const a = AMBULANCE_SCALING;
  const perYear = a.eeastPerMonth[cat] * 12 * (a.hertsPopulation / a.eastOfEnglandPopulation) * a.fleetShare;
  return Math.round(perYear / 100) * 100;
}

export const DEFAULT_RATES_PER_YEAR: Readonly<Record<string, number>> = {
  // Fire (HFRS attends roughly 8,000-9,000 incidents a year; about 40% are false alarms, which
  // the scenario has no type for, so these add up to less).
  'dwelling-fire': 600,
  'persons-reported-fire': 80,
  'high-rise-fire': 15,
  'vehicle-fire': 350,
  'rtc-persons-trapped': 150,
  'water-rescue': 30,
  'animal-rescue-height': 60,
  'gaining-entry': 700,
  // Ambulance: the East of England's category 1 and 2 volumes scaled to the county and to the
  // scenario's fleet (AMBULANCE_SCALING below; docs/simulator.md § Incident rates).
  'cardiac-arrest': ambulancePerYear('c1'),
  'medical-emergency': ambulancePerYear('c2'),
  // Police (Hertfordshire Constabulary: of the order of 150,000-200,000 emergency calls a year).
  // Only the types the scenario models, scaled to its 33 police vehicles.
  'rtc-no-entrapment': 1_500,
  'missing-person-high-risk': 1_200,
  'violent-disturbance': 6_000,
  'firearms-incident': 150,
};

/**
 * Hourly factors (index = local hour 0..23), each profile averaging 1 over the day. Shapes follow
 * the published patterns: fire demand peaks in the early evening and is lowest before dawn;
 * ambulance demand rises through the morning, peaks late morning to early evening; police
 * demand peaks in the evening and around pub closing.
 */
export const TIME_OF_DAY: Readonly<Record<Agency, readonly number[]>> = {
  fire: normalise([
    0.6, 0.5, 0.45, 0.4, 0.35, 0.35, 0.45, 0.65, 0.85, 0.95, 1.05, 1.15, 1.2, 1.25, 1.3, 1.35, 1.45, 1.55, 1.6, 1.5,
    1.35, 1.15, 0.95, 0.75,
  ]),
  ambulance: normalise([
    0.7, 0.6, 0.55, 0.5, 0.45, 0.45, 0.55, 0.75, 1.0, 1.2, 1.3, 1.35, 1.3, 1.25, 1.25, 1.2, 1.2, 1.2, 1.15, 1.1, 1.05,
    1.0, 0.9, 0.8,
  ]),
  police: normalise([
    1.1, 1.0, 0.85, 0.65, 0.5, 0.4, 0.4, 0.55, 0.75, 0.85, 0.9, 0.95, 1.0, 1.0, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3, 1.35,
    1.35, 1.3, 1.2,
  ]),
};

function normalise(xs: number[]): number[] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.map((x) => x / mean);
}
