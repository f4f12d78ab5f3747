/**
 * The roles and the agency each acts for, shared by the server's authorisation
 * (server/core/auth/roles.ts) and the screens' controls (client/state/permissions.ts), so the two
 * cannot drift: a dispatcher acts for their agency, the duty officer for all, the wall viewer for
 * none. The agency names are those of ./wire.ts AGENCIES; both sides' types check them.
 *
 * Dependency-free: imports nothing (test/boundary.test.ts), so the pure core, the shell and the
 * client bundle can all use it.
 */

export const ROLES = ['fire-dispatcher', 'police-dispatcher', 'ambulance-desk', 'duty-officer', 'wall-viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** The agency a role acts for; 'all' for the duty officer; null for the read-only wall viewer. */
export const ROLE_AGENCY = {
  'fire-dispatcher': 'fire',
  'police-dispatcher': 'police',
  'ambulance-desk': 'ambulance',
  'duty-officer': 'all',
  'wall-viewer': null,
} as const satisfies Record<Role, string | null>;
