/**
 * Where the nats-server binary is. Debian installs it in /usr/sbin, which is not on a normal
 * user's PATH, so `npm run cluster` and the cluster tests look there too (and JCR_NATS_SERVER
 * names it outright). A missing binary is a failure that names the package, never a silent skip.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function natsServerBinary(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): string {
  const given = env.JCR_NATS_SERVER;
  if (given !== undefined) {
    if (exists(given)) return given;
    throw new Error(`nats-server is missing: JCR_NATS_SERVER=${given} does not exist`);
  }
  for (const dir of (env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/usr/local/bin'])) {
    const p = join(dir, 'nats-server');
    if (dir && exists(p)) return p;
  }
  throw new Error('nats-server is missing: install the Debian package nats-server (.ci/run does)');
}
