/**
 * Web Mercator in pixels, inline over plain numbers (Leaflet's project() allocates a Point per
 * call): x and y of a longitude and latitude at `scale` = 256 * 2^zoom, as Leaflet's EPSG:3857.
 */
export const TILE = 256;

export function mercX(lon: number, scale: number): number {
  return ((lon + 180) / 360) * scale;
}

export function mercY(lat: number, scale: number): number {
  const s = Math.sin((Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180);
  return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale;
}
