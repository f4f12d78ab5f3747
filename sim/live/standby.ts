/**
 * Standby moves as the live simulator reads them from the server (docs/cover.md): ordering one
 * (POST /api/cover/moves) makes the resource AVAILABLE_MOBILE and records `cover.standbyOrdered`;
 * the active moves are listed under `standby` in GET /api/cover, each with its destination
 * station or post. The server ends a move itself (`cover.standbyEnded`) when the resource's AVL
 * position comes within STANDBY_ARRIVAL_M of the destination, or when it is cancelled.
 *
 * GET /api/cover also carries the cover figures and gap cells, so it is read only when it can
 * tell something new: some resource is AVAILABLE_MOBILE (every standby move is) and the event log
 * has moved since the last read, or the last answer was older than the log was then (the cover
 * picture is recomputed after a short debounce).
 */
import { isObj, type ApiCaller } from '../net/clients.ts';

export interface StandbyOrderSeen {
  moveId: string;
  resourceId: string;
  lat: number;
  lon: number;
  /** The destination is a station (the crew is booked AVAILABLE_AT_STATION there on arrival). */
  atStation: boolean;
}

/** The active standby moves in a GET /api/cover answer, by resource id, and the event seq it reflects. */
export function standbyOf(body: unknown): { eventSeq: number; moves: Map<string, StandbyOrderSeen> } {
  const moves = new Map<string, StandbyOrderSeen>();
  const eventSeq = isObj(body) && typeof body.eventSeq === 'number' ? body.eventSeq : 0;
  const list = isObj(body) && Array.isArray(body.standby) ? body.standby : [];
  for (const m of list) {
    if (!isObj(m) || typeof m.moveId !== 'string' || typeof m.resourceId !== 'string' || !isObj(m.destination))
      continue;
    const d = m.destination;
    if (typeof d.lat !== 'number' || typeof d.lon !== 'number') continue;
    moves.set(m.resourceId, {
      moveId: m.moveId,
      resourceId: m.resourceId,
      lat: d.lat,
      lon: d.lon,
      atStation: d.kind === 'station',
    });
  }
  return { eventSeq, moves };
}

export class StandbyWatch {
  private readonly api: ApiCaller;
  private readonly log: (msg: string, fields?: Record<string, unknown>) => void;
  private last: { fetchSeq: number; eventSeq: number; moves: Map<string, StandbyOrderSeen> } | null = null;
  private unavailable = false;

  constructor(api: ApiCaller, log: (msg: string, fields?: Record<string, unknown>) => void) {
    this.api = api;
    this.log = log;
  }

  /**
   * The active moves as of the server's event `seq` (from the GET /api/resources answer just read),
   * or null when the server has no cover (no road network: no standby moves can exist).
   */
  async active(seq: number, anyMobile: boolean): Promise<Map<string, StandbyOrderSeen> | null> {
    if (this.unavailable) return null;
    // Every active move keeps its resource AVAILABLE_MOBILE (any other status ends it).
    if (!anyMobile) return new Map();
    const l = this.last;
    if (l !== null && l.fetchSeq === seq && l.eventSeq >= l.fetchSeq) return l.moves;
    const res = await this.api.call('GET', '/api/cover');
    if (res.status === 404 || res.status === 503) {
      this.unavailable = true;
      this.log('GET /api/cover is not available: simulated vehicles will not see standby moves', {
        status: res.status,
      });
      return null;
    }
    if (res.status >= 300) return l?.moves ?? null;
    const { eventSeq, moves } = standbyOf(res.body);
    this.last = { fetchSeq: seq, eventSeq, moves };
    return moves;
  }
}
