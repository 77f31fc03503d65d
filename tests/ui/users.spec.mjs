// Creating a user through the console, and an API refusal shown with its detail and field.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, launch, newPage, shot, signIn, sql, uniq } from './lib.mjs';

let browser;
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});

const PASSWORD = 'violet kettle harbour 47';

async function openCreate(page) {
    await page.goto('/#/admin/users');
    await page.getByRole('button', { name: 'New user' }).click();
    return page.getByRole('dialog', { name: 'New user' });
}

test('alice creates a user, who can then sign in', async () => {
    const { page, context, errors } = await newPage(browser);
    await signIn(page, 'alice');
    const name = `ui-${uniq()}`;
    const dlg = await openCreate(page);
    await dlg.getByLabel('Email').fill(`${name}@acme.test`);
    await dlg.getByLabel('Role').selectOption('member');
    await dlg.getByLabel('Username').fill(name);
    await dlg.getByLabel('First name').fill('Una');
    await dlg.getByLabel('Last name').fill('Interface');
    await dlg.getByLabel(/^Password/).fill(PASSWORD);
    await shot(page, 'users-create-dialog');
    await dlg.getByRole('button', { name: 'Create user' }).click();
    await page.locator('h1', { hasText: name }).waitFor();
    assert.match(page.url(), /#\/admin\/users\/\d+$/);
    assert.match(await page.locator('.kv').textContent(), /Una Interface/);
    assert.match(await page.locator('#main').textContent(), /enabled/);
    await shot(page, 'users-detail');

    // The list finds the new user by the start of the username.
    await page.goto(`/#/admin/users?q=${name}`);
    await page.locator('table a', { hasText: name }).waitFor();

    const r = await api('POST', '/api/v1/auth/login', { body: { login: name, password: PASSWORD } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.roles, ['member']);
    assert.deepEqual(errors, []);
    await context.close();
});

test('a refused create shows the problem detail and marks the field', async () => {
    const { page, context } = await newPage(browser);
    await signIn(page, 'alice');
    const dlg = await openCreate(page);
    await dlg.getByLabel('Email').fill(`someone-${uniq()}@acme.test`);
    await dlg.getByLabel('Username').fill('bob'); // taken
    await dlg.getByLabel(/^Password/).fill(PASSWORD);
    await dlg.getByRole('button', { name: 'Create user' }).click();
    const alert = dlg.getByRole('alert');
    await alert.waitFor();
    const text = await alert.textContent();
    assert.match(text, /conflict/);
    assert.match(text, /Field: username/);
    assert.equal(await dlg.getByLabel('Username').getAttribute('aria-invalid'), 'true');
    await shot(page, 'users-create-conflict');
    // Escape closes the dialog and nothing was created.
    await page.keyboard.press('Escape');
    assert.equal(await page.getByRole('dialog').count(), 0);
    await context.close();
});

test('a shared account: alice sees no account actions (and why), and suspends the membership in acme', async () => {
    const name = `ui-shared-${uniq()}`;
    // A member of acme who is also in globex: acme does not manage the account (issue 13).
    await sql(`INSERT INTO users (username, email, first_name, last_name, full_name, password_hash, password_changed_at)
               SELECT '${name}', '${name}@acme.test', 'Sha', 'Red', 'Sha Red', password_hash, CURRENT_TIMESTAMP(6) FROM users WHERE username = 'bob';
               INSERT INTO user_organization (user_id, organization_id, is_primary) SELECT id, 1, 1 FROM users WHERE username = '${name}';
               INSERT INTO user_organization (user_id, organization_id, is_primary) SELECT id, 2, 0 FROM users WHERE username = '${name}';`);
    const id = (await sql(`SELECT id FROM users WHERE username = '${name}'`))[0][0];
    const { page, context, errors } = await newPage(browser);
    await signIn(page, 'alice');
    await page.goto(`/#/admin/users/${id}`);
    await page.locator('h1', { hasText: name }).waitFor();
    const note = page.locator('[data-test=account-not-managed]');
    await note.waitFor();
    assert.match(await note.textContent(), /another organization/);
    for (const label of ['Edit', 'Disable', 'Lock', 'Expire password', 'Delete']) {
        assert.equal(await page.getByRole('button', { name: label, exact: true }).count(), 0, `no ${label} button`);
    }
    await shot(page, 'users-shared-account');
    await page.getByRole('button', { name: 'Suspend in this organization' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Suspend in this organization' }).click();
    await page.getByRole('button', { name: 'Reactivate in this organization' }).waitFor();
    assert.equal((await sql(`SELECT status FROM user_organization WHERE user_id = ${id} AND organization_id = 1`))[0][0], 'suspended');
    const r = await api('POST', '/api/v1/auth/login', { body: { login: name, password: 'gatehouse-dev-password', organization: 'acme' } });
    assert.equal(r.status, 403);
    assert.equal(r.json.code, 'membership_suspended');
    assert.deepEqual(errors, []);
    await context.close();
    await sql(`DELETE FROM users WHERE id = ${id}`);
});
