/**
 * The request inbox's state, owned for <jcr-app> (which shows the count on the Requests tab and
 * passes the list to <jcr-request-inbox>): the pending joint requests addressed to the signed-in
 * agency (GET /api/requests). Refreshed when the COP brings an incident change (a request raised
 * or answered changes its incident) and every `pollMs` as a fallback; answers go through
 * client/state/joint-commands.ts and refresh the list at once.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppContext } from '../context.ts';
import { answerRequest, type RequestAnswer } from '../state/joint-commands.ts';
import { parseInbox } from '../state/joint-parse.ts';
import type { InboxItem } from '../state/joint-types.ts';
import { mayCreateIncident } from '../state/permissions.ts';
import { Refresher } from './refresher.ts';

export class InboxController implements ReactiveController {
  items: InboxItem[] = [];
  message = '';
  busy = false;
  /** The server has no inbox (GET /api/requests not served): the tab says so. */
  unavailable = false;
  private unsubscribe: (() => void) | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly refresher = new Refresher(() => this.load());

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
    private readonly pollMs = 5000,
  ) {
    host.addController(this);
  }

  /** Only a role that answers for an agency has an inbox (not the wall), on a server that serves it. */
  get enabled(): boolean {
    const c = this.ctx();
    return c.view !== 'wall' && mayCreateIncident(c.user?.role) && c.store.capabilities.joint;
  }

  hostConnected(): void {
    // The capabilities arrive after the screen mounts: listen to them too.
    this.unsubscribe = this.ctx().store.subscribe(['incidents', 'capabilities'], () => this.refresh());
    this.timer = setInterval(() => this.refresh(), this.pollMs);
    this.refresh();
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  refresh(): void {
    if (this.enabled) this.refresher.run();
  }

  private async load(): Promise<void> {
    const r = await this.ctx().api.requests();
    if (r.ok) {
      this.items = parseInbox(r.body);
      this.unavailable = false;
    } else if (r.code === 'JCR_NOT_AVAILABLE') this.unavailable = true;
    this.host.requestUpdate();
  }

  async answer(a: RequestAnswer): Promise<void> {
    await answerRequest(this.ctx(), a, {
      message: (t) => {
        this.message = t;
        this.host.requestUpdate();
      },
      busy: (on) => {
        this.busy = on;
        this.host.requestUpdate();
      },
    });
    this.refresh();
  }
}
