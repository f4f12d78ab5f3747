/**
 * The dispatcher's theme, light or dark, chosen per user and kept in this browser's localStorage
 * under the user's name (there is no user preference endpoint on the server), so each dispatcher
 * at a shared desk gets their own. The wall view is always dark and has no choice.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppContext } from '../context.ts';

export type Theme = 'light' | 'dark';

export function themeKey(username: string): string {
  return `jcr-theme:${username}`;
}

export class ThemeController implements ReactiveController {
  theme: Theme = 'light';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const c = this.ctx();
    if (c.view === 'wall' || !c.user) return;
    this.theme = readTheme(c.user.username);
    this.apply();
  }

  toggle(): void {
    const u = this.ctx().user;
    this.theme = this.theme === 'dark' ? 'light' : 'dark';
    if (u) {
      try {
        localStorage.setItem(themeKey(u.username), this.theme);
      } catch {
        // storage refused (private mode, quota): the choice holds for this page only
      }
    }
    this.apply();
    this.host.requestUpdate();
  }

  private apply(): void {
    document.body.classList.toggle('dark', this.theme === 'dark');
  }
}

function readTheme(username: string): Theme {
  try {
    return localStorage.getItem(themeKey(username)) === 'dark' ? 'dark' : 'light';
  } catch {
    return 'light';
  }
}
