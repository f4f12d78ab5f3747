/**
 * `npm run users -- add NAME --role ROLE [--password P] [--name "Display Name"] [--db FILE]`
 * `npm run users -- passwd NAME [--password P]`   `npm run users -- list`
 *
 * Without --password a strong password is generated and printed once. Roles: fire-dispatcher,
 * police-dispatcher, ambulance-desk, duty-officer, wall-viewer.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { isRole, ROLES } from '../core/auth/roles.ts';
import { isJcrError } from '../core/errors.ts';
import { Users } from '../shell/auth/users.ts';
import { Store } from '../shell/store/store.ts';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: {
      role: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      db: { type: 'string' },
    },
    allowPositionals: true,
  });
  const [cmd, username] = positionals;
  const store = Store.open(values.db ?? process.env.JCR_DB ?? 'var/jcr.sqlite');
  const users = new Users(store, Date.now);
  try {
    if (cmd === 'add' && username) {
      if (!isRole(values.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      const password = values.password ?? randomBytes(12).toString('base64url');
      await users.create(username, password, values.role, values.name ?? username);
      process.stdout.write(`created ${username} (${values.role})${values.password ? '' : `, password: ${password}`}\n`);
    } else if (cmd === 'passwd' && username) {
      const password = values.password ?? randomBytes(12).toString('base64url');
      await users.setPassword(username, password);
      process.stdout.write(`password changed for ${username}${values.password ? '' : `: ${password}`}\n`);
    } else if (cmd === 'list') {
      for (const u of users.list()) process.stdout.write(`${u.username}\t${u.role}\t${u.displayName}\n`);
    } else {
      process.stderr.write('usage: npm run users -- add NAME --role ROLE [--password P] | passwd NAME | list\n');
      process.exitCode = 2;
    }
  } finally {
    store.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`error${isJcrError(e) ? ` ${e.code}` : ''}: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
