import { randomBytes } from 'node:crypto';
import type { Role } from '../core/auth/roles.ts';
import type { Users } from './auth/users.ts';

/** One demo account per role. Used only by the demo (`npm start`, i.e. with the simulator on). */
export const DEMO_ACCOUNTS: ReadonlyArray<{ username: string; role: Role; displayName: string }> = [
  { username: 'duty', role: 'duty-officer', displayName: 'Duty officer' },
  { username: 'fire', role: 'fire-dispatcher', displayName: 'Fire dispatcher' },
  { username: 'police', role: 'police-dispatcher', displayName: 'Police dispatcher' },
  { username: 'ambulance', role: 'ambulance-desk', displayName: 'Ambulance desk' },
  { username: 'wall', role: 'wall-viewer', displayName: 'Wall screen' },
];

/**
 * Create the demo accounts, or give them fresh passwords, and return the sign-in lines to print.
 * The passwords are random on every start: nothing guessable ships in the repository, and the
 * person who started the demo is the one who sees them.
 */
export async function ensureDemoUsers(users: Users): Promise<string[]> {
  const lines: string[] = [];
  for (const a of DEMO_ACCOUNTS) {
    const password = randomBytes(9).toString('base64url');
    if (users.get(a.username)) await users.setPassword(a.username, password);
    else await users.create(a.username, password, a.role, a.displayName);
    lines.push(`  ${a.username.padEnd(10)} ${password}   (${a.role})`);
  }
  return lines;
}
