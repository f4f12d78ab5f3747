/**
 * Resource statuses and the one set of transition rules that every source of status changes
 * (AVL terminals, operators, the simulator, replay) goes through. Numeric values match the
 * `jcr.v1.ResourceStatus` protobuf enum so codecs convert with no table.
 */
import { ResourceStatus, STATUSES, type StatusName } from '../../../proto/statuses.ts';

/** The statuses are part of the wire contract (proto/wire.ts). */
export { ResourceStatus };

export const STATUS_NAMES: Record<ResourceStatus, StatusName> = {
  1: STATUSES[0],
  2: STATUSES[1],
  3: STATUSES[2],
  4: STATUSES[3],
  5: STATUSES[4],
  6: STATUSES[5],
};

export function isResourceStatus(n: unknown): n is ResourceStatus {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 6;
}

export function statusFromName(name: string): ResourceStatus | undefined {
  for (const [k, v] of Object.entries(STATUS_NAMES)) if (v === name) return Number(k) as ResourceStatus;
  return undefined;
}

/** Can this resource be sent to a new incident? Returning crews are available for dispatch. */
export function isDeployable(s: ResourceStatus): boolean {
  return (
    s === ResourceStatus.AVAILABLE_AT_STATION || s === ResourceStatus.AVAILABLE_MOBILE || s === ResourceStatus.RETURNING
  );
}

/**
 * Does a resource in this status hold its incident? The room's one rule for it (RoomOptions may
 * swap it): Fleet.setStatus keeps or clears the incident by it, IncidentBook opens and closes
 * attendances by it, and every listener reads the outcome from the change record.
 */
export function holdsIncident(s: ResourceStatus): boolean {
  return s === ResourceStatus.MOBILISED || s === ResourceStatus.AT_SCENE;
}

const S = ResourceStatus;
/**
 * Allowed transitions. Why these: a crew can book unavailable from anywhere (breakdown, crew
 * welfare), and any deployable crew can be mobilised (including one returning from another job,
 * which is the point of dynamic mobilisation). AT_SCENE only follows MOBILISED: arriving
 * somewhere without being sent is a status error the terminal must not be able to make.
 */
const ALLOWED: Record<ResourceStatus, readonly ResourceStatus[]> = {
  [S.AVAILABLE_AT_STATION]: [S.AVAILABLE_MOBILE, S.MOBILISED, S.UNAVAILABLE],
  [S.AVAILABLE_MOBILE]: [S.AVAILABLE_AT_STATION, S.MOBILISED, S.RETURNING, S.UNAVAILABLE],
  [S.MOBILISED]: [S.AT_SCENE, S.AVAILABLE_MOBILE, S.RETURNING, S.UNAVAILABLE, S.MOBILISED],
  [S.AT_SCENE]: [S.RETURNING, S.AVAILABLE_MOBILE, S.MOBILISED, S.UNAVAILABLE],
  [S.RETURNING]: [S.AVAILABLE_AT_STATION, S.AVAILABLE_MOBILE, S.MOBILISED, S.UNAVAILABLE],
  [S.UNAVAILABLE]: [S.AVAILABLE_AT_STATION, S.AVAILABLE_MOBILE],
};

/** Is `from` → `to` allowed? A no-op (same status) is allowed and changes nothing. */
export function canTransition(from: ResourceStatus, to: ResourceStatus): boolean {
  return from === to || ALLOWED[from].includes(to);
}
