/**
 * Browser entry. Reads the view from the URL (?view=wall for the wall screen), creates the store,
 * starts the feed that fills it, and mounts <jcr-app>. Under a strict Content-Security-Policy
 * (script-src 'self'): no inline scripts, no eval, styles set through the CSSOM only.
 *
 * Testing hook (read-only): `window.__jcr.stats()` returns counts the browser tests and the bench
 * assert on — see docs/screens.md § Testing hook.
 */
import 'leaflet/dist/leaflet.css';
import './app.css';
import { Api } from './state/api.ts';
import { ClientStore } from './state/store.ts';
import { RestFeed } from './state/rest-feed.ts';
import type { AppContext, View } from './context.ts';
import type { Capabilities } from './state/types.ts';
import type { JcrMap } from './components/jcr-map/jcr-map.ts';
import './components/jcr-app/jcr-app.ts';

const params = new URLSearchParams(location.search);
const view: View = params.get('view') === 'wall' ? 'wall' : 'dispatcher';
const store = new ClientStore();
const api = new Api();
const ctx: AppContext = { store, api, view };

const feed = new RestFeed(store, api, { intervalMs: view === 'wall' ? 2000 : 1000 });
feed.start();

const app = document.createElement('jcr-app') as HTMLElement & { ctx: AppContext };
app.ctx = ctx;
document.body.appendChild(app);

export interface JcrStats {
  view: View;
  connection: string;
  lastSeq: number;
  resources: number;
  updates: number;
  incidents: number;
  capabilities: Capabilities;
  map: ReturnType<JcrMap['stats']> | null;
}

declare global {
  interface Window {
    __jcr: { stats(): JcrStats; resource(id: string): { status: string; lat: number; lon: number; incidentId: string | null } | null };
  }
}

window.__jcr = Object.freeze({
  stats(): JcrStats {
    const m = document.querySelector<JcrMap>('jcr-map');
    return {
      view,
      connection: store.connection,
      lastSeq: store.lastSeq,
      resources: store.resources.size,
      updates: store.updates,
      incidents: store.incidents.size,
      capabilities: { ...store.capabilities },
      map: m ? m.stats() : null,
    };
  },
  /** A copy of one resource's status and position as the screen holds them. */
  resource(id: string) {
    const r = store.resources.get(id);
    return r ? { status: r.status, lat: r.lat, lon: r.lon, incidentId: r.incidentId } : null;
  },
});
