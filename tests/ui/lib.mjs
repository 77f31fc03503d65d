// Helpers for the browser tests (node:test + playwright-core driving Debian's chromium) against
// the real stack that tests/run (or tests/ui/run) starts. Environment as tests/run exports it:
// GH_URL, GH_STACK_DIR, ... (see tests/api/lib.mjs); CHROMIUM overrides /usr/bin/chromium.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { api, DEV_PASSWORD, REPO, sql, STACK_DIR, URL_BASE } from '../api/lib.mjs';

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

/** A new browser context (own cookies, cache, memory) with a page. */
export async function newPage(browser, { width = 1280, height = 860 } = {}) {
    const context = await browser.newContext({ viewport: { width, height }, baseURL: URL_BASE });
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
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
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
