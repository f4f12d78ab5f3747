/** Small pure formatters shared by the panels. */

/** "4:05" for 245 s, "1:02:03" for 3723 s. */
export function formatDuration(totalS: number): string {
  const s = Math.max(0, Math.floor(totalS));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/** 0.873 → "87%". */
export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

export function agencyLabel(a: string): string {
  return a === 'fire' ? 'Fire' : a === 'police' ? 'Police' : a === 'ambulance' ? 'Ambulance' : a;
}

/** Epoch ms → "14:05:09" in the browser's time zone; "—" for none. */
export function formatClock(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms <= 0) return '—';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
