import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { JcrError } from '../core/errors.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';
import { readArgs } from './cli.ts';
import { CLUSTER_FLAGS, CLUSTER_USAGE, clusterConfig, type ClusterOptions } from './cluster/options.ts';

/**
 * Server configuration. Each setting can come from a CLI flag or an environment variable; the
 * flag wins. README.md § Configuration lists them all.
 */
export interface Config {
  port: number;
  host: string;
  scenario: string;
  db: string;
  sim: boolean;
  logLevel: LogLevel;
  /** Development feed token that may report for every resource (never logged). */
  avlToken: string | undefined;
  /** Token a screen may present on /ws/cop; unset = signed-in sessions only. Never logged. */
  copToken: string | undefined;
  /** COP tick: positions are merged and pushed once per tick (docs/cop.md). */
  copTickMs: number;
  /** A resource with no AVL fix for this many seconds is shown stale (docs/avl.md). */
  avlStaleAfterS: number;
  /** Raw AVL position history is kept this many hours (docs/avl.md). */
  avlHistoryHours: number;
  /** Per-feed token bucket: reports per second and burst (docs/avl.md; the leader applies it to gateway feeds too). */
  feedReportsPerS: number;
  feedBurstReports: number;
  /** Cover position refresh: at most one recompute per this many seconds for moved available resources (docs/cover.md). */
  coverRefreshS: number;
  /** The address operators open (https://… behind a TLS proxy): Secure cookies and HSTS when https, an allowed Origin. */
  publicUrl: string | undefined;
  /** Proxies whose X-Forwarded-For names the client (addresses or CIDR ranges); empty = the socket's peer. */
  trustProxy: string[];
  /** Token a scraper presents on /metrics (Authorization: Bearer); unset = duty officers only. Never logged. */
  metricsToken: string | undefined;
  /** Cluster mode (--nats): the room's log in NATS JetStream; undefined = one process with SQLite. */
  cluster: ClusterOptions | undefined;
  /** The partners file: partner control rooms for incident transfer (docs/mait.md); unset = none. */
  partners: string | undefined;
}

export const DEFAULT_SCENARIO = 'sim/scenarios/hertfordshire/scenario.json';

/** `npm run serve -- --help`: every flag, with its environment variable (README.md § Configuration). */
export const SERVE_USAGE = `usage: npm run serve -- [options]   (npm start adds --sim)
  --port N              JCR_PORT             HTTP and WebSocket port, 0 = any free (8080)
  --host H              JCR_HOST             interface to bind (127.0.0.1)
  --scenario FILE       JCR_SCENARIO         the scenario (${DEFAULT_SCENARIO})
  --db FILE             JCR_DB               the SQLite database, :memory: for a throwaway one (var/jcr.sqlite)
  --sim / --no-sim      JCR_SIM=1            run the fleet simulator (off)
  --log-level L         JCR_LOG_LEVEL        ${LOG_LEVELS.join(', ')} (info)
  --avl-token T         JCR_AVL_TOKEN        a development AVL feed token for every resource
  --cop-token T         JCR_COP_TOKEN        a token screens may present on /ws/cop
  --metrics-token T     JCR_METRICS_TOKEN    a token a scraper presents on /metrics (Bearer)
  --avl-token-file F, --cop-token-file F, --metrics-token-file F (JCR_…_TOKEN_FILE)
                                             the token read from a file, out of ps and shell history
  --public-url URL      JCR_PUBLIC_URL       the address operators open; https: Secure cookies and HSTS
  --trust-proxy LIST    JCR_TRUST_PROXY      proxy addresses/CIDR ranges whose X-Forwarded-For names the client
  --cop-tick-ms N       JCR_COP_TICK_MS      operating picture push tick, 10..5000 (100)
  --stale-after-s N     JCR_STALE_AFTER_S    no AVL fix for N s shows a resource stale (120)
  --history-hours N     JCR_HISTORY_HOURS    AVL position history retention (48)
  --feed-reports-per-s N JCR_FEED_REPORTS_PER_S  each AVL feed's rate, reports per second (20000)
  --feed-burst-reports N JCR_FEED_BURST_REPORTS  each AVL feed's burst, reports (40000)
  --cover-refresh-s N   JCR_COVER_REFRESH_S  at most one cover recompute per N s for moved resources (10)
${CLUSTER_USAGE}
  --partners FILE       JCR_PARTNERS         partner control rooms for incident transfer (docs/mait.md; none)
  -h, --help            this text
A flag wins over its environment variable.`;

/** Reads the configuration; throws CliExit on --help or an unknown option, JcrError on a bad value. */
/** Reads a secret file (--avl-token-file, ...). */
export type ReadSecret = (path: string) => string;

