import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { FeedScope } from '../../core/avl/ingest.ts';
import type { Clock } from '../../core/clock.ts';
import { JcrError } from '../../core/errors.ts';
import { AGENCIES, type Agency } from '../../core/scenario/types.ts';

/**
 * AVL feeds and their secrets. A feed is one sender (a vehicle gateway, a tracker fleet) with a
 * random bearer token. Only the token's SHA-256 is stored (table `feeds`, migration 2): tokens are
 * 32 random bytes, so a fast hash is enough — there is nothing to brute-force, unlike a password.
 * The token is shown once, when the feed is created (`npm run feeds -- add NAME`).
 *
 * The development token (`--avl-token`, JCR_AVL_TOKEN) defines feed `dev`, which may report for
 * every resource; it is held only as a hash in memory and never written to the database.
 */
export interface FeedRow {
  id: string;
  agency: Agency | null;
  createdAt: number;
  revokedAt: number | null;
}

/** A feed as stored, its token's hash included: what cluster mode shares (cluster/accounts.ts). */
export interface StoredFeed extends FeedRow {
  tokenSha256: string;
}

export const DEV_FEED_ID = 'dev';
const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** The rules for a new feed's name and agency (JCR_VALIDATION names the field). */
export function checkNewFeed(name: string, agency: Agency | null): void {
  if (!NAME_RE.test(name) || name === DEV_FEED_ID)
    throw new JcrError('JCR_VALIDATION', 'feed name must be 1-63 of a-z 0-9 . _ - (and not "dev")', { path: 'name' });
  if (agency !== null && !AGENCIES.includes(agency))
    throw new JcrError('JCR_VALIDATION', `agency must be one of ${AGENCIES.join(', ')}`, { path: 'agency' });
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

export function newToken(): string {
  return 'jcr_' + randomBytes(32).toString('base64url');
}

export class FeedRegistry {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly devHash: Buffer | undefined;
  private readonly byHash: Database.Statement<[string]>;
  /** authenticateHashCached's feeds; emptied by every change made through this registry. */
  private readonly cached = new Map<string, FeedScope>();
  /** Cluster mode: where each feed added or revoked here is copied (cluster/accounts.ts). */
  onChange: ((feed: StoredFeed) => void) | null = null;

  constructor(db: Database.Database, clock: Clock, devToken?: string) {
    this.db = db;
    this.clock = clock;
    this.devHash = devToken ? Buffer.from(sha256Hex(devToken), 'hex') : undefined;
    this.byHash = db.prepare('SELECT id, agency FROM feeds WHERE token_sha256 = ? AND revoked_at IS NULL');
  }

  /** The feed a presented token belongs to, or undefined. Never logs or stores the token. */
  authenticate(token: string | undefined): FeedScope | undefined {
    if (!token || token.length > 512) return undefined;
    return this.authenticateHash(sha256Hex(token));
  }

  /** The feed whose token has this SHA-256 (hex): an AVL gateway sends the hash, never the token. */
  authenticateHash(hash: string): FeedScope | undefined {
    if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
    if (this.devHash && timingSafeEqual(Buffer.from(hash, 'hex'), this.devHash))
      return { id: DEV_FEED_ID, agency: null };
    // Lookup by hash of a high-entropy secret: a timing difference reveals nothing about a token.
    const row = this.byHash.get(hash) as { id: string; agency: string | null } | undefined;
    if (!row) return undefined;
    return { id: row.id, agency: (row.agency as Agency | null) ?? null };
  }

  /**
   * As authenticateHash, from memory after the first lookup: for the leader's check of every
   * batch an AVL gateway relays (cluster/avl-relay.ts), which would otherwise be a SQLite read a
   * batch, each behind the position-history writer's latest commit. Only known feeds are kept
   * (bounded by the feeds table); any add, revoke or adopt here empties it, so a revocation the
   * cluster's accounts mirror adopts holds from the next batch. A change another process writes
   * to the database is not seen here: in cluster mode feeds change through the accounts bucket.
   */
  authenticateHashCached(hash: string): FeedScope | undefined {
    const hit = this.cached.get(hash);
    if (hit) return hit;
    const feed = this.authenticateHash(hash);
    if (feed) this.cached.set(hash, feed);
    return feed;
  }

  /** Create a feed; returns its token, which is not stored and cannot be shown again. */
  add(name: string, agency: Agency | null): string {
    checkNewFeed(name, agency);
    const token = newToken();
    try {
      this.db
        .prepare('INSERT INTO feeds (id, agency, token_sha256, created_at) VALUES (?, ?, ?, ?)')
        .run(name, agency, sha256Hex(token), this.clock());
    } catch (e) {
      if (String((e as Error).message).includes('UNIQUE'))
        throw new JcrError('JCR_CONFLICT', `feed "${name}" already exists`, { path: 'name' });
      throw e;
    }
    this.cached.clear();
    this.changed(name);
    return token;
  }

  /** Revoke a feed: new connections and requests with its token are refused (401). */
  revoke(name: string): boolean {
    const done =
      this.db.prepare('UPDATE feeds SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(this.clock(), name)
        .changes > 0;
    this.cached.clear();
    if (done) this.changed(name);
    return done;
  }

  /** Every feed as stored, token hashes included (cluster mode copies them to the shared bucket). */
  stored(): StoredFeed[] {
    return this.db
      .prepare(
        'SELECT id, agency, token_sha256 AS tokenSha256, created_at AS createdAt, revoked_at AS revokedAt FROM feeds ORDER BY id',
      )
      .all() as StoredFeed[];
  }

  /** A feed as the cluster shares it: created, or its token, agency or revocation replaced. */
  adopt(f: StoredFeed): void {
    this.db
      .prepare(
        `INSERT INTO feeds (id, agency, token_sha256, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET agency = excluded.agency, token_sha256 = excluded.token_sha256,
           revoked_at = excluded.revoked_at`,
      )
      .run(f.id, f.agency, f.tokenSha256, f.createdAt, f.revokedAt);
    this.cached.clear();
  }

  private changed(name: string): void {
    const row = this.onChange && this.stored().find((f) => f.id === name);
    if (row) this.onChange?.(row);
  }

  list(): FeedRow[] {
    const rows = this.db
      .prepare('SELECT id, agency, created_at AS createdAt, revoked_at AS revokedAt FROM feeds ORDER BY id')
      .all() as FeedRow[];
    return rows;
  }
}

/** The token a request presents: `Authorization: Bearer TOKEN`, else `?token=TOKEN`. */
export function presentedToken(authorization: string | undefined, url: string | undefined): string | undefined {
  if (authorization) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (m) return m[1];
  }
  if (url) {
    const q = url.indexOf('?');
    if (q >= 0) {
      const v = new URLSearchParams(url.slice(q + 1)).get('token');
      if (v) return v;
    }
  }
  return undefined;
}
