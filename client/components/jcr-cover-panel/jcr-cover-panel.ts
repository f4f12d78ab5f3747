/**
 * <jcr-cover-panel>: cover against the response standards (GET /api/cover), the gaps, the standby
 * moves in progress, and the standby moves the server suggests (GET /api/cover/moves) with their
 * before/after figures. Each figure says "meets standard" or "below standard" in words and with a
 * tick or cross, so it reads without colour. Apply, and Cancel on a move in progress, are enabled
 * only for a role that may order a standby move (the duty officer); other roles see why not.
 * Cancel asks no confirmation: it is undone by re-applying the same move, which the panel offers
 * right after (focus goes to that button). Says plainly when cover has not been computed, or when
 * the server has no cover service.
 *
 * Properties: `moves` (null = not fetched yet), `movesError`, `message`, `busy`, `undo` (the move
 * just cancelled, to re-apply), `cancelled` (moveIds cancelled or found ended here: not shown
 * even if a GET /api/cover answer that left the server before the cancel still lists them); <jcr-app> fetches, applies and cancels.
 * Events: `jcr-standby-apply` detail {resourceId, destinationId, callSign, destinationName?},
 * `jcr-standby-cancel` detail {resourceId, moveId, destinationId, destinationName, callSign},
 * `jcr-cover-moves-refresh`.
 */
import { LitElement, css, html, nothing, svg } from 'lit';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { formatDuration } from '../../format.ts';
import { mayMoveCover } from '../../state/permissions.ts';
import type { CoverFigure, CoverMoveSuggestion, StandbyMove } from '../../state/types.ts';
import { barSvg } from '../symbol-svg.ts';
import { groupGaps, percent1, surfaceName, targetName } from './cover-text.ts';

export interface StandbyApplyDetail {
  resourceId: string;
  destinationId: string;
  callSign: string;
  /** For the message, when the move is not among the suggestions (a re-apply). */
  destinationName?: string;
}

export interface StandbyCancelDetail {
  resourceId: string;
  moveId: string;
  destinationId: string;
  destinationName: string;
  callSign: string;
}

