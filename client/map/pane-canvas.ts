/**
 * A canvas of its own in a map pane, for a layer that draws itself (resources, labels): the pane
 * at its z-index, taking no pointer events, and the canvas with control transferred to an
 * OffscreenCanvas where the browser can, so its frames go straight to the compositor instead of
 * through the page's layer update on the main thread (~24 ms per redraw of a 2,000-symbol canvas
 * under software compositing, bench/client.ts trace).
 */
import type * as L from 'leaflet';

export interface PaneCanvas {
  canvas: HTMLCanvasElement;
  /** The drawing surface: the canvas's OffscreenCanvas when the browser can transfer control. */
  surface: { width: number; height: number };
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
}

/** A canvas (class `className`) in the map's pane `name` (made at `zIndex` if it does not exist yet). */
export function paneCanvas(map: L.Map, name: string, zIndex: number, className: string): PaneCanvas {
  const pane = map.getPane(name) ?? map.createPane(name);
  pane.style.zIndex = String(zIndex);
  pane.style.pointerEvents = 'none';
  const c = document.createElement('canvas');
  c.className = className;
  c.setAttribute('aria-hidden', 'true');
  c.style.position = 'absolute';
  pane.appendChild(c);
  if (typeof c.transferControlToOffscreen === 'function') {
    const off = c.transferControlToOffscreen();
    return { canvas: c, surface: off, ctx: off.getContext('2d') };
  }
  return { canvas: c, surface: c, ctx: c.getContext('2d') };
}
