/**
 * What the screens need besides the live picture:
 *  - GET /api/ui-config: the optional online basemap (tile URL and attribution) and which server
 *    features exist, so the screens show "not available" instead of probing for 404s.
 *  - GET /api/basemap: the offline basemap, a simplified copy of the loaded road network
 *    (server/core/basemap/basemap.ts), built once on first request and cached, gzip-friendly JSON.
 */
import { Router } from 'express';
import { gzipSync } from 'node:zlib';
import { basemapFromGraph } from '../../core/basemap/basemap.ts';
import type { RoadGraph } from '../../core/graph/build.ts';
import type { Scenario } from '../../core/scenario/types.ts';

export interface UiFeatures {
  incidents: boolean;
  recommendations: boolean;
  cover: boolean;
  cop: boolean;
  /**
   * Joint work (issue 22): the request inbox (GET /api/requests, the answers to a request) and the
   * attendance bookings (left, stand-down, notes). The screens show the inbox only when it exists.
   */
  joint: boolean;
}

export interface UiRouteDeps {
  scenario: Scenario;
  /** The loaded road network, when there is one. */
  graph?: RoadGraph | undefined;
  tileUrl?: string | undefined;
  tileAttribution?: string | undefined;
  features: () => UiFeatures;
}

export function uiRoutes(deps: UiRouteDeps): Router {
  const r = Router();
  let basemapJson: string | null = null;
  let basemapGz: Buffer | null = null;
  r.get('/ui-config', (_req, res) => {
    const features = deps.features();
    res.json({ tileUrl: deps.tileUrl ?? null, tileAttribution: deps.tileAttribution ?? null, features });
  });
  r.get('/basemap', (req, res) => {
    if (basemapJson === null) {
      const s = deps.scenario;
      const roads = deps.graph ? basemapFromGraph(deps.graph) : null;
      basemapJson = JSON.stringify({
        bounds: s.bounds,
        boundary: null,
        synthetic: s.network.synthetic,
        attribution: s.network.attribution,
        roadsLoaded: roads !== null,
        lines: roads?.lines ?? 0,
        points: roads?.points ?? 0,
        roads: roads?.roads ?? [],
      });
    }
    res.type('application/json').setHeader('Vary', 'Accept-Encoding');
    if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      basemapGz ??= gzipSync(basemapJson);
      res.setHeader('Content-Encoding', 'gzip');
      res.send(basemapGz);
    } else res.send(basemapJson);
  });
  return r;
}
