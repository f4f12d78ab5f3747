/**
 * The leader's lease: key `leader` of bucket jcr_<room>_lease (cluster/node.ts takes, renews and
 * releases it). Its value names the holder and the URL its HTTP server is reached at
 * (--advertise-url), so a COP gateway forwards the screens' REST calls to whoever leads
 * (gateway/leader-proxy.ts).
 *
 * Liveness is not the key's TTL: the holder publishes a heartbeat on core NATS
 * (jcr.<room>.leader.hb, its id and the key's revision) every sixth of the lease, and a standby
 * takes over once it has heard none for the lease (--lease-ms), by compare-and-set on the revision
 * it last saw: a holder that is alive and reaches JetStream has renewed meanwhile, so the takeover
 * fails. Core NATS has no Raft, so heartbeats keep flowing while JetStream elects a new leader
 * for a group after losing a node (4-10 s): the leader rides that out instead of being replaced.
 * The bucket's TTL (leaseTtlMs) is only a backstop, well beyond an election. The decisions are
 * pure functions of the clock here, so they are tested with a fake one (test/cluster-lease.test.ts).
 */
import type { KV } from '@nats-io/kv';

export const LEASE_KEY = 'leader';

export interface LeaseValue {
  id: string;
  url: string;
}

export function encodeLease(holder: LeaseValue): string {
  return JSON.stringify(holder);
}

/** The holder's id from the key's value, or null when it names none. */
export function leaseHolderId(value: string): string | null {
  try {
    const id = (JSON.parse(value) as Partial<LeaseValue>).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** The leader's URL from the lease, or null when nobody leads (or it names no http URL). */
export async function leaderUrl(lease: KV): Promise<string | null> {
  const e = await lease.get(LEASE_KEY);
  if (!e || e.operation !== 'PUT') return null;
  try {
    const url = e.json<Partial<LeaseValue>>().url;
    return typeof url === 'string' && /^https?:\/\/[^\s/]+$/.test(url) ? url : null;
  } catch {
    return null;
  }
}

/** The lease bucket's TTL: a backstop (all instances gone), well beyond a JetStream election. */
export function leaseTtlMs(leaseMs: number): number {
  return Math.max(5 * leaseMs, 15_000);
}

/** The core NATS subject of the leader's heartbeats. */
export const heartbeatSubject = (room: string) => `jcr.${room}.leader.hb`;

export interface Heartbeat {
  /** The holder's instance id. */
  id: string;
  /** The lease key's revision the holder last wrote; 0 once it released the key (a clean stop). */
  rev: number;
}

export function decodeHeartbeat(data: Uint8Array): Heartbeat | null {
  try {
    const h = JSON.parse(new TextDecoder().decode(data)) as Partial<Heartbeat>;
    return typeof h.id === 'string' && typeof h.rev === 'number' ? { id: h.id, rev: h.rev } : null;
  } catch {
    return null;
  }
}

/**
 * What a standby knows of the lease: nothing yet (null), that the key is absent, or the last
 * sign of its holder: the revision, when it was seen (a heartbeat heard or the key read: the
 * holder wrote that revision no later than then), who holds it, whether that was a heartbeat,
 * and whether the key names this instance.
 */
export type Sighting =
  null | 'absent' | { revision: number; at: number; holder: string | null; heard: boolean; mine: boolean };

export type StandbyMove =
  { kind: 'wait' } | { kind: 'read' } | { kind: 'create' } | { kind: 'claim'; revision: number };

/**
 * A standby's next step: read the key when it knows nothing, create it when absent (not before
 * `createFrom`: an instance started as a standby leaves a fresh room's key to the primary starting
 * beside it), claim it (compare-and-set on the revision last seen) once the holder has been
 * silent for the lease, or at once when the key names this instance (a takeover whose answer was
 * lost, or a restart of the holder), else wait.
 */
export function standbyMove(now: number, sighting: Sighting, leaseMs: number, createFrom = 0): StandbyMove {
  if (sighting === null) return { kind: 'read' };
  if (sighting === 'absent') return now >= createFrom ? { kind: 'create' } : { kind: 'wait' };
  if (sighting.mine || now - sighting.at >= leaseMs) return { kind: 'claim', revision: sighting.revision };
  return { kind: 'wait' };
}

/**
 * A standby's claim on `sighting` was refused (the key moved) and it read the key back (null:
 * absent). The holder heartbeats before each renewal it sends (cluster/lease-holder.ts), so a
 * key one revision on, still naming the holder last heard, holds a renewal sent before that
 * heartbeat was heard (the holder died with it in flight): the silence still counts from then.
 * Anything else restarts the wait from now.
 */
export function afterRefusedClaim(
  now: number,
  sighting: Sighting,
  key: { revision: number; holder: string | null } | null,
  myId: string,
): Sighting {
  if (!key) return 'absent';
  const next = { revision: key.revision, holder: key.holder, heard: false, mine: key.holder === myId };
  const renewedInFlight =
    sighting !== null &&
    sighting !== 'absent' &&
    sighting.heard &&
    key.holder === sighting.holder &&
    key.revision === sighting.revision + 1;
  return { ...next, at: renewedInFlight ? sighting.at : now };
}

/** What the holder knows of its own lease, each a time on its clock. */
export interface Tenure {
  /** When the last successful write of the key (take-over or renewal) was sent. */
  confirmedAt: number;
  /** When the last heartbeat went out. */
  beatAt: number;
  /** When a gap in the heartbeats was found (paused, or the event loop stalled); 0 if none. */
  gapAt: number;
}

/**
 * The holder's standing:
 * - `lapsed`: unconfirmed for so long the key may have expired: step down;
 * - `suspect`: its heartbeats stopped for the lease (it was paused, SIGSTOP), so a standby may
 *   have taken over: it leads no more until a renewal sent since then succeeds;
 * - `reconfirm`: unconfirmed for the lease (JetStream not answering, or a standby claimed it):
 *   it still leads, but publishes nothing until a renewal succeeds;
 * - `lead`.
 */
export function standing(now: number, t: Tenure, leaseMs: number): 'lead' | 'reconfirm' | 'suspect' | 'lapsed' {
  if (now - t.confirmedAt >= leaseTtlMs(leaseMs) - leaseMs) return 'lapsed';
  if (now - t.beatAt > leaseMs || t.confirmedAt < t.gapAt) return 'suspect';
  if (now - t.confirmedAt >= leaseMs) return 'reconfirm';
  return 'lead';
}
