/**
 * Resource and incident statuses on the wire, shared by the server and the screens: the numbers of
 * jcr.v1.ResourceStatus with their names, and the incident lifecycle. Beside ./wire.ts (the COP
 * messages, which carry statuses as plain numbers and strings).
 *
 * Dependency-free: imports nothing (test/boundary.test.ts).
 */

/** jcr.v1.ResourceStatus (proto/avl.proto): the numbers on the wire. */
export const ResourceStatus = {
  AVAILABLE_AT_STATION: 1,
  AVAILABLE_MOBILE: 2,
  MOBILISED: 3,
  AT_SCENE: 4,
  RETURNING: 5,
  UNAVAILABLE: 6,
} as const;
export type ResourceStatus = (typeof ResourceStatus)[keyof typeof ResourceStatus];

/** The status names in wire order: STATUSES[n - 1] is the name of ResourceStatus n. */
export const STATUSES = [
  'AVAILABLE_AT_STATION',
  'AVAILABLE_MOBILE',
  'MOBILISED',
  'AT_SCENE',
  'RETURNING',
  'UNAVAILABLE',
] as const;
export type StatusName = (typeof STATUSES)[number];

export function isStatusName(v: unknown): v is StatusName {
  return typeof v === 'string' && (STATUSES as readonly string[]).includes(v);
}

/** An incident's lifecycle, as the REST API and the COP send it. */
export const INCIDENT_STATUSES = ['received', 'mobilising', 'in-attendance', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
