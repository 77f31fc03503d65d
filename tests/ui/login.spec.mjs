// Sign-in, the problem details of a refused sign-in, the pages of an administrator (with
// screenshots), keyboard use and a phone-sized screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, newPage, settled, shot, signIn } from './lib.mjs';

// Form controls and buttons with no accessible name (no <label>, aria-label(ledby) or text).
function unlabelled(page) {
    return page.evaluate(() => {
        const named = (el) => (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        const bad = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((el) => !named(el));
        const mute = [...document.querySelectorAll('button, a[href]')].filter((el) => !el.textContent.trim() && !el.getAttribute('aria-label'));
        return [...bad, ...mute].map((el) => el.outerHTML.slice(0, 80));
    });
}

let browser;
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});

test('a wrong password shows the API problem with its detail, and nothing else happens', async () => {
    const { page, context, errors } = await newPage(browser);
    await page.goto('/#/login');
    await page.getByLabel('Username or email').fill('alice');
    await page.getByLabel(/^Password/).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const problem = page.getByRole('alert');
    await problem.waitFor();
    const text = await problem.textContent();
    assert.match(text, /invalid_credentials/);
    assert.match(text, /HTTP 401/);
    assert.match(text, /Request id/);
    assert.equal(await page.locator('#gh-nav').isHidden(), true);
    assert.deepEqual(errors, []);
    await context.close();
});

test('an administrator signs in and sees every menu; each page renders without a problem', async () => {
    const { page, context, errors } = await newPage(browser);
    await signIn(page, 'admin');
    // Lands on the first page of the navigation, with the user in the top bar.
    assert.match(page.url(), /#\/account\/profile$/);
    assert.match(await page.locator('#gh-user-name').textContent(), /admin · Acme Corp/);
    const headings = await page.locator('#gh-nav .nav__heading').allTextContents();
    assert.deepEqual(headings, ['My account', 'Directory', 'Access control', 'Organization settings', 'Audit']);
    const pages = [
        ['/admin/users', 'Users', 'users'],
        ['/admin/organizations/1', 'Acme Corp', 'organization'],
        ['/admin/teams/1', 'Platform', 'team'],
        ['/admin/invitations', 'Invitations', 'invitations'],
        ['/admin/roles', 'Roles', 'roles-matrix'],
        ['/admin/permissions', 'Permissions', 'permissions'],
        ['/admin/endpoints', 'API endpoints', 'endpoints'],
        ['/admin/components', 'UI components', 'components'],
        ['/admin/policies', 'Policies', 'policies'],
        ['/admin/theme', 'Branding', 'theme-editor'],
        ['/admin/audit', 'Audit log', 'audit'],
        ['/account/security', 'Password and sessions', 'security'],
    ];
    for (const [route, title, name] of pages) {
        await page.locator(`#gh-nav a[href="#${route.replace(/\/\d+$/, '')}"]`).click();
        if (/\/\d+$/.test(route)) await page.goto(`/#${route}`);
        await page.locator('h1', { hasText: title }).waitFor();
        await page.waitForLoadState('networkidle');
        assert.equal(await page.locator('.problem').count(), 0, `${route}: ${await page.locator('.problem').allTextContents()}`);
        assert.deepEqual(await unlabelled(page), [], `${route}: controls without a label`);
        await shot(page, `admin-${name}`);
    }
    // The matrix: one checkbox per role and permission, labelled for screen readers.
    await page.goto('/#/admin/roles');
    const box = page.getByRole('checkbox', { name: 'audit.read for org_admin' });
    assert.equal(await box.isChecked(), true);
    assert.deepEqual(errors, []);
    await context.close();
});

test('keyboard: the skip link comes first and moves focus to the page', async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, 'alice');
    await page.goto('/#/admin/teams');
    await page.locator('h1', { hasText: 'Teams' }).waitFor();
    // The page moves the focus to its heading once rendered; let it, so it cannot happen
    // between the key presses below.
    await page.waitForFunction(() => document.activeElement.tagName === 'H1', null, { timeout: 5000 })
        .catch(() => {});
    await settled(page);
    // The skip link precedes everything else in the focus order: one Shift+Tab back from the
    // top bar's first control reaches it.
    await page.locator('#gh-brand-name').click();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Sign out');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    // ... and stays on the page (the hash belongs to the router; give a hash change time to act).
    await page.waitForTimeout(200);
    await settled(page);
    assert.match(page.url(), /#\/admin\/teams$/);
    assert.equal(await page.locator('h1').first().textContent(), 'Teams');
    // The navigation is reached with Tab and followed with Enter.
    await page.locator('#gh-nav a', { hasText: 'Users' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'Users' }).waitFor();
    assert.match(page.url(), /#\/admin\/users$/);
    // After a page change the focus moves to its heading (once the page has rendered: wait for
    // it rather than sample it at once, which a loaded machine can beat).
    await page.waitForFunction(() => document.activeElement.tagName === 'H1', null, { timeout: 5000 })
        .catch(() => {});
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
    await context.close();
});

test('a phone-sized screen (375 px): no sideways scrolling, the menu opens and closes', async () => {
    const { page, context } = await newPage(browser, { width: 375, height: 740 });
    await page.goto('/#/login?org=acme');
    await page.getByLabel('Username or email').waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375);
    await shot(page, 'phone-login');
    await signIn(page, 'alice');
    const pages = [['/admin/users', 'Users'], ['/admin/roles', 'Roles'], ['/admin/theme', 'Branding'],
        ['/admin/audit', 'Audit log'], ['/admin/policies', 'Policies'], ['/admin/teams/1', 'Platform']];
    for (const [route, title] of pages) {
        await page.goto(`/#${route}`);
        await page.locator('h1', { hasText: title }).waitFor();
        await page.waitForLoadState('networkidle');
        if (route !== '/admin/theme' && route !== '/admin/policies') await page.locator('table').first().waitFor();
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 375, `${route} is ${width} px wide`);
    }
    await shot(page, 'phone-team');
    const toggle = page.getByRole('button', { name: 'Menu' });
    assert.equal(await page.locator('#gh-nav').isVisible(), false);
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.locator('#gh-nav').isVisible(), true);
    await shot(page, 'phone-menu');
    await page.locator('#gh-nav a', { hasText: 'Invitations' }).click();
    await page.locator('h1', { hasText: 'Invitations' }).waitFor();
    assert.equal(await page.locator('#gh-nav').isVisible(), false);
    await context.close();
});
