/**
 * Users and AVL feeds shared through the cluster, in bucket jcr_<room>_accounts (no TTL), so a
 * user or feed added, changed or revoked anywhere is the same on every instance, every AVL
 * gateway and after a failover. Secrets stay hashed as in SQLite: a user's scrypt hash, a feed's
 * token SHA-256.
 *
 * - `u.<hex of the user name>`: {n, r, d, h, c, x} (name, role, display name, password hash,
 *   created, disabled).
 * - `f.<token SHA-256>`: {n, a, c, v} (feed name, agency or null, created, revoked or null). Keyed
 *   by the hash so an AVL gateway checks a token with one read; a revoked feed keeps its key.
 * - `n.<hex of the feed name>`: the feed's token SHA-256; created first, so a name is taken once.
 *
 * Each instance copies its own users and feeds in at start when the bucket lacks them (a room
 * that becomes a cluster keeps its accounts), then mirrors the bucket into its SQLite tables:
 * where both have one, the bucket's wins. The CLIs (`npm run users|feeds -- … --nats URL`) write
 * the bucket directly.
 */
import type { KV, KvEntry } from '@nats-io/kv';
import { Kvm } from '@nats-io/kv';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FeedScope } from '../../core/avl/ingest.ts';
import { isRole, type Role } from '../../core/auth/roles.ts';
import { JcrError } from '../../core/errors.ts';
import { AGENCIES, type Agency } from '../../core/scenario/types.ts';
import { hashPassword } from '../auth/password.ts';
import { checkNewUser, checkPassword, type AccountRow, type Users } from '../auth/users.ts';
import { checkNewFeed, newToken, sha256Hex, type FeedRegistry, type StoredFeed } from '../avl/feeds.ts';
import type { Logger } from '../log.ts';
import { accountsBucket, startOrRetry } from './log.ts';

const USER = 'u.';
const FEED = 'f.';
const NAME = 'n.';

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const userKey = (name: string) => USER + hex(name);

function userValue(a: AccountRow): string {
  return JSON.stringify({
    n: a.username,
    r: a.role,
    d: a.displayName,
    h: a.passwordHash,
    c: a.createdAt,
    x: a.disabled,
  });
}

function feedValue(f: StoredFeed): string {
  return JSON.stringify({ n: f.id, a: f.agency, c: f.createdAt, v: f.revokedAt });
}

/** A user entry, or null when it is not a live, well-formed one. */
function userOf(e: KvEntry | null): AccountRow | null {
  if (!e || e.operation !== 'PUT') return null;
  const v = e.json<{ n: unknown; r: unknown; d: unknown; h: unknown; c: unknown; x: unknown }>();
  if (typeof v.n !== 'string' || !isRole(v.r) || typeof v.d !== 'string' || typeof v.h !== 'string') return null;
  const createdAt = typeof v.c === 'number' ? v.c : 0;
  return { username: v.n, role: v.r, displayName: v.d, passwordHash: v.h, createdAt, disabled: v.x === true };
}

/** A feed entry, or null when it is not a well-formed one. */
function feedOf(e: KvEntry | null): StoredFeed | null {
  if (!e || e.operation !== 'PUT' || !e.key.startsWith(FEED)) return null;
  const v = e.json<{ n: unknown; a: unknown; c: unknown; v: unknown }>();
  const agency = v.a === null ? null : AGENCIES.find((a) => a === v.a);
  if (typeof v.n !== 'string' || agency === undefined) return null;
  return {
    id: v.n,
    agency,
    tokenSha256: e.key.slice(FEED.length),
    createdAt: typeof v.c === 'number' ? v.c : 0,
    revokedAt: typeof v.v === 'number' ? v.v : null,
  };
}

/** The bucket's users and feeds: read, written by the CLIs, and copied in by instances. */
export class SharedAccounts {
  constructor(
    readonly kv: KV,
    private readonly clock: () => number = Date.now,
  ) {}

  async addUser(username: string, password: string, role: Role, displayName = username): Promise<void> {
    checkNewUser(username, password, role);
    const passwordHash = await hashPassword(password);
    const row = { username, role, displayName, passwordHash, createdAt: this.clock(), disabled: false };
    await this.createOrConflict(userKey(username), userValue(row), `user ${username} exists`);
  }

  /** A new password; the user's sessions are the caller's to end (shared-auth.ts endSessionsOf). */
  async setPassword(username: string, password: string): Promise<void> {
    checkPassword(password);
    const e = await this.kv.get(userKey(username));
    const row = userOf(e);
    if (!e || !row) throw new JcrError('JCR_NOT_FOUND', `no user ${username}`);
    await this.kv.update(
      userKey(username),
      userValue({ ...row, passwordHash: await hashPassword(password) }),
      e.revision,
    );
  }

  async users(): Promise<AccountRow[]> {
    const rows = await Promise.all((await this.keys(USER)).map(async (k) => userOf(await this.kv.get(k))));
    return rows.filter((r): r is AccountRow => r !== null).sort((a, b) => a.username.localeCompare(b.username));
  }

  /** Create a feed; returns its token (only its SHA-256 is stored). */
  async addFeed(name: string, agency: Agency | null): Promise<string> {
    checkNewFeed(name, agency);
    const token = newToken();
    const feed = { id: name, agency, tokenSha256: sha256Hex(token), createdAt: this.clock(), revokedAt: null };
    await this.createOrConflict(NAME + hex(name), feed.tokenSha256, `feed "${name}" already exists`);
    await this.kv.put(FEED + feed.tokenSha256, feedValue(feed));
    return token;
  }

