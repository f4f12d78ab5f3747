/**
 * Every limit of the common operating picture (COP) push in one place. docs/cop.md explains each;
 * tests and the bench override them with `{ ...COP_LIMITS, field: value }`. Pure data: the hub
 * (core) reads the queue, ring and timing limits, the WebSocket adapter (shell) the frame size,
 * client count and heartbeat.
 */
export interface CopLimits {
  /** Positions are merged per resource and sent once per tick of this length. */
  readonly tickMs: number;
  /** The resume ring buffer keeps at most this many delta ticks... */
  readonly ringFrames: number;
  /** ...and at most this many bytes (measured as the encoded unfiltered delta of each tick). */
  readonly ringBytes: number;
  /**
   * A client's queue bound: no frame is sent to a socket with more than this many bytes unsent
   * (ws bufferedAmount). Its queue therefore never holds more than this plus one frame.
   */
  readonly highWaterBytes: number;
  /**
   * For clients that send CopAck: no frame goes to a client this many ticks ahead of its last ack
   * (kernel socket buffers can hide seconds of backlog from bufferedAmount; acks cannot).
   */
  readonly maxUnackedFrames: number;
  /** A client whose queue stays over the high-water mark this long is terminated (never drains). */
  readonly stuckMs: number;
  /** A client behind by more than this many ticks is resynchronised with a snapshot, not a merged delta. */
  readonly maxCatchUpFrames: number;
  /** WebSocket ping interval; a client that has not answered the previous ping is terminated. */
  readonly heartbeatMs: number;
  /** A client that has not sent CopSubscribe this long after connecting is closed (1007). */
  readonly subscribeTimeoutMs: number;
  /** Largest client → server frame (ws maxPayload); bigger closes the connection with 1009. */
  readonly maxControlBytes: number;
  /** Most COP connections at once; more are refused with HTTP 429 before the upgrade. */
  readonly maxClients: number;
  /**
   * Filter changes (CopSetFilter) per connection: a bucket of `filterChangeBurst`, refilled at
   * `filterChangesPerS`; one more closes the connection with JCR_COP_FILTER_RATE.
   */
  readonly filterChangeBurst: number;
  readonly filterChangesPerS: number;
  /**
   * At most one FILTER_CHANGED snapshot per connection per this many ms: changes in between are
   * coalesced, the latest filter wins, and its snapshot goes out when the interval has passed.
   */
  readonly filterSnapshotMs: number;
}

export const COP_LIMITS: CopLimits = {
  tickMs: 100,
  ringFrames: 600, // one minute at 100 ms
  ringBytes: 32 * 1024 * 1024,
  highWaterBytes: 512 * 1024,
  maxUnackedFrames: 4,
  stuckMs: 30_000,
  maxCatchUpFrames: 300, // 30 s at 100 ms
  heartbeatMs: 15_000,
  subscribeTimeoutMs: 10_000,
  maxControlBytes: 4 * 1024,
  maxClients: 5_000,
  filterChangeBurst: 10,
  filterChangesPerS: 2,
  filterSnapshotMs: 1_000,
};
