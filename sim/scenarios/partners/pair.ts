/**
 * Two rooms that are each other's partner (issue 18 item 6, npm run demo:partners): both partners
 * files from one description, mirror images of each other. Each direction gets its own secret;
 * the incident types both scenarios have map to themselves (the England builder gives every
 * service Hertfordshire's type ids), and a type only one has is left unmapped, so transferring
 * it is refused with JCR_MAIT_UNMAPPED_TYPE.
 */
import type { MaitPartners } from '../../../proto/mait.ts';

export interface PairRoom {
  id: string;
  name: string;
  /** Where its server listens, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  area: Array<[number, number]>;
  typeIds: readonly string[];
}

/** [a's partners file, b's partners file]; `secret()` is called once per direction (a→b, b→a). */
export function partnerPair(a: PairRoom, b: PairRoom, secret: () => string): [MaitPartners, MaitPartners] {
  const aToB = secret();
  const bToA = secret();
  const common = a.typeIds.filter((t) => b.typeIds.includes(t)).map((t) => ({ ours: t, theirs: t }));
  const entry = (p: PairRoom, outbound: string, inbound: string) => ({
    id: p.id,
    name: p.name,
    baseUrl: p.baseUrl,
    area: p.area,
    types: common,
    secrets: { outbound, inbound },
  });
  return [
    { room: { id: a.id, name: a.name }, partners: [entry(b, aToB, bToA)] },
    { room: { id: b.id, name: b.name }, partners: [entry(a, bToA, aToB)] },
  ];
}
