/**
 * <jcr-login>: the sign-in form shown when the server answers 401. On success the server sets
 * an HttpOnly session cookie (the page never sees the token) and this element fires
 * `jcr-signed-in` with the user; the page then starts its feeds.
 */
import { LitElement, css, html } from 'lit';
import type { Api } from '../../state/api.ts';

export interface SignedInUser {
  username: string;
  role: string;
  displayName: string;
}

export type SignedInEvent = CustomEvent<SignedInUser>;

declare global {
  interface HTMLElementEventMap {
    'jcr-signed-in': SignedInEvent;
  }
}

export function parseUser(body: unknown): SignedInUser | undefined {
  const u = typeof body === 'object' && body !== null && 'user' in body ? (body as { user: unknown }).user : undefined;
  if (typeof u !== 'object' || u === null) return undefined;
  const { username, role, displayName } = u as Record<string, unknown>;
  return typeof username === 'string' && typeof role === 'string' && typeof displayName === 'string'
    ? { username, role, displayName }
    : undefined;
}

export class JcrLogin extends LitElement {
  static override properties = { api: { attribute: false }, error: { state: true }, busy: { state: true } };
  api!: Api;
  error = '';
  busy = false;

  static override styles = css`
    :host {
      display: grid;
      place-items: center;
      min-height: 100vh;
      font:
        16px/1.4 system-ui,
        sans-serif;
      background: #f4f4f4;
      color: #111;
    }
    form {
      display: grid;
      gap: 0.8em;
      padding: 2em;
      background: #fff;
      border: 2px solid #111;
      min-width: 18em;
    }
    h1 {
      margin: 0;
      font-size: 1.3em;
    }
    label {
      display: grid;
      gap: 0.2em;
      font-weight: 600;
    }
    input {
      font: inherit;
      padding: 0.4em;
      border: 2px solid #555;
    }
    input:focus,
    button:focus {
      outline: 3px solid #0072b2;
      outline-offset: 2px;
    }
    button {
      font: inherit;
      font-weight: 700;
      padding: 0.5em;
      background: #111;
      color: #fff;
      border: 0;
      cursor: pointer;
    }
    .error {
      color: #b00020;
      font-weight: 600;
    }
  `;

  override render() {
    return html`<form @submit=${this.submit} aria-labelledby="title">
      <h1 id="title">Joint control room — sign in</h1>
      <label>User name <input name="username" autocomplete="username" required autofocus /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
      <p class="error" role="alert">${this.error}</p>
    </form>`;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    this.busy = true;
    this.error = '';
    const res = await this.api.request('POST', '/api/login', {
      username: String(data.get('username') ?? ''),
      password: String(data.get('password') ?? ''),
    });
    this.busy = false;
    const user = res.ok ? parseUser(res.body) : undefined;
    if (!res.ok || !user) {
      this.error = res.ok
        ? 'unexpected answer from the server'
        : res.code === 'JCR_RATE_LIMITED'
          ? 'Too many attempts: wait a minute.'
          : 'Wrong user name or password.';
      return;
    }
    this.dispatchEvent(new CustomEvent('jcr-signed-in', { detail: user, bubbles: true, composed: true }));
  }
}

customElements.define('jcr-login', JcrLogin);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-login': JcrLogin;
  }
}
