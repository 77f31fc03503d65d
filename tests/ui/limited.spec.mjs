// A limited role (bob, member of acme) sees only its menu items and no buttons for actions it
// does not hold; calling such an action anyway is refused by the API with 403.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, newPage, shot, signIn } from './lib.mjs';

let browser;
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});

test('bob sees only his menu items and no create, edit or delete buttons', async () => {
    const { page, context, errors } = await newPage(browser);
    await signIn(page, 'bob');
    assert.deepEqual(await page.locator('#gh-nav .nav__heading').allTextContents(), ['My account', 'Directory']);
    assert.deepEqual(await page.locator('#gh-nav a').allTextContents(),
        ['Profile', 'Password and sessions', 'Users', 'Organizations', 'Teams']);

    await page.locator('#gh-nav a', { hasText: 'Users' }).click();
    await page.locator('h1', { hasText: 'Users' }).waitFor();
    await page.locator('table').waitFor();
    assert.equal(await page.getByRole('button', { name: 'New user' }).count(), 0);
    await shot(page, 'bob-users');

    await page.goto('/#/admin/users/4');
    await page.locator('h1', { hasText: 'carol' }).waitFor();
    for (const name of ['Edit', 'Disable', 'Lock', 'End sessions', 'Delete']) {
        assert.equal(await page.getByRole('button', { name }).count(), 0, `button ${name}`);
    }

    await page.goto('/#/admin/teams/1');
    await page.locator('h1', { hasText: 'Platform' }).waitFor();
    await page.locator('table').waitFor();
    for (const name of ['Edit', 'Delete', 'Add member', 'Remove', 'Make lead']) {
        assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `button ${name}`);
    }
    await page.goto('/#/admin/teams');
    await page.locator('h1', { hasText: 'Teams' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'New team' }).count(), 0);

    await page.goto('/#/admin/organizations/1');
    await page.locator('h1', { hasText: 'Acme Corp' }).waitFor();
    await page.locator('table').waitFor();
    for (const name of ['Edit', 'Delete', 'Add member', 'Remove', 'Make primary']) {
        assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `button ${name}`);
    }

    // A page outside the menu, typed into the address bar.
    await page.goto('/#/admin/roles');
    await page.locator('h1', { hasText: 'Not available' }).waitFor();
    assert.equal(await page.locator('table').count(), 0);
    await shot(page, 'bob-not-available');
    assert.deepEqual(errors, []);
    await context.close();
});

test('bob calling a hidden action anyway gets 403 forbidden from the API', async () => {
    const { page, context, seen } = await newPage(browser);
    await signIn(page, 'bob');
    assert.ok(seen.token, 'the console sent a bearer token');
    const calls = await page.evaluate(async (token) => {
        const call = async (method, path, body) => {
            const r = await fetch(path, {
                method,
                headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
                body: body ? JSON.stringify(body) : undefined,
            });
            const j = await r.json().catch(() => ({}));
            return [method, path, r.status, j.code];
        };
        return [
            await call('POST', '/api/v1/users', { username: 'sneaky', email: 'sneaky@acme.test', password: 'a long enough password 1' }),
            await call('DELETE', '/api/v1/teams/1'),
            await call('PUT', '/api/v1/roles/3/permissions', { permissions: ['self.read'] }),
            await call('GET', '/api/v1/audit-events'),
        ];
    }, seen.token);
    for (const [method, path, status, code] of calls) {
        assert.equal(status, 403, `${method} ${path}`);
        assert.equal(code, 'forbidden', `${method} ${path}`);
    }
    await context.close();
});
