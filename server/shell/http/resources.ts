import { Router } from 'express';
import type { LiveResource } from '../../core/fleet/fleet.ts';
import { STATUS_NAMES, statusFromName } from '../../core/fleet/status.ts';
import { roleAgency } from '../../core/auth/roles.ts';
import { JcrError } from '../../core/errors.ts';
import type { Engine } from '../engine.ts';
import { asObject, num, str } from './body.ts';
import { authorize, requireUser } from './auth.ts';
import { mayTask } from '../../core/incidents/access.ts';

/**
 * One resource as JSON. With `now`, adds `stale` (no accepted fix for longer than the fleet's
 * staleAfterMs, derived from the injected clock) and `fixAgeMs` (null before the first fix).
 */
export function resourceJson(r: LiveResource, now?: number, staleAfterMs?: number) {
  const base = {
    id: r.def.id,
    callSign: r.def.callSign,
    agency: r.def.agency,
    type: r.def.type,
    capabilities: r.def.capabilities,
    station: r.def.station,
    crewing: r.def.crewing,
    status: STATUS_NAMES[r.status],
    lat: r.lat,
    lon: r.lon,
    headingDeg: r.headingDeg,
    speedMps: r.speedMps,
    fixTimeMs: r.fixTimeMs,
    accuracyM: r.accuracyM,
    incidentId: r.incidentId ?? null,
  };
  if (now === undefined) return base;
  const stale = now - r.fixTimeMs > (staleAfterMs ?? 120_000);
  return { ...base, stale, fixAgeMs: r.fixTimeMs > 0 ? now - r.fixTimeMs : null };
}

/** What the resource routes need: the room (fleet, clock) and the one entry for status changes. */
export interface ResourceRouteDeps {
  engine: Engine;
}

export function resourceRoutes({ engine }: ResourceRouteDeps): Router {
  const r = Router();
  r.get('/resources', (_req, res) => {
    const now = engine.room.clock();
    const fleet = engine.room.fleet;
    res.json({
      seq: engine.room.lastSeq,
      now,
      staleAfterMs: fleet.staleAfterMs,
      resources: Array.from(fleet.all(), (x) => resourceJson(x, now, fleet.staleAfterMs)),
    });
  });
  r.get('/resources/:id', (req, res) => {
    res.json(
      resourceJson(engine.room.fleet.require(req.params.id), engine.room.clock(), engine.room.fleet.staleAfterMs),
    );
  });
  /** An operator's status change: the same transition rules as an AVL terminal's. */
  r.post('/resources/:id/status', async (req, res) => {
    const resource = engine.room.fleet.require(req.params.id);
    const b = asObject(req.body);
    const name = str(b, 'status', { max: 40 });
    const status = statusFromName(name);
    if (status === undefined)
      throw new JcrError('JCR_VALIDATION', `status must be one of ${Object.values(STATUS_NAMES).join(', ')}`, {
        path: 'status',
      });
    const incidentId = str(b, 'incidentId', { optional: true, max: 64 });
    const lat = num(b, 'lat', { optional: true, min: -90, max: 90 });
    const lon = num(b, 'lon', { optional: true, min: -180, max: 180 });
    // A resource shared with the caller's agency (scenario sharedWith) it sends to, and stands
    // down from, an incident, as on the incident routes (docs/incidents.md); otherwise it is the
    // owner's. With an incidentId: an open incident the caller's agency takes part in (issue 15 item 4).
    const mine = roleAgency(requireUser(req, res).role);
    const shared = incidentId !== undefined && mine !== null && mine !== 'all' && mayTask(mine, resource.def);
    const user = authorize(res, req, 'resource.status', shared ? mine : resource.def.agency);
    const own = roleAgency(user.role);
    const cmd = {
      type: 'resource.setStatus' as const,
      resourceId: req.params.id,
      status,
      ...(own !== null && own !== 'all' ? { actingAgency: own } : {}),
      knownIncident: true,
      ...(incidentId !== undefined ? { incidentId } : {}),
      ...(lat !== undefined && lon !== undefined ? { lat, lon } : {}),
    };
    const events = await engine.submit(cmd, { origin: 'operator', actor: user.username });
    res.json({
      seq: engine.room.lastSeq,
      events: events.length,
      resource: resourceJson(engine.room.fleet.require(req.params.id)),
    });
  });
  return r;
}
