#!/usr/bin/env bash
# Screenshots of every page of the console, in English and in Chinese, at 1024x640 and at
# 1920x1080 with a device pixel ratio of 2, into build/screenshots/ (<size>/<lang>/<page>.png).
# Needs the web build (scripts/build.sh web). Usage: scripts/screenshots.sh [SITE_DIR] [OUT_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SITE="${1:-$ROOT/build/web/site}"
OUT="${2:-$ROOT/build/screenshots}"
[ -f "$SITE/index.html" ] || { echo "screenshots.sh: no web build at $SITE (run scripts/build.sh web)" >&2; exit 1; }
mkdir -p "$OUT"
export CRM_SITE="$SITE" CRM_OUT="$OUT" NODE_PATH="$ROOT/third_party/node/node_modules"
exec node - "$ROOT/tests/e2e/lib.js" <<'EOF'
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const lib = require(process.argv[2]);
const OUT = process.env.CRM_OUT;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SIZES = [{ name: '1024x640', width: 1024, height: 640, dpr: 1 },
  { name: '1920x1080@2x', width: 1920, height: 1080, dpr: 2 }];

(async () => {
  const server = await lib.serve();
  let shots = 0;
  try {
    for (const size of SIZES) {
      const profile = fs.mkdtempSync(path.join(OUT, '.profile-'));
      const ctx = await chromium.launchPersistentContext(profile, {
        executablePath: process.env.CRM_CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS,
        viewport: { width: size.width, height: size.height }, deviceScaleFactor: size.dpr });
      try {
        await ctx.addInitScript(() => {
          // lib.js's frame counter (its waits count frames).
          if (window.__e2e) return;
          let frame = 0; const waiters = [];
          const tick = () => { ++frame; for (let i = waiters.length - 1; i >= 0; --i) if (frame >= waiters[i].at) { waiters[i].resolve(); waiters.splice(i, 1); } requestAnimationFrame(tick); };
          requestAnimationFrame(tick);
          const after = n => new Promise(r => n <= 0 ? r() : waiters.push({ at: frame + n, resolve: r }));
          let sent = null;
          window.__e2e = { frame: () => frame, after,
            probe: async w => { await after(w); const s = window.__crm_ui, same = s !== undefined && s === sent; sent = s; return { s: same ? undefined : s, same, f: frame, caret: null }; },
            rect: async (id, w) => { const at = () => ((window.__crm_ui || {}).items || {})[id]; const first = at(); await after(w); return { first, now: at(), offscreen: ((window.__crm_ui || {}).offscreen || {})[id] }; },
            clearCaret: () => {} };
        });
        const page = ctx.pages()[0] || await ctx.newPage();
        await page.goto(server.url);
        let s = await lib.waitReady(page);
        const navs = Object.keys({ ...s.items, ...s.offscreen }).filter(id => /^nav\.[a-z_]+$/.test(id));
        for (const lang of ['en', 'zh-CN']) {
          if (s.lang !== lang) s = await lib.click(page, 'topbar.lang', st => st.lang === lang, lang);
          fs.mkdirSync(path.join(OUT, size.name, lang), { recursive: true });
          for (const nav of navs) {
            const slug = nav.slice(4);
            await lib.click(page, nav, st => st.page === slug || st.modal !== '', slug);
            await lib.frames(page, 8);
            await page.screenshot({ path: path.join(OUT, size.name, lang, slug + '.png') });
            ++shots;
          }
        }
      } finally {
        await ctx.close().catch(() => {});
        fs.rmSync(profile, { recursive: true, force: true });
      }
    }
    console.log(`${shots} screenshots in ${OUT}`);
  } finally {
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
EOF
