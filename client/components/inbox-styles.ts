/**
 * The look both inboxes share (<jcr-request-inbox> for joint requests between our agencies,
 * <jcr-transfer-inbox> for what partner rooms send): a plain list of bordered items, each a form
 * with a heading, a note field and a row of answer buttons. Each element adds its own border and
 * label layout after these.
 */
import { css } from 'lit';

export const inboxStyles = css`
  :host {
    display: block;
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li {
    margin: 0 0 0.5em;
    padding: 0.4em;
  }
  h3 {
    margin: 0 0 0.2em;
    font-size: 1em;
  }
  fieldset {
    border: 1px solid #888;
    margin: 0.3em 0;
  }
  textarea,
  button,
  input {
    font: inherit;
  }
  textarea {
    width: 100%;
    box-sizing: border-box;
  }
  .row {
    display: flex;
    gap: 0.4em;
    flex-wrap: wrap;
  }
  .primary {
    font-weight: 700;
  }
  button:focus-visible,
  input:focus-visible,
  textarea:focus-visible {
    outline: 3px solid var(--jcr-focus, #0072b2);
  }
`;
