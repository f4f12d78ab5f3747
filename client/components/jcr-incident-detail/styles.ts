/** Styles of <jcr-incident-detail> (kept apart so the element reads as behaviour). */
import { css } from 'lit';

export const incidentDetailStyles = css`
  :host {
    display: block;
    font-size: 0.92em;
  }
  section {
    margin: 0.4em 0;
  }
  h4 {
    margin: 0.4em 0 0.2em;
    font-size: 1em;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    text-align: left;
    padding: 0.1em 0.25em;
    border-bottom: 1px solid #ccc;
    vertical-align: middle;
  }
  .acts {
    white-space: nowrap;
  }
  label {
    display: block;
    margin: 0.2em 0;
  }
  label.inline {
    display: inline-flex;
    gap: 0.3em;
    align-items: center;
    margin-right: 0.6em;
  }
  input,
  button,
  textarea {
    font: inherit;
  }
  input:not([type]),
  input[type='number'] {
    width: 100%;
    box-sizing: border-box;
  }
  button:focus-visible,
  input:focus-visible,
  summary:focus-visible {
    outline: 3px solid var(--jcr-focus, #0072b2);
  }
  .quicker {
    border: 3px solid #e69f00;
    padding: 0.3em;
  }
  .warn {
    font-weight: 700;
  }
  .caller .account {
    white-space: pre-line;
    margin: 0.2em 0;
  }
  .note {
    font-style: italic;
  }
  .timeline ol {
    margin: 0;
    padding: 0 0 0 1.2em;
    max-height: 16em;
    overflow: auto;
  }
  .timeline time {
    font-variant-numeric: tabular-nums;
    font-weight: 700;
    margin-right: 0.3em;
  }
  .timeline .who {
    color: #333;
    margin-right: 0.3em;
  }
  .sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
  }
  .close {
    border-top: 2px solid var(--jcr-fg, #111);
    padding-top: 0.3em;
  }
`;
