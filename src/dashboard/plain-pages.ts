/** Pages outside the main sections: the login form, and a page with one message (not found, errors). */
import { html } from './html.js';
import { layout } from './layout.js';
import { errorBox } from './page-parts.js';

export function loginPage(p: { csrf: string; next?: string; error?: string; retryAfter?: number }): string {
  return layout({
    title: 'Log in',
    section: 'none',
    body: html`<div class="login"><h1>ghostguard — log in</h1>
${errorBox(p.error)}
<form method="post" action="/login">
  <input type="hidden" name="_csrf" value="${p.csrf}">
  <input type="hidden" name="next" value="${p.next ?? '/'}">
  <label for="username">User name</label>
  <input type="text" id="username" name="username" value="admin" autocomplete="username" required>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required autofocus>
  <p class="hint">The admin password is in <code>$GHOSTGUARD_ADMIN_PASSWORD</code> or in the data directory's <code>admin-password</code> file.</p>
  <p><button type="submit">Log in</button></p>
</form></div>`,
  });
}

export function messagePage(p: { title: string; message: string; csrf?: string }): string {
  return layout({
    title: p.title,
    section: 'none',
    csrf: p.csrf,
    body: html`<h1>${p.title}</h1><p>${p.message}</p><p><a href="/">Back to the fleet</a></p>`,
  });
}

/** the 404 page of every device route whose MAC is not in the inventory */
export const unknownDevicePage = (csrf: string): string =>
  messagePage({ title: 'Unknown device', message: 'No device with that MAC address in the inventory.', csrf });
