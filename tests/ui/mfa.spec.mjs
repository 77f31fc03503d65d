// Two-step sign-in in the console (issue 16; docs/mfa.md): setting up an authenticator app from
// the security page (QR code, key, first code, recovery codes shown once), the second step of the
// sign-in with a code and with a recovery code, and the sessions list with "Sign out this
// device". Codes come from otplib, an implementation independent of the server's.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateSync } from 'otplib';
import { api, launch, newPage, settled, shot, sql, URL_BASE } from './lib.mjs';
import { createUser, deleteUser } from '../api/authlib.mjs';
import { DEV_PASSWORD } from '../api/lib.mjs';

let browser;
let user;
let secret;
let recovery = [];
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
    browser = await launch();
    user = await createUser('uimfa');
});

after(async () => {
    await browser?.close();
    if (user) await deleteUser(user.id);
});

async function passwordStep(page) {
    await page.goto('/#/login');
    await settled(page);
    await page.getByLabel('Username or email').fill(user.username);
    await page.getByLabel('Password').fill(DEV_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

test('a person sets up an authenticator app and gets ten recovery codes once', async () => {
    const { page, context, errors } = await newPage(browser);
    await passwordStep(page);
    await page.locator('#gh-nav a').first().waitFor({ state: 'attached' });
    await page.goto('/#/account/security');
    await settled(page);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const qr = page.getByRole('img', { name: 'QR code to scan with your authenticator app' });
    await qr.waitFor();
    secret = (await page.locator('.mfa-secret').textContent()).replace(/\s+/g, '');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await page.getByLabel('Code from the app').fill('000000' === generateSync({ secret }) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Code from the app').fill(generateSync({ secret, epoch: now() - 30 }));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    recovery = (await page.locator('.recovery-codes__list code').allTextContents()).map((s) => s.trim());
    assert.equal(recovery.length, 10);
    assert.ok(await page.getByRole('button', { name: 'Copy codes' }).isVisible());
    assert.equal(await page.getByRole('link', { name: 'Download codes' }).getAttribute('download'), 'gatehouse-recovery-codes.txt');
    assert.equal(Number((await sql(`SELECT COUNT(*) FROM user_totp WHERE user_id = ${user.id} AND confirmed_at IS NOT NULL`))[0][0]), 1);
    await shot(page, 'mfa-enrolled');
    assert.deepEqual(errors, []);
    await context.close();
});

test('signing in asks for the code; a recovery code works instead, once', async () => {
    assert.ok(secret, 'enrolled by the previous test');
    const { page, context, errors } = await newPage(browser);
    await passwordStep(page);
    await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
    await page.getByLabel('Code from your authenticator app').fill('123456' === generateSync({ secret }) ? '654321' : '123456');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Code from your authenticator app').fill(generateSync({ secret }));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('#gh-nav a').first().waitFor({ state: 'attached' });
    await shot(page, 'mfa-signed-in');
    await context.close();

    const second = await newPage(browser);
    await passwordStep(second.page);
    await second.page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await second.page.getByLabel('Recovery code').fill(recovery[0]);
    await second.page.getByRole('button', { name: 'Verify' }).click();
    await second.page.locator('#gh-nav a').first().waitFor({ state: 'attached' });
    const left = await api('GET', '/api/v1/me/mfa', { token: second.seen.token });
    assert.equal(left.json.recovery_codes.remaining, 9);
    assert.deepEqual(errors, []);
    assert.deepEqual(second.errors, []);
    await second.context.close();
});

test('the sessions list signs out another device at once', async () => {
    const a = await newPage(browser);
    // The second device, told apart by its user agent.
    const bContext = await browser.newContext({ baseURL: URL_BASE, userAgent: 'device-b-for-the-test' });
    const bPage = await bContext.newPage();
    const b = { page: bPage, seen: { token: null } };
    bPage.on('request', (req) => {
        const h = req.headers().authorization;
        if (h && h.startsWith('Bearer ')) b.seen.token = h.slice(7);
    });
    await passwordStep(a.page);
    await a.page.getByLabel('Code from your authenticator app').fill(generateSync({ secret, epoch: now() + 30 }));
    await a.page.getByRole('button', { name: 'Verify' }).click();
    await a.page.locator('#gh-nav a').first().waitFor({ state: 'attached' });
    // One code serves one sign-in: the second device uses a recovery code.
    await passwordStep(bPage);
    await bPage.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await bPage.getByLabel('Recovery code').fill(recovery[1]);
    await bPage.getByRole('button', { name: 'Verify' }).click();
    await bPage.locator('#gh-nav a').first().waitFor({ state: 'attached' });
    assert.equal((await api('GET', '/api/v1/me', { token: b.seen.token })).status, 200);

    await a.page.goto('/#/account/security');
    await settled(a.page);
    const sessions = a.page.getByRole('table', { name: 'Devices signed in to your account' });
    await sessions.waitFor();
    await sessions.getByText('This device', { exact: true }).waitFor();
    await sessions.getByRole('button', { name: /^Sign out device-b-for-the-test/ }).click();
    await a.page.getByRole('dialog').getByRole('button', { name: 'Sign out this device' }).click();
    await a.page.getByRole('status').filter({ hasText: 'The session was ended' }).waitFor();
    assert.equal((await api('GET', '/api/v1/me', { token: b.seen.token })).status, 401, 'the ended device\'s token is refused at once');
    assert.equal((await api('GET', '/api/v1/me', { token: a.seen.token })).status, 200, 'this device stays signed in');
    await shot(a.page, 'mfa-sessions');
    assert.deepEqual(a.errors, []);
    await a.context.close();
    await bContext.close();
});
