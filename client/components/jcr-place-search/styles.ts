/** <jcr-place-search>'s styles: the field, its list of answers below it, the hint and status lines. */
import { css } from 'lit';

export const placeSearchStyles = css`
  :host {
    display: block;
    margin: 0.2em 0;
  }
  label {
    display: block;
  }
  .box {
    position: relative;
  }
  input {
    font: inherit;
    width: 100%;
    box-sizing: border-box;
  }
  input:focus-visible {
    outline: 3px solid var(--jcr-focus, #0072b2);
    outline-offset: 1px;
  }
  ul {
    position: absolute;
    z-index: 10;
    left: 0;
    right: 0;
    margin: 0;
    padding: 0;
    list-style: none;
    max-height: 16em;
    overflow: auto;
    background: var(--jcr-bg, #fff);
    border: 2px solid var(--jcr-fg, #111);
    border-top: 0;
  }
  ul[hidden] {
    display: none;
  }
  li {
    padding: 0.2em 0.4em;
    cursor: pointer;
    border-bottom: 1px solid #ccc;
  }
  li[aria-selected='true'] {
    background: var(--jcr-sel, #fff3a0);
    outline: 2px solid var(--jcr-fg, #111);
    outline-offset: -2px;
  }
  .label {
    font-weight: 700;
  }
  .kind {
    font-size: 0.8em;
    text-transform: uppercase;
    letter-spacing: 0.03em;
  }
  .detail {
    display: block;
    font-size: 0.85em;
  }
  .hint,
  .status {
    font-size: 0.85em;
    margin: 0.1em 0;
  }
  .hint {
    font-style: italic;
  }
  .status:empty {
    display: none;
  }
`;
