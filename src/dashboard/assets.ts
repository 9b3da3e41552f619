/** The dashboard's only static files: one stylesheet, one small script (served from 'self': no inline style or script). */
import { createHash } from 'node:crypto';

export const APP_CSS = `
:root{--fg:#1b1f24;--muted:#4a5260;--bg:#fff;--line:#cfd4dc;--soft:#f4f6f8;--link:#0b57d0;--focus:#1a56db;
--bad-fg:#8a1120;--bad-bg:#fde7ea;--ok-fg:#0f5a2a;--ok-bg:#e3f3e8;--warn-fg:#6b4200;--warn-bg:#fff1d6;--info-fg:#1d4f91;--info-bg:#e5eefb;--none-fg:#333;--none-bg:#ececec}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--link)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding:.5rem 1rem;border-bottom:1px solid var(--line);background:var(--soft)}
.brand{font-weight:700;font-size:1.1rem;color:var(--fg);text-decoration:none}
.top nav ul{display:flex;flex-wrap:wrap;gap:.25rem .9rem;list-style:none;margin:0;padding:0}
.top nav a{display:inline-block;padding:.4rem 0;text-decoration:none}
.top nav a[aria-current=page]{font-weight:700;text-decoration:underline;text-underline-offset:.3em}
.top form{margin-left:auto}
main{max-width:76rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem;line-height:1.25;overflow-wrap:anywhere}
h2{font-size:1.25rem;margin:2rem 0 .5rem}
h3{font-size:1.05rem;margin:1.25rem 0 .4rem}
p.muted,.muted{color:var(--muted)}
button,.button{display:inline-block;font:inherit;min-height:2.75rem;padding:.45rem 1rem;border-radius:.35rem;border:1px solid #0a47ab;background:#0b57d0;color:#fff;cursor:pointer;text-decoration:none}
button.secondary{background:#fff;color:#0a47ab}
button:disabled{opacity:.6;cursor:progress}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
.hint{display:block;font-weight:400;color:var(--muted);font-size:.9rem}
input[type=text],input[type=password],input[type=search],select,textarea{font:inherit;width:100%;max-width:32rem;min-height:2.75rem;padding:.4rem .6rem;border:1px solid #6b7280;border-radius:.35rem;background:#fff;color:var(--fg)}
textarea{min-height:5rem}
.form-row{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}
.form-row>div{flex:1 1 12rem}
.form-row button{flex:0 0 auto}
.error{border-left:4px solid var(--bad-fg);background:var(--bad-bg);color:var(--bad-fg);padding:.6rem .9rem;margin:1rem 0}
.notice{border-left:4px solid var(--info-fg);background:var(--info-bg);color:var(--info-fg);padding:.6rem .9rem;margin:1rem 0}
.table-wrap{position:relative;overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5rem 0 1rem;border:1px solid var(--line);border-radius:.35rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:.5rem .6rem}
th,td{text-align:left;vertical-align:top;padding:.45rem .6rem;border-top:1px solid var(--line)}
thead th{background:var(--soft);border-top:0;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td ul{margin:0;padding-left:1.1rem}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9rem}
pre{background:var(--soft);border:1px solid var(--line);border-radius:.35rem;padding:.75rem;overflow:auto;max-height:32rem;white-space:pre}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-size:.85rem;font-weight:600;white-space:nowrap;border:1px solid currentColor}
.s-exposed,.s-rings,.s-likely-rings,.s-fail,.s-failed,.s-unreachable,.s-critical,.s-high{color:var(--bad-fg);background:var(--bad-bg)}
.s-safe,.s-refuses,.s-ignores,.s-provisioned,.s-pass,.s-finished{color:var(--ok-fg);background:var(--ok-bg)}
.s-stale,.s-locked-out,.s-unknown,.s-medium,.s-no-address,.s-unidentified,.s-interrupted{color:var(--warn-fg);background:var(--warn-bg)}
.s-probably-safe,.s-running,.s-low,.s-info{color:var(--info-fg);background:var(--info-bg)}
.s-never-fetched,.s-disabled,.s-unsupported{color:var(--none-fg);background:var(--none-bg)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.75rem;margin:1rem 0}
.card{border:1px solid var(--line);border-radius:.5rem;padding:.75rem;text-decoration:none;color:inherit;display:block}
.card strong{display:block;font-size:1.8rem;line-height:1.1}
.verdict{border-radius:.5rem;padding:1rem 1.25rem;margin:1rem 0;border:2px solid currentColor}
.verdict h2{margin:0 0 .25rem;font-size:1.4rem}
.verdict ul{margin:.25rem 0 0;padding-left:1.2rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.5rem 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.diff .add{background:#dff3e4;color:#0f4a22;display:block}
.diff .del{background:#fbe3e6;color:#7a0f1c;display:block}
.diff .ctx{display:block}
.diff hr{border:0;border-top:1px dashed var(--line);margin:.3rem 0}
details{margin:.5rem 0}
summary{cursor:pointer;font-weight:600;min-height:2rem}
progress{width:100%;max-width:32rem;height:1.25rem}
.login{max-width:24rem;margin:3rem auto}
.sparks{display:flex;flex-wrap:wrap;gap:.5rem 2rem;margin:.5rem 0}
.sparks figure{margin:0}
.sparks figcaption{font-size:.9rem;color:var(--muted)}
.spark{display:block;overflow:visible}
.spark-base{stroke:var(--line);stroke-width:1}
.spark-line{stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
.spark-exposed .spark-line{stroke:var(--bad-fg)}
.spark-exposed .spark-dot{fill:var(--bad-fg)}
.spark-failing .spark-line{stroke:var(--muted)}
.spark-failing .spark-dot{fill:var(--muted)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:40rem){
 body{font-size:15px}
 main{padding:.75rem}
 h1{font-size:1.3rem}
 .top form{margin-left:0}
 th,td{padding:.4rem .45rem}
 dl.facts{grid-template-columns:1fr}
 dl.facts dd{margin-bottom:.4rem}
 .hide-narrow{display:none}
 table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
 table.stack tr{display:block;border-top:1px solid var(--line);padding:.35rem 0}
 table.stack th[scope=row],table.stack td{display:block;position:relative;border:0;padding:.2rem .6rem .2rem 8.5rem;min-height:1.9rem;overflow-wrap:anywhere}
 table.stack th[scope=row]::before,table.stack td::before{content:attr(data-label);position:absolute;left:.6rem;width:7.4rem;font-weight:600;color:var(--muted)}
 table.stack td[colspan]{display:block}
 table.stack td[colspan]::before{content:none}
}
`;

