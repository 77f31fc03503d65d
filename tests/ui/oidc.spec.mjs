// OpenID Connect in a real browser: an application sends Chromium to /oauth2/authorize, the
// console's login page signs in and goes back, the consent page is answered, the application
// gets its code; the account page lists the connected application and removes it.  The login
// page's return parameter goes nowhere but the authorization endpoint (no open redirect).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { api, launch, newPage, settled, shot, signIn, URL_BASE } from './lib.mjs';

const CB = 'http://127.0.0.1:9/cb';
let browser;
let client;
before(async () => {
    browser = await launch();
    const l = await api('POST', '/api/v1/auth/login', { body: { login: 'admin', password: 'gatehouse-dev-password' } });
    const r = await api('POST', '/api/v1/clients', {
        token: l.json.access_token,
        body: { name: `Wiki ${crypto.randomBytes(2).toString('hex')}`, redirect_uris: [CB], scopes: ['openid', 'profile', 'email'] },
    });
    assert.equal(r.status, 201, r.text);
    client = r.json;
});
after(async () => {
    await browser?.close();
});

test('an application signs a user in: login page, consent page, code; the account page lists and removes it', async () => {
    const { page, context, errors } = await newPage(browser);
    // The application's callback: answered here, as the application would.
    let callback = null;
    await page.route('http://127.0.0.1:9/**', (route) => {
        callback = new URL(route.request().url());
        return route.fulfill({ status: 200, contentType: 'text/plain', body: 'application callback' });
    });
    const verifier = crypto.randomBytes(32).toString('base64url');
    const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
    const q = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: CB,
        scope: 'openid profile email', state: 'ui-state', nonce: 'ui-nonce', code_challenge: challenge,
        code_challenge_method: 'S256' });
    await page.goto(`/oauth2/authorize?${q}`);
    await page.waitForURL(/#\/login\?return=/);
    await settled(page);
    assert.match(await page.locator('#oidc-notice').textContent(), /application asked you to sign in/);
    await page.getByLabel('Username or email').fill('bob');
    await page.getByLabel(/^Password/).fill('gatehouse-dev-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // The consent page, server-rendered.
    await page.waitForURL(/\/oauth2\/authorize\?/);
    assert.equal(await page.locator('#client-name').textContent(), client.name);
    assert.match(await page.locator('#scopes').textContent(), /email address/);
    await shot(page, 'oidc-consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/127\.0\.0\.1:9\/cb/);
    assert.ok(callback, 'the application got the callback');
    assert.equal(callback.searchParams.get('state'), 'ui-state');
    const code = callback.searchParams.get('code');
    assert.ok(code);
    // The application exchanges the code.
    const tok = await fetch(`${URL_BASE}/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier,
            client_id: client.client_id, client_secret: client.client_secret }),
    });
    assert.equal(tok.status, 200);
    const t = await tok.json();
    const claims = JSON.parse(Buffer.from(t.id_token.split('.')[1], 'base64url'));
    assert.equal(claims.preferred_username, 'bob');
    assert.equal(claims.nonce, 'ui-nonce');
    // The account page lists the application and removes its access.  (The console keeps its
    // tokens in the page's memory: back from the application, it signs in again.)
    await signIn(page, 'bob');
    await page.goto('/#/account/security');
    await settled(page);
    const section = page.locator('.account-consents');
    await section.getByRole('cell', { name: client.name }).waitFor();
    await section.getByRole('button', { name: `Remove access of ${client.name}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove access' }).click();
    await section.getByRole('cell', { name: client.name }).waitFor({ state: 'detached' });
    const left = await api('POST', '/api/v1/auth/login', { body: { login: 'bob', password: 'gatehouse-dev-password' } });
    const consents = await api('GET', '/api/v1/me/consents', { token: left.json.access_token });
    assert.ok(!consents.json.items.some((c) => c.client_id === client.client_id), 'the consent is gone');
    assert.deepEqual(errors, []);
    await context.close();
});

test('the login page\'s return parameter never leaves for another page or site', async () => {
    for (const bad of ['https://evil.example/', '//evil.example/oauth2/authorize?x=1', '/#/admin/users', '/oauth2/authorizeX?x', 'javascript:alert(1)']) {
        const { page, context } = await newPage(browser);
        const leaving = [];
        page.on('request', (r) => { if (!r.url().startsWith(URL_BASE)) leaving.push(r.url()); });
        await page.goto(`/#/login?return=${encodeURIComponent(bad)}`);
        await settled(page);
        assert.equal(await page.locator('#oidc-notice').count(), 0, bad);
        await page.getByLabel('Username or email').fill('bob');
        await page.getByLabel(/^Password/).fill('gatehouse-dev-password');
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.locator('#gh-nav a').first().waitFor({ state: 'attached' });
        assert.ok(page.url().startsWith(URL_BASE + '/#/'), `${bad}: ${page.url()}`);
        assert.deepEqual(leaving, [], bad);
        await context.close();
    }
});

test('the Applications page: create (the secret shown once), disable, rotate, delete', async () => {
    const { page, context, errors } = await newPage(browser);
    await signIn(page, 'admin');
    await page.locator('#gh-nav a[href="#/admin/clients"]').click();
    await page.locator('h1', { hasText: 'Applications' }).waitFor();
    const name = `Grafana ${crypto.randomBytes(2).toString('hex')}`;
    await page.getByRole('button', { name: 'New application' }).click();
    const d = page.getByRole('dialog');
    await d.getByLabel(/^Name/).fill(name);
    await d.getByLabel(/^Redirect URIs/).fill('https://grafana.example.com/login/generic_oauth');
    await d.getByLabel('Scope gatehouse').check();
    await d.getByRole('button', { name: 'Create application' }).click();
    const secret = page.getByRole('dialog').getByLabel('Client secret');
    await secret.waitFor();
    assert.equal((await secret.inputValue()).length, 43);
    await shot(page, 'oidc-clients-secret');
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    const row = page.locator('tr', { hasText: name });
    await row.waitFor();
    assert.match(await row.textContent(), /enabled/);
    await row.getByRole('button', { name: `Disable ${name}` }).click();
    await page.locator('tr', { hasText: name }).getByText('disabled').waitFor();
    await page.locator('tr', { hasText: name }).getByRole('button', { name: `Rotate secret of ${name}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
    await page.getByRole('dialog').getByLabel('Client secret').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    await page.locator('tr', { hasText: name }).getByRole('button', { name: `Delete ${name}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.locator('tr', { hasText: name }).waitFor({ state: 'detached' });
    await shot(page, 'oidc-clients');
    assert.deepEqual(errors, []);
    await context.close();
});
