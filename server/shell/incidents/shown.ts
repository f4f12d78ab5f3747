/**
 * What a dispatcher was shown, sealed (issue 15 item 3). GET /api/incidents/:id/recommendation
 * writes nothing: its answer carries a `fingerprint`, the recommendation as shown (its summary,
 * the log seq and the time it was computed on, the incident) signed with this server's key.
 * Mobilise sends the fingerprint back; the server opens it and judges the decision against
 * exactly that, whoever else has asked since, and the decision event embeds it. The signature
 * stops a client from passing off its own choice as the one recommended.
 *
 * The key is made once per database (its `meta` table) at start-up, so a fingerprint outlives a
 * restart; a fingerprint from another database, another incident or altered is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { JcrError } from '../../core/errors.ts';
import type { RecommendationSummary } from '../../core/incidents/types.ts';
import type { Store } from '../store/store.ts';

const KEY = 'recommendation_seal_key';
const VERSION = 'r1';

/** A recommendation as it was shown. */
export interface ShownRecommendation {
  incidentId: string;
  /** The log seq the recommendation was computed on. */
  seq: number;
  /** When it was computed, clock ms. */
  at: number;
  summary: RecommendationSummary;
}

export class ShownSeal {
  private constructor(private readonly key: Buffer) {}

  /** The seal over this database's key, made (and stored) the first time. Call at start-up. */
  static of(store: Pick<Store, 'getMeta' | 'setMeta'>): ShownSeal {
    let hex = store.getMeta(KEY);
    if (hex === undefined || !/^[0-9a-f]{64}$/.test(hex)) {
      hex = randomBytes(32).toString('hex');
      store.setMeta(KEY, hex);
    }
    return new ShownSeal(Buffer.from(hex, 'hex'));
  }

  /** The fingerprint of what is shown: `r1.<payload>.<signature>`, base64url. */
  seal(shown: ShownRecommendation): string {
    const payload = Buffer.from(JSON.stringify(shown)).toString('base64url');
    return `${VERSION}.${payload}.${this.sign(payload)}`;
  }

  /**
   * What the holder of `fingerprint` was shown for `incidentId`. JCR_VALIDATION (path
   * `fingerprint`) unless this server sealed it for that incident, unaltered.
   */
  open(fingerprint: string, incidentId: string): ShownRecommendation {
    const bad = (why: string) =>
      new JcrError('JCR_VALIDATION', `fingerprint ${why}: fetch the recommendation again`, { path: 'fingerprint' });
    const [v, payload, sig, ...rest] = fingerprint.split('.');
    if (v !== VERSION || payload === undefined || sig === undefined || rest.length > 0)
      throw bad('is not one this server gives');
    const want = Buffer.from(this.sign(payload));
    const got = Buffer.from(sig);
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw bad('is not one this server gave');
    const shown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ShownRecommendation;
    if (shown.incidentId !== incidentId) throw bad(`was given for another incident than ${incidentId}`);
    return shown;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(`${VERSION}.${payload}`).digest('base64url');
  }
}
