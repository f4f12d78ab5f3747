/**
 * The kinds of alert (issue 17 item 3, docs/alerts.md), shared by the server's rules, its API
 * document and the screens. An alert's `kind` on the wire (proto/wire.ts AlertMsg) is one of these.
 *
 * Dependency-free: imports nothing (test/boundary.test.ts), like ./wire.ts.
 */
export const ALERT_KINDS = [
  'new-p1', // a new priority-1 incident
  'unassigned', // an incident still without its first unit after the time set for its type
  'joint-request', // a joint request waiting for its answer
  'quicker', // a quicker resource has become available for an attendance en route
  'avl-stale', // a committed unit whose AVL has gone stale
  'cover-below', // a standard's cover below its target
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
