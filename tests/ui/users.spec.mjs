// Creating a user through the console, and an API refusal shown with its detail and field.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, launch, newPage, shot, signIn, uniq } from './lib.mjs';

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
