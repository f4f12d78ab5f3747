import type { RequestHandler } from 'express';
import type { Engine } from '../engine.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Served at / only when the client bundle has not been built: an honest summary of what the
 * server has loaded, with links to the JSON API, rather than an empty page.
 */
/** What the landing page reads: the loaded scenario and fleet. */
export interface LandingDeps {
  engine: Engine;
}

export function landingPage({ engine }: LandingDeps): RequestHandler {
  return (_req, res) => {
    const s = engine.room.scenario;
    const counts = new Map<string, number>();
    for (const r of engine.room.fleet.all()) counts.set(r.def.agency, (counts.get(r.def.agency) ?? 0) + 1);
    const rows = [...counts].map(([a, n]) => `<li>${esc(a)}: ${n} resources</li>`).join('');
    res.type('html')
      .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Joint control room — ${esc(s.name)}</title></head>
<body><h1>Joint control room</h1><p>Scenario: <strong>${esc(s.name)}</strong> — ${s.stations.length} stations, ${s.resources.length} resources.</p>
<ul>${rows}</ul><p>Road network: ${esc(s.network.attribution)}${s.network.synthetic ? ' (synthetic streets on an approximate trunk skeleton)' : ''}.</p>
<p>The map screens are not built yet. JSON API: <a href="/api/scenario">/api/scenario</a>, <a href="/api/resources">/api/resources</a>, <a href="/api/health">/api/health</a>.</p></body></html>`);
  };
}
