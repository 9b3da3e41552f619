/** The dashboard's page frame: head, main navigation and logout form around a page body. */
import { ASSET_PATHS } from './assets.js';
import { html, type Fragment, type Html } from './html.js';

export type Section = 'fleet' | 'check' | 'audits' | 'events' | 'servers' | 'none';

const NAV: { section: Section; href: string; label: string }[] = [
  { section: 'fleet', href: '/', label: 'Fleet' },
  { section: 'check', href: '/check', label: 'Check a handset' },
  { section: 'audits', href: '/audits', label: 'Audits' },
  { section: 'events', href: '/events', label: 'Security events' },
  { section: 'servers', href: '/servers', label: 'Servers' },
];

export interface LayoutInput {
  title: string;
  section: Section;
  /** CSRF token for the logout form; absent on the login page (no navigation) */
  csrf?: string;
  body: Fragment;
  /** extra <head> markup (trusted) */
  head?: Html;
}

export function layout(p: LayoutInput): string {
  const nav =
    p.csrf === undefined
      ? ''
      : html`
<header class="top">
  <a class="brand" href="/">ghostguard</a>
  <nav aria-label="Main"><ul>${NAV.map((n) => html`<li><a href="${n.href}"${n.section === p.section ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}
    <li><a href="/api/openapi.json">API</a></li></ul></nav>
  <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${p.csrf}"><button type="submit" class="secondary">Log out</button></form>
</header>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · ghostguard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSET_PATHS.css}">
${p.csrf === undefined ? '' : html`<script src="${ASSET_PATHS.js}" defer></script>`}
${p.head}</head>
<body><a class="skip" href="#main">Skip to content</a>${nav}
<main id="main" tabindex="-1">
${p.body}
</main></body></html>
`.text;
}
