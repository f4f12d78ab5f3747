/**
 * The durable event log's vocabulary. Live state is a fold of these events over the scenario,
 * so a restart replays the log and arrives at the same state. Every event carries its origin:
 * where the change came from (a vehicle's AVL terminal, an operator, the simulator or a replay,
 * or a partner control room's message: docs/mait.md).
 */
export const ORIGINS = ['avl', 'operator', 'sim', 'replay', 'system', 'partner'] as const;
export type Origin = (typeof ORIGINS)[number];

/** Who issued a command and how it came in: the origin and actor its events will carry. */
export interface CommandContext {
  origin: Origin;
  actor: string;
}

/** Common envelope. `seq` is assigned by the store: strictly increasing, never reused. */
export interface EventEnvelope<T extends string, D> {
  seq: number;
  /** Epoch ms at which the event was recorded (from the injected clock). */
  at: number;
  type: T;
  origin: Origin;
  /** User name or feed id that caused it; 'system' for internal changes. */
  actor: string;
  data: D;
}

export interface ResourceStatusData {
  resourceId: string;
  status: import('./fleet/status.ts').ResourceStatus;
  /** Incident or standby move that the status relates to, if any. */
  incidentId?: string;
  /** Mobilising to an incident: the attendance line (capability) it is sent for. */
  line?: string;
  lat?: number;
  lon?: number;
}

export interface OperatorNoteData {
  text: string;
  incidentId?: string;
}

/**
 * The room's record that a resource's AVL went stale (it had a fix, and none came for the fleet's
 * staleAfterMs: Fleet.isStale) or fresh again (a fix came). Decided by the reactor's staleness
 * policy, so listeners (cover) hear of it as a change, not by re-deriving it from the clock.
 */
export interface ResourceStalenessData {
  resourceId: string;
  stale: boolean;
  /** The last fix's time when it was decided. */
  fixTimeMs: number;
}

export type ResourceStatusEvent = EventEnvelope<'resource.status', ResourceStatusData>;
export type ResourceStalenessEvent = EventEnvelope<'resource.staleness', ResourceStalenessData>;
export type OperatorNoteEvent = EventEnvelope<'operator.note', OperatorNoteData>;

export type IncidentCreatedEvent = EventEnvelope<
  'incident.created',
  import('./incidents/types.ts').IncidentCreatedData
>;
export type IncidentUpdatedEvent = EventEnvelope<
  'incident.updated',
  import('./incidents/types.ts').IncidentUpdatedData
>;
export type IncidentClosedEvent = EventEnvelope<'incident.closed', import('./incidents/types.ts').IncidentClosedData>;
export type IncidentRecommendedEvent = EventEnvelope<
  'incident.recommended',
  import('./incidents/types.ts').IncidentRecommendedData
>;
export type IncidentDecisionEvent = EventEnvelope<
  'incident.decision',
  import('./incidents/types.ts').IncidentDecisionData
>;
export type AssistanceRequestedEvent = EventEnvelope<
  'incident.assistanceRequested',
  import('./incidents/types.ts').AssistanceRequestedData
>;
export type AssistanceAcceptedEvent = EventEnvelope<
  'incident.assistanceAccepted',
  import('./incidents/types.ts').AssistanceAcceptedData
>;
export type AssistanceDeclinedEvent = EventEnvelope<
  'incident.assistanceDeclined',
  import('./incidents/types.ts').AssistanceAnsweredData
>;
export type AssistanceAdvisedEvent = EventEnvelope<
  'incident.assistanceAdvised',
  import('./incidents/types.ts').AssistanceAnsweredData
>;
export type QuickerAvailableEvent = EventEnvelope<
  'incident.quickerAvailable',
  import('./incidents/types.ts').QuickerAvailableData
>;
export type LineSetEvent = EventEnvelope<'incident.lineSet', import('./incidents/types.ts').LineSetData>;
export type LineRemovedEvent = EventEnvelope<'incident.lineRemoved', import('./incidents/types.ts').LineRemovedData>;
export type IncidentEvent =
  | LineSetEvent
  | LineRemovedEvent
  | IncidentCreatedEvent
  | IncidentUpdatedEvent
  | IncidentClosedEvent
  | IncidentRecommendedEvent
  | IncidentDecisionEvent
  | AssistanceRequestedEvent
  | AssistanceAcceptedEvent
  | AssistanceDeclinedEvent
  | AssistanceAdvisedEvent
  | QuickerAvailableEvent;

export type StandbyOrderedEvent = EventEnvelope<
  'cover.standbyOrdered',
  import('./cover/standby.ts').StandbyOrderedData
>;
export type StandbyEndedEvent = EventEnvelope<'cover.standbyEnded', import('./cover/standby.ts').StandbyEndedData>;
export type CoverEvent = StandbyOrderedEvent | StandbyEndedEvent;

export type AlertRaisedEvent = EventEnvelope<'alert.raised', import('./alerts/types.ts').AlertRaisedData>;
export type AlertClearedEvent = EventEnvelope<'alert.cleared', import('./alerts/types.ts').AlertClearedData>;
export type AlertAcknowledgedEvent = EventEnvelope<
  'alert.acknowledged',
  import('./alerts/types.ts').AlertAcknowledgedData
>;
export type AlertEvent = AlertRaisedEvent | AlertClearedEvent | AlertAcknowledgedEvent;

export type MaitQueuedEvent = EventEnvelope<'mait.queued', import('./mait/types.ts').MaitQueuedData>;
export type MaitReceivedEvent = EventEnvelope<'mait.received', import('./mait/types.ts').MaitReceivedData>;
export type MaitDeliveredEvent = EventEnvelope<'mait.delivered', import('./mait/types.ts').MaitDeliveredData>;
export type MaitDeadLetteredEvent = EventEnvelope<'mait.deadLettered', import('./mait/types.ts').MaitDeadLetteredData>;
export type MaitRevivedEvent = EventEnvelope<'mait.revived', import('./mait/types.ts').MaitRevivedData>;
export type MaitEvent =
  MaitQueuedEvent | MaitReceivedEvent | MaitDeliveredEvent | MaitDeadLetteredEvent | MaitRevivedEvent;

/** Every event the log may hold. Modules add their event types to this union. */
export type JcrEvent =
  | ResourceStatusEvent
  | ResourceStalenessEvent
  | OperatorNoteEvent
  | IncidentEvent
  | CoverEvent
  | AlertEvent
  | MaitEvent
  | import('./calibration/force.ts').CalibrationInForceEvent;

export type JcrEventType = JcrEvent['type'];

/** An event before the store has given it a sequence number. */
export type NewEvent = JcrEvent extends infer E ? (E extends JcrEvent ? Omit<E, 'seq'> : never) : never;
