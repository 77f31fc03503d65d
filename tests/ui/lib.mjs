// Helpers for the browser tests (node:test + playwright-core driving Debian's chromium) against
// the real stack that tests/run (or tests/ui/run) starts. Environment as tests/run exports it:
// GH_URL, GH_STACK_DIR, ... (see tests/api/lib.mjs); CHROMIUM overrides /usr/bin/chromium.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { api, DEV_PASSWORD, login as apiLogin, REPO, sql, STACK_DIR, URL_BASE } from '../api/lib.mjs';

export { api, DEV_PASSWORD, REPO, sql, STACK_DIR, URL_BASE };

const here = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = process.env.GH_UI_ARTIFACTS ?? path.join(here, 'artifacts');
export const MAIL_DIR = path.join(STACK_DIR, 'mail');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// The flags known to work on this machine (.library machines doc, "Known to work"). Playwright
// adds --headless and a new empty --user-data-dir of its own for every launch.
const FLAGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

export async function launch() {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60000 });
}

/** A unique suffix for names the tests create, so a suite can run twice on one stack. */
export const uniq = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

// ---- /me/navigation stand-in ----------------------------------------------------------------
// GET /api/v1/me/navigation is being built on another branch. Until the stack answers it, the
// tests answer it inside the browser (page.route) from the same tables the server will read:
// the caller's roles in the token's organization -> active role_component_permissions ->
// active components, as the tree the issue describes. Used only when the real route is absent.

let navProbe = null;
export async function navigationIsReal() {
    if (navProbe === null) {
        const tok = await apiLogin('admin');
        const r = await api('GET', '/api/v1/me/navigation', { token: tok.token });
        navProbe = r.status !== 404 && r.status !== 405;
    }
    return navProbe;
}

function jwtClaims(auth) {
    const tok = String(auth || '').replace(/^Bearer\s+/i, '');
    const part = tok.split('.')[1];
    if (!part) return null;
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

async function navigationFor(userId, orgId) {
    const orgCond = orgId ? `(ur.organization_id = ${Number(orgId)} OR ur.organization_id IS NULL)` : 'ur.organization_id IS NULL';
    const rows = await sql(`
        SELECT c.id, IFNULL(c.parent_id, 0), c.component_key, c.display_name, IFNULL(c.description, ''),
               IFNULL(c.category, ''), IFNULL(c.route, ''), IFNULL(c.icon, ''), c.display_order,
               GROUP_CONCAT(DISTINCT cp.action ORDER BY FIELD(cp.action, 'VIEW', 'CREATE', 'EDIT', 'DELETE'))
        FROM user_roles ur
        JOIN role_component_permissions rcp ON rcp.role_id = ur.role_id AND rcp.is_active = 1
        JOIN component_permissions cp ON cp.id = rcp.component_permission_id AND cp.is_active = 1
        JOIN ui_components c ON c.id = cp.component_id AND c.is_active = 1
        WHERE ur.user_id = ${Number(userId)} AND ${orgCond}
        GROUP BY c.id ORDER BY c.display_order, c.id`);
    const nodes = new Map();
    for (const r of rows) {
        const actions = r[9].split(',');
        if (!actions.includes('VIEW')) continue;
        nodes.set(r[0], {
            id: Number(r[0]), parent: r[1], key: r[2], display_name: r[3], description: r[4] || null,
            category: r[5] || null, route: r[6] || null, icon: r[7] || null, actions, children: [],
        });
    }
    const top = [];
    for (const n of nodes.values()) {
        if (n.parent !== '0') {
            const p = nodes.get(n.parent);
            if (p) p.children.push(n);
            continue;
        }
        top.push(n);
    }
    const strip = (n) => ({ key: n.key, display_name: n.display_name, description: n.description, category: n.category,
        route: n.route, icon: n.icon, actions: n.actions, children: n.children.map(strip) });
    return top.map(strip);
}

async function installNavigationStub(context) {
    await context.route('**/api/v1/me/navigation', async (route) => {
        const claims = jwtClaims(route.request().headers().authorization);
        if (!claims) {
            await route.fulfill({ status: 401, contentType: 'application/problem+json', body: JSON.stringify({ status: 401, code: 'unauthorized', title: 'Unauthorized' }) });
            return;
        }
        const items = await navigationFor(claims.sub, claims.org);
        await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items }) });
    });
}

/** A new browser context (own cookies, cache, memory) with a page; the stand-in if needed. */
export async function newPage(browser, { width = 1280, height = 860 } = {}) {
    const context = await browser.newContext({ viewport: { width, height }, baseURL: URL_BASE });
    if (!(await navigationIsReal())) await installNavigationStub(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    // The bearer token the console sends, seen from outside as a network observer would.
    const seen = { token: null };
    page.on('request', (req) => {
        const a = req.headers().authorization;
        if (a && a.startsWith('Bearer ')) seen.token = a.slice(7);
    });
    return { context, page, errors, seen };
}

export async function shot(page, name) {
    const file = path.join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
}

/** Waits until the console has drawn the current page (#main loses aria-busy). */
export async function settled(page) {
    await page.locator('#main:not([aria-busy])').waitFor({ state: 'attached' });
}

/** Signs in through the login page and waits for the navigation to appear. */
export async function signIn(page, user, { org, password = DEV_PASSWORD } = {}) {
    await page.goto(org ? `/#/login?org=${org}` : '/#/login');
    await settled(page);
    await page.getByLabel('Username or email').fill(user);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Attached, not visible: on a phone the menu is folded away.
    await page.locator('#gh-nav a').first().waitFor({ state: 'attached' });
}

/** The newest mail in the stub's directory whose text matches `re`, waiting up to `ms`. */
export async function waitForMail(re, { since = 0, ms = 10000 } = {}) {
    const end = Date.now() + ms;
    for (;;) {
        let files = [];
        try {
            files = fs.readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml'));
        } catch {
            // not created yet
        }
        const hits = files
            .map((f) => path.join(MAIL_DIR, f))
            .filter((f) => fs.statSync(f).mtimeMs >= since)
            .map((f) => fs.readFileSync(f, 'utf8'))
            .filter((t) => re.test(t));
        if (hits.length) return hits[hits.length - 1];
        if (Date.now() > end) throw new Error(`no mail matching ${re} in ${MAIL_DIR}`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

/** The computed value of a CSS property of the first element matching `selector`. */
export function cssOf(page, selector, prop) {
    return page.locator(selector).first().evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), prop);
}

export const hexToRgb = (hex) => {
    const n = parseInt(hex.slice(1), 16);
    return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};
