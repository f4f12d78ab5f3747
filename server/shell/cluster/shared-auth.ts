/**
 * Sign-in state shared through the cluster, in bucket jcr_<room>_auth (whose TTL is a session's
 * life), so a screen or operator signed in on one instance stays signed in after a failover and
 * on every COP gateway, and a lockout follows the guesser from instance to instance.
 *
 * - `s.<SHA-256 of the token>`: a live session, {u, r, d, c, x} (user name, role, display name,
 *   created, expires). Only the hash crosses, as in each instance's sessions table. A sign-in is
 *   answered once its session is in the bucket (Users.shared); a sign-out deletes it. Each
 *   instance watches the prefix and mirrors it into its own sessions table (its user is there:
 *   users are shared too, cluster/accounts.ts); a COP gateway keeps it in memory.
 * - `l.<limiter>.<SHA-256 of the key>`: a failed sign-in bucket {t, a} (tokens, refilled at).
 *   Read before each sign-in attempt and written after it (LoginLimitShare), so the instance
 *   that judges an attempt counts the failures made at the others.
 */
import { createHash } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import { isRole, type Role } from '../../core/auth/roles.ts';
import type { RateLimiter } from '../../core/ratelimit.ts';
import type { User, Users } from '../auth/users.ts';
import type { LoginLimitShare } from '../http/auth.ts';
import type { FeedRegistry } from '../avl/feeds.ts';
import type { Logger } from '../log.ts';
import { joinSharedAccounts, SharedAccounts } from './accounts.ts';
import { startOrRetry, type ClusterLog } from './log.ts';

const SESSION = 's.';
const LIMIT = 'l.';

interface StoredSession {
  u: string;
  r: Role;
  d: string;
  c: number;
  x: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Where an instance's Users copy their sessions (Users.shareSessions). */
function sessionShare(kv: KV): Parameters<Users['shareSessions']>[0] {
  return {
    async started(hash, user, createdAt, expiresAt) {
      const v: StoredSession = { u: user.username, r: user.role, d: user.displayName, c: createdAt, x: expiresAt };
      await kv.put(SESSION + hash, JSON.stringify(v));
    },
    async ended(hashes) {
      await Promise.all(hashes.map((h) => kv.delete(SESSION + h)));
    },
  };
}

/** Failed sign-in buckets in the bucket: the last writer's state is everyone's. */
export function loginLimitShare(kv: KV): LoginLimitShare {
  const keyOf = (name: string, key: string) => `${LIMIT}${name}.${sha256(key)}`;
  return {
    async load(buckets) {
      await Promise.all(
        buckets.map(async ([name, limiter, key]: [string, RateLimiter, string]) => {
          const e = await kv.get(keyOf(name, key));
          if (!e || e.operation !== 'PUT') return;
          const s = e.json<{ t: unknown; a: unknown }>();
          if (typeof s.t === 'number' && typeof s.a === 'number') limiter.restore(key, { tokens: s.t, at: s.a });
        }),
      );
    },
    async save(buckets) {
      await Promise.all(
        buckets.map(async ([name, limiter, key]: [string, RateLimiter, string]) => {
          const b = limiter.peek(key);
          if (b) await kv.put(keyOf(name, key), JSON.stringify({ t: b.tokens, a: b.at }));
        }),
      );
    },
  };
}

/** End every shared session of one user (a password changed through the cluster's CLI). */
export async function endSessionsOf(kv: KV, username: string): Promise<number> {
  const keys: string[] = [];
  for await (const k of await kv.keys(`${SESSION}>`)) keys.push(k);
  let ended = 0;
  for (const k of keys) {
    const e = await kv.get(k);
    if (e?.operation === 'PUT' && e.json<StoredSession>().u === username) {
      await kv.delete(k);
      ended++;
    }
  }
  return ended;
}

/** Hear every session put and deleted: the live ones first, then each change. Returns a stop. */
async function watchSessions(
  kv: KV,
  log: Logger,
  on: (hash: string, s: StoredSession | null) => void,
): Promise<() => void> {
  const entries = await kv.watch({ key: `${SESSION}>` });
  void (async () => {
    for await (const e of entries) {
      const hash = e.key.slice(SESSION.length);
      try {
        if (e.operation !== 'PUT') on(hash, null);
        else {
          const s = e.json<StoredSession>();
          if (typeof s.u === 'string' && isRole(s.r) && typeof s.x === 'number') on(hash, s);
        }
      } catch (err) {
        log.warn('cluster: a shared session could not be read', { err: String(err) });
      }
    }
  })();
  return () => entries.stop();
}

/**
 * An instance's part (server.ts): share its users and feeds (cluster/accounts.ts) and sessions,
 * mirror the others', share failed sign-ins.
 */
export async function joinSharedAuth(
  clusterLog: ClusterLog,
  users: Users,
  feeds: FeedRegistry,
  log: Logger,
): Promise<{ limits: LoginLimitShare; stop(): void }> {
  // In the background: a session mirrored before its user waits for it (Users.adoptSession).
  const stopAccounts = joinSharedAccounts(
    () => clusterLog.accounts().then((kv) => new SharedAccounts(kv)),
    users,
    feeds,
    log,
  );
  users.shareSessions(sessionShare(clusterLog.auth));
  const sessions = startOrRetry(log, 'shared sessions', () =>
    watchSessions(clusterLog.auth, log, (hash, s) => {
      if (s) users.adoptSession(hash, s.u, s.c, s.x);
      else users.dropSession(hash);
    }),
  );
  await sessions.ready;
  return {
    limits: loginLimitShare(clusterLog.auth),
    stop() {
      sessions.stop();
      stopAccounts();
    },
  };
}

/** A COP gateway's sessions: the cluster's live ones, in memory (what authenticateCop asks). */
export class SharedSessions {
  private readonly byHash = new Map<string, { user: User; expiresAt: number }>();
  private stopWatching: () => void = () => {};

  constructor(private readonly clock: () => number) {}

  /** Opened like an instance's (startOrRetry): a watch JetStream refuses does not fail the start. */
  async follow(clusterLog: ClusterLog, log: Logger): Promise<void> {
    const watching = startOrRetry(log, 'shared sessions', () =>
      watchSessions(clusterLog.auth, log, (hash, s) => {
        if (s) this.byHash.set(hash, { user: { username: s.u, role: s.r, displayName: s.d }, expiresAt: s.x });
        else this.byHash.delete(hash);
      }),
    );
    this.stopWatching = () => watching.stop();
    await watching.ready;
  }

  /** The user a session token belongs to, if it is live (the same bounds as Users.session). */
  session(token: string): User | undefined {
    if (token.length < 20 || token.length > 200) return undefined;
    const s = this.byHash.get(sha256(token));
    return s && s.expiresAt > this.clock() ? s.user : undefined;
  }

  stop(): void {
    this.stopWatching();
  }
}
