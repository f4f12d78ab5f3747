import { SaxesParser } from 'saxes';
import { JcrError } from '../../core/errors.ts';
import type { RawNetwork } from '../../core/graph/build.ts';
import { RawCollector } from './raw.ts';

/**
 * OSM XML (`.osm`, API 0.6 / Overpass / osmium output) to a RawNetwork, streaming with saxes:
 * nodes (id, lat, lon) and ways (nd refs, tags). Relations and metadata are ignored. Malformed
 * XML, a node without a position and a way naming a missing node are JCR_NETWORK_INVALID.
 */
export function parseOsmXml(bytes: Uint8Array, source = 'OSM XML'): RawNetwork {
  const col = new RawCollector();
  const parser = new SaxesParser();
  let sawRoot = false;
  let wayId = -1;
  let refs: number[] = [];
  let tags: Record<string, string> = {};
  let inWay = false;
  parser.on('error', (err) => {
    throw new JcrError('JCR_NETWORK_INVALID', `${source}: malformed XML: ${err.message}`);
  });
  parser.on('opentag', (tag) => {
    const a = tag.attributes as Record<string, string>;
    switch (tag.name) {
      case 'osm':
        sawRoot = true;
        break;
      case 'node': {
        const id = Number(a.id);
        const lat = Number(a.lat);
        const lon = Number(a.lon);
        if (a.id === undefined || a.lat === undefined || a.lon === undefined || !Number.isFinite(id)) {
          throw new JcrError('JCR_NETWORK_INVALID', `${source}: node ${a.id ?? '?'} lacks id, lat or lon`);
        }
        col.node(id, lat, lon);
        break;
      }
      case 'way':
        inWay = true;
        wayId = Number(a.id);
        refs = [];
        tags = {};
        break;
      case 'nd':
        if (inWay) {
          const ref = Number(a.ref);
          if (a.ref === undefined || !Number.isFinite(ref))
            throw new JcrError('JCR_NETWORK_INVALID', `${source}: way ${wayId} has an nd without a ref`);
          refs.push(ref);
        }
        break;
      case 'tag':
        if (inWay && a.k !== undefined && a.v !== undefined) tags[a.k] = a.v;
        break;
    }
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'way') {
      inWay = false;
      col.way(wayId, refs, tags);
    }
  });
  const decoder = new TextDecoder('utf-8');
  const CHUNK = 1 << 20;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    parser.write(decoder.decode(bytes.subarray(i, Math.min(bytes.length, i + CHUNK)), { stream: true }));
  }
  parser.write(decoder.decode());
  parser.close();
  if (!sawRoot) throw new JcrError('JCR_NETWORK_INVALID', `${source}: not OSM XML (no <osm> root element)`);
  return col.finish(source);
}
