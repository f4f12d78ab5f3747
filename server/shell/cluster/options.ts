/**
 * Cluster mode's settings (--nats, --room, --standby): one room's event log in NATS JetStream,
 * one instance leading it and any number following as hot standbys (docs/cluster.md).
 */
import { JcrError } from '../../core/errors.ts';

export interface ClusterOptions {
  /** NATS server URLs, e.g. ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222']. */
  servers: readonly string[];
  /** The control room's id: the stream is jcr.<room>.events (letters, digits, - and _). */
  room: string;
  /** Start by following: take over only once the leader has been silent for the lease. */
  standby: boolean;
  /** JetStream replicas of the log and the lease (3 in production, 1 on a one-node test server). */
  replicas: number;
  /** The leader's lease, ms: a leader silent this long (no heartbeat) is replaced (cluster/lease.ts). */
  leaseMs: number;
  /** This instance's name in the lease and in logs (default: host and process id). */
  instanceId?: string;
  /** Where COP gateways reach this instance's REST API while it leads (default: its own URL). */
  advertiseUrl?: string | undefined;
}

/**
 * The NATS client's settings for every cluster connection (instances, AVL and COP gateways).
 * Reconnecting to another listed server is immediate either way; these bound how long a server
 * that vanished without closing the connection (a host powered off, a cut cable: no TCP reset)
 * goes unnoticed. The client's defaults are a ping every 2 min with 2 unanswered allowed, and
 * 20 s to connect to each server before trying the next (docs/cluster.md § Losing a NATS node).
 */
export const NATS_CLIENT = {
  maxReconnectAttempts: -1,
  reconnectTimeWait: 250,
  /** Connecting to one server: then the next in the list. */
  timeout: 5000,
  /** A ping every 5 s; a connection with 2 unanswered is dropped and another server tried. */
  pingInterval: 5000,
  maxPingOut: 2,
  /**
   * No Error (with its stack) made ahead of every request and its timer in case it fails: the
   * leader makes one request per batch published (log, positions stream, live bucket) and per
   * relayed batch answered, and that capture was the largest single function in its profile
   * (docs/cluster.md § What a relayed position costs the leader).
   * A failed request throws the same error classes, with the client's stack instead of ours.
   */
  noAsyncTraces: true,
} as const;

/** A room id names NATS subjects, a stream and a bucket: no dots, wildcards or spaces. */
export const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Default lease: renewed every third of it, so one lost renewal costs nothing. */
export const DEFAULT_LEASE_MS = 3000;

/**
 * Cluster settings from flags or environment (README.md § Configuration): none without
 * --nats / JCR_NATS, which keeps the embedded default of one process and SQLite.
 */
export function clusterConfig(
  v: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
): ClusterOptions | undefined {
  const urls = str(v.nats) ?? env.JCR_NATS;
  const standby = v.standby === true || env.JCR_STANDBY === '1' || env.JCR_STANDBY === 'true';
  if (urls === undefined || urls === '') {
    if (standby || str(v.room) !== undefined)
      throw new JcrError('JCR_VALIDATION', '--room and --standby need --nats', { path: 'nats' });
    return undefined;
  }
  const servers = urls.split(',').map((u) => u.trim());
  for (const u of servers)
    if (!/^(nats|tls):\/\/[^\s/]+$/.test(u) && !/^[^\s/:]+:\d+$/.test(u))
      throw new JcrError('JCR_VALIDATION', `--nats takes nats://host:port URLs, got "${u}"`, { path: 'nats' });
  const room = str(v.room) ?? env.JCR_ROOM ?? 'room';
  if (!ROOM_ID.test(room))
    throw new JcrError('JCR_VALIDATION', `room id must be letters, digits, - or _, got "${room}"`, { path: 'room' });
  const replicas = int(str(v['nats-replicas']) ?? env.JCR_NATS_REPLICAS ?? (servers.length >= 3 ? '3' : '1'), 1, 5);
  const leaseMs = int(str(v['lease-ms']) ?? env.JCR_LEASE_MS ?? String(DEFAULT_LEASE_MS), 500, 60_000);
  if (replicas === undefined)
    throw new JcrError('JCR_VALIDATION', 'nats-replicas must be 1..5', { path: 'nats-replicas' });
  if (leaseMs === undefined) throw new JcrError('JCR_VALIDATION', 'lease-ms must be 500..60000', { path: 'lease-ms' });
  const advertiseUrl = str(v['advertise-url']) ?? env.JCR_ADVERTISE_URL;
  if (advertiseUrl !== undefined && !/^https?:\/\/[^\s/]+$/.test(advertiseUrl))
    throw new JcrError('JCR_VALIDATION', `--advertise-url takes http(s)://host:port, got "${advertiseUrl}"`, {
      path: 'advertise-url',
    });
  return { servers, room, standby, replicas, leaseMs, advertiseUrl };
}

/** The flags clusterConfig reads (server/shell/config.ts passes them to readArgs). */
export const CLUSTER_FLAGS = {
  nats: { type: 'string' },
  room: { type: 'string' },
  standby: { type: 'boolean' },
  'nats-replicas': { type: 'string' },
  'lease-ms': { type: 'string' },
  'advertise-url': { type: 'string' },
} as const;

export const CLUSTER_USAGE = `  --nats URL[,URL...]   JCR_NATS             cluster mode: the room's event log in NATS JetStream (docs/cluster.md)
  --room ID             JCR_ROOM             the room's id in the cluster: stream jcr.<ID>.events (room)
  --standby             JCR_STANDBY=1        follow the log; lead once the leader is silent for the lease
  --nats-replicas N     JCR_NATS_REPLICAS    JetStream replicas of the log and lease (3 with 3+ URLs, else 1)
  --lease-ms N          JCR_LEASE_MS         the leader's lease, 500..60000 ms (${DEFAULT_LEASE_MS})
  --advertise-url URL   JCR_ADVERTISE_URL    where COP gateways forward REST while this instance leads (its own URL)`;

function str(x: string | boolean | undefined): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

function int(text: string, min: number, max: number): number | undefined {
  const n = Number(text);
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}
