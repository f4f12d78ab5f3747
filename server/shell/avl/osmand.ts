import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AvlReportIn, BatchOutcome, FeedScope } from '../../core/avl/ingest.ts';
import { ERRORS, JcrError, type ErrorCode } from '../../core/errors.ts';
import type { Scenario } from '../../core/scenario/types.ts';
import { decimal } from '../../../proto/checker.ts';
import { presentedToken } from './feeds.ts';
import type { AvlEndpoint } from './endpoint.ts';

/**
 * The OsmAnd protocol, as spoken by the Traccar Client phone app, mounted at /osmand (Traccar's own
 * server listens for it on port 5055 at /). Two forms:
 *
 * (a) older clients: fields in the query string (GET, or POST with an empty body) or in a form
 *     body: id|deviceid, lat, lon (or location=lat,lon), timestamp (Unix seconds, Unix ms, ISO 8601
 *     or "yyyy-MM-dd HH:mm:ss" taken as UTC; absent = now), speed in KNOTS, bearing|heading,
 *     accuracy, altitude, batt, ... (unknown fields are ignored);
 * (b) Traccar Client 9+: a JSON body {"location":{"timestamp","coords":{latitude, longitude,
 *     accuracy, speed (m/s), heading, altitude}, is_moving, odometer, event, battery, activity},
 *     "device_id"} (location may also be an array). -1 means "unknown" for speed, heading and
 *     accuracy, as the iOS location API reports it.
 *
 * The device id maps to a resource through the scenario's ResourceDef.trackers. The same feed
 * authentication (Bearer or ?token=), rate limit and validation as /ws/avl apply. Answers: 200
 * {accepted, rejected} when every fix was accepted, or was a duplicate / out-of-order fix that is
 * already stored (a 4xx there would make the app resend the same fix forever); otherwise the
 * first rejection's HTTP status with {error:{code, message, details:{rejected}}}.
 */
export const KNOT_MPS = 1852 / 3600;
const BODY_LIMIT = '16kb';

export function trackerMap(scenario: Scenario): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of scenario.resources) for (const t of r.trackers ?? []) m.set(t, r.id);
  return m;
}

type Fields = Record<string, unknown>;

/** A field's text: a string, a number, or the first of a repeated field (one level: `?id=a&id=b`). */
function first(v: unknown): string | undefined {
  if (Array.isArray(v)) v = v[0];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function numField(v: unknown): number {
  // Plain decimal only: Number() would read "0x33" as 51.
  return decimal(first(v));
}

/** Unknown (absent, negative, not a number) → 0, as the core stores "unknown" speed/heading/accuracy. */
function nonNeg(n: number): number {
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

/** Traccar's rules: an integer below 2^31 is Unix seconds, larger is ms; ISO 8601; "yyyy-MM-dd HH:mm:ss" (UTC). */
export function parseOsmAndTime(v: string | undefined, now: number): number {
  if (v === undefined || v === '') return now;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return n < 2_147_483_647 ? n * 1000 : n;
  }
  if (v.includes('T')) return Date.parse(v);
  const m = /^(\d{4})-(\d{2})-(\d{2})[ +](\d{2}):(\d{2}):(\d{2})$/.exec(v);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return NaN;
}

function resourceFor(device: string | undefined, trackers: Map<string, string>): string {
  if (device === undefined || device === '')
    throw new JcrError('JCR_VALIDATION', 'id (device id) is required', { path: 'id' });
  const id = trackers.get(device);
  if (id === undefined)
    throw new JcrError('JCR_AVL_UNKNOWN_RESOURCE', `no resource has tracker "${device.slice(0, 64)}"`, { path: 'id' });
  return id;
}

/** Form (a): query or form fields. */
export function fromFields(f: Fields, trackers: Map<string, string>, now: number): AvlReportIn {
  const resourceId = resourceFor(first(f.id) ?? first(f.deviceid), trackers);
  let lat = numField(f.lat);
  let lon = numField(f.lon);
  const loc = first(f.location);
  if (loc !== undefined && (Number.isNaN(lat) || Number.isNaN(lon))) {
    const [a, b] = loc.split(',');
    lat = numField(a);
    lon = numField(b);
  }
  return {
    resourceId,
    lat,
    lon,
    speedMps: nonNeg(numField(f.speed)) * KNOT_MPS,
    headingDeg: nonNeg(numField(f.bearing ?? f.heading)),
    fixTimeMs: parseOsmAndTime(first(f.timestamp), now),
    accuracyM: nonNeg(numField(f.accuracy)),
    status: 0,
  };
}

function obj(v: unknown): Fields | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : undefined;
}

