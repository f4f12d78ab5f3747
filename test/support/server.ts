import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../server/core/auth/roles.ts';
import { fakeClock } from '../../server/core/clock.ts';
import { StraightLineJourneyTimes } from '../../server/core/incidents/journeys.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';

/** startServer's options, each optional, and `straightLine` for the mini scenario's recommendations. */
export type MiniServerOptions = Partial<ServerOptions> & { straightLine?: boolean };

/**
 * The mini scenario served in memory on port 0, its clock stopped at 09:00 on 1 January 2026;
 * with `straightLine`, recommendations time at 36 km/h as the crow flies (drones by air), no cover.
 * Any other option of startServer replaces the default: `db` a file (see withDbFile), a changed
 * `scenario`, a `clock`, `timers`.
 */
export function miniServer(opts: MiniServerOptions = {}): Promise<RunningServer> {
  const { straightLine, ...rest } = opts;
  return startServer({
    scenario: miniScenario(),
    db: ':memory:',
    port: 0,
    clock: fakeClock(Date.UTC(2026, 0, 1, 9)).now,
    log: 'silent',
    ...(straightLine && {
      roads: {
        mobilisation: {
          journeys: new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']),
          cover: null,
        },
      },
    }),
    ...rest,
  });
}

/** Start a mini server (as miniServer), run `body` on it and close it however `body` ends. */
export async function withMiniServer<T>(
  opts: MiniServerOptions,
  body: (server: RunningServer) => Promise<T>,
): Promise<T> {
  const server = await miniServer(opts);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

/**
 * A database file `jcr.sqlite` in a fresh temporary folder, removed with the folder once `body`
 * ends: a test restarts a server by starting another on the same file.
 */
export async function withDbFile<T>(body: (db: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-test-'));
  try {
    return await body(join(dir, 'jcr.sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Create a user of `role` on a test server and return a bearer token for it. */
export async function tokenFor(server: RunningServer, role: Role, username: string = role): Promise<string> {
  if (!server.users.get(username)) await server.users.create(username, `test-password-${username}`, role);
  return server.users.startSession(username).token;
}

export interface JsonResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

/** fetch JSON from a test server, with an optional bearer token. */
export async function api(
  server: RunningServer,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  const res = await fetch(server.url + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** POST `body` to `path` as `token`, which must be answered 201 Created: its body (else it throws with the answer). */
export async function post201(server: RunningServer, token: string, path: string, body: unknown): Promise<unknown> {
  const r = await api(server, 'POST', path, { token, body });
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}, not 201`);
  return r.body;
}

/** The `error.code` of a JSON error body, or undefined. */
export function errorCode(body: unknown): string | undefined {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const e = (body as { error: unknown }).error;
    if (typeof e === 'object' && e !== null && 'code' in e) return String((e as { code: unknown }).code);
  }
  return undefined;
}
