/** <jcr-incident-panel>'s styles: the create form, the recommendation table with its ETA bars, the override list. */
import { css } from 'lit';

export const incidentPanelStyles = css`
  :host {
    display: block;
  }
  fieldset {
    border: 2px solid var(--jcr-fg, #111);
    margin: 0 0 0.6em;
    padding: 0.4em 0.6em;
    /* a fieldset is at least as wide as its widest content: let the notes wrap instead */
    min-width: 0;
  }
  select {
    max-width: 100%;
  }
  legend {
    font-weight: 700;
  }
  label {
    display: block;
    margin: 0.2em 0;
  }
  input,
  select,
  textarea,
  button {
    font: inherit;
  }
  input[type='number'] {
    width: 8em;
  }
  .row {
    display: flex;
    gap: 0.6em;
    flex-wrap: wrap;
    align-items: end;
  }
  button.primary {
    font-weight: 800;
    padding: 0.3em 0.8em;
    background: #000;
    color: #fff;
    border: 2px solid #000;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible {
    outline: 3px solid var(--jcr-focus, #0072b2);
    outline-offset: 1px;
  }
  .bars {
    list-style: none;
    padding: 0;
    margin: 0.3em 0;
  }
  .bars li {
    display: grid;
    grid-template-columns: 1.4em 6em 1fr 3.6em;
    gap: 0.4em;
    align-items: center;
    margin: 0.15em 0;
  }
  .track {
    display: block;
    line-height: 0;
  }
  .eta {
    font-variant-numeric: tabular-nums;
    text-align: right;
    font-weight: 700;
  }
  .msg {
    min-height: 1.2em;
    font-weight: 700;
  }
  .note {
    font-size: 0.85em;
    font-style: italic;
  }
  .override-list {
    max-height: 12em;
    overflow: auto;
  }
  .snap {
    font-size: 0.85em;
    margin: 0.2em 0;
  }
  .warn,
  .offroad {
    border-left: 4px solid #d55e00;
    padding-left: 0.4em;
  }
  .offroad p {
    margin: 0.2em 0;
  }
  .where {
    margin: 0.2em 0;
  }
`;
