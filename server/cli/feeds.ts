/**
 * AVL feeds (docs/avl.md § Feeds):
 *   npm run feeds -- add NAME [--agency fire|police|ambulance] [--db FILE]   prints the token ONCE
 *   npm run feeds -- list [--db FILE]
 *   npm run feeds -- revoke NAME [--db FILE]
 *
 * Only the token's SHA-256 is stored. A running server sees new and revoked feeds at the next
 * connection or OsmAnd request (tokens are looked up in the database, not cached). With --nats
 * (cluster mode) the feeds are the room's shared ones (cluster/accounts.ts): every AVL gateway
 * checks them there and every instance mirrors them.
 */
import { AGENCIES, type Agency } from '../core/scenario/types.ts';
import { FeedRegistry } from '../shell/avl/feeds.ts';
import { Store } from '../shell/store/store.ts';
import { readArgs, readCommand, runCli, usageError } from '../shell/cli.ts';
import { ACCOUNTS_CLI_FLAGS, ACCOUNTS_CLI_USAGE, withClusterAccounts } from '../shell/cluster/accounts-client.ts';
import type { FeedRow } from '../shell/avl/feeds.ts';

const USAGE = `usage: npm run feeds -- COMMAND [--db FILE]
  add NAME [--agency fire|police|ambulance]   create a feed; prints its token once
  list                                        every feed, with its agency and dates
  revoke NAME                                 revoke a feed's token

  --db FILE   the database (default JCR_DB or var/jcr.sqlite)
${ACCOUNTS_CLI_USAGE}
  -h, --help  this text`;

async function main(): Promise<void> {
  const { values, positionals } = readArgs({
    usage: USAGE,
    options: { agency: { type: 'string' }, db: { type: 'string' }, ...ACCOUNTS_CLI_FLAGS },
  });
  const { cmd, name } = readCommand(positionals, { add: 'name', list: 'none', revoke: 'name' });
  const agency = values.agency ?? null;
  if (agency !== null && !(AGENCIES as readonly string[]).includes(agency))
    throw usageError(`--agency must be one of ${AGENCIES.join(', ')}, got "${agency}"`);
  // One set of commands over either the database or the cluster's shared feeds.
  const run = async (feeds: {
    add(name: string, agency: Agency | null): string | Promise<string>;
    revoke(name: string): boolean | Promise<boolean>;
    list(): FeedRow[] | Promise<FeedRow[]>;
  }) => {
    if (cmd === 'add' && name) {
      const token = await feeds.add(name, agency as Agency | null);
      process.stdout.write(
        `created feed ${name} (${agency ?? 'all agencies'})\ntoken (shown once, store it in the sender): ${token}\n`,
      );
    } else if (cmd === 'list') {
      for (const f of await feeds.list()) {
        process.stdout.write(
          `${f.id}\t${f.agency ?? 'all'}\tcreated ${new Date(f.createdAt).toISOString()}${f.revokedAt ? `\trevoked ${new Date(f.revokedAt).toISOString()}` : ''}\n`,
        );
      }
    } else if (cmd === 'revoke' && name) {
      if (!(await feeds.revoke(name))) throw new Error(`no active feed "${name}"`);
      process.stdout.write(`revoked feed ${name}\n`);
    }
    return true;
  };
  const shared = await withClusterAccounts(values, (a) =>
    run({ add: (n, ag) => a.addFeed(n, ag), revoke: (n) => a.revokeFeed(n), list: () => a.feeds() }),
  );
  if (shared) return;
  const store = Store.open(values.db ?? process.env.JCR_DB ?? 'var/jcr.sqlite');
  try {
    await run(new FeedRegistry(store.db, Date.now));
  } finally {
    store.close();
  }
}

runCli(main);
