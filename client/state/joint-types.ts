/**
 * The client's view of joint work on a shared incident (issue 22): requests between agencies (the
 * inbox), the incident's detail beyond what the queue shows (METHANE, requests, the "quicker
 * resource" flags) and its audit timeline. ./joint-parse.ts narrows the server's JSON into these.
 */
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

/** JESIP METHANE, as the incident carries it. */
export interface Methane {
  majorIncident: boolean;
  exactLocation: string;
  type: string;
  hazards: string;
  access: string;
  /** null = not known yet. */
  casualties: number | null;
  servicesPresent: Agency[];
  servicesRequired: Agency[];
}

/** "A quicker resource has become available" while `enRouteId` is still on its way. */
export interface QuickerFlag {
  capability: string;
  enRouteId: string;
  enRouteEtaS: number;
  quickerId: string;
  quickerEtaS: number;
}

/** GET /api/incidents/:id: the incident with its METHANE, requests and quicker flags. */
export interface IncidentDetail {
  incident: Incident;
  methane: Methane;
  requests: JointRequest[];
  quicker: QuickerFlag[];
  /** Lines a dispatcher added or removed, newest last (empty when the server keeps none). */
  lineChanges: { capability: string; count: number | null; agency: Agency | null; reason: string }[];
  closeReason: string | null;
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
