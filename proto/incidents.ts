/**
 * Incident shapes on the wire contract (beside ./requests.ts), shared by the server's incident
 * model (server/core/incidents/types.ts) and the screens (client/state/joint-types.ts), so the two
 * cannot drift: the incident's METHANE and its "quicker resource" flags, as GET
 * /api/incidents/:id carries them.
 *
 * Dependency-free: imports nothing (test/boundary.test.ts), so the pure core, the shell and the
 * client bundle can all use it. The agency names are a type parameter: both sides pass their
 * Agency (./wire.ts AGENCIES).
 */

/** JESIP METHANE: the shared situation report every service reads the same way. */
export interface Methane<A extends string = string> {
  /** M: has a major incident been declared? */
  majorIncident: boolean;
  /** E: exact location, as the caller or crews describe it (grid ref, landmark, floor, ...). */
  exactLocation: string;
  /** T: type of incident, in words (the scenario type id is the incident's `typeId`). */
  type: string;
  /** H: hazards, present and potential. */
  hazards: string;
  /** A: access routes that are safe to use, rendezvous point. */
  access: string;
  /** N: number of casualties (null = not known yet). */
  casualties: number | null;
  /** E: emergency services present and those required. */
  servicesPresent: A[];
  servicesRequired: A[];
}

/** "A quicker resource has become available" while `enRouteId` is still on its way. */
export interface QuickerFlag {
  capability: string;
  enRouteId: string;
  /** Seconds from the flag's time until the en-route resource arrives, as predicted then. */
  enRouteEtaS: number;
  quickerId: string;
  quickerEtaS: number;
}
