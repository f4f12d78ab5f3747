/**
 * The dispatcher screen's keyboard shortcuts (docs/screens.md), as a controller of <jcr-app>:
 * N new incident, Q queue, R requests, / board filter, C cover, S standards, M map, ? help, Esc clears the selection,
 * Ctrl+Enter mobilises the recommendation; arrow keys move between the side panel's tabs. Letter
 * keys are ignored while typing in a field. The wall view has no shortcuts.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppContext } from '../../context.ts';
import { TABS, type Tab } from './layout.ts';

/** What the shortcuts move: the host's tab and help, and the panels inside it. */
export interface ShortcutsHost extends ReactiveControllerHost, HTMLElement {
  readonly ctx: AppContext;
  tab: Tab;
  help: boolean;
  /** The tabs this role has. */
  readonly tabs: readonly Tab[];
}

export class ShortcutsController implements ReactiveController {
  constructor(private readonly host: ShortcutsHost) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.host.ctx.view !== 'wall') document.addEventListener('keydown', this.onKey);
  }

  hostDisconnected(): void {
    document.removeEventListener('keydown', this.onKey);
  }

  /** Focus something inside the host once it has rendered the tab just chosen. */
  private afterRender(focus: () => void): void {
    void this.host.updateComplete.then(focus);
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    const h = this.host;
    const t = e.composedPath()[0];
    const typing =
      t instanceof HTMLElement &&
      (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      h.querySelector('jcr-incident-panel')?.mobiliseRecommended();
      e.preventDefault();
      return;
    }
    if (e.key === 'Escape') {
      if (h.help) h.help = false;
      else h.ctx.store.select({ incidentId: null, resourceId: null, point: null });
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    switch (e.key) {
      case 'n':
      case 'N':
        h.tab = 'incidents';
        this.afterRender(() => h.querySelector('jcr-incident-panel')?.focusCreate());
        break;
      case 'q':
      case 'Q':
        h.tab = 'incidents';
        this.afterRender(() => {
          const q = h.querySelector('jcr-incident-queue');
          (
            q?.shadowRoot?.querySelector<HTMLElement>('button') ?? h.querySelector<HTMLElement>('#tab-incidents')
          )?.focus();
        });
        break;
      case 'r':
      case 'R':
        if (!h.tabs.includes('requests')) return;
        h.tab = 'requests';
        this.afterRender(() => h.querySelector<HTMLElement>('#tab-requests')?.focus());
        break;
      case '/':
        h.tab = 'resources';
        this.afterRender(() => h.querySelector('jcr-resource-board')?.focusFilter());
        break;
      case 'c':
      case 'C':
        h.tab = 'cover';
        this.afterRender(() => h.querySelector<HTMLElement>('#tab-cover')?.focus());
        break;
      case 's':
      case 'S':
        h.tab = 'standards';
        this.afterRender(() => h.querySelector<HTMLElement>('#tab-standards')?.focus());
        break;
      case 'm':
      case 'M':
        h.querySelector('jcr-map')?.focusMap();
        break;
      case '?':
        h.help = !h.help;
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  /** Left and right arrows on the tab list move to the previous and next tab. */
  readonly onTabKey = (e: KeyboardEvent): void => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const h = this.host;
    const tabs = TABS.filter((t) => h.tabs.includes(t.id));
    const i = tabs.findIndex((t) => t.id === h.tab);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    h.tab = next.id;
    this.afterRender(() => h.querySelector<HTMLElement>(`#tab-${next.id}`)?.focus());
    e.preventDefault();
  };
}
