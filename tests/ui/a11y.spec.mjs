// axe-core (WCAG 2.1 A and AA rules) on every console page: the sign-in page, the public pages,
// every page in a platform administrator's navigation (read from the links the console draws, so a
// new page is scanned without touching this file), the first detail page each list links to (a
// user's, an organization's...), the "New user" dialog, and pages under hostile themes. A violation of impact serious or critical fails the test and is printed with
// its rule, impact and target selectors; minor and moderate ones are printed as diagnostics.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { launch, newPage, settled, shot, signIn } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const FAILING = new Set(['serious', 'critical']);

let browser;
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});

/** Runs axe on the page as it is; fails on serious or critical violations. */
async function scan(t, page, name) {
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
        await page.addScriptTag({ path: AXE });
    }
    const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
        TAGS,
    );
    const lines = (vs) =>
        vs.map((v) => `  ${v.id} (${v.impact}, ${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'}): ${v.help}\n`
            + v.nodes.map((n) => `    ${n.target.join(' ')}${n.failureSummary ? ` -- ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`).join('\n'))
            .join('\n');
    const bad = result.violations.filter((v) => FAILING.has(v.impact));
    const minor = result.violations.filter((v) => !FAILING.has(v.impact));
    if (minor.length) t.diagnostic(`${name}: minor/moderate\n${lines(minor)}`);
    if (bad.length) await shot(page, `a11y-${name.replace(/[^a-z0-9]+/gi, '-')}`);
    assert.equal(bad.length, 0, `${name} (${page.url()}): serious/critical axe violations\n${lines(bad)}`);
}

/** Goes to a hash route of the signed-in console and waits until its page is drawn. */
async function show(page, route) {
    await page.goto(`/#${route}`);
    await page.locator(`#gh-nav a[aria-current="page"][href="#${route}"]`).waitFor({ state: 'attached' });
    await settled(page);
}

test('sign-in page', async (t) => {
    const { page, context, errors } = await newPage(browser);
    await page.goto('/#/login');
    await settled(page);
    await page.getByLabel('Username or email').waitFor();
    await scan(t, page, 'login');
    assert.deepEqual(errors, []);
    await context.close();
});

test('public pages', async (t) => {
    const { page, context, errors } = await newPage(browser);
    const pages = [
        ['forgot-password', '/#/forgot-password', () => page.locator('#main form').waitFor()],
        ['reset-password', '/#/reset-password?token=not-a-token', () => page.locator('#main form').waitFor()],
        // A bad token: the page shows its error.
        ['accept-invitation', '/#/accept-invitation?token=not-a-token', () => page.locator('#main [role="alert"], #main .problem').first().waitFor()],
    ];
    for (const [name, url, ready] of pages) {
        await t.test(name, async (st) => {
            await page.goto(url);
            await settled(page);
            await ready();
            await scan(st, page, name);
        });
    }
    assert.deepEqual(errors, []);
    await context.close();
});

test('every page in the navigation of a platform administrator, detail pages, a dialog', async (t) => {
    const { page, context, errors } = await newPage(browser);
    await signIn(page, 'admin');
    await settled(page);
    const routes = await page.locator('#gh-nav a[href^="#/"]').evaluateAll(
        (as) => [...new Set(as.map((a) => a.getAttribute('href').slice(1)))]);
    assert.ok(routes.length >= 8, `navigation links: ${routes.join(' ')}`);
    t.diagnostic(`routes: ${routes.join(' ')}`);
    // Each page, and the first detail page its list links to (#/admin/users -> #/admin/users/3).
    const details = [];
    for (const route of routes) {
        await t.test(route, async (st) => {
            await show(page, route);
            await scan(st, page, route);
        });
        const link = page.locator(`#main a[href^="#${route}/"]`).first();
        if (!(await link.count())) continue;
        const href = await link.getAttribute('href');
        details.push(href);
        await t.test(`${route}: detail page ${href.slice(1)}`, async (st) => {
            await link.click();
            await page.waitForURL((u) => u.hash === href);
            await settled(page);
            await page.locator('#main h1').waitFor();
            await scan(st, page, href.slice(1));
        });
    }
    assert.ok(details.some((d) => d.startsWith('#/admin/users/')), `detail pages: ${details.join(' ')}`);

    await t.test('the "New user" dialog', async (st) => {
        await show(page, '/admin/users');
        await page.getByRole('button', { name: 'New user' }).click();
        await page.getByRole('dialog', { name: 'New user' }).waitFor();
        await scan(st, page, 'new-user-dialog');
    });
    assert.deepEqual(errors, []);
    await context.close();
});

// Organizations choose their colors (PUT .../theme accepts any #rrggbb); theme.js must keep the
// console's own text readable whatever they choose. Applied in the page with the console's own
// applyTheme (the same module instance), then the pages with the most kinds of text are scanned.
const THEMES = {
    dark: { primary_color: '#1f6feb', secondary_color: '#6e7781', accent_color: '#bf3989', background_color: '#161b22', text_color: '#e6edf3' },
    'low-contrast': { primary_color: '#8a8a8a', secondary_color: '#808080', accent_color: '#7f7f7f', background_color: '#777777', text_color: '#858585' },
    'mid-grey': { primary_color: '#ffff00', secondary_color: '#ffffff', accent_color: '#000000', background_color: '#767676', text_color: '#767676' },
};

test('organization themes cannot break the contrast of the console', async (t) => {
    const { page, context, errors } = await newPage(browser);
    await signIn(page, 'admin');
    await settled(page);
    for (const [name, theme] of Object.entries(THEMES)) {
        for (const route of ['/admin/roles', '/admin/users']) {
            await t.test(`${name} on ${route}`, async (st) => {
                await show(page, route);
                await page.evaluate(async (th) => (await import('/js/theme.js')).applyTheme(th), theme);
                await scan(st, page, `${name}-theme ${route}`);
            });
        }
    }
    await t.test('a problem shown under the low-contrast theme', async (st) => {
        await page.goto('/#/accept-invitation?token=not-a-token');
        await page.locator('#main .problem').waitFor();
        await page.evaluate(async (th) => (await import('/js/theme.js')).applyTheme(th), THEMES['low-contrast']);
        await scan(st, page, 'low-contrast-theme problem');
    });
    assert.deepEqual(errors, []);
    await context.close();
});
