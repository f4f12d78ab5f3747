/**
 * The screen's layout pieces for <jcr-app>: the top bar, the side panel's tabs, the legend and the
 * keyboard help. Templates only: the element owns the state and passes it in.
 */
import { html, nothing } from 'lit';
import type { AppContext } from '../../context.ts';
import { agencyLabel } from '../../format.ts';
import { SYNTHETIC_LABEL } from '../../map/basemap-layer.ts';
import { AGENCY_SHAPE_NAME, STATUS_LABEL } from '../../map/symbols.ts';
import { AGENCIES, STATUSES } from '../../state/types.ts';
import { mayCreateIncident } from '../../state/permissions.ts';
import { symbolSvg } from '../symbol-svg.ts';

export type Tab = 'incidents' | 'requests' | 'resources' | 'cover' | 'standards';
export const TABS: { id: Tab; label: string; key: string }[] = [
  { id: 'incidents', label: 'Incidents', key: 'Q' },
  { id: 'requests', label: 'Requests', key: 'R' },
  { id: 'resources', label: 'Resources', key: '/' },
  { id: 'cover', label: 'Cover', key: 'C' },
  { id: 'standards', label: 'Standards', key: 'S' },
];

/** What the top bar's buttons do; the element owns the state. */
export interface TopBarActions {
  toggleHelp: () => void;
  signOut: () => void;
  /** Dispatcher view: switch the dark theme; `dark` says whether it is on. */
  toggleTheme: () => void;
  dark: boolean;
  /** Open or close the statistics screen (dispatchers and the duty officer); `statistics`: it is open. */
  toggleStatistics: () => void;
  statistics: boolean;
}

/**
 * One compact bar: title and scenario, map note, KPIs, connection, who is signed in with sign-out,
 * and (dispatcher view) the keys button. It stays one line at 1600 px: the KPIs read value and
 * label side by side.
 */
export function topBar(c: AppContext, help: boolean, act: TopBarActions) {
  const sc = c.store.scenario;
  const u = c.user;
  return html`<header class="top">
    <h1>Joint control room${sc ? html` <span class="scenario">— ${sc.name}</span>` : nothing}</h1>
    ${sc?.network.synthetic ? html`<span class="synthetic" title=${sc.network.attribution}>Map: ${SYNTHETIC_LABEL}</span>` : nothing}
    <jcr-kpi-strip .ctx=${c}></jcr-kpi-strip>
    <jcr-connection-indicator .ctx=${c}></jcr-connection-indicator>
    ${
      u
        ? html`<span class="who" data-user=${u.username}
            >${u.displayName || u.username} <small>(${u.role})</small>
            <button type="button" class="sign-out" @click=${act.signOut}>Sign out</button></span
          >`
        : nothing
    }
    ${
      c.view === 'wall'
        ? nothing
        : html`<button
            type="button"
            class="theme-btn"
            aria-pressed=${act.dark ? 'true' : 'false'}
            @click=${act.toggleTheme}
          >
            Dark theme
          </button>`
    }
    ${
      c.view === 'wall' || !mayCreateIncident(u?.role)
        ? nothing
        : html`<button
            type="button"
            class="statistics-btn"
            aria-pressed=${act.statistics ? 'true' : 'false'}
            @click=${act.toggleStatistics}
          >
            Statistics
          </button>`
    }
    ${c.view === 'wall' ? nothing : html`<button type="button" class="help-btn" aria-expanded=${help ? 'true' : 'false'} @click=${act.toggleHelp}>Keys (?)</button>`}
  </header>`;
}

/**
 * The side panel's tabs; `tabs` those this role has (the Requests tab needs an agency), `badges`
 * a count shown on a tab (requests waiting).
 */
export function tabList(
  tab: Tab,
  select: (t: Tab) => void,
  onKey: (e: KeyboardEvent) => void,
  tabs: readonly Tab[] = TABS.map((t) => t.id),
  badges: Partial<Record<Tab, number>> = {},
) {
  return html`<div role="tablist" aria-label="Panels" @keydown=${onKey}>
    ${TABS.filter((t) => tabs.includes(t.id)).map(
      (t) =>
        html`<button
          role="tab"
          id=${`tab-${t.id}`}
          aria-controls=${`panel-${t.id}`}
          aria-selected=${tab === t.id ? 'true' : 'false'}
          tabindex=${tab === t.id ? '0' : '-1'}
          aria-keyshortcuts=${t.key}
          @click=${() => select(t.id)}
        >
          ${t.label}
          ${
            badges[t.id]
              ? html`<span class="badge" data-badge=${t.id} aria-label=${`, ${badges[t.id]} waiting`}
                  >${badges[t.id]}</span
                >`
              : nothing
          }
          <kbd>${t.key}</kbd>
        </button>`,
    )}
  </div>`;
}

export function legend() {
  return html`<section class="legend" aria-label="Legend">
    <ul>
      ${AGENCIES.map((a) => html`<li>${symbolSvg(a, 'AVAILABLE_AT_STATION', false)} ${agencyLabel(a)} (${AGENCY_SHAPE_NAME[a]})</li>`)}
    </ul>
    <ul>
      ${STATUSES.map((st) => html`<li>${symbolSvg('ambulance', st, false)} ${STATUS_LABEL[st]}</li>`)}
      <li>${symbolSvg('ambulance', 'AVAILABLE_MOBILE', true)} No recent position (stale)</li>
      <li><span class="tick-sample" aria-hidden="true"></span> Heading (tick, when moving)</li>
      <li><span class="direct-sample" aria-hidden="true"></span> Direct line, route not known</li>
      <li><span class="snap-sample" aria-hidden="true"></span> Where an incident meets the road</li>
      <li><span class="partner-sample" aria-hidden="true"></span> A partner room's resource (labelled)</li>
    </ul>
  </section>`;
}

/** The keyboard help (client/components/jcr-app/shortcuts.ts binds the keys). */
export function keysHelp() {
  return html`<section class="help" aria-label="Keyboard shortcuts">
    <h2>Keyboard</h2>
    <dl>
      <dt>N</dt>
      <dd>New incident</dd>
      <dt>Q</dt>
      <dd>Incident queue</dd>
      <dt>R</dt>
      <dd>Requests from other agencies</dd>
      <dt>/</dt>
      <dd>Filter the resource board</dd>
      <dt>C</dt>
      <dd>Cover panel</dd>
      <dt>S</dt>
      <dd>Performance against standards</dd>
      <dt>M</dt>
      <dd>Focus the map (arrows pan, + and − zoom, Enter picks the centre)</dd>
      <dt>Ctrl+Enter</dt>
      <dd>Mobilise the recommendation</dd>
      <dt>Esc</dt>
      <dd>Clear the selection</dd>
      <dt>?</dt>
      <dd>This help</dd>
    </dl>
  </section>`;
}