/** A tick (meets) or a cross (below) in black: the verdict is a shape and a word, never colour alone. */
function verdictMark(meets: boolean) {
  return svg`<svg class="mark" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">${
    meets
      ? svg`<path d="M2.5,8.5 6.5,12.5 13.5,3.5" fill="none" stroke="#000" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"></path>`
      : svg`<path d="M3,3 13,13 M13,3 3,13" fill="none" stroke="#000" stroke-width="2.5" stroke-linecap="round"></path>`
  }</svg>`;
}

export class JcrCoverPanel extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    message: { type: String },
    moves: { attribute: false },
    movesError: { type: String },
    busy: { type: Boolean },
    undo: { attribute: false },
    cancelled: { attribute: false },
  };
  ctx!: AppContext;
  message = '';
  moves: CoverMoveSuggestion[] | null = null;
  movesError = '';
  busy = false;
  undo: StandbyApplyDetail | null = null;
  cancelled: ReadonlySet<string> = new Set();
  /** A Cancel was pressed here: move focus to the re-apply button when it appears. */
  private focusUndo = false;

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['cover', 'capabilities', 'statuses']);
  }

  static override styles = css`
    :host {
      display: block;
    }
    ul {
      list-style: none;
      padding: 0;
      margin: 0.3em 0;
    }
    li {
      margin: 0.35em 0;
    }
    .fig {
      display: grid;
      grid-template-columns: 1.2em 1fr;
      gap: 0.1em 0.4em;
      align-items: start;
    }
    .fig .label {
      font-weight: 600;
    }
    .fig .verdict {
      grid-column: 2;
      display: flex;
      gap: 0.6em;
      align-items: center;
    }
    .fig[data-meets='false'] .word {
      text-decoration: underline;
      font-weight: 700;
    }
    .track {
      display: block;
      line-height: 0;
      flex: 1;
    }
    .move {
      border-top: 1px solid #bbb;
      padding-top: 0.3em;
    }
    .ba {
      font-size: 0.9em;
      margin: 0.2em 0 0.2em 0.6em;
    }
    .note {
      font-size: 0.9em;
      font-style: italic;
    }
    button {
      font: inherit;
    }
    button:focus-visible {
      outline: 3px solid var(--jcr-focus, #0072b2);
    }
    .empty {
      font-style: italic;
    }
    .msg {
      font-weight: 700;
      min-height: 1.2em;
    }
  `;

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('undo') && this.undo && this.focusUndo) {
      // The cancelled move's row (and its focused button) is gone: keep the keyboard user in place.
      this.focusUndo = false;
      this.renderRoot.querySelector<HTMLButtonElement>('button[data-action=undo]')?.focus();
    } else if (changed.has('busy') && !this.busy && !this.undo) this.focusUndo = false;
  }

  private inProgress(m: StandbyMove, allowed: boolean) {
    const r = this.ctx.store.resources.get(m.resourceId);
    const callSign = r?.callSign ?? m.resourceId;
    return html`<li data-resource-id=${m.resourceId} data-move-id=${m.moveId}>
      <strong>${callSign}</strong> → ${m.destination.name}
      (${m.destination.kind})${m.orderedBy ? `, ordered by ${m.orderedBy}` : ''}${r ? ` — ${r.status === 'AVAILABLE_MOBILE' ? 'available mobile' : r.status.toLowerCase().replace(/_/g, ' ')}` : ''}
      ${
        this.ctx.view === 'wall'
          ? nothing
          : html`<button
              type="button"
              data-action="cancel"
              ?disabled=${!allowed || this.busy}
              aria-label=${`Cancel standby move: ${callSign} to ${m.destination.name}`}
              @click=${() => {
                this.focusUndo = true;
                this.dispatchEvent(
                  new CustomEvent<StandbyCancelDetail>('jcr-standby-cancel', {
                    detail: {
                      resourceId: m.resourceId,
                      moveId: m.moveId,
                      destinationId: m.destination.id,
                      destinationName: m.destination.name,
                      callSign,
                    },
                    bubbles: true,
                    composed: true,
                  }),
                );
              }}
            >
              Cancel
            </button>`
      }
    </li>`;
  }

  private figure(f: CoverFigure) {
    const verdict = f.meetsStandard ? 'Meets standard' : 'Below standard';
    return html`<li
      class="fig"
      data-surface=${f.surface}
      data-standard=${f.standardId}
      data-nth=${f.nth}
      data-meets=${f.meetsStandard ? 'true' : 'false'}
    >
      ${verdictMark(f.meetsStandard)}
      <span class="label">${f.label}</span>
      <span class="verdict">
        <span class="word">${verdict}</span>
        <span class="track">${barSvg(f.coveredShare, f.target, !f.meetsStandard)}</span>
      </span>
    </li>`;
  }

  private suggestion(m: CoverMoveSuggestion, allowed: boolean) {
    const from = this.ctx.store.resources.get(m.resourceId);
    const home = from
      ? (this.ctx.store.scenario?.stations.find((x) => x.id === from.station)?.name ?? from.station)
      : '';
    const gain = `${m.netShare >= 0 ? '+' : '−'}${percent1(Math.abs(m.netShare))} of demand`;
    const drive = m.travelS === null ? 'drive time not known' : `drive ${formatDuration(m.travelS)}`;
    const pairs = m.after.map((a) => ({
      a,
      b: m.before.find((x) => x.standardId === a.standardId && x.nth === a.nth),
    }));
    return html`<li class="move" data-resource-id=${m.resourceId} data-destination-id=${m.destination.id}>
      <div>
        <strong>${m.callSign}</strong>${home ? ` (from ${home})` : nothing} → ${m.destination.name}
        (${m.destination.kind}), ${drive}; net ${gain}
      </div>
      <ul class="ba" aria-label=${`Before and after for ${m.callSign}`}>
        ${pairs.map(
          ({ a, b }) =>
            html`<li>
              ${surfaceName(a.surface)} ${targetName(a.nth, a.withinS)}: ${b ? percent1(b.coveredShare) : '—'} →
              ${percent1(a.coveredShare)} (${a.meetsStandard ? 'meets standard' : 'below standard'})
            </li>`,
        )}
      </ul>
      ${
        this.ctx.view === 'wall'
          ? nothing
          : html`<button
              type="button"
              ?disabled=${!allowed || this.busy}
              aria-label=${`Apply standby move: ${m.callSign} to ${m.destination.name}`}
              @click=${() =>
                this.dispatchEvent(
                  new CustomEvent<StandbyApplyDetail>('jcr-standby-apply', {
                    detail: { resourceId: m.resourceId, destinationId: m.destination.id, callSign: m.callSign },
                    bubbles: true,
                    composed: true,
                  }),
                )}
            >
              Apply
            </button>`
      }
    </li>`;
  }

  override render() {
    const s = this.ctx.store;
    if (!s.capabilities.cover)
      return html`<p class="empty" data-empty="unavailable">
        Cover not computed yet: this server has no cover service.
      </p>`;
    const c = s.cover;
    if (!c) return html`<p class="empty" data-empty="none">Cover not computed yet.</p>`;
    const role = this.ctx.user?.role ?? null;
    const allowed = mayMoveCover(role);
    const gaps = groupGaps(c.gaps);
    const standby = c.standby.filter((m) => !this.cancelled.has(m.moveId));
    return html`
      <p class="msg" role="status" aria-live="polite">${this.message}</p>
      ${
        this.undo && this.ctx.view !== 'wall'
          ? html`<p>
              <button
                type="button"
                data-action="undo"
                ?disabled=${!allowed || this.busy}
                aria-label=${`Undo: re-apply standby move ${this.undo.callSign} to ${this.undo.destinationName ?? this.undo.destinationId}`}
                @click=${() => {
                  const d = this.undo;
                  if (d)
                    this.dispatchEvent(
                      new CustomEvent<StandbyApplyDetail>('jcr-standby-apply', {
                        detail: d,
                        bubbles: true,
                        composed: true,
                      }),
                    );
                }}
              >
                Undo (re-apply)
              </button>
            </p>`
          : nothing
      }
      <h4>Cover against standards</h4>
      ${
        c.figures.length === 0
          ? html`<p class="empty">No standards to measure.</p>`
          : html`<ul aria-label="Cover figures">
              ${c.figures.map((f) => this.figure(f))}
            </ul>`
      }
      <h4>Gaps</h4>
      ${
        gaps.length === 0
          ? html`<p class="empty" data-empty="gaps">No gaps: every area is within its standards.</p>`
          : html`<ul aria-label="Cover gaps" class="gaps">
                ${gaps.map(
                  (g) =>
                    html`<li data-surface=${g.surface} data-nth=${g.nth} data-cells=${g.cells}>
                      ${surfaceName(g.surface)} ${targetName(g.nth, g.withinS)}: ${g.cells}
                      ${g.cells === 1 ? 'area' : 'areas'} beyond the standard
                    </li>`,
                )}
              </ul>
              <p class="note">Gaps are drawn on the map as dashed cells in the agency colour.</p>`
      }
      ${allowed || this.ctx.view === 'wall' ? nothing : html`<p class="note" data-note="role">Only the duty officer can apply or cancel standby moves${role ? ` (signed in as ${role})` : ''}.</p>`}
      <h4>Standby moves in progress</h4>
      ${
        standby.length === 0
          ? html`<p class="empty" data-empty="standby">None.</p>`
          : html`<ul aria-label="Standby moves in progress" class="standby">
              ${standby.map((m) => this.inProgress(m, allowed))}
            </ul>`
      }
      <h4>Suggested standby moves</h4>
      ${this.movesError ? html`<p class="note" role="alert">${this.movesError}</p>` : nothing}
      ${
        this.moves === null
          ? html`<p class="empty" data-empty="moves-loading">Asking the server for suggestions…</p>`
          : this.moves.length === 0
            ? html`<p class="empty" data-empty="moves">No moves suggested.</p>`
            : html`<ul aria-label="Suggested standby moves" class="moves">
                ${this.moves.map((m) => this.suggestion(m, allowed))}
              </ul>`
      }
      ${
        this.ctx.view === 'wall'
          ? nothing
          : html`<button
              type="button"
              ?disabled=${this.busy}
              @click=${() => this.dispatchEvent(new CustomEvent('jcr-cover-moves-refresh', { bubbles: true, composed: true }))}
            >
              Refresh suggestions
            </button>`
      }
    `;
  }
}
customElements.define('jcr-cover-panel', JcrCoverPanel);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-cover-panel': JcrCoverPanel;
  }
}
