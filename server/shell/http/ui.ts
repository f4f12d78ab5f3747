/**
 * What the screens need besides the live picture:
 *  - GET /api/ui-config: the optional online basemap (tile URL and attribution) and which server
 *    features exist, so the screens show "not available" instead of probing for 404s.
 *  - GET /api/basemap: the offline basemap, a simplified copy of the loaded road network
 *    (server/core/basemap/basemap.ts), built once on first request and cached, gzip-friendly JSON.
 *  - GET /api/map/labels: the towns and road names the map draws (server/core/basemap/labels.ts),
 *    built at start; served from one serialised, gzipped copy with an ETag, so a screen that
 *    reloads revalidates with a 304 instead of fetching it again.
 */
import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { gzipSync } from 'node:zlib';
import type { MapLabelsMsg } from '../../../proto/map-labels.ts';
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
  /** Partner control rooms (issue 18): "Transfer to partner" and the transfers inbox. */
  partners: boolean;
}

export interface UiRouteDeps {
  scenario: Scenario;
  /** The loaded road network, when there is one. */
  graph?: RoadGraph | undefined;
  tileUrl?: string | undefined;
  tileAttribution?: string | undefined;
  features: () => UiFeatures;
  /** The map's labels, built at start (default: none). */
  labels?: MapLabelsMsg | undefined;
}

/** A JSON body serialised once, with its gzip and ETag. */
interface CachedJson {
  json: string;
  gz: Buffer;
  etag: string;
}

function cachedJson(body: unknown): CachedJson {
  const json = JSON.stringify(body);
  const etag = `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
  return { json, gz: gzipSync(json), etag };
}

/** Answer a CachedJson: 304 when the client holds this version, gzip when it takes it. */
function sendCached(req: Request, res: Response, c: CachedJson): void {
  // Revalidated on every use (the API default is no-store): the ETag makes that a 304.
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('ETag', c.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  const match = req.headers['if-none-match'];
  if (match !== undefined && match.split(',').some((t) => t.trim().replace(/^W\//, '') === c.etag)) {
    res.status(304).end();
    return;
  }
  res.type('application/json');
  if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
    res.setHeader('Content-Encoding', 'gzip');
    res.send(c.gz);
  } else res.send(c.json);
}

export function uiRoutes(deps: UiRouteDeps): Router {
  const r = Router();
  let basemapJson: string | null = null;
  let basemapGz: Buffer | null = null;
  const labels = cachedJson(deps.labels ?? { places: [], roads: [] });
  r.get('/map/labels', (req, res) => sendCached(req, res, labels));
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
