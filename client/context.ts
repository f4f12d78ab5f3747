/**
 * What every component needs: the store, the REST API and the view. main.ts creates one and hands
 * it to <jcr-app>, which passes it down as the `ctx` property.
 */
import type { Api } from './state/api.ts';
import type { ClientStore } from './state/store.ts';

export type View = 'dispatcher' | 'wall';

export interface AppContext {
  store: ClientStore;
  api: Api;
  view: View;
}
