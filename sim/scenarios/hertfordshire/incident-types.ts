/**
 * The Hertfordshire demo's response standards and incident types with their pre-determined
 * attendances (docs/scenario.md). Literal data, one record per standard or type: alike in shape
 * by nature, not repeated logic. Deliberate: STANDARDS and INCIDENT_TYPES repeat their record
 * shape once a record (docs/CONVENTIONS.md, "Deliberate repeats"), so each reads, and diffs,
 * as the scenario's own words; a helper that built them would hide the optional fields.
 */
import type { IncidentType, ResponseStandard } from '../../../server/core/scenario/types.ts';

export const STANDARDS: ResponseStandard[] = [
  {
    id: 'fire-first-second',
    name: 'Fire: first appliance within 10 min, second within 13 min, each on 90%',
    agency: 'fire',
    capability: 'pump',
    targets: [
      { nth: 1, withinS: 600, share: 0.9 },
      { nth: 2, withinS: 780, share: 0.9 },
    ],
  },
  {
    id: 'fire-first',
    name: 'Fire: first appliance within 10 min on 90%',
    agency: 'fire',
    capability: 'pump',
    targets: [{ nth: 1, withinS: 600, share: 0.9 }],
  },
  {
    id: 'ambulance-cat1',
    name: 'Ambulance life-threatening: 8 min on 75%',
    agency: 'ambulance',
    capability: 'paramedic',
    targets: [{ nth: 1, withinS: 480, share: 0.75 }],
  },
  {
    id: 'ambulance-cat2',
    name: 'Ambulance emergency (category 2): 40 min on 90%',
    agency: 'ambulance',
    capability: 'paramedic',
    targets: [{ nth: 1, withinS: 2400, share: 0.9 }],
  },
  {
    id: 'police-emergency',
    name: 'Police emergency response: 15 min on 90% (urban figure, scenario setting)',
    agency: 'police',
    capability: 'police-response',
    targets: [{ nth: 1, withinS: 900, share: 0.9 }],
  },
];

export const INCIDENT_TYPES: IncidentType[] = [
  {
    id: 'dwelling-fire',
    name: 'Dwelling fire',
    leadAgency: 'fire',
    priority: 1,
    attendance: [{ capability: 'pump', count: 2, agency: 'fire' }],
    standards: ['fire-first-second'],
  },
  {
    id: 'persons-reported-fire',
    name: 'Fire, persons reported',
    leadAgency: 'fire',
    priority: 1,
    attendance: [
      { capability: 'pump', count: 3, agency: 'fire' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
      { capability: 'police-response', count: 1, agency: 'police' },
    ],
    standards: ['fire-first-second', 'ambulance-cat1'],
  },
  {
    id: 'high-rise-fire',
    name: 'Fire in a high-rise building',
    leadAgency: 'fire',
    priority: 1,
    attendance: [
      { capability: 'pump', count: 4, agency: 'fire' },
      { capability: 'aerial', count: 1, agency: 'fire' },
      { capability: 'command', count: 1, agency: 'fire' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
      { capability: 'police-response', count: 1, agency: 'police' },
    ],
    standards: ['fire-first-second'],
  },
  {
    id: 'rtc-persons-trapped',
    name: 'Road traffic collision, persons trapped',
    leadAgency: 'fire',
    priority: 1,
    attendance: [
      { capability: 'pump', count: 2, agency: 'fire' },
      { capability: 'rescue', count: 1, agency: 'fire' },
      { capability: 'paramedic', count: 2, agency: 'ambulance' },
      { capability: 'roads-policing', count: 1, agency: 'police' },
    ],
    standards: ['fire-first-second', 'ambulance-cat1', 'police-emergency'],
  },
  {
    id: 'rtc-no-entrapment',
    name: 'Road traffic collision, injuries, no entrapment',
    leadAgency: 'police',
    priority: 2,
    attendance: [
      { capability: 'police-response', count: 1, agency: 'police' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
      { capability: 'pump', count: 1, agency: 'fire' },
    ],
    standards: ['police-emergency', 'ambulance-cat2'],
  },
  {
    id: 'cardiac-arrest',
    name: 'Cardiac arrest (ambulance plus fire co-responder)',
    leadAgency: 'ambulance',
    priority: 1,
    attendance: [
      { capability: 'paramedic', count: 2, agency: 'ambulance' },
      { capability: 'co-responder', count: 1, agency: 'fire' },
    ],
    standards: ['ambulance-cat1'],
    coResponse: ['co-responder'],
  },
  {
    id: 'missing-person-high-risk',
    name: 'High-risk missing person (police search, fire drone with thermal imaging)',
    leadAgency: 'police',
    priority: 1,
    attendance: [
      { capability: 'search', count: 2, agency: 'police' },
      { capability: 'dog', count: 1, agency: 'police' },
      { capability: 'drone', count: 1 },
    ],
    standards: ['police-emergency'],
  },
  {
    id: 'gaining-entry',
    name: 'Gaining entry: person collapsed behind a door',
    leadAgency: 'ambulance',
    priority: 1,
    attendance: [
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
      { capability: 'gaining-entry', count: 1, agency: 'fire' },
      { capability: 'police-response', count: 1, agency: 'police' },
    ],
    standards: ['ambulance-cat1', 'fire-first'],
  },
  {
    id: 'water-rescue',
    name: 'Water rescue (person in water)',
    leadAgency: 'fire',
    priority: 1,
    attendance: [
      { capability: 'water-rescue', count: 1, agency: 'fire' },
      { capability: 'pump', count: 2, agency: 'fire' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
      { capability: 'police-response', count: 1, agency: 'police' },
    ],
    standards: ['fire-first-second', 'ambulance-cat1'],
  },
  {
    id: 'violent-disturbance',
    name: 'Violent disturbance',
    leadAgency: 'police',
    priority: 1,
    attendance: [
      { capability: 'police-response', count: 3, agency: 'police' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
    ],
    standards: ['police-emergency'],
  },
  {
    id: 'firearms-incident',
    name: 'Firearms incident',
    leadAgency: 'police',
    priority: 1,
    attendance: [
      { capability: 'firearms', count: 2, agency: 'police' },
      { capability: 'police-response', count: 2, agency: 'police' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
    ],
    standards: ['police-emergency'],
  },
  {
    id: 'vehicle-fire',
    name: 'Vehicle fire',
    leadAgency: 'fire',
    priority: 2,
    attendance: [{ capability: 'pump', count: 1, agency: 'fire' }],
    standards: ['fire-first'],
  },
  {
    id: 'animal-rescue-height',
    name: 'Person or animal stuck at height',
    leadAgency: 'fire',
    priority: 2,
    attendance: [
      { capability: 'pump', count: 1, agency: 'fire' },
      { capability: 'aerial', count: 1, agency: 'fire' },
      { capability: 'rescue', count: 1, agency: 'fire' },
    ],
    standards: ['fire-first'],
  },
  {
    id: 'medical-emergency',
    name: 'Medical emergency (category 2)',
    leadAgency: 'ambulance',
    priority: 2,
    attendance: [{ capability: 'paramedic', count: 1, agency: 'ambulance' }],
    standards: ['ambulance-cat2'],
  },
];
