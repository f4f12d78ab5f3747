/**
 * One literal MAIT message of every kind (proto/mait.ts), Hertfordshire ("herts") and
 * Bedfordshire ("beds") rooms, for the codec, signing and delivery tests.
 */
import type { MaitIncidentContent, MaitLocation, MaitMessage, MaitPartners } from '../../proto/mait.ts';

export const T0 = Date.UTC(2026, 11, 2, 20, 0, 0, 123);

const head = (kind: string, n: number, from = 'herts', to = 'beds') => ({
  messageId: `${from}-m${n}`,
  from,
  to,
  incident: { room: 'herts', id: 'INC-000042' },
  seq: n,
  sentAt: T0 + n * 1000,
  kind,
});

export const LOCATION: MaitLocation = {
  lat: 51.90123,
  lon: -0.20456,
  gridRef: 'TL 2416 2434',
  uprn: '100080123456',
  address: '12 High Street, Stevenage SG1 3EJ',
};

export const CONTENT: MaitIncidentContent = {
  type: 'F-DWELL',
  typeText: 'Fire in a dwelling',
  priority: 1,
  location: LOCATION,
  methane: {
    majorIncident: false,
    exactLocation: 'Rear of the terrace, first floor',
    type: 'Fire in a dwelling',
    hazards: 'Gas cylinders in the shed',
    access: 'From Letchmore Road',
    casualties: 2,
    servicesPresent: ['fire'],
    servicesRequired: ['fire', 'ambulance'],
  },
  casualties: [
    { count: 1, status: 'serious', description: 'Adult, smoke inhalation' },
    { count: 1, status: 'unknown', description: 'Child, believed upstairs' },
  ],
  callerAccount: 'Neighbour sees smoke from the upstairs window & hears shouting <urgent>.',
  timeline: [
    { id: 'n-1', at: T0 - 60_000, author: 'fire-dispatcher', text: 'Two pumps mobilised' },
    { id: 'n-2', at: T0 - 30_000, author: 'police-dispatcher', text: 'Road closed at the junction\nsecond line' },
  ],
};

export const SAMPLES: Record<MaitMessage['kind'], MaitMessage> = {
  Create: { ...head('Create', 1), kind: 'Create', content: CONTENT },
  Update: {
    ...head('Update', 2),
    kind: 'Update',
    content: {
      ...CONTENT,
      priority: 2,
      location: { ...LOCATION, gridRef: null, uprn: null, address: '' },
      methane: { ...CONTENT.methane, casualties: null, servicesPresent: [] },
      casualties: [],
      timeline: [],
    },
  },
  Close: { ...head('Close', 3), kind: 'Close', reason: 'Fire out, scene handed over', closedAt: T0 + 3_600_000 },
  Acknowledge: {
    ...head('Acknowledge', 1, 'beds', 'herts'),
    kind: 'Acknowledge',
    ackOf: 'herts-m1',
    stage: 'received',
  },
  Accept: {
    ...head('Accept', 2, 'beds', 'herts'),
    kind: 'Accept',
    ackOf: 'herts-m1',
    partnerIncidentId: 'B-7',
    note: 'Sending from Luton',
  },
  Reject: { ...head('Reject', 2, 'beds', 'herts'), kind: 'Reject', ackOf: 'herts-m1', reason: 'Outside our area' },
  AssistanceRequest: {
    ...head('AssistanceRequest', 4),
    kind: 'AssistanceRequest',
    requestId: 'req-1',
    capability: 'pump',
    count: 2,
    location: LOCATION,
    type: 'F-DWELL',
    note: 'Near the county border',
  },
  AssistanceResponse: {
    ...head('AssistanceResponse', 3, 'beds', 'herts'),
    kind: 'AssistanceResponse',
    requestId: 'req-1',
    offered: [
      { resourceId: 'BF-P1', callsign: 'Luton P1', capability: 'pump', etaS: 540 },
      { resourceId: 'BF-P2', callsign: 'Dunstable P1', capability: 'pump', etaS: 780 },
    ],
    note: '',
  },
  ResourcePosition: {
    ...head('ResourcePosition', 4, 'beds', 'herts'),
    kind: 'ResourcePosition',
    resourceId: 'BF-P1',
    callsign: 'Luton P1',
    lat: 51.88,
    lon: -0.3,
    fixAt: T0 + 3000,
    status: 'MOBILISED',
    agency: 'fire',
  },
};

/** The two rooms' partners files, mirror images: herts' outbound secret is beds' inbound. */
const HERTS_TO_BEDS = 'herts-to-beds-0123456789abcdef0123456789';
const BEDS_TO_HERTS = 'beds-to-herts-0123456789abcdef0123456789';
/** Bedfordshire, roughly: a box west and north of Hertfordshire ([lon, lat]). */
export const BEDS_AREA: Array<[number, number]> = [
  [-0.7, 51.85],
  [-0.2, 51.85],
  [-0.2, 52.3],
  [-0.7, 52.3],
];
/** Hertfordshire, roughly. */
export const HERTS_AREA: Array<[number, number]> = [
  [-0.75, 51.6],
  [0.2, 51.6],
  [0.2, 52.08],
  [-0.75, 52.08],
];
const TYPES = [
  { ours: 'dwelling-fire', theirs: 'F-DWELL' },
  { ours: 'rtc-persons-trapped', theirs: 'R-TRAP' },
];

export const HERTS_PARTNERS: MaitPartners = {
  room: { id: 'herts', name: 'Hertfordshire' },
  partners: [
    {
      id: 'beds',
      name: 'Bedfordshire',
      baseUrl: 'http://127.0.0.1:9',
      area: BEDS_AREA,
      types: TYPES,
      secrets: { outbound: HERTS_TO_BEDS, inbound: BEDS_TO_HERTS },
    },
  ],
};

export const BEDS_PARTNERS: MaitPartners = {
  room: { id: 'beds', name: 'Bedfordshire' },
  partners: [
    {
      id: 'herts',
      name: 'Hertfordshire',
      baseUrl: 'http://127.0.0.1:9',
      area: HERTS_AREA,
      types: TYPES.map((t) => ({ ours: t.theirs, theirs: t.ours })),
      secrets: { outbound: BEDS_TO_HERTS, inbound: HERTS_TO_BEDS },
    },
  ],
};
