// UI components and their role assignments: a platform administrator grants the member role the
// CREATE action of the Teams page; bob sees the New team button at his next click (the server
// still refuses the call: the component action shows a button, the permission allows the call),
// and loses it again when the grant is taken back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, launch, newPage, settled, shot, signIn } from './lib.mjs';
import { login } from '../api/lib.mjs';

let browser;
let memberId;
let adminToken;
before(async () => {
    browser = await launch();
    adminToken = (await login('admin')).token;
    const roles = await api('GET', '/api/v1/roles?limit=200', { token: adminToken });
    memberId = roles.json.items.find((r) => r.name === 'member' && r.organization_id === null).id;
});
after(async () => {
    await browser?.close();
    // Whatever happened, member does not keep the grant.
    await api('DELETE', `/api/v1/roles/${memberId}/components/team-management/CREATE`, { token: adminToken });
});

test('a component action granted in the console shows bob a button at once; revoked, it is gone', async () => {
    const admin = await newPage(browser);
    await signIn(admin.page, 'admin');
    await admin.page.goto('/#/admin/components');
    await admin.page.getByRole('navigation', { name: 'Components' }).getByRole('link', { name: 'Teams', exact: true }).click();
    await admin.page.locator('h2', { hasText: 'Teams' }).waitFor();
    const grant = admin.page.getByRole('checkbox', { name: 'member may CREATE Teams' });
    await grant.waitFor();
    assert.equal(await grant.isChecked(), false);
    assert.equal(await admin.page.getByRole('checkbox', { name: 'member may VIEW Teams' }).isChecked(), true);

    const bob = await newPage(browser);
    await signIn(bob.page, 'bob');
    await bob.page.goto('/#/admin/teams');
    await bob.page.locator('h1', { hasText: 'Teams' }).waitFor();
    assert.equal(await bob.page.getByRole('button', { name: 'New team' }).count(), 0);

    await grant.check();
    await admin.page.getByRole('status').filter({ hasText: 'Granted CREATE on Teams to member' }).waitFor();
    await shot(admin.page, 'components-assignments');

    // bob's next page change reads the navigation again.
    await bob.page.locator('#gh-nav a', { hasText: 'Users' }).click();
    await bob.page.locator('h1', { hasText: 'Users' }).waitFor();
    await bob.page.locator('#gh-nav a', { hasText: 'Teams' }).click();
    await settled(bob.page);
    await bob.page.getByRole('button', { name: 'New team' }).click();
    const dlg = bob.page.getByRole('dialog', { name: 'New team' });
    await dlg.getByLabel('Name').fill('Not allowed');
    await dlg.getByRole('button', { name: 'Create team' }).click();
    const alert = dlg.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /forbidden/);
    assert.match(await alert.textContent(), /HTTP 403/);
    await shot(bob.page, 'bob-button-but-403');
    await bob.page.keyboard.press('Escape');

    await grant.uncheck();
    await admin.page.getByRole('status').filter({ hasText: 'Revoked CREATE on Teams from member' }).waitFor();
    await bob.page.locator('#gh-nav a', { hasText: 'Users' }).click();
    await bob.page.locator('h1', { hasText: 'Users' }).waitFor();
    await bob.page.locator('#gh-nav a', { hasText: 'Teams' }).click();
    await bob.page.locator('h1', { hasText: 'Teams' }).waitFor();
    await settled(bob.page);
    assert.equal(await bob.page.getByRole('button', { name: 'New team' }).count(), 0);
    await bob.context.close();
    await admin.context.close();
});
