/**
 * The users and feeds CLIs against a cluster (`npm run users|feeds -- … --nats URL --room ID`):
 * they write the room's accounts bucket (cluster/accounts.ts), which every instance mirrors and
 * every AVL gateway reads, instead of one instance's SQLite file.
 */
import type { KV } from '@nats-io/kv';
import { JcrError } from '../../core/errors.ts';
import { failureLine, usageError } from '../cli.ts';
import { createLogger } from '../log.ts';
import { SharedAccounts } from './accounts.ts';
import { ClusterLog } from './log.ts';
import { clusterConfig } from './options.ts';

export const ACCOUNTS_CLI_FLAGS = { nats: { type: 'string' }, room: { type: 'string' } } as const;

export const ACCOUNTS_CLI_USAGE = `  --nats URL[,URL...]  cluster mode (JCR_NATS): write the room's shared accounts, not a database
  --room ID            the cluster's room (JCR_ROOM, room)`;

/** Run `f` on the room's accounts (and sessions) bucket; undefined when no --nats (or JCR_NATS) is given. */
export async function withClusterAccounts<T>(
  v: { nats?: string | undefined; room?: string | undefined },
  f: (accounts: SharedAccounts, sessions: KV) => Promise<T>,
): Promise<T | undefined> {
  let opts;
  try {
    opts = clusterConfig({ nats: v.nats, room: v.room }, process.env);
  } catch (e) {
    throw e instanceof JcrError ? usageError(failureLine(e)) : e;
  }
  if (!opts) return undefined;
  const clusterLog = await ClusterLog.open(opts, createLogger('warn'));
  try {
    return await f(new SharedAccounts(await clusterLog.accounts()), clusterLog.auth);
  } finally {
    await clusterLog.close();
  }
}
