/**
 * The one table of stable error codes. Every failure that leaves the process (an HTTP answer,
 * a WebSocket close, an AVL rejection, a refused scenario) carries one of these codes, and each
 * code maps to exactly one HTTP status and one WebSocket close code. Clients and tests match on
 * `code`, never on message text: messages may be reworded, codes may not.
 *
 * WebSocket close codes: 1008 (policy), 1009 (too big), 1007 (invalid payload) and 1011 (server
 * error) come from RFC 6455; 4000-4999 are private-use codes, here 4000 + the HTTP status.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly close: number;
  readonly description: string;
}

export const ERRORS = {
  // Generic request errors
  JCR_VALIDATION: {
    status: 400,
    close: 1007,
    description: 'A field of the request is missing, of the wrong type or out of range.',
  },
  JCR_MALFORMED_JSON: { status: 400, close: 1007, description: 'The body is not valid JSON.' },
  JCR_UNAUTHENTICATED: { status: 401, close: 4401, description: 'No valid credentials were presented.' },
  JCR_FORBIDDEN: { status: 403, close: 4403, description: 'The signed-in role may not do this.' },
  JCR_CROSS_ORIGIN: {
    status: 403,
    close: 4403,
    description:
      "A change or /ws/cop upgrade made with the session cookie did not come from this server's own pages (Origin, else Sec-Fetch-Site).",
  },
  JCR_NOT_FOUND: { status: 404, close: 4404, description: 'No such resource, incident or route.' },
  JCR_CONFLICT: { status: 409, close: 4409, description: 'The change conflicts with the current state.' },
  JCR_INVALID_TRANSITION: {
    status: 409,
    close: 4409,
    description: 'The status change is not allowed from the current status.',
  },
  JCR_PAYLOAD_TOO_LARGE: {
    status: 413,
    close: 1009,
    description: 'The body or frame exceeds the documented size limit.',
  },
  JCR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    close: 4415,
    description: 'A request body was sent with a Content-Type other than application/json.',
  },
  JCR_RATE_LIMITED: { status: 429, close: 1008, description: 'Too many requests or frames; slow down.' },
  JCR_COP_FILTER_RATE: {
    status: 429,
    close: 1008,
    description: 'A COP screen changed its filter more often than the documented limit (docs/cop.md).',
  },
  JCR_INTERNAL: { status: 500, close: 1011, description: 'An unexpected server error; nothing was changed.' },
  JCR_MALFORMED_URL: {
    status: 400,
    close: 1007,
    description: 'The request path or query is not valid percent-encoding (for example %ZZ).',
  },
  JCR_OUTSIDE_AREA: {
    status: 422,
    close: 4422,
    description: "A position lies farther outside the scenario's bounds than the allowed margin (docs/scenario.md).",
  },
  JCR_NOT_READY: { status: 503, close: 1013, description: 'The server is still loading (database or road network).' },

  // Shared incidents: who may do what (server/core/auth/incident-access.ts, docs/incidents.md)
  JCR_INCIDENT_LEAD_ONLY: {
    status: 403,
    close: 4403,
    description:
      'Only the lead agency (or the duty officer) changes type, priority, location, agencies or attendance lines, and closes the incident.',
  },
  JCR_INCIDENT_STILL_COMMITTED: {
    status: 409,
    close: 4409,
    description:
      'Another agency still has resources committed to the incident (details.agencies, details.resourceIds): it stands them down first, or the duty officer forces the close with a reason.',
  },

  // The database at start-up (the process exits with one line naming the code)
  JCR_DB_CORRUPT: {
    status: 503,
    close: 1011,
    description:
      'The database file is not a SQLite database, is truncated or fails PRAGMA quick_check: restore a backup.',
  },
  JCR_DB_TOO_NEW: {
    status: 503,
    close: 1011,
    description: 'The database was written by a newer server (its schema version is above this one).',
  },

  // Scenario files
  JCR_SCENARIO_INVALID: { status: 422, close: 4422, description: 'The scenario file is malformed or inconsistent.' },

  // Road network and journey time
  JCR_NETWORK_INVALID: {
    status: 422,
    close: 4422,
    description: 'The road network file is malformed, truncated or has no drivable roads.',
  },
  JCR_CALIBRATION_INVALID: {
    status: 422,
    close: 4422,
    description:
      'A calibration artefact has a speed factor that is not a number within the allowed range (docs/calibration.md).',
  },
  JCR_IDEMPOTENCY_KEY: {
    status: 400,
    close: 1007,
    description:
      "An incident create's idempotencyKey is not 8 to 128 letters, digits, '-' or '_' (a retry with the same key answers the incident already created).",
  },
  JCR_OFF_ROAD: {
    status: 422,
    close: 4422,
    description:
      'A point is farther from any drivable road than the snapping allowance (details.maxSnapM, when an incident is refused).',
  },

  // Statistics (GET /api/statistics, docs/statistics.md)
  JCR_STATISTICS_RANGE: {
    status: 400,
    close: 1007,
    description:
      'from or to is not a date (YYYY-MM-DD) or an ISO 8601 instant with a zone, from is not before to or is in the future, or the range spans more than 31 local days.',
  },

  // Gazetteer (GET /api/places)
  JCR_PLACE_QUERY: {
    status: 400,
    close: 1007,
    description: 'The place search text is empty, too long, or has no letter or digit to search for.',
  },

  // Cover and standby moves (docs/cover.md)
  JCR_COVER_RESOURCE_UNAVAILABLE: {
    status: 409,
    close: 4409,
    description: 'The resource is committed or unavailable, so it cannot be given a standby move.',
  },
  JCR_COVER_BAD_DESTINATION: {
    status: 422,
    close: 4422,
    description: 'The standby destination is not a station or post of the scenario, or does not take that agency.',
  },
  JCR_COVER_NO_STANDBY: { status: 404, close: 4404, description: 'The resource has no standby move to end.' },

  JCR_REQUEST_ANSWERED: {
    status: 409,
    close: 4409,
    description:
      'The joint request has already been answered (details.status: accepted, declined or advised, details.answeredBy).',
  },
  JCR_REQUEST_PENDING: {
    status: 409,
    close: 4409,
    description:
      'Accepting the recommendation would mobilise none of your units and ask nothing new: the agencies it asks still have the requests in details.requestIds to answer.',
  },

  // AVL ingest (docs/avl.md). Per-report codes travel in AvlAck.rejected and never close the
  // socket; JCR_AVL_MALFORMED_FRAME closes that one connection with 1007.
  JCR_AVL_UNKNOWN_RESOURCE: {
    status: 404,
    close: 4404,
    description: 'The report names a resource (or tracker device) the scenario does not have.',
  },
  JCR_AVL_FORBIDDEN_RESOURCE: {
    status: 403,
    close: 4403,
    description: "The resource belongs to an agency outside the feed's scope.",
  },
  JCR_AVL_BAD_COORDINATES: {
    status: 422,
    close: 4422,
    description: 'lat/lon are not finite or outside -90..90 / -180..180.',
  },
  JCR_AVL_NULL_ISLAND: {
    status: 422,
    close: 4422,
    description: 'lat and lon are both 0: a tracker with no fix, not a position.',
  },
  JCR_AVL_BAD_FIX_TIME: {
    status: 422,
    close: 4422,
    description: 'fix_time_ms is missing, not finite or not positive.',
  },
  JCR_AVL_FUTURE_FIX: {
    status: 422,
    close: 4422,
    description: 'The fix time is later than the server clock plus the skew allowance.',
  },
  JCR_AVL_FIX_TOO_OLD: {
    status: 422,
    close: 4422,
    description: 'The fix time is older than the history retention (server clock minus historyRetentionMs).',
  },
  JCR_AVL_OUT_OF_ORDER: {
    status: 409,
    close: 4409,
    description: 'The fix is older than the last accepted one: kept in history, live position unchanged.',
  },
  JCR_AVL_DUPLICATE: {
    status: 409,
    close: 4409,
    description: 'A fix with the same resource and fix time was already accepted.',
  },
  JCR_AVL_IMPOSSIBLE_SPEED: {
    status: 422,
    close: 4422,
    description: 'The distance from the last accepted fix implies a speed the vehicle cannot reach.',
  },
  JCR_AVL_POOR_ACCURACY: {
    status: 422,
    close: 4422,
    description: 'The reported accuracy radius is worse than the accepted threshold.',
  },
  JCR_AVL_BUSY: {
    status: 503,
    close: 1013,
    description:
      'The position history writer is behind (a slow disk, or the database locked): the whole batch is refused, nothing changed; resend it after a pause.',
  },
  JCR_STORE_BUSY: {
    status: 503,
    close: 1013,
    description:
      'The event log stayed write-locked by another process while the change waited for it (up to 5 s, never on the event loop): nothing of the change was written; retry after a pause.',
  },
  JCR_NOT_LEADER: {
    status: 503,
    close: 1013,
    description:
      'Cluster mode: this instance is a standby, or stopped leading before it sent the change to the cluster log: nothing was acknowledged or changed. Retry on the instance that leads. (Sent and unconfirmed is JCR_OUTCOME_UNKNOWN.)',
  },
  JCR_OUTCOME_UNKNOWN: {
    status: 503,
    close: 1013,
    description:
      'Cluster mode: this instance stopped leading (deposed, its lease lapsed, or it was closing) after it had sent the change to the cluster log and before the log confirmed it: the change may have been applied, and the next leader then has it. Read the state before resending (an incident create with its idempotencyKey, and an AVL batch, may be resent as they are: the room answers the repeat, JCR_AVL_DUPLICATE for reports). Also what a COP gateway answers a partner room whose MAIT message the leader took and never answered: resend it as it is (an applied message id answers 200 duplicate).',
  },
  JCR_CHANGE_TOO_LARGE: {
    status: 413,
    close: 1009,
    description:
      "Cluster mode: the change's events, encoded, are larger than one cluster log message may be (NATS max_payload, 1 MB by default): it was refused whole, nothing written or applied. Make it as several smaller changes.",
  },
  JCR_LEADER_UNREACHABLE: {
    status: 502,
    close: 1013,
    description:
      'Cluster mode: a COP gateway forwarded the call to the leader, whose connection then broke or which did not answer in time (a failover): a change may have been applied. Read before retrying.',
  },
  JCR_STORE_FULL: {
    status: 507,
    close: 1011,
    description: 'The disk holding the event log is full: the change refused was not written; free space on it.',
  },
  JCR_AVL_MALFORMED_FRAME: {
    status: 400,
    close: 1007,
    description: 'The frame is not an AvlBatch (or is a text frame); the connection is closed.',
  },
  // Control room to control room (MAIT, docs/mait.md): a refused message changes nothing.
  JCR_MAIT_MALFORMED: {
    status: 400,
    close: 1007,
    description: 'A MAIT message is not well-formed XML, declares a DOCTYPE or entity, or is not a <Mait> message.',
  },
  JCR_MAIT_INVALID: {
    status: 400,
    close: 1007,
    description: 'A field of a MAIT message is missing, of the wrong form or out of range (docs/mait.xsd).',
  },
  JCR_MAIT_UNKNOWN_TYPE: {
    status: 422,
    close: 4422,
    description: "A MAIT message names an incident type this room does not know (the partner's type mapping is wrong).",
  },
  JCR_MAIT_UNMAPPED_TYPE: {
    status: 422,
    close: 4422,
    description: "The incident's type has no mapping to the partner's types in the partners file.",
  },
  JCR_MAIT_UNKNOWN_PARTNER: {
    status: 401,
    close: 4401,
    description: 'A MAIT message comes from, or is addressed to, a room the partners file does not name.',
  },
  JCR_MAIT_BAD_SIGNATURE: {
    status: 401,
    close: 4401,
    description: "A MAIT message's signature is missing or does not match its body and timestamp.",
  },
  JCR_MAIT_STALE: {
    status: 401,
    close: 4401,
    description: 'A MAIT message was signed outside the replay window (docs/mait.md § Signing).',
  },
  JCR_MAIT_POSITION_RATE: {
    status: 429,
    close: 1008,
    description:
      'A partner room sent ResourcePosition messages faster than the documented limit (docs/mait-delivery.md): this one was not taken; resend it after a pause.',
  },
  JCR_MAIT_OUT_OF_ORDER: {
    status: 503,
    close: 1013,
    description:
      "Cluster mode: a partner's MAIT message came before its predecessor. A clustered room keeps nothing it has not logged, so it was not taken; resend it after its predecessor (docs/mait-delivery.md).",
  },
  JCR_MAIT_PARTNERS_INVALID: {
    status: 422,
    close: 4422,
    description: 'The partners file is malformed or inconsistent.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** JSON path or field name that was wrong, where there is one. */
  path?: string;
  details?: unknown;
}

/** The one error type the core and shell throw for expected failures. */
export class JcrError extends Error {
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, opts: { path?: string; details?: unknown } = {}) {
    super(message);
    this.name = 'JcrError';
    this.code = code;
    this.path = opts.path;
    this.details = opts.details;
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  get closeCode(): number {
    return ERRORS[this.code].close;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.path !== undefined) body.path = this.path;
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

export function isJcrError(e: unknown): e is JcrError {
  return e instanceof JcrError;
}
