import { createHash, randomBytes } from 'node:crypto';
import { JcrError } from '../../core/errors.ts';
import { isRole, type Role } from '../../core/auth/roles.ts';
import type { Clock } from '../../core/clock.ts';
import type { Store } from '../store/store.ts';
import { hashPassword, verifyPassword } from './password.ts';

export interface User {
  username: string;
  role: Role;
  displayName: string;
}

/** How long a sign-in lasts: one shift plus handover. */
export const SESSION_TTL_MS = 13 * 60 * 60 * 1000;
export const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{1,39}$/;
export const MIN_PASSWORD_LENGTH = 10;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface UserRow {
  username: string;
  role: string;
  display_name: string;
  password_hash: string;
  disabled: number;
}

/** A user as stored, password hash included: what cluster mode shares (cluster/accounts.ts). */
export interface AccountRow {
  username: string;
  role: Role;
  displayName: string;
  passwordHash: string;
  createdAt: number;
  disabled: boolean;
}

/** The rules for a new user's name, password and role (JCR_VALIDATION names the field). */
export function checkNewUser(username: string, password: string, role: unknown): void {
  if (!USERNAME_RE.test(username))
    throw new JcrError('JCR_VALIDATION', 'username must be 2-40 of a-z 0-9 . _ - starting with a letter or digit', {
      path: 'username',
    });
  checkPassword(password);
  if (!isRole(role)) throw new JcrError('JCR_VALIDATION', 'unknown role', { path: 'role' });
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new JcrError('JCR_VALIDATION', `password must be at least ${MIN_PASSWORD_LENGTH} characters`, {
      path: 'password',
    });
}

/**
 * Cluster mode: where sessions are shared so every instance and COP gateway honours them
 * (server/shell/cluster/shared-auth.ts). Each promise settles once the shared copy is written.
 */
export interface SessionShare {
  started(tokenSha256: string, user: User, createdAt: number, expiresAt: number): Promise<void>;
  ended(tokenSha256s: readonly string[]): Promise<void>;
}

/**
 * Users, roles and sessions in the database. Session tokens are 256-bit random strings; only
 * their SHA-256 is stored, so a copy of the database cannot be used to sign in.
 */