  /** Revoke a feed by name; false when there is no active feed of that name. */
  async revokeFeed(name: string): Promise<boolean> {
    const claim = await this.kv.get(NAME + hex(name));
    if (!claim || claim.operation !== 'PUT') return false;
    const e = await this.kv.get(FEED + claim.string());
    const feed = feedOf(e);
    if (!e || !feed || feed.revokedAt !== null) return false;
    await this.kv.update(e.key, feedValue({ ...feed, revokedAt: this.clock() }), e.revision);
    return true;
  }

  async feeds(): Promise<StoredFeed[]> {
    const rows = await Promise.all((await this.keys(FEED)).map(async (k) => feedOf(await this.kv.get(k))));
    return rows.filter((r): r is StoredFeed => r !== null).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The feed whose token has this SHA-256: its scope, 'revoked', or null when the bucket has none. */
  async feedByHash(tokenSha256: string): Promise<FeedScope | 'revoked' | null> {
    if (!/^[0-9a-f]{64}$/.test(tokenSha256)) return null;
    const feed = feedOf(await this.kv.get(FEED + tokenSha256));
    if (!feed) return null;
    return feed.revokedAt === null ? { id: feed.id, agency: feed.agency } : 'revoked';
  }

  putUser(a: AccountRow): Promise<unknown> {
    return this.kv.put(userKey(a.username), userValue(a));
  }

  /**
   * Share a feed under its name unless the name is another token's there. `replace`: a change
   * made here (added, revoked) wins; else (copying in at start) what the bucket holds stays.
   */
  async putFeed(f: StoredFeed, replace = true): Promise<void> {
    await this.kv.create(NAME + hex(f.id), f.tokenSha256).catch(() => {});
    if ((await this.kv.get(NAME + hex(f.id)))?.string() !== f.tokenSha256) return;
    if (replace) await this.kv.put(FEED + f.tokenSha256, feedValue(f));
    else await this.kv.create(FEED + f.tokenSha256, feedValue(f)).catch(() => {});
  }

  /** Copy in what the bucket lacks: users and feeds it has already stay as they are there. */
  async seed(users: readonly AccountRow[], feeds: readonly StoredFeed[]): Promise<void> {
    for (const a of users) await this.kv.create(userKey(a.username), userValue(a)).catch(() => {});
    for (const f of feeds) await this.putFeed(f, false);
  }

  private async keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.kv.keys(`${prefix}>`)) out.push(k);
    return out;
  }

  /** Create a key; a refusal because it exists is JCR_CONFLICT, any other failure is itself. */
  private async createOrConflict(key: string, value: string, conflict: string): Promise<void> {
    try {
      await this.kv.create(key, value);
    } catch (e) {
      if ((await this.kv.get(key))?.operation === 'PUT') throw new JcrError('JCR_CONFLICT', conflict);
      throw e;
    }
  }
}

/**
 * Open the room's accounts bucket as it is (an AVL gateway; null while no instance made it). Its
 * reads give up after 1 s (the gateway then asks the leader) rather than JetStream's 5 s: a feed
 * reconnecting while a bucket's NATS leader is being elected is not held up that long.
 */
export async function openAccounts(nc: NatsConnection, room: string): Promise<SharedAccounts | null> {
  return new Kvm(jetstream(nc, { timeout: 1000 }))
    .open(accountsBucket(room))
    .then((kv) => new SharedAccounts(kv))
    .catch(() => null);
}

/**
 * An instance's part (server.ts): copy its users and feeds in, mirror the bucket's into its own
 * tables (now and on every change), and copy out each one changed here. All of it in the
 * background, retried while JetStream does not answer: the instance serves with its own copy
 * meanwhile (a restart during a NATS election must not wait on it). Returns a stop.
 */
export function joinSharedAccounts(
  open: () => Promise<SharedAccounts>,
  users: Users,
  feeds: FeedRegistry,
  log: Logger,
): () => void {
  const seen = new Map<string, number>();
  const mirror = (e: KvEntry) => {
    if ((seen.get(e.key) ?? 0) >= e.revision) return; // the watch and the first read may both bring it
    seen.set(e.key, e.revision);
    try {
      const user = e.key.startsWith(USER) ? userOf(e) : null;
      const feed = feedOf(e);
      if (user) users.adoptAccount(user);
      else if (feed) feeds.adopt(feed);
    } catch (err) {
      log.warn('cluster: a shared account could not be copied', { key: e.key, err: String(err) });
    }
  };
  const mirroring = startOrRetry(log, 'shared accounts', async () => {
    const accounts = await open();
    // Watch first, then read what is there: nothing put in between is missed. (Every key: the
    // Debian nats-server, 2.9, takes one filter per watch.)
    const watch = await accounts.kv.watch({ include: 'updates' });
    void (async () => {
      for await (const e of watch) mirror(e);
    })();
    try {
      await accounts.seed(users.accounts(), feeds.stored());
      for (const prefix of [USER, FEED])
        for await (const k of await accounts.kv.keys(`${prefix}>`)) {
          const e = await accounts.kv.get(k);
          if (e) mirror(e);
        }
    } catch (e) {
      watch.stop();
      throw e;
    }
    return () => watch.stop();
  });
  const copyOut = (what: string, put: (a: SharedAccounts) => Promise<unknown>) =>
    void open()
      .then(put)
      .catch((err: unknown) => log.warn(`cluster: a ${what} could not be shared`, { err: String(err) }));
  users.onAccountChange = (a) => copyOut('user', (s) => s.putUser(a));
  feeds.onChange = (f) => copyOut('feed', (s) => s.putFeed(f));
  return () => {
    users.onAccountChange = null;
    feeds.onChange = null;
    mirroring.stop();
  };
}