export function parseConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  readSecret: ReadSecret = (p) => readFileSync(p, 'utf8'),
): Config {
  const parsed = readArgs(
    {
      usage: SERVE_USAGE,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        scenario: { type: 'string' },
        db: { type: 'string' },
        sim: { type: 'boolean' },
        'no-sim': { type: 'boolean' },
        'log-level': { type: 'string' },
        'avl-token': { type: 'string' },
        'avl-token-file': { type: 'string' },
        'cop-token': { type: 'string' },
        'cop-token-file': { type: 'string' },
        'metrics-token': { type: 'string' },
        'metrics-token-file': { type: 'string' },
        'public-url': { type: 'string' },
        'trust-proxy': { type: 'string' },
        'cop-tick-ms': { type: 'string' },
        'stale-after-s': { type: 'string' },
        'history-hours': { type: 'string' },
        'feed-reports-per-s': { type: 'string' },
        'feed-burst-reports': { type: 'string' },
        'cover-refresh-s': { type: 'string' },
        ...CLUSTER_FLAGS,
        partners: { type: 'string' },
      },
      positionals: false,
    },
    argv,
  );
  const v = parsed.values;
  const portText = v.port ?? env.JCR_PORT ?? '8080';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new JcrError('JCR_VALIDATION', `port must be 0..65535, got "${portText}"`, { path: 'port' });
  const logLevel = (v['log-level'] ?? env.JCR_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw new JcrError('JCR_VALIDATION', `log level must be one of ${LOG_LEVELS.join(', ')}`, { path: 'log-level' });
  const envSim = env.JCR_SIM === undefined ? undefined : env.JCR_SIM === '1' || env.JCR_SIM === 'true';
  const sim = v['no-sim'] ? false : (v.sim ?? envSim ?? false);
  return {
    port,
    host: v.host ?? env.JCR_HOST ?? '127.0.0.1',
    scenario: v.scenario ?? env.JCR_SCENARIO ?? DEFAULT_SCENARIO,
    db: v.db ?? env.JCR_DB ?? 'var/jcr.sqlite',
    sim,
    logLevel,
    avlToken: secret('avl-token', v, env, readSecret),
    copToken: secret('cop-token', v, env, readSecret),
    metricsToken: secret('metrics-token', v, env, readSecret),
    publicUrl: publicUrl(v['public-url'] ?? env.JCR_PUBLIC_URL),
    trustProxy: trustProxy(v['trust-proxy'] ?? env.JCR_TRUST_PROXY ?? ''),
    copTickMs: copTickMs(v['cop-tick-ms'] ?? env.JCR_COP_TICK_MS ?? '100'),
    avlStaleAfterS: positive(v['stale-after-s'] ?? env.JCR_STALE_AFTER_S ?? '120', 'stale-after-s'),
    avlHistoryHours: positive(v['history-hours'] ?? env.JCR_HISTORY_HOURS ?? '48', 'history-hours'),
    feedReportsPerS: positive(v['feed-reports-per-s'] ?? env.JCR_FEED_REPORTS_PER_S ?? '20000', 'feed-reports-per-s'),
    feedBurstReports: positive(v['feed-burst-reports'] ?? env.JCR_FEED_BURST_REPORTS ?? '40000', 'feed-burst-reports'),
    coverRefreshS: positive(v['cover-refresh-s'] ?? env.JCR_COVER_REFRESH_S ?? '10', 'cover-refresh-s'),
    cluster: clusterConfig(v, env),
    partners: v.partners ?? env.JCR_PARTNERS,
  };
}

/**
 * A token from `--NAME T`, `--NAME-file F` or their env variables (JCR_NAME, JCR_NAME_FILE). The
 * file form keeps the secret out of `ps` and the shell history; one trailing newline is dropped.
 */
function secret(
  name: 'avl-token' | 'cop-token' | 'metrics-token',
  v: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
  readSecret: ReadSecret,
): string | undefined {
  const envName = `JCR_${name.toUpperCase().replace(/-/g, '_')}`;
  const flag = v[name];
  const file = v[`${name}-file`];
  const text = typeof flag === 'string' ? flag : undefined;
  const path = typeof file === 'string' ? file : undefined;
  if (text !== undefined && path !== undefined)
    throw new JcrError('JCR_VALIDATION', `give --${name} or --${name}-file, not both`, { path: name });
  if (text !== undefined) return text;
  const from = path ?? env[`${envName}_FILE`];
  if (from === undefined) return env[envName];
  let content: string;
  try {
    content = readSecret(from);
  } catch (e) {
    throw new JcrError('JCR_VALIDATION', `cannot read ${name} file ${from}: ${(e as Error).message}`, {
      path: `${name}-file`,
    });
  }
  const token = content.replace(/\r?\n$/, '');
  if (token.length === 0 || /[\r\n]/.test(token))
    throw new JcrError('JCR_VALIDATION', `${name} file ${from} must hold one non-empty line`, { path: `${name}-file` });
  return token;
}

/** The public URL's origin (scheme, host, port): http or https only. */
function publicUrl(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new JcrError('JCR_VALIDATION', `public URL must be an absolute URL, got "${text}"`, { path: 'public-url' });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new JcrError('JCR_VALIDATION', `public URL must be http:// or https://, got "${text}"`, {
      path: 'public-url',
    });
  return u.origin;
}

/** A comma-separated list of proxy addresses or CIDR ranges (`127.0.0.1,10.0.0.0/8`). */
function trustProxy(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const [addr = '', bits, extra] = item.split('/');
    const family = isIP(addr);
    const max = family === 6 ? 128 : 32;
    const ok =
      family !== 0 && extra === undefined && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max));
    if (!ok)
      throw new JcrError('JCR_VALIDATION', `trust-proxy takes addresses or CIDR ranges, got "${item}"`, {
        path: 'trust-proxy',
      });
    out.push(item);
  }
  return out;
}

function positive(text: string, path: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new JcrError('JCR_VALIDATION', `${path} must be a positive number, got "${text}"`, { path });
  return n;
}

function copTickMs(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 10 || n > 5000)
    throw new JcrError('JCR_VALIDATION', `cop tick must be 10..5000 ms, got "${text}"`, { path: 'cop-tick-ms' });
  return n;
}