export const APP_JS = `'use strict';
(function () {
  var box = document.querySelector('[data-audit-progress]');
  if (box) {
    var url = box.getAttribute('data-url');
    var bar = box.querySelector('progress');
    var text = box.querySelector('[data-progress-text]');
    var tries = 0;
    var tick = function () {
      tries++;
      fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' }).then(function (res) {
        if (!res.ok) throw new Error(String(res.status));
        return res.json();
      }).then(function (run) {
        var p = run.progress || { done: 0, total: 0, phones: 0 };
        if (bar) { bar.max = Math.max(1, p.total); bar.value = p.done; }
        if (text) text.textContent = p.done + ' of ' + p.total + ' hosts scanned, ' + p.phones + ' phone(s) found';
        if (run.status !== 'running') { window.location.reload(); return; }
        if (tries < 3600) setTimeout(tick, 1000);
      }).catch(function () { if (tries < 3600) setTimeout(tick, 2000); });
    };
    setTimeout(tick, 400);
  }
  var forms = document.querySelectorAll('form[data-busy]');
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener('submit', function () {
      var button = form.querySelector('button[type=submit]');
      var status = form.querySelector('[data-busy-text]');
      if (status) status.textContent = form.getAttribute('data-busy');
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
`;

const tag = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** Cache-busting names, so the files can be cached for long. */
export const ASSET_PATHS = {
  css: `/assets/app.${tag(APP_CSS)}.css`,
  js: `/assets/app.${tag(APP_JS)}.js`,
} as const;
