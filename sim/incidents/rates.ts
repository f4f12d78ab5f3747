/**
 * Default incident rates for the Hertfordshire scenario, incidents per year by scenario incident
 * type (the hourly profiles are ./time-of-day.ts). The basis of each figure is in
 * docs/simulator.md § Incident rates; all are approximate public figures, rounded, and scaled
 * where the scenario's fleet is a subset of the real one. They are demonstration defaults, not
 * planning data.
 */

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