/** Form (b): the Traccar Client 9+ JSON body. */
export function fromJson(body: Fields, trackers: Map<string, string>, now: number): AvlReportIn[] {
  const device = first(body.device_id);
  const resourceId = resourceFor(device, trackers);
  const locs = Array.isArray(body.location) ? body.location : [body.location];
  if (locs.length === 0 || locs.length > 100)
    throw new JcrError('JCR_VALIDATION', 'location must be an object or an array of 1..100', { path: 'location' });
  return locs.map((l, i) => {
    const loc = obj(l);
    const coords = obj(loc?.coords);
    if (!loc || !coords)
      throw new JcrError('JCR_VALIDATION', 'location.coords is required', {
        path: `location${locs.length > 1 ? `[${i}]` : ''}.coords`,
      });
    const ts = loc.timestamp;
    return {
      resourceId,
      lat: typeof coords.latitude === 'number' ? coords.latitude : NaN,
      lon: typeof coords.longitude === 'number' ? coords.longitude : NaN,
      speedMps: nonNeg(typeof coords.speed === 'number' ? coords.speed : NaN),
      headingDeg: nonNeg(typeof coords.heading === 'number' ? coords.heading : NaN),
      fixTimeMs: typeof ts === 'string' ? parseOsmAndTime(ts, now) : typeof ts === 'number' ? ts : now,
      accuracyM: nonNeg(typeof coords.accuracy === 'number' ? coords.accuracy : NaN),
      status: 0,
    };
  });
}

/** Which fields the request carries: the query string unless it has none but the token, else the body. */
function requestReports(req: Request, trackers: Map<string, string>, now: number): AvlReportIn[] {
  const query = (req.query ?? {}) as Fields;
  const queryKeys = Object.keys(query).filter((k) => k !== 'token');
  if (queryKeys.length > 0) return [fromFields(query, trackers, now)];
  const body: unknown = req.body;
  const o = obj(body);
  if (o && 'location' in o) return fromJson(o, trackers, now);
  if (o && Object.keys(o).length > 0) return [fromFields(o, trackers, now)];
  if (typeof body === 'string' && body.length > 0)
    return [fromFields(Object.fromEntries(new URLSearchParams(body)), trackers, now)];
  throw new JcrError('JCR_VALIDATION', 'no OsmAnd fields in the query string or body', { path: 'id' });
}

/**
 * Codes that mean "this fix is already stored" (or, for a fix below the floor, "will never be"):
 * answered 200 so the app does not resend it forever and block its queue.
 */
const ALREADY_STORED: ReadonlySet<ErrorCode> = new Set([
  'JCR_AVL_DUPLICATE',
  'JCR_AVL_OUT_OF_ORDER',
  'JCR_AVL_FIX_TOO_OLD',
]);

/**
 * The feed an HTTP request's token belongs to: 401 JCR_UNAUTHENTICATED without one; on an AVL
 * gateway, whose check asks the leader, 503 JCR_NOT_LEADER when no leader answers.
 */
export async function requestFeed(avl: AvlEndpoint, req: Request): Promise<FeedScope> {
  let feed: FeedScope | undefined;
  try {
    feed = await avl.authenticate(presentedToken(req.headers.authorization, req.originalUrl));
  } catch {
    throw new JcrError('JCR_NOT_LEADER', 'no leader answered the feed check; retry');
  }
  if (!feed)
    throw new JcrError(
      'JCR_UNAUTHENTICATED',
      'a valid feed token is required (Authorization: Bearer TOKEN or ?token=TOKEN)',
    );
  return feed;
}

/** 200 {accepted, rejected} unless a report was refused for a reason other than being stored already. */
export function answerBatch(res: Response, out: BatchOutcome): void {
  const hard = out.rejected.find((x) => !ALREADY_STORED.has(x.code));
  if (!hard) {
    res.status(200).json({ accepted: out.accepted, rejected: out.rejected });
    return;
  }
  res.status(ERRORS[hard.code].status).json({
    error: { code: hard.code, message: hard.message, details: { accepted: out.accepted, rejected: out.rejected } },
  });
}

/** /osmand on an instance (its AvlService) or on an AVL gateway (relayed to the leader). */
export function osmandRoutes(avl: AvlEndpoint, scenario: Scenario): Router {
  const r = Router();
  const trackers = trackerMap(scenario);
  r.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 50 }));
  r.use(express.text({ type: ['text/plain', 'application/octet-stream'], limit: BODY_LIMIT }));
  const handler: RequestHandler = async (req, res) => {
    const feed = await requestFeed(avl, req);
    const reports = requestReports(req, trackers, avl.now());
    // A status change that finds the event log write-locked waits off the event loop (issue 15 item 10).
    answerBatch(res, await avl.ingestOrWait(reports, feed));
  };
  r.get('/', handler);
  r.post('/', handler);
  return r;
}
