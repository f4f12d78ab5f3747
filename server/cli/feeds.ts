/**
 * AVL feeds (docs/avl.md § Feeds):
 *   npm run feeds -- add NAME [--agency fire|police|ambulance] [--db FILE]   prints the token ONCE
 *   npm run feeds -- list [--db FILE]
 *   npm run feeds -- revoke NAME [--db FILE]
 *
 * Only the token's SHA-256 is stored. A running server sees new and revoked feeds at the next
 * connection or OsmAnd request (tokens are looked up in the database, not cached).
 */
import { parseArgs } from 'node:util';
import { isJcrError } from '../core/errors.ts';
import { AGENCIES, type Agency } from '../core/scenario/types.ts';
import { FeedRegistry } from '../shell/avl/feeds.ts';
import { Store } from '../shell/store/store.ts';

function main(): void {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { agency: { type: 'string' }, db: { type: 'string' } },
    allowPositionals: true,
  });
  const [cmd, name] = positionals;
  const store = Store.open(values.db ?? process.env.JCR_DB ?? 'var/jcr.sqlite');
  const feeds = new FeedRegistry(store.db, Date.now);
  try {
    if (cmd === 'add' && name) {
      const agency = values.agency ?? null;
      if (agency !== null && !(AGENCIES as readonly string[]).includes(agency))
        throw new Error(`--agency must be one of ${AGENCIES.join(', ')}`);
      const token = feeds.add(name, agency as Agency | null);
      process.stdout.write(
        `created feed ${name} (${agency ?? 'all agencies'})\ntoken (shown once, store it in the sender): ${token}\n`,
      );
    } else if (cmd === 'list') {
      for (const f of feeds.list()) {
        process.stdout.write(
          `${f.id}\t${f.agency ?? 'all'}\tcreated ${new Date(f.createdAt).toISOString()}${f.revokedAt ? `\trevoked ${new Date(f.revokedAt).toISOString()}` : ''}\n`,
        );
      }
    } else if (cmd === 'revoke' && name) {
      if (!feeds.revoke(name)) throw new Error(`no active feed "${name}"`);
      process.stdout.write(`revoked feed ${name}\n`);
    } else {
      process.stderr.write(
        'usage: npm run feeds -- add NAME [--agency fire|police|ambulance] | list | revoke NAME   [--db FILE]\n',
      );
      process.exitCode = 2;
    }
  } finally {
    store.close();
  }
}

try {
  main();
} catch (e: unknown) {
  process.stderr.write(`error${isJcrError(e) ? ` ${e.code}` : ''}: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
