// Invite from the console, read the link from the mail stub's directory, accept it in a second
// browser context (another person's browser), then sign in as the new account.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, newPage, shot, signIn, uniq, waitForMail } from './lib.mjs';

let browser;
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});

test('alice invites someone who accepts in another browser and signs in', async () => {
    const admin = await newPage(browser);
    await signIn(admin.page, 'alice');
    await admin.page.goto('/#/admin/invitations');
    const tag = uniq();
    const email = `invitee-${tag}@example.com`;
    const started = Date.now() - 1000;
    await admin.page.getByRole('button', { name: 'Invite' }).click();
    const dlg = admin.page.getByRole('dialog', { name: 'Invite someone' });
    await dlg.getByLabel('Email').fill(email);
    await dlg.getByRole('button', { name: 'Send invitation' }).click();
    await admin.page.locator('.notice', { hasText: `Sent: ${email}` }).waitFor();
    const row = admin.page.locator('tr', { hasText: email });
    await row.waitFor();
    assert.match(await row.textContent(), /pending/);
    // The link is not shown anywhere: only the mail has it.
    assert.doesNotMatch(await admin.page.content(), /accept-invitation\?token=/);
    await shot(admin.page, 'invitations');

    const mail = await waitForMail(new RegExp(`To: ${email.replace(/[.+]/g, '\\$&')}`), { since: started });
    const link = mail.match(/https?:\/\/\S+#\/accept-invitation\?token=[A-Za-z0-9_-]+/);
    assert.ok(link, 'the mail holds the link');

    // The invitee: a second browser context, no session, no shared memory.
    const guest = await newPage(browser);
    await guest.page.goto(link[0]);
    await guest.page.locator('h1', { hasText: 'Join Acme Corp' }).waitFor();
    assert.equal(await guest.page.getByLabel('Email').inputValue(), email);
    const username = `inv-${tag}`;
    await guest.page.getByLabel('Username').fill(username);
    await guest.page.getByLabel('First name').fill('Ivy');
    await guest.page.getByLabel('Last name').fill('Invitee');
    await guest.page.getByLabel(/^Password/).fill('copper lantern meadow 93');
    await guest.page.getByLabel('Repeat the password').fill('copper lantern meadow 93');
    await shot(guest.page, 'accept-invitation');
    await guest.page.getByRole('button', { name: 'Accept invitation' }).click();
    await guest.page.getByText(`Welcome, ${username}`).waitFor();
    await guest.page.getByRole('link', { name: 'Sign in' }).click();
    // The sign-in page is branded for the organization and has the username filled in.
    await guest.page.locator('h1', { hasText: 'Sign in to Acme Corp' }).waitFor();
    assert.equal(await guest.page.getByLabel('Username or email').inputValue(), username);
    await guest.page.getByLabel(/^Password/).fill('copper lantern meadow 93');
    await guest.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await guest.page.locator('#gh-nav a').first().waitFor();
    assert.match(await guest.page.locator('#gh-user-name').textContent(), new RegExp(`${username} · Acme Corp`));

    // The link is single-use.
    await guest.page.goto(link[0]);
    await guest.page.reload();
    const alert = guest.page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /already been accepted/);

    // Back in alice's browser the invitation is accepted.
    await admin.page.reload(); // a reload forgets the in-memory session: sign in again
    await signIn(admin.page, 'alice');
    await admin.page.goto('/#/admin/invitations?status=accepted');
    await admin.page.locator('tr', { hasText: email }).waitFor();
    await guest.context.close();
    await admin.context.close();
});
