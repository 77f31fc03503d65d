// Verified email (issue 21, part 2) in the console: a member asks to change the address on the
// profile page, the link is read from the mail stub and opened in another browser context, the
// confirmation page switches the account to the new address, verified.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, newPage, shot, signIn, sql, uniq, waitForMail } from './lib.mjs';

let browser;
const names = [];
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
    for (const n of names) await sql(`DELETE FROM users WHERE username = '${n}'`);
});

test('a member changes the email address and confirms it from the mailed link', async () => {
    const name = `ui-email-${uniq()}`;
    names.push(name);
    await sql(`INSERT INTO users (username, email, first_name, last_name, full_name, password_hash, password_changed_at)
               SELECT '${name}', '${name}@acme.test', 'Em', 'Ail', 'Em Ail', password_hash, CURRENT_TIMESTAMP(6) FROM users WHERE username = 'bob';
               INSERT INTO user_organization (user_id, organization_id, is_primary) SELECT id, 1, 1 FROM users WHERE username = '${name}';
               INSERT INTO user_roles (user_id, role_id, organization_id)
               SELECT u.id, r.id, 1 FROM users u JOIN roles r ON r.name = 'member' AND r.organization_id IS NULL WHERE u.username = '${name}';`);
    const { page, context, errors } = await newPage(browser);
    await signIn(page, name);
    await page.goto('/#/account/profile');
    const section = page.locator('section.account-email');
    await section.waitFor();
    assert.match(await section.textContent(), /is not verified yet/);
    assert.equal(await section.getByRole('button', { name: 'Resend verification' }).count(), 1);

    const to = `${name}-new@example.com`;
    const started = Date.now() - 1000;
    await section.getByLabel('New email address').fill(to);
    await section.getByLabel('Current password').fill('gatehouse-dev-password');
    await section.getByRole('button', { name: 'Change email' }).click();
    await section.getByText(`Check ${to}`).waitFor();
    await shot(page, 'email-change-requested');

    const mail = await waitForMail(new RegExp(`To: ${to.replace(/[.+]/g, '\\$&')}`), { since: started });
    const link = mail.match(/https?:\/\/\S+#\/verify-email\?token=[A-Za-z0-9_-]+/);
    assert.ok(link, 'the mail holds the link');
    // The old address heard of it.
    await waitForMail(new RegExp(`To: ${name}@acme\\.test[\\s\\S]*${to.replace(/[.+]/g, '\\$&')}`), { since: started });

    // The mailbox owner: another browser context, no session.
    const guest = await newPage(browser);
    await guest.page.goto(link[0]);
    await guest.page.locator('h1', { hasText: 'Confirm your email address' }).waitFor();
    await guest.page.getByRole('button', { name: 'Confirm this address' }).click();
    await guest.page.getByText(`Your account now uses ${to}`).waitFor();
    await shot(guest.page, 'email-verified');

    // A second use says so.
    await guest.page.reload();
    await guest.page.getByRole('button', { name: 'Confirm this address' }).click();
    const alert = guest.page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /already used/);

    assert.equal((await sql(`SELECT email, email_verified_at IS NOT NULL FROM users WHERE username = '${name}'`))[0].join(' '), `${to} 1`);
    await page.reload(); // a reload forgets the in-memory session: sign in again
    await signIn(page, name);
    await page.goto('/#/account/profile');
    await section.waitFor();
    assert.match(await section.textContent(), new RegExp(`${to.replace(/[.+]/g, '\\$&')} is verified`));
    assert.equal(await section.getByRole('button', { name: 'Resend verification' }).count(), 0);
    assert.deepEqual(errors, []);
    await guest.context.close();
    await context.close();
});
