/**
 * The request inbox's state, owned for <jcr-app> (which shows the count on the Requests tab and
 * passes the list to <jcr-request-inbox>): the pending joint requests addressed to the signed-in
 * agency, and the answers to the requests it raised. Both are read from the incidents the store
 * holds, which carry their requests on the COP (CopJointRequest) or in the REST fallback's
 * answers, so a request raised or answered shows on the next COP tick, with no polling; answers
 * go through client/state/joint-commands.ts. Transfers from partner rooms (issue 18) are not on
 * the COP: they are read from GET /api/transfers when the incidents change and every
 * TRANSFER_POLL_MS, and answered with Accept or Reject.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppContext } from '../context.ts';
import { answerRequest, type RequestAnswer } from '../state/joint-commands.ts';
import type { InboxItem } from '../state/joint-types.ts';
import { actingOf, mayCreateIncident } from '../state/permissions.ts';
import { answersTo, inboxOf } from '../state/requests.ts';
import { isObj } from '../../proto/checker.ts';
import type { TransferAnswerDetail } from '../components/jcr-transfer-inbox/jcr-transfer-inbox.ts';
import type { Agency } from '../state/types.ts';
import { loadTransfers, offeredWords, parseTransfer, transfersFor, type ClientTransfer } from '../state/transfers.ts';
import { TRANSFER_POLL_MS } from './transfer-controller.ts';

const DOING: Record<TransferAnswerDetail['answer'], string> = {
  consider: 'Telling the partner you are considering it…',
  accept: 'Accepting…',
  offer: 'Offering our quickest…',
  reject: 'Sending the reason…',
};

export class InboxController implements ReactiveController {
  /** Pending requests addressed to the agency, oldest first. */
  items: InboxItem[] = [];
  /** Requests the agency raised that have been answered, newest answer first. */
  answers: InboxItem[] = [];
  /** Transfers from partner rooms waiting for our answer. */
  transfers: ClientTransfer[] = [];
  message = '';
  busy = false;
  private poll: unknown = null;
  /** The server has no inbox (no joint work served): the tab says so. */
  unavailable = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
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
    this.refresh();
    this.poll = globalThis.setInterval(() => void this.refreshTransfers(), TRANSFER_POLL_MS);
  }

  hostDisconnected(): void {
    globalThis.clearInterval(this.poll as ReturnType<typeof setInterval>);
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Read both lists again from the store's incidents. */
  refresh(): void {
    const c = this.ctx();
    const who = this.enabled ? actingOf(c.user?.role) : undefined;
    this.items = inboxOf(c.store.incidents.values(), who);
    this.answers = answersTo(c.store.incidents.values(), who);
    this.host.requestUpdate();
    void this.refreshTransfers();
  }

  async refreshTransfers(): Promise<void> {
    if (!this.enabled) return;
    const c = this.ctx();
    const all = await loadTransfers(c.api, '?direction=in');
    const caps = (a: Agency): ReadonlySet<string> | undefined => {
      if (c.store.resources.size === 0) return undefined;
      const out = new Set<string>();
      for (const r of c.store.resources.values()) if (r.agency === a) for (const x of r.capabilities) out.add(x);
      return out;
    };
    const lead = (typeId: string) => c.store.scenario?.incidentTypes.find((t) => t.id === typeId)?.leadAgency;
    this.transfers = transfersFor(
      all.filter((t) => t.status === 'pending'),
      actingOf(c.user?.role),
      lead,
      caps,
    );
    this.host.requestUpdate();
  }

  /** Answer a partner: considering, accept a transfer, offer for a request, or reject either. */
  async answerTransfer(a: TransferAnswerDetail): Promise<void> {
    this.busy = true;
    this.message = DOING[a.answer];
    this.host.requestUpdate();
    const t = this.transfers.find((x) => x.id === a.transferId);
    const who = t?.partnerName ?? 'the partner';
    const path = `/api/transfers/${encodeURIComponent(a.transferId)}/${a.answer}`;
    const body =
      a.answer === 'reject'
        ? { reason: a.text }
        : a.answer === 'consider'
          ? undefined
          : {
              ...(a.text ? { note: a.text } : {}),
              ...(a.answer === 'offer' && a.resourceIds.length ? { resourceIds: a.resourceIds } : {}),
            };
    const r = await this.ctx().api.request('POST', path, body);
    this.busy = false;
    if (!r.ok) this.message = `${a.transferId} not answered: ${r.code} ${r.message}`;
    else if (a.answer === 'consider') this.message = `${who} is told you are considering ${a.transferId}.`;
    else if (a.answer === 'accept') this.message = `Transfer ${a.transferId} accepted: our incident is open.`;
    else if (a.answer === 'reject')
      this.message = `${a.transferId} ${t?.kind === 'assistance' ? 'declined' : 'rejected'}: ${who} is told why.`;
    else {
      const offered = isObj(r.body) ? (parseTransfer(r.body)?.assistance?.offered ?? []) : [];
      this.message = offered.length
        ? `Offered to ${who}: ${offeredWords(offered)}.`
        : `Nothing of ours can be offered: ${who} is told so.`;
    }
    await this.refreshTransfers();
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
