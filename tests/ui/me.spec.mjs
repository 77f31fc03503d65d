// The self-service account in the console (issue 21): the profile page edits one's names, phone
// and image reference (PATCH /me with If-Match), and the top bar's organization switcher moves the
// session to another organization: the menus and the theme follow.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, cssOf, hexToRgb, launch, newPage, settled, shot, signIn, sql } from './lib.mjs';
import { login } from '../api/lib.mjs';
import { createUser, deleteUser } from '../api/authlib.mjs';

const KEYS = ['primary_color', 'secondary_color', 'accent_color', 'background_color', 'text_color', 'logo_ref', 'favicon_ref'];
const GLOBEX = 2;
const COLOR = '#7a1f5c';
let browser;
let original;
let user;

before(async () => {
    browser = await launch();
    // A member of acme (primary) who administers globex.
    user = await createUser('uime');
    await sql(`INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES (${user.id}, ${GLOBEX}, 0);
               INSERT INTO user_roles (user_id, role_id, organization_id)
               SELECT ${user.id}, id, ${GLOBEX} FROM roles WHERE name = 'org_admin' AND organization_id IS NULL`);
    const r = await api('GET', '/api/v1/themes/globex');
    original = Object.fromEntries(KEYS.map((k) => [k, r.json?.[k] ?? null]));
    const { token } = await login('gina');
    const t = await api('PUT', `/api/v1/organizations/${GLOBEX}/theme`, { token, body: { ...original, primary_color: COLOR } });
    assert.equal(t.status, 200, t.text);
});

after(async () => {
    await browser?.close();
    const { token } = await login('gina');
    await api('PUT', `/api/v1/organizations/${GLOBEX}/theme`, { token, body: original });
    if (user) await deleteUser(user.id);
});

test('a person edits their own profile', async () => {
    const { page, context, errors } = await newPage(browser);
    await signIn(page, user.username);
    await page.goto('/#/account/profile');
    await settled(page);
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Last name').fill('Hopper');
    await page.getByLabel('Phone number').fill('12345');
    await page.getByRole('button', { name: 'Save profile' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /phone_number/);
    await page.getByLabel('Phone number').fill('');
    await page.getByLabel('Full name').fill('Grace Hopper');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('status').filter({ hasText: 'Profile saved' }).waitFor();
    await page.locator('dd', { hasText: 'Grace Hopper' }).waitFor();
    const row = (await sql(`SELECT first_name, last_name, full_name FROM users WHERE id = ${user.id}`))[0];
    assert.deepEqual(row, ['Grace', 'Hopper', 'Grace Hopper']);
    await shot(page, 'account-profile-edit');
    assert.deepEqual(errors, []);
    await context.close();
});

test('the organization switcher moves the session to globex: menus and theme follow', async () => {
    const { page, context, errors } = await newPage(browser);
    await signIn(page, user.username);
    await settled(page);
    const sw = page.getByLabel('Organization', { exact: true });
    await sw.waitFor();
    assert.equal(await page.locator('#gh-nav a', { hasText: 'Roles' }).count(), 0, 'a member of acme has no Roles page');
    assert.notEqual(await cssOf(page, '#gh-topbar', 'background-color'), hexToRgb(COLOR));
    await sw.selectOption(String(GLOBEX));
    await page.getByRole('status').filter({ hasText: 'Now working in' }).waitFor();
    await page.locator('#gh-nav a', { hasText: 'Roles' }).waitFor({ state: 'attached' });
    await settled(page);
    assert.equal(await cssOf(page, '#gh-topbar', 'background-color'), hexToRgb(COLOR));
    assert.match(await page.locator('#gh-user-name').textContent(), /Globex/i);
    assert.equal(await sw.inputValue(), String(GLOBEX));
    await shot(page, 'org-switched');
    // A page only an administrator sees works with the new token.
    await page.locator('#gh-nav a', { hasText: 'Roles' }).click();
    await settled(page);
    await page.locator('h1', { hasText: 'Roles' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
});
