/**
 * What the signed-in role may do, for showing controls enabled or not. The server decides
 * (server/core/auth/roles.ts `can`); the client bundle may not import server modules, so the few
 * rules the screens need are restated here and test/client-state.test.ts checks them against
 * `can` for every role. An unknown role may do nothing.
 */

/** Standby moves (POST /api/cover/moves): the duty officer alone adjusts cover. */
export function mayMoveCover(role: string | null | undefined): boolean {
  return role === 'duty-officer';
}
