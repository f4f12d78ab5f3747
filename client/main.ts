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
import { RestFeed, type Feed } from './state/rest-feed.ts';
import { CopFeed } from './state/cop-feed.ts';
import { parseFeatures } from './state/parse.ts';
import type { AppContext, View } from './context.ts';
import type { Capabilities } from './state/types.ts';
import type { JcrMap } from './components/jcr-map/jcr-map.ts';
import type { LabelBox } from './map/labels-layer.ts';
import './components/jcr-app/jcr-app.ts';
import { parseUser, type JcrLogin, type SignedInUser } from './components/jcr-login/jcr-login.ts';
import './components/jcr-login/jcr-login.ts';

const params = new URLSearchParams(location.search);
const view: View = params.get('view') === 'wall' ? 'wall' : 'dispatcher';
const store = new ClientStore();
const api = new Api();
// A call waiting out a failover shows in the header (<jcr-connection-indicator>).
api.onRetrying = (on) => store.setRestRetrying(on);
const ctx: AppContext = { store, api, view, user: null };

/**
 * The live picture comes over the COP WebSocket when the server serves it (ui-config feature
 * `cop`), with incidents and cover polled over REST; otherwise (or when the config cannot be read)
 * everything is polled over REST.
 */
let feedKind: 'cop' | 'rest' | 'starting' = 'starting';
async function startFeed(): Promise<Feed> {
  const cfg = await api.uiConfig();
  if (cfg.ok) {
    const features = parseFeatures(cfg.body);
    store.setCapabilities(features);
    if (features.cop) {
      const cop = new CopFeed(store, api, { restIntervalMs: view === 'wall' ? 5000 : 2000 });
      cop.start();
      feedKind = 'cop';
      return cop;
    }
  }
  const rest = new RestFeed(store, api, { intervalMs: view === 'wall' ? 2000 : 1000 });
  rest.start();
  feedKind = 'rest';
  return rest;
}

/**
 * Sign in first when the server says so (401 on /api/me): the session is an HttpOnly cookie the
 * page never reads. Then start the feed and mount the screens.
 */
async function boot(): Promise<void> {
  const me = await api.request('GET', '/api/me');
  if (me.ok) ctx.user = parseUser(me.body) ?? null;
  if (!me.ok && me.status === 401) {
    const login = document.createElement('jcr-login') as JcrLogin;
    login.api = api;
    document.body.appendChild(login);
    ctx.user = await new Promise<SignedInUser>((resolveSignIn) =>
      login.addEventListener('jcr-signed-in', (e) => resolveSignIn(e.detail), { once: true }),
    );
    login.remove();
  }
  void startFeed();
  const app = document.createElement('jcr-app') as HTMLElement & { ctx: AppContext };
  app.ctx = ctx;
  document.body.appendChild(app);
}
void boot();

export interface JcrStats {
  view: View;
  /** Where the live picture comes from: the COP WebSocket or REST polling. */
  feed: 'cop' | 'rest' | 'starting';
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
    __jcr: {
      stats(): JcrStats;
      resource(id: string): { status: string; lat: number; lon: number; incidentId: string | null } | null;
      labelBoxes(): LabelBox[];
    };
  }
}

window.__jcr = Object.freeze({
  stats(): JcrStats {
    const m = document.querySelector<JcrMap>('jcr-map');
    return {
      view,
      feed: feedKind,
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
  /** Every label's box on the map now (towns, roads, call signs), container px. */
  labelBoxes(): LabelBox[] {
    return document.querySelector<JcrMap>('jcr-map')?.labelBoxes() ?? [];
  },
});
