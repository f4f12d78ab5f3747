/**
 * Resource symbols, shared by the map (canvas) and the panels (SVG): one geometry per agency, so
 * shape alone tells the agency; colour (Okabe–Ito, safe for the common colour-vision deficiencies)
 * repeats it; status is a fill pattern, never a colour alone. docs/screens.md has the legend.
 */
import type { Agency, StatusName } from '../state/types.ts';

/** Okabe & Ito (2008) colour-universal-design palette. */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

export const AGENCY_COLOUR: Record<Agency, string> = {
  fire: OKABE_ITO.vermillion,
  police: OKABE_ITO.blue,
  ambulance: OKABE_ITO.bluishGreen,
};

export const AGENCY_SHAPE_NAME: Record<Agency, string> = { fire: 'square', police: 'triangle', ambulance: 'circle' };

/** Shapes as SVG path data in a box from -10 to 10, used for both SVG and canvas (Path2D). */
export const AGENCY_PATH: Record<Agency, string> = {
  fire: 'M-7,-7H7V7H-7Z',
  police: 'M0,-8.5L8.5,6.5H-8.5Z',
  ambulance: 'M8,0A8,8 0 1 1 -8,0A8,8 0 1 1 8,0Z',
};

export const STATUS_LABEL: Record<StatusName, string> = {
  AVAILABLE_AT_STATION: 'Available at station',
  AVAILABLE_MOBILE: 'Available mobile',
  MOBILISED: 'Mobilised',
  AT_SCENE: 'At scene',
  RETURNING: 'Returning',
  UNAVAILABLE: 'Unavailable',
};

export const STATUS_SHORT: Record<StatusName, string> = {
  AVAILABLE_AT_STATION: 'AVL-STN',
  AVAILABLE_MOBILE: 'AVL-MOB',
  MOBILISED: 'MOB',
  AT_SCENE: 'SCENE',
  RETURNING: 'RTN',
  UNAVAILABLE: 'U/A',
};

export const STALE_COLOUR = '#767676';

/**
 * How each status is marked inside the shape (all on top of the agency shape):
 *  - AVAILABLE_AT_STATION: solid fill
 *  - AVAILABLE_MOBILE: solid fill, white centre dot
 *  - MOBILISED: solid fill, thick black outer ring
 *  - AT_SCENE: solid fill, white cross
 *  - RETURNING: lower half filled, upper half white
 *  - UNAVAILABLE: white fill, black diagonal bar
 *  - stale (no fix for too long): grey dashed outline, light grey fill, marks kept
 */
export interface SymbolParts {
  fill: string;
  stroke: string;
  strokeWidth: number;
  dashed: boolean;
  /** Marks drawn over the fill, as SVG path data in the same -10..10 box. */
  marks: { d: string; fill?: string; stroke?: string; width?: number }[];
  /** Fill only the lower half (returning). */
  halfFill: boolean;
  ring: boolean;
}

export function symbolParts(agency: Agency, status: StatusName, stale: boolean): SymbolParts {
  const colour = stale ? STALE_COLOUR : AGENCY_COLOUR[agency];
  const parts: SymbolParts = {
    fill: stale ? '#d9d9d9' : colour,
    stroke: stale ? STALE_COLOUR : '#111111',
    strokeWidth: 1.5,
    dashed: stale,
    marks: [],
    halfFill: false,
    ring: false,
  };
  switch (status) {
    case 'AVAILABLE_AT_STATION':
      break;
    case 'AVAILABLE_MOBILE':
      parts.marks.push({ d: 'M2.6,0A2.6,2.6 0 1 1 -2.6,0A2.6,2.6 0 1 1 2.6,0Z', fill: '#ffffff' });
      break;
    case 'MOBILISED':
      parts.ring = true;
      break;
    case 'AT_SCENE':
      parts.marks.push({ d: 'M-3.5,-3.5L3.5,3.5M3.5,-3.5L-3.5,3.5', stroke: '#ffffff', width: 2.2 });
      break;
    case 'RETURNING':
      parts.halfFill = true;
      break;
    case 'UNAVAILABLE':
      parts.fill = '#ffffff';
      parts.stroke = stale ? STALE_COLOUR : colour;
      parts.strokeWidth = 2;
      parts.marks.push({ d: 'M-6,6L6,-6', stroke: '#111111', width: 2.2 });
      break;
  }
  return parts;
}
