/**
 * Idempotency keys of incident creation: a client sends one random key per create attempt
 * (`idempotencyKey` in the body) and the same key when it retries after a timeout. The key
 * travels in the durable `incident.created` event, so the map below is rebuilt on replay and a
 * retry after a restart still finds its incident. Keys are scoped by the acting agency ('all' for
 * the duty officer) and forgotten CREATE_KEY_TTL_MS after the create: the map stays bounded.
 */
import { JcrError } from '../errors.ts';

/** How long a create's key is remembered: a retry later than this creates a new incident. */
export const CREATE_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** 8 to 128 of letters, digits, '-' and '_' (a crypto.randomUUID() is 36). */
const KEY = /^[A-Za-z0-9_-]{8,128}$/;

/** Refuse a key that is not a string of KEY's shape, with JCR_IDEMPOTENCY_KEY. */
export function checkCreateKey(key: unknown, path = 'idempotencyKey'): string {
  if (typeof key !== 'string' || !KEY.test(key))
    throw new JcrError('JCR_IDEMPOTENCY_KEY', `${path} must be 8 to 128 letters, digits, '-' or '_'`, { path });
  return key;
}

/** What a created event records of its key. */
export interface CreateKey {
  key: string;
  /** The acting agency of the create, or 'all' for the duty officer. */
  scope: string;
}

interface Entry {
  incidentId: string;
  at: number;
}

export class CreateKeys {
  // Insertion order is apply order (event time): the oldest entries are at the front.
  private readonly byKey = new Map<string, Entry>();

  get size(): number {
    return this.byKey.size;
  }

  /** The incident created with this key in this scope within the TTL before `at`, if any. */
  find(k: CreateKey, at: number): string | undefined {
    const e = this.byKey.get(`${k.scope}\n${k.key}`);
    return e && at - e.at <= CREATE_KEY_TTL_MS ? e.incidentId : undefined;
  }

  /** Remember a create's key (applying its event) and forget keys past the TTL. */
  remember(k: CreateKey, incidentId: string, at: number): void {
    for (const [id, e] of this.byKey) {
      if (at - e.at <= CREATE_KEY_TTL_MS) break;
      this.byKey.delete(id);
    }
    this.byKey.set(`${k.scope}\n${k.key}`, { incidentId, at });
  }
}
