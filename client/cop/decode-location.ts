import type { CopLocationMsg } from '../../proto/wire.ts';
import { expect, fields, I32, I64, LEN, sub, VARINT, type Reader } from './wire-format.ts';

/**
 * Decoding an incident's location (CopLocation, proto/cop.proto: its words and where it meets
 * the road network), which every incident record carries (issue 16).
 * Deliberate specialisation: written out field by field like decode-records.ts, for the reason
 * its header gives (docs/CONVENTIONS.md, Deliberate repeats).
 */
export function decodeLocation(r: Reader, end: number): CopLocationMsg {
  const m: CopLocationMsg = {
    text: '',
    road: '',
    roadDistanceM: 0,
    place: '',
    placeDistanceM: 0,
    gridRef: '',
    snapped: null,
    offRoad: '',
  };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'location.text');
        m.text = r.string();
        return true;
      case 2:
        expect(w, LEN, 'location.road');
        m.road = r.string();
        return true;
      case 3:
        expect(w, VARINT, 'location.road_distance_m');
        m.roadDistanceM = r.uint32();
        return true;
      case 4:
        expect(w, LEN, 'location.place');
        m.place = r.string();
        return true;
      case 5:
        expect(w, VARINT, 'location.place_distance_m');
        m.placeDistanceM = r.uint32();
        return true;
      case 6:
        expect(w, LEN, 'location.grid_ref');
        m.gridRef = r.string();
        return true;
      case 7:
        expect(w, LEN, 'location.snapped');
        m.snapped = decodeRoadSnap(r, sub(r));
        return true;
      case 8:
        expect(w, LEN, 'location.off_road');
        m.offRoad = r.string();
        return true;
      default:
        return false;
    }
  });
  return m;
}

function decodeRoadSnap(r: Reader, end: number): NonNullable<CopLocationMsg['snapped']> {
  const m = { latE7: 0, lonE7: 0, distanceM: 0 };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, I32, 'snapped.lat_e7');
        m.latE7 = r.sfixed32();
        return true;
      case 2:
        expect(w, I32, 'snapped.lon_e7');
        m.lonE7 = r.sfixed32();
        return true;
      case 3:
        expect(w, I64, 'snapped.distance_m');
        m.distanceM = r.double();
        return true;
      default:
        return false;
    }
  });
  return m;
}
