/**
 * Words for standards and their targets, shared by the standards panel and the incident panel's
 * cover impact: the nth unit named as its agency names it ("2nd appliance" for fire, "1st
 * ambulance", "1st police unit"), shares to one decimal.
 */

/** 1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, 21st. */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** 0.9945 → "99.5%": one decimal, so a change of a tenth of a point shows. */
export function formatShare1(share: number): string {
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

const UNIT_NOUN: Record<string, string> = { fire: 'appliance', ambulance: 'ambulance', police: 'police unit' };

/** "1st appliance", "1st ambulance", "2nd police unit"; "1st unit" for an agency not known. */
export function nthUnit(agency: string, nth: number): string {
  return `${ordinal(nth)} ${UNIT_NOUN[agency] ?? 'unit'}`;
}

/** 600 → "10 min", 450 → "7 min 30 s". */
export function formatMinutes(s: number): string {
  const m = Math.floor(s / 60);
  const r = Math.round(s - m * 60);
  return r === 0 ? `${m} min` : m === 0 ? `${r} s` : `${m} min ${r} s`;
}
