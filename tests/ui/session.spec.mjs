// The session: tokens only in memory, a refresh when the access token is refused as expired or
// revoked (then the request is sent again), and sign-out that ends the token on the server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, launch, newPage, signIn } from './lib.mjs';
import { login } from '../api/lib.mjs';

let browser;
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});

test('sign out calls the API; the old access token is refused afterwards', async () => {
    const { page, context, seen } = await newPage(browser);
    await signIn(page, 'carol');
    const token = seen.token;
    assert.equal((await api('GET', '/api/v1/me', { token })).status, 200);
    const logout = page.waitForRequest((r) => r.url().endsWith('/api/v1/auth/logout') && r.method() === 'POST');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await logout;
    await page.locator('h1', { hasText: /Sign in to/ }).waitFor();
    const r = await api('GET', '/api/v1/me', { token });
    assert.equal(r.status, 401);
    assert.equal(r.json.code, 'token_revoked');
    // Going back to a page asks for the password again.
    await page.goto('/#/admin/users');
    await page.getByLabel('Username or email').waitFor();
    await context.close();
});

test('no token is kept in storage: a reload asks for the password again', async () => {
    const { page, context, seen } = await newPage(browser);
    await signIn(page, 'carol');
    const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]));
    assert.ok(!stored.includes(seen.token.slice(0, 20)), 'the access token is not in storage');
    assert.doesNotMatch(stored, /refresh/i);
    await page.goto('/#/admin/teams');
    await page.locator('h1', { hasText: 'Teams' }).waitFor();
    await page.reload();
    await page.getByLabel('Username or email').waitFor();
    // After signing in again the console goes back to the page that was asked for.
    await page.getByLabel('Username or email').fill('carol');
    await page.getByLabel(/^Password/).fill('gatehouse-dev-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('h1', { hasText: 'Teams' }).waitFor();
    await context.close();
});

test('a revoked access token (roles changed) is refreshed once and the request sent again', async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, 'carol');
    const calls = [];
    page.on('request', (r) => calls.push(`${r.method()} ${new URL(r.url()).pathname}`));
    // An administrator grants carol her role again: her permission_version moves (even for a
    // role she holds), so her access token answers token_revoked.
    const { token } = await login('alice');
    const r = await api('POST', '/api/v1/users/4/roles', { token, body: { role: 'member' } });
    assert.equal(r.status, 200);
    await page.locator('#gh-nav a', { hasText: 'Teams' }).click();
    await page.locator('h1', { hasText: 'Teams' }).waitFor();
    assert.ok(calls.includes('POST /api/v1/auth/refresh'), calls.join(', '));
    assert.equal(calls.filter((c) => c === 'POST /api/v1/auth/refresh').length, 1);
    assert.equal(await page.locator('.problem').count(), 0);
    await context.close();
});

test('an expired access token is refreshed once and the request sent again', async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, 'carol');
    await page.locator('#gh-nav a', { hasText: 'Teams' }).click();
    await page.locator('h1', { hasText: 'Teams' }).waitFor();
    // The server decides expiry from the token's exp; to see the client's side without waiting
    // for it, the next /me answers as the server does for an expired token.
    let answered = false;
    await context.route('**/api/v1/me', async (route) => {
        if (answered) return route.continue();
        answered = true;
        return route.fulfill({
            status: 401,
            contentType: 'application/problem+json',
            headers: { 'WWW-Authenticate': 'Bearer realm="gatehouse"' },
            body: JSON.stringify({ type: 'https://gatehouse.dev/problems/token_expired', title: 'Token expired', status: 401, code: 'token_expired', detail: 'the access token has expired' }),
        });
    });
    const calls = [];
    page.on('request', (r) => calls.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await page.locator('#gh-nav a', { hasText: 'Profile' }).click();
    await page.locator('h1', { hasText: 'Profile' }).waitFor();
    await page.locator('.kv').waitFor();
    assert.match(await page.locator('.kv').textContent(), /carol/);
    assert.deepEqual(calls.filter((c) => c.includes('/me') || c.includes('refresh')).filter((c) => c !== 'GET /api/v1/me/navigation'),
        ['GET /api/v1/me', 'POST /api/v1/auth/refresh', 'GET /api/v1/me']);
    await context.close();
});
