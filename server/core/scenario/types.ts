/**
 * The scenario: everything that describes a control room's world. It is loaded from one JSON
 * file (and the files it names) by the shell, validated by ./validate.ts, and is read-only at
 * run time. docs/scenario.md documents every field.
 */
import { AGENCIES, type Agency } from '../../../proto/wire.ts';

/** The agencies are part of the wire contract (proto/wire.ts). */
export { AGENCIES, type Agency };

/** Crewing decides turnout: wholetime crews are in the station, on-call crews come from home. */
export const CREWINGS = ['wholetime', 'day-crewed', 'on-call', 'mobile'] as const;
export type Crewing = (typeof CREWINGS)[number];

export interface Station {
  id: string;
  name: string;
  agency: Agency;
  lat: number;
  lon: number;
  address?: string;
}

/** A standby point that is not a station, e.g. an ambulance dynamic activation post. */
export interface Post {
  id: string;
  name: string;
  agencies: Agency[];
  lat: number;
  lon: number;
}

export interface ResourceDef {
  id: string;
  callSign: string;
  agency: Agency;
  /** Vehicle type: pump, aerial-ladder-platform, rescue-tender, water-rescue, drone, ... */
  type: string;
  /** What it can do: pump, co-responder, thermal-imaging, drone, water-rescue, firearms, ... */
  capabilities: string[];
  /** Home station id. */
  station: string;
  crewing: Crewing;
  /** Key into speedProfiles. */
  vehicleClass: string;
  /** Overrides the crewing's turnout time, seconds. */
  turnoutS?: number;
  /** Tracker device ids (e.g. a Traccar Client phone) that report for this resource. */
  trackers?: string[];
  /**
   * Other agencies that may task this resource as if it were their own (e.g. a fire drone
   * shared with the police): an attendance line restricted to agency X is met by resources of
   * agency X and by resources whose sharedWith lists X.
   */
  sharedWith?: Agency[];
}

export interface AttendanceLine {
  capability: string;
  count: number;
  /** Restrict this line to one agency; any agency with the capability when absent. */
  agency?: Agency;
}

export interface IncidentType {
  id: string;
  name: string;
  leadAgency: Agency;
  /** 1 = most urgent. */
  priority: 1 | 2 | 3;
  /** The predetermined attendance. */
  attendance: AttendanceLine[];
  /** Response standard ids that this type is measured against. */
  standards: string[];
  /** Lines that are co-responses: sent only if the co-responder rule allows (see rules). */
  coResponse?: string[];
}

export interface StandardTarget {
  /** 1 = first resource to arrive, 2 = second, ... */
  nth: number;
  withinS: number;
  /** Share of calls on which the target must be met, 0..1. */
  share: number;
}

export interface ResponseStandard {
  id: string;
  name: string;
  agency: Agency;
  /** The capability whose arrivals count, e.g. pump for fire appliances. */
  capability: string;
  targets: StandardTarget[];
}

/**
 * A shift of the control room: it starts every day at `start` (local wall time in the scenario's
 * zone, "HH:MM") and runs until the next shift starts. Performance figures have a "current shift"
 * window (server/core/performance/).
 */
export interface Shift {
  id: string;
  name: string;
  start: string;
}

/** Without `shifts` in the scenario: a day shift from 07:00 and a night shift from 19:00. */
export const DEFAULT_SHIFTS: readonly Shift[] = [
  { id: 'day', name: 'Day shift', start: '07:00' },
  { id: 'night', name: 'Night shift', start: '19:00' },
];

export interface SpeedProfile {
  /** 'road' follows the network; 'air' flies a straight line (drones). */
  mode: 'road' | 'air';
  /** km/h by OSM highway class; 'default' for unknown classes. Road mode only. */
  highwayKmh?: Record<string, number>;
  /** Factor on a posted maxspeed (blue-light vehicles may exceed it); road mode only. */
  maxspeedFactor?: number;
  /** Straight-line speed for air mode, km/h. */
  airspeedKmh?: number;
}

export interface DemandPoint {
  id: string;
  lat: number;
  lon: number;
  weight: number;
  name?: string;
}

export interface NetworkRef {
  /** Path relative to the scenario file. */
  file: string;
  format: 'osm-pbf' | 'osm-xml' | 'geojson';
  /** True for a generated network: the UI must say so. */
  synthetic: boolean;
  attribution: string;
}

export interface Rules {
  /** Fire co-responds to a medical call only if fire cover stays within standard. */
  coResponderRequiresCover: boolean;
  /**
   * A co-responder is proposed only when it is expected to arrive at least this many seconds
   * before the first unit of the line it supports (absent: 0, it must still arrive first).
   */
  coResponderMarginS?: number;
}

export interface Scenario {
  id: string;
  name: string;
  description?: string;
  /** IANA zone for time-of-day profiles and "today" figures. */
  timezone: string;
  bounds: { south: number; west: number; north: number; east: number };
  crewing: Record<Crewing, { turnoutS: number }>;
  stations: Station[];
  posts: Post[];
  resources: ResourceDef[];
  incidentTypes: IncidentType[];
  standards: ResponseStandard[];
  speedProfiles: Record<string, SpeedProfile>;
  network: NetworkRef;
  demand: DemandPoint[];
  /**
   * Where the demand points came from when they were not inline: a file relative to the
   * scenario file. The loader reads it into `demand`; the validator refuses both at once.
   */
  demandFile?: string;
  rules: Rules;
  /** The room's shifts (default DEFAULT_SHIFTS). */
  shifts?: Shift[];
  /** Alert rules a service tunes (server/core/alerts/rules.ts has the defaults). */
  alerts?: import('../alerts/rules.ts').AlertRulesConfig;
}
