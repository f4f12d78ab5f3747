/**
 * `npm run users -- add NAME --role ROLE [--password P] [--name "Display Name"] [--db FILE]`
 * `npm run users -- passwd NAME [--password P | --password-stdin]`   `npm run users -- list`
 *
 * Without --password a strong password is generated and printed once. --password-stdin reads it
 * from standard input (one line), keeping it out of `ps` and the shell history. Roles: fire-dispatcher,
 * police-dispatcher, ambulance-desk, duty-officer, wall-viewer. With --nats (cluster mode) the
 * users are the room's shared ones (cluster/accounts.ts): every instance has them, and a new
 * password ends the user's sessions on every instance.
 */
import { randomBytes } from 'node:crypto';
import { isRole, ROLES } from '../core/auth/roles.ts';
import { Users } from '../shell/auth/users.ts';
import { Store } from '../shell/store/store.ts';
import { readArgs, readCommand, runCli, usageError } from '../shell/cli.ts';
import { ACCOUNTS_CLI_FLAGS, ACCOUNTS_CLI_USAGE, withClusterAccounts } from '../shell/cluster/accounts-client.ts';
import { endSessionsOf } from '../shell/cluster/shared-auth.ts';

const USAGE = `usage: npm run users -- COMMAND [--db FILE]
  add NAME --role ROLE [--password P] [--name "Display Name"]   create a user
  passwd NAME [--password P]                                    set a new password
  --password-stdin   read the password from standard input (one line) instead of --password
  list                                                          every user and role

  Without --password a strong password is generated and printed once.
  Roles: ${ROLES.join(', ')}
  --db FILE   the database (default JCR_DB or var/jcr.sqlite)
${ACCOUNTS_CLI_USAGE}
  -h, --help  this text`;

async function main(): Promise<void> {
  const { values, positionals } = readArgs({
    usage: USAGE,
    options: {
      role: { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      name: { type: 'string' },
      db: { type: 'string' },
      ...ACCOUNTS_CLI_FLAGS,
    },
  });
  const { cmd, name: username } = readCommand(positionals, { add: 'name', passwd: 'name', list: 'none' });
  if (cmd === 'add' && !isRole(values.role)) throw usageError(`--role must be one of ${ROLES.join(', ')}`);
  if (values.password !== undefined && values['password-stdin'])
    throw usageError('give --password or --password-stdin, not both');
  const given = values['password-stdin'] ? await passwordFromStdin() : values.password;
  const role = values.role;
  const shared = await withClusterAccounts(values, async (accounts, sessions) => {
    if (cmd === 'add' && username && isRole(role)) {
      const password = given ?? randomBytes(12).toString('base64url');
      await accounts.addUser(username, password, role, values.name ?? username);
      process.stdout.write(`created ${username} (${role}) in the cluster${given ? '' : `, password: ${password}`}\n`);
    } else if (cmd === 'passwd' && username) {
      const password = given ?? randomBytes(12).toString('base64url');
      await accounts.setPassword(username, password);
      const ended = await endSessionsOf(sessions, username);
      process.stdout.write(
        `password changed for ${username} (${ended} sessions ended)${given ? '' : `: ${password}`}\n`,
      );
    } else if (cmd === 'list') {
      for (const u of await accounts.users())
        if (!u.disabled) process.stdout.write(`${u.username}\t${u.role}\t${u.displayName}\n`);
    }
    return true;
  });
  if (shared) return;
  const store = Store.open(values.db ?? process.env.JCR_DB ?? 'var/jcr.sqlite');
  const users = new Users(store, Date.now);
  try {
    if (cmd === 'add' && username) {
      if (!isRole(values.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      const password = given ?? randomBytes(12).toString('base64url');
      await users.create(username, password, values.role, values.name ?? username);
      process.stdout.write(`created ${username} (${values.role})${given ? '' : `, password: ${password}`}\n`);
    } else if (cmd === 'passwd' && username) {
      const password = given ?? randomBytes(12).toString('base64url');
      await users.setPassword(username, password);
      process.stdout.write(`password changed for ${username}${given ? '' : `: ${password}`}\n`);
    } else if (cmd === 'list') {
      for (const u of users.list()) process.stdout.write(`${u.username}\t${u.role}\t${u.displayName}\n`);
    }
  } finally {
    store.close();
  }
}

/** The password on standard input: one line, its newline dropped; empty is a usage error. */
async function passwordFromStdin(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += String(chunk);
  const password = text.replace(/\r?\n$/, '');
  if (password === '' || /[\r\n]/.test(password)) throw usageError('--password-stdin needs one non-empty line');
  return password;
}

runCli(main);
