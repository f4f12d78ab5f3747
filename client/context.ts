/**
 * What every component needs: the store, the REST API and the view. main.ts creates one and hands
 * it to <jcr-app>, which passes it down as the `ctx` property.
 */
import type { Api } from './state/api.ts';
import type { ClientStore } from './state/store.ts';

export type View = 'dispatcher' | 'wall';

/** The signed-in user as GET /api/me or the sign-in answer gives it (null: not known). */
export interface SessionUser {
  username: string;
  role: string;
  displayName: string;
}

export interface AppContext {
  store: ClientStore;
  api: Api;
  view: View;
  /** Set before <jcr-app> mounts; panels use the role to enable only the actions it may take. */
  user: SessionUser | null;
}
