// The theme editor: a new primary color, previewed live, saved, and seen on the organization's
// sign-in page after signing out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, cssOf, hexToRgb, launch, newPage, shot, signIn } from './lib.mjs';
import { login } from '../api/lib.mjs';

const KEYS = ['primary_color', 'secondary_color', 'accent_color', 'background_color', 'text_color', 'logo_ref', 'favicon_ref'];
let browser;
let original;
before(async () => {
    browser = await launch();
    const r = await api('GET', '/api/v1/themes/acme');
    original = Object.fromEntries(KEYS.map((k) => [k, r.json[k] ?? null]));
});
after(async () => {
    await browser?.close();
    const { token } = await login('alice');
    await api('PUT', '/api/v1/organizations/1/theme', { token, body: original });
});

test('alice changes the primary color; the sign-in page of acme shows it', async () => {
    const { page, context, errors } = await newPage(browser);
    await signIn(page, 'alice');
    await page.goto('/#/admin/theme');
    const color = `#${(0x200000 + Math.floor(Math.random() * 0x1fffff)).toString(16).padStart(6, '0')}`; // dark enough for white text
    const input = page.getByLabel('Primary color', { exact: true });
    await input.fill(color);
    // Live preview before saving.
    assert.equal(await cssOf(page, '.preview__bar', 'background-color'), hexToRgb(color));
    assert.notEqual(await cssOf(page, '#gh-topbar', 'background-color'), hexToRgb(color));
    await shot(page, 'theme-preview');

    // An invalid value is refused by the API with the field named.
    await page.getByLabel('Logo', { exact: true }).fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Save branding' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /Field: logo_ref/);
    await page.getByLabel('Logo', { exact: true }).fill('');

    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByRole('status').filter({ hasText: 'Branding saved' }).waitFor();
    assert.equal(await cssOf(page, '#gh-topbar', 'background-color'), hexToRgb(color));

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('h1', { hasText: 'Sign in to Acme Corp' }).waitFor();
    assert.match(page.url(), /#\/login\?org=acme$/);
    assert.equal(await cssOf(page, '#gh-topbar', 'background-color'), hexToRgb(color));
    assert.equal(await cssOf(page, 'button[type=submit]', 'background-color'), hexToRgb(color));
    await shot(page, 'login-branded');

    // A fresh browser that never saw the console shows it too.
    const fresh = await newPage(browser);
    await fresh.page.goto('/#/login?org=acme');
    await fresh.page.locator('h1', { hasText: 'Sign in to Acme Corp' }).waitFor();
    assert.equal(await cssOf(fresh.page, 'button[type=submit]', 'background-color'), hexToRgb(color));
    await fresh.context.close();
    assert.deepEqual(errors, []);
    await context.close();
});
