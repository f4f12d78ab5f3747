/**
 * Joint requests on the wire contract (beside ./wire.ts): a request's statuses and the lines it
 * asks for, shared by the server's incident model and the screens.
 *
 * Dependency-free: imports nothing (test/boundary.test.ts), so the pure core, the shell and the
 * client bundle can all use it.
 */

/**
 * A joint request's answer so far: pending → accepted (the addressee mobilised the suggestion or
 * its own choice, or simply agreed), declined (with a reason) or advised (answered with advice and
 * no deployment: "hear and treat", "hear and solve"); or withdrawn, unanswered, when its incident
 * closed (nothing is left to answer).
 */
export const REQUEST_STATUSES = ['pending', 'accepted', 'declined', 'advised', 'withdrawn'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** A line of the recommendation asked of another agency, with the units it proposed for it. */
export interface RequestedLine {
  capability: string;
  count: number;
  /** Resource ids the recommendation proposed: suggestions, the addressee decides. */
  suggested: string[];
}
