/**
 * Traccar's JSON position forwarder (traccar.xml `forward.enable=true`, `forward.type=json`,
 * `forward.url=https://ROOM/traccar?token=FEED_TOKEN` or `forward.header=Authorization: Bearer
 * FEED_TOKEN`), mounted at /traccar on an instance and on AVL gateways. Traccar then feeds the
 * room whatever device protocol its own server decodes. Each POST is one position:
 *
 *   {"position": {"deviceId", "protocol", "fixTime" (ISO 8601 with offset), "valid", "latitude", "longitude",
 *     "speed" (KNOTS), "course", "accuracy", "attributes", ...}, "device": {"uniqueId", "name", ...}}
 *
 * device.uniqueId maps to a resource through the scenario's trackers, as an OsmAnd device id
 * does. A fix Traccar marks invalid (`valid: false`, no satellite fix) is refused with
 * JCR_AVL_BAD_COORDINATES; a body that is not this shape is JCR_VALIDATION with the path, bad
 * JSON JCR_MALFORMED_JSON. Answers as /osmand (server/shell/avl/osmand.ts): 200 when the fix is
 * accepted or already stored, else the rejection's status. Traccar (forward.retry.enable) resends
 * every non-2xx answer up to its retry limit, refusals for good included: each resend gets the
 * same code and changes nothing, and a stored fix resent gets 200, so no retry can place a fix twice.
 */
import express, { Router, type RequestHandler } from 'express';
import type { AvlReportIn } from '../../core/avl/ingest.ts';
import { JcrError } from '../../core/errors.ts';
import type { Scenario } from '../../core/scenario/types.ts';
import type { AvlEndpoint } from './endpoint.ts';
import { answerBatch, KNOT_MPS, requestFeed, trackerMap } from './osmand.ts';

type Fields = Record<string, unknown>;

function obj(v: unknown, path: string): Fields {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Fields;
  throw new JcrError('JCR_VALIDATION', `${path} must be an object`, { path });
}

function num(o: Fields, key: string, path: string, optional = false): number {
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (optional && (v === undefined || v === null)) return 0;
  throw new JcrError('JCR_VALIDATION', `${path}.${key} must be a number`, { path: `${path}.${key}` });
}

/**
 * Traccar writes java.util.Date through Jackson with WRITE_DATES_AS_TIMESTAMPS off (MainModule):
 * `2026-09-21T02:41:35.000+00:00` (Jackson >= 2.11, Traccar 5 and 6) or `...+0000` (older). Only
 * that shape, with its offset, is taken: Date.parse alone would read a time without an offset in
 * the server's local zone and take loose strings such as "1" or "May 2026".
 */
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch ms of an ISO 8601 time with an explicit offset, else NaN. */
function isoTimeMs(v: unknown): number {
  const m = typeof v === 'string' ? ISO_TIME.exec(v) : null;
  if (!m) return NaN;
  const zone = m[2] as string;
  return Date.parse(`${m[1]}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
}

/** One forwarded position as a report; throws JcrError for a body that is not Traccar's. */
export function fromTraccarForward(body: unknown, trackers: Map<string, string>): AvlReportIn {
  const b = obj(body, 'body');
  const position = obj(b.position, 'position');
  const device = obj(b.device, 'device');
  const unique = device.uniqueId;
  if (typeof unique !== 'string' || unique === '')
    throw new JcrError('JCR_VALIDATION', 'device.uniqueId must be a string', { path: 'device.uniqueId' });
  const resourceId = trackers.get(unique);
  if (resourceId === undefined)
    throw new JcrError('JCR_AVL_UNKNOWN_RESOURCE', `no resource has tracker "${unique.slice(0, 64)}"`, {
      path: 'device.uniqueId',
    });
  const fixTimeMs = isoTimeMs(position.fixTime ?? position.deviceTime);
  if (!Number.isFinite(fixTimeMs))
    throw new JcrError('JCR_VALIDATION', 'position.fixTime must be an ISO 8601 time with an offset', {
      path: 'position.fixTime',
    });
  const lat = num(position, 'latitude', 'position');
  const lon = num(position, 'longitude', 'position');
  if (position.valid === false)
    throw new JcrError('JCR_AVL_BAD_COORDINATES', 'Traccar marks this fix invalid (no satellite fix)', {
      path: 'position.valid',
    });
  const speed = num(position, 'speed', 'position', true);
  const course = num(position, 'course', 'position', true);
  const accuracy = num(position, 'accuracy', 'position', true);
  return {
    resourceId,
    lat,
    lon,
    speedMps: speed > 0 ? speed * KNOT_MPS : 0,
    headingDeg: course >= 0 ? course : 0,
    fixTimeMs,
    accuracyM: accuracy > 0 ? accuracy : 0,
    status: 0,
  };
}

export function traccarRoutes(avl: AvlEndpoint, scenario: Scenario): Router {
  const r = Router();
  const trackers = trackerMap(scenario);
  r.use(express.json({ limit: '16kb' }));
  const handler: RequestHandler = async (req, res) => {
    const feed = await requestFeed(avl, req);
    const out = await avl.ingestOrWait([fromTraccarForward(req.body, trackers)], feed);
    answerBatch(res, out);
  };
  r.post('/', handler);
  return r;
}
