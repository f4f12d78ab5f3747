/**
 * A partner's resource attending one of our incidents (issue 18): 'herts' transfers an incident
 * to 'beds', beds accepts it, mobilises one of its resources to its copy and that resource
 * reports a fix, so beds' MAIT reaction sends herts a ResourcePosition. Works on either the
 * fake-clock server pair or two real servers; `settle` lets both couriers deliver.
 */
import type { RunningServer } from '../../server/shell/server.ts';
import { api } from './server.ts';

export interface Transferred {
  /** Our (herts) incident id and beds' id for its copy. */
  ours: string;
  theirs: string;
}

/** Herts opens an incident at (lat, lon) and transfers it; beds accepts it. */
export async function transferAccepted(
  herts: RunningServer,
  beds: RunningServer,
  tokens: { herts: string; beds: string },
  at: { lat: number; lon: number; address: string },
  settle: () => Promise<void>,
): Promise<Transferred> {
  const c = await api(herts, 'POST', '/api/incidents', {
    token: tokens.herts,
    body: { typeId: 'dwelling-fire', ...at },
  });
  if (c.status !== 201) throw new Error(`incident not created: ${JSON.stringify(c.body)}`);
  const ours = (c.body as { id: string }).id;
  const t = await api(herts, 'POST', `/api/incidents/${ours}/transfer`, {
    token: tokens.herts,
    body: { partnerId: 'beds' },
  });
  if (t.status !== 202) throw new Error(`not transferred: ${JSON.stringify(t.body)}`);
  await settle();
  const inbound = [...beds.engine.room.transfers.all()].find((x) => x.ref.id === ours && x.direction === 'in');
  if (!inbound) throw new Error('beds has no transfer');
  const a = await api(beds, 'POST', `/api/transfers/${inbound.id}/accept`, { token: tokens.beds, body: {} });
  if (a.status !== 200) throw new Error(`not accepted: ${JSON.stringify(a.body)}`);
  await settle();
  return { ours, theirs: beds.engine.room.transfers.require(inbound.id).incidentId ?? '' };
}

/** Beds mobilises `resourceId` to its copy `theirs`, then the resource reports a fix at `fixAt`. */
export async function attend(
  beds: RunningServer,
  token: string,
  theirs: string,
  resourceId: string,
  fix: { lat: number; lon: number; fixAt: number },
): Promise<void> {
  const r = beds.engine.room.fleet.require(resourceId);
  if (r.incidentId !== theirs) {
    const s = await api(beds, 'POST', `/api/resources/${resourceId}/status`, {
      token,
      body: { status: 'MOBILISED', incidentId: theirs },
    });
    if (s.status !== 200) throw new Error(`not mobilised: ${JSON.stringify(s.body)}`);
  }
  beds.engine.room.fleet.applyFix(r, fix.lat, fix.lon, 0, 0, fix.fixAt, 5);
  beds.engine.notifyPositions([resourceId]);
}
