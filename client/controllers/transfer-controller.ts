/**
 * The state of "Transfer to partner" for the selected incident (issue 18): the partner rooms it
 * may go to (the one whose area holds it first) and its transfers with their status, read again
 * when the incident changes and every TRANSFER_POLL_MS (transfers are not on the COP), and the
 * one command, sending it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Timers } from '../../proto/timer.ts';
import type { AppContext } from '../context.ts';
import { loadPartners, loadTransfers, type ClientTransfer, type PartnerChoice } from '../state/transfers.ts';

export const TRANSFER_POLL_MS = 3_000;

export class TransferController implements ReactiveController {
  partners: PartnerChoice[] = [];
  transfers: ClientTransfer[] = [];
  message = '';
  busy = false;
  private incidentId: string | null = null;
  private poll: unknown = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
    private readonly timers: Timers = globalThis,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.poll = this.timers.setInterval(() => void this.refresh(), TRANSFER_POLL_MS);
  }

  hostDisconnected(): void {
    this.timers.clearInterval(this.poll);
  }

  /** Show `incidentId` (read its partners and transfers if it is another one). */
  show(incidentId: string): void {
    if (incidentId === this.incidentId) return;
    this.incidentId = incidentId;
    this.partners = [];
    this.transfers = [];
    this.message = '';
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const id = this.incidentId;
    if (id === null) return;
    const api = this.ctx().api;
    const [partners, transfers] = await Promise.all([
      this.partners.length ? Promise.resolve(this.partners) : loadPartners(api, id),
      loadTransfers(api, `?status=all&incidentId=${encodeURIComponent(id)}`),
    ]);
    if (id !== this.incidentId) return;
    this.partners = partners;
    this.transfers = transfers;
    this.host.requestUpdate();
  }

  async send(partnerId: string): Promise<void> {
    const id = this.incidentId;
    if (id === null) return;
    this.busy = true;
    this.message = 'Sending…';
    this.host.requestUpdate();
    const r = await this.ctx().api.request('POST', `/api/incidents/${encodeURIComponent(id)}/transfer`, { partnerId });
    this.busy = false;
    this.message = r.ok ? `Sent to ${partnerId}: queued until it is taken.` : `Not sent: ${r.code} ${r.message}`;
    await this.refresh();
  }
}