export class Users {
  private share: SessionShare | null = null;
  private sharing: Promise<void> = Promise.resolve();
  /** Cluster mode: where each user created or changed here is copied (cluster/accounts.ts). */
  onAccountChange: ((row: AccountRow) => void) | null = null;
  /** Sessions mirrored before their user was (cluster mode), by token hash. */
  private readonly awaitingUser = new Map<string, { username: string; createdAt: number; expiresAt: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Cluster mode: copy each session started or ended here to where the cluster shares them. */
  shareSessions(share: SessionShare): void {
    this.share = share;
  }

  /** Resolves once every session change so far is in the shared copy (answer a sign-in only then). */
  shared(): Promise<void> {
    return this.sharing;
  }

  /**
   * A session started elsewhere in the cluster. One whose user this instance does not have yet
   * (users are mirrored in the background: cluster/accounts.ts) waits here for the user.
   */
  adoptSession(tokenSha256: string, username: string, createdAt: number, expiresAt: number): void {
    const added = this.store.db
      .prepare(
        'INSERT OR REPLACE INTO sessions (token_sha256, username, created_at, expires_at) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE username = ?)',
      )
      .run(tokenSha256, username, createdAt, expiresAt, username).changes;
    if (added === 0) this.awaitingUser.set(tokenSha256, { username, createdAt, expiresAt });
  }

  /** A session ended elsewhere in the cluster. */
  dropSession(tokenSha256: string): void {
    this.awaitingUser.delete(tokenSha256);
    this.store.db.prepare('DELETE FROM sessions WHERE token_sha256 = ?').run(tokenSha256);
  }

  private shareChange(change: (share: SessionShare) => Promise<void>): void {
    const share = this.share;
    if (share) this.sharing = this.sharing.catch(() => {}).then(() => change(share));
  }

  async create(username: string, password: string, role: Role, displayName = username): Promise<User> {
    checkNewUser(username, password, role);
    if (this.get(username)) throw new JcrError('JCR_CONFLICT', `user ${username} exists`, { path: 'username' });
    const hash = await hashPassword(password);
    this.store.db
      .prepare(
        'INSERT INTO users (username, role, display_name, password_hash, created_at, disabled) VALUES (?, ?, ?, ?, ?, 0)',
      )
      .run(username, role, displayName, hash, this.clock());
    this.changed(username);
    return { username, role, displayName };
  }

  async setPassword(username: string, password: string): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password);
    const info = this.store.db.prepare('UPDATE users SET password_hash = ? WHERE username = ?').run(hash, username);
    if (info.changes === 0) throw new JcrError('JCR_NOT_FOUND', `no user ${username}`);
    const ended = this.store.db.prepare('SELECT token_sha256 AS h FROM sessions WHERE username = ?').all(username);
    this.store.db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
    this.shareChange((share) => share.ended((ended as Array<{ h: string }>).map((r) => r.h)));
    this.changed(username);
  }

  /** Every user as stored, disabled ones too (cluster mode copies them to the shared bucket). */
  accounts(): AccountRow[] {
    const rows = this.store.db
      .prepare('SELECT username, role, display_name, password_hash, created_at, disabled FROM users ORDER BY username')
      .all() as Array<UserRow & { created_at: number }>;
    return rows
      .filter((r) => isRole(r.role))
      .map((r) => ({
        username: r.username,
        role: r.role as Role,
        displayName: r.display_name,
        passwordHash: r.password_hash,
        createdAt: r.created_at,
        disabled: r.disabled !== 0,
      }));
  }

  /** A user as the cluster shares it: created, or its role, name, password hash or state replaced. */
  adoptAccount(a: AccountRow): void {
    this.store.db
      .prepare(
        `INSERT INTO users (username, role, display_name, password_hash, created_at, disabled) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET role = excluded.role, display_name = excluded.display_name,
           password_hash = excluded.password_hash, disabled = excluded.disabled`,
      )
      .run(a.username, a.role, a.displayName, a.passwordHash, a.createdAt, a.disabled ? 1 : 0);
    for (const [hash, s] of this.awaitingUser)
      if (s.username === a.username) {
        this.awaitingUser.delete(hash);
        this.adoptSession(hash, s.username, s.createdAt, s.expiresAt);
      }
  }

  private changed(username: string): void {
    const row = this.onAccountChange && this.accounts().find((a) => a.username === username);
    if (row) this.onAccountChange?.(row);
  }

  get(username: string): User | undefined {
    const row = this.store.db
      .prepare('SELECT username, role, display_name, password_hash, disabled FROM users WHERE username = ?')
      .get(username) as UserRow | undefined;
    return row && isRole(row.role) && row.disabled === 0
      ? { username: row.username, role: row.role, displayName: row.display_name }
      : undefined;
  }

  list(): User[] {
    const rows = this.store.db
      .prepare('SELECT username, role, display_name, password_hash, disabled FROM users ORDER BY username')
      .all() as UserRow[];
    return rows
      .filter((r) => isRole(r.role) && r.disabled === 0)
      .map((r) => ({ username: r.username, role: r.role as Role, displayName: r.display_name }));
  }

  count(): number {
    return (this.store.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  /** Check a password; the same work is done for unknown users so timing does not reveal them. */
  async verify(username: string, password: string): Promise<User | undefined> {
    const row = this.store.db
      .prepare('SELECT username, role, display_name, password_hash, disabled FROM users WHERE username = ?')
      .get(username) as UserRow | undefined;
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !ok || row.disabled !== 0 || !isRole(row.role)) return undefined;
    return { username: row.username, role: row.role, displayName: row.display_name };
  }

  /** Start a session; returns the bearer token (shown once, never stored). */
  startSession(username: string): { token: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAt = now + SESSION_TTL_MS;
    this.store.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
    this.store.db
      .prepare('INSERT INTO sessions (token_sha256, username, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(sha256(token), username, now, expiresAt);
    const user = this.get(username);
    if (user) this.shareChange((share) => share.started(sha256(token), user, now, expiresAt));
    return { token, expiresAt };
  }

  /** The user a session token belongs to, if it is live. */
  session(token: string): User | undefined {
    if (token.length < 20 || token.length > 200) return undefined;
    const row = this.store.db
      .prepare('SELECT username, expires_at FROM sessions WHERE token_sha256 = ?')
      .get(sha256(token)) as { username: string; expires_at: number } | undefined;
    if (!row || row.expires_at <= this.clock()) return undefined;
    return this.get(row.username);
  }

  endSession(token: string): void {
    this.store.db.prepare('DELETE FROM sessions WHERE token_sha256 = ?').run(sha256(token));
    this.shareChange((share) => share.ended([sha256(token)]));
  }
}

// A real scrypt hash of a random password, so verify() costs the same for unknown users.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$Wl0ZbHs4m2lQ1cXf7b8y3iQw6Yt3kX9l9rT5f0x1c2E';
