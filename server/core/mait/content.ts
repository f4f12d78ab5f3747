/**
 * An incident of ours as a MAIT message describes it (issue 18 item 2): type in the partner's
 * vocabulary, priority, location with OS grid reference and UPRN when known, METHANE, casualties,
 * the caller's account and the timeline
 * entries being shared. Pure: Create and Update carry it, built by the transfer route and the
 * update reaction alike.
 */
import type { MaitIncidentContent, MaitTimelineEntry } from '../../../proto/mait.ts';
import type { Incident } from '../incidents/types.ts';
import { gridRefOf } from '../places/os-grid.ts';
import type { Scenario } from '../scenario/types.ts';

export function incidentContent(
  inc: Incident,
  scenario: Scenario,
  theirType: string,
  timeline: MaitTimelineEntry[],
): MaitIncidentContent {
  const m = inc.methane;
  return {
    type: theirType,
    typeText: scenario.incidentTypes.find((t) => t.id === inc.typeId)?.name ?? inc.typeId,
    priority: inc.priority,
    location: {
      lat: inc.lat,
      lon: inc.lon,
      gridRef: gridRefOf(inc.lat, inc.lon, 8),
      uprn: inc.uprn,
      address: inc.address,
    },
    methane: { ...m, servicesPresent: [...m.servicesPresent], servicesRequired: [...m.servicesRequired] },
    casualties: m.casualties ? [{ count: m.casualties, status: 'unknown', description: '' }] : [],
    callerAccount: inc.callerAccount,
    timeline,
  };
}
