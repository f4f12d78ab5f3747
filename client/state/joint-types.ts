/**
 * The client's view of joint work on a shared incident (issue 22): requests between agencies (the
 * inbox), the incident's detail beyond what the queue shows (METHANE, requests, the "quicker
 * resource" flags) and its audit timeline. ./joint-parse.ts narrows the server's JSON into these.
 * The shapes the server's model shares (METHANE, quicker flags, request statuses and lines) are
 * defined once in proto/ (incidents.ts, requests.ts); what is left here is the screens' own view.
 */
import type { Methane as WireMethane, QuickerFlag } from '../../proto/incidents.ts';
import { REQUEST_STATUSES, type RequestedLine, type RequestStatus } from '../../proto/requests.ts';
import type { Agency, Incident, JointRequest } from './types.ts';

/** A joint request's statuses and the lines it asks for, as the server's (proto/requests.ts). */
export { REQUEST_STATUSES, type RequestStatus, type RequestedLine, type JointRequest };

/** A request as the inbox lists it: with enough of its incident to triage it. */
export interface InboxItem extends JointRequest {
  typeName: string;
  priority: 1 | 2 | 3;
  address: string;
}

/** JESIP METHANE, as the incident carries it: the server's own shape (proto/incidents.ts). */
export type Methane = WireMethane<Agency>;

/** "A quicker resource has become available" while `enRouteId` is still on its way (proto/incidents.ts). */
export type { QuickerFlag };

/** GET /api/incidents/:id: the incident with its METHANE, requests and quicker flags. */
export interface IncidentDetail {
  incident: Incident;
  methane: Methane;
  requests: JointRequest[];
  quicker: QuickerFlag[];
  /** Lines a dispatcher added or removed, newest last (empty when the server keeps none). */
  lineChanges: { capability: string; count: number | null; agency: Agency | null; reason: string }[];
  closeReason: string | null;
  /** What the caller said ('' = nothing recorded) and the property's UPRN (null = not known). */
  callerAccount: string;
  uprn: string | null;
}

/** One event of GET /api/incidents/:id/log, in words. */
export interface TimelineEntry {
  seq: number;
  atMs: number;
  type: string;
  origin: string;
  actor: string;
  /** The agency the event speaks for, when it names one. */
  agency: Agency | null;
  text: string;
}
