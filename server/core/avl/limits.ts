/**
 * Every AVL threshold and bound in one place. docs/avl.md explains each one; tests and the bench
 * override them with `{ ...AVL_LIMITS, field: value }`. Pure data: the shell reads the transport
 * limits (frame size, rate, heartbeat, history tick), the core the validation thresholds.
 */
export interface AvlLimits {
  /** A fix may be this far ahead of the server clock (tracker clocks drift; GNSS time does not). */
  readonly futureSkewMs: number;
  /** Reports whose accuracy radius is worse (larger) than this are refused. 0 = unknown is accepted. */
  readonly maxAccuracyM: number;
  /** Highest believable speed of a road vehicle (70 m/s = 252 km/h). */
  readonly maxSpeedRoadMps: number;
  /** Highest believable speed of an air resource, vehicleClass with speed profile mode 'air' (drones). */
  readonly maxSpeedAirMps: number;
  /** Distance allowance for GNSS jitter in the implied-speed check: moving `speedNoiseM` in 0 s is fine. */
  readonly speedNoiseM: number;
  /** A resource with no accepted fix for this long is shown stale. */
  readonly staleAfterMs: number;
  /** Largest WebSocket frame (ws maxPayload); a bigger frame closes the connection with 1009. */
  readonly maxFrameBytes: number;
  /** Most reports in one AvlBatch; more closes the connection with 1009 (JCR_PAYLOAD_TOO_LARGE). */
  readonly maxReportsPerBatch: number;
  /** Token bucket per feed (shared by all its connections and its OsmAnd requests): reports per second. */
  readonly feedReportsPerS: number;
  /** Token bucket size per feed: the largest burst, in reports. */
  readonly feedBurstReports: number;
  /** A connection whose unread acks exceed this many bytes is closed (1008): it is not reading. */
  readonly maxBufferedAckBytes: number;
  /** Open /ws/avl connections per feed; one more is refused with HTTP 429 before upgrading. */
  readonly maxConnectionsPerFeed: number;
  /** Open /ws/avl connections in all; one more is refused with HTTP 429 before upgrading. */
  readonly maxConnections: number;
  /** WebSocket ping interval; a socket that has not answered the previous ping is terminated. */
  readonly heartbeatMs: number;
  /** Raw positions are written to the history table in one transaction per tick of this length. */
  readonly historyTickMs: number;
  /** History rows older than this (by receive time) are deleted during a flush. */
  readonly historyRetentionMs: number;
  /** If this many history rows are waiting, they are flushed at once rather than at the next tick. */
  readonly historyMaxPending: number;
}

export const AVL_LIMITS: AvlLimits = {
  futureSkewMs: 30_000,
  maxAccuracyM: 250,
  maxSpeedRoadMps: 70,
  maxSpeedAirMps: 50,
  speedNoiseM: 50,
  staleAfterMs: 120_000,
  maxFrameBytes: 256 * 1024,
  maxReportsPerBatch: 2_000,
  feedReportsPerS: 20_000,
  feedBurstReports: 40_000,
  maxBufferedAckBytes: 1024 * 1024,
  maxConnectionsPerFeed: 32,
  maxConnections: 1_000,
  heartbeatMs: 30_000,
  historyTickMs: 250,
  historyRetentionMs: 48 * 3_600_000,
  historyMaxPending: 100_000,
};
