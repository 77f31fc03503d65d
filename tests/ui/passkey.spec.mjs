// Passkeys with a real browser (issue 16, part 2; docs/mfa.md "Passkeys"): Chromium's virtual
// authenticator (CDP WebAuthn domain) registers a passkey through the API from a page on
// http://localhost:PORT (the RP ID must be a domain: 127.0.0.1 is refused by the browser), then
// signs in with it without a username (discoverable) through the test-only routes that call
// the MFA login step's functions.  The server verifies what Chromium made.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, settled, shot, signIn, sql, URL_BASE } from './lib.mjs';
import { api, DEV_PASSWORD } from '../api/lib.mjs';
import { createUser, deleteUser, mustLogin } from '../api/authlib.mjs';

const LOCAL = `http://localhost:${new URL(URL_BASE).port}`;
let browser;
let user;

before(async () => {
    browser = await launch();
    user = await createUser('uipasskey');
});

after(async () => {
    await browser?.close();
    if (user) await deleteUser(user.id);
});

async function authenticatorPage() {
    const context = await browser.newContext({ baseURL: LOCAL });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
            protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
            hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true,
        },
    });
    await page.goto(`${LOCAL}/`);
    return { context, page };
}

// Runs in the page: base64url <-> ArrayBuffer around the WebAuthn calls.
const HELPERS = `
    window.b2a = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    window.a2b = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
`;

test('Chromium registers a passkey through the API and signs in with it', async () => {
    const s = await mustLogin(user.username);
    const { context, page } = await authenticatorPage();
    await page.addScriptTag({ content: HELPERS });

    const reg = await page.evaluate(async (token) => {
        const h = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
        const o = await (await fetch('/api/v1/me/mfa/webauthn/options', { method: 'POST', headers: h })).json();
        const cred = await navigator.credentials.create({ publicKey: {
            ...o,
            challenge: b2a(o.challenge),
            user: { ...o.user, id: b2a(o.user.id) },
            excludeCredentials: o.excludeCredentials.map((c) => ({ ...c, id: b2a(c.id) })),
        } });
        const r = await fetch('/api/v1/me/mfa/webauthn', { method: 'POST', headers: h, body: JSON.stringify({
            name: 'Chromium passkey',
            clientDataJSON: a2b(cred.response.clientDataJSON),
            attestationObject: a2b(cred.response.attestationObject),
            transports: cred.response.getTransports(),
        }) });
        return { status: r.status, body: await r.json(), rpId: o.rp.id };
    }, s.token);
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    assert.equal(reg.rpId, 'localhost');
    assert.equal(reg.body.name, 'Chromium passkey');
    assert.equal(reg.body.alg, -7);
    assert.equal(reg.body.uv, true);
    assert.deepEqual(reg.body.transports, ['internal']);

    const list = await api('GET', '/api/v1/me/mfa/webauthn', { token: s.token });
    assert.deepEqual(list.json.items.map((c) => c.name), ['Chromium passkey']);

    // Passwordless: no username, the authenticator offers its passkey for localhost.
    const key = `ui-${user.id}`;
    const signIn = await page.evaluate(async (k) => {
        const h = { 'Content-Type': 'application/json' };
        const o = await (await fetch('/api/v1/debug/webauthn/options', { method: 'POST', headers: h,
            body: JSON.stringify({ user: 0, key: k }) })).json();
        const a = await navigator.credentials.get({ publicKey: {
            challenge: b2a(o.challenge), rpId: o.rpId, userVerification: o.userVerification,
            allowCredentials: [] } });
        const r = await fetch('/api/v1/debug/webauthn/assert', { method: 'POST', headers: h,
            body: JSON.stringify({ user: 0, key: k, assertion: { id: a.id, type: a.type, response: {
                clientDataJSON: a2b(a.response.clientDataJSON),
                authenticatorData: a2b(a.response.authenticatorData),
                signature: a2b(a.response.signature),
                userHandle: a.response.userHandle ? a2b(a.response.userHandle) : null } } }) });
        return { status: r.status, body: await r.json() };
    }, key);
    assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
    assert.deepEqual(signIn.body, { user: user.id, uv: true });
    const after = await api('GET', '/api/v1/me/mfa/webauthn', { token: s.token });
    assert.notEqual(after.json.items[0].last_used_at, null);
    await context.close();
});

test('on 127.0.0.1 the browser itself refuses: the RP ID must be a domain', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal',
        hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } });
    await page.goto(`${URL_BASE}/`);
    const err = await page.evaluate(async () => {
        try {
            await navigator.credentials.create({ publicKey: { challenge: new Uint8Array(32),
                rp: { id: 'localhost', name: 'x' }, user: { id: new Uint8Array(8), name: 'x', displayName: 'x' },
                pubKeyCredParams: [{ type: 'public-key', alg: -7 }] } });
            return null;
        } catch (e) {
            return e.name;
        }
    });
    assert.equal(err, 'SecurityError');
    await context.close();
});

test('the console\'s security page adds, renames and removes a passkey, by keyboard-reachable controls', async () => {
    const u = await createUser('uipkconsole');
    try {
        const { context, page } = await authenticatorPage();
        await signIn(page, u.username);
        await page.goto(`${LOCAL}/#/account/security`);
        await settled(page);
        const section = page.getByRole('region', { name: 'Passkeys' });
        await section.getByText('You have no passkeys yet.').waitFor();
        await section.getByLabel('Passkey name').fill('Work laptop');
        await section.getByRole('button', { name: 'Add passkey' }).click();
        await page.getByRole('region', { name: 'Passkeys' }).getByRole('rowheader', { name: 'Work laptop' }).waitFor();
        await shot(page, 'passkeys-added');

        // Rename through the dialog, by keyboard.
        await page.getByRole('button', { name: 'Rename passkey Work laptop' }).focus();
        await page.keyboard.press('Enter');
        const dlg = page.getByRole('dialog', { name: 'Rename passkey Work laptop' });
        await dlg.getByLabel('Name').fill('Home laptop');
        await dlg.getByRole('button', { name: 'Rename' }).click();
        await page.getByRole('region', { name: 'Passkeys' }).getByRole('rowheader', { name: 'Home laptop' }).waitFor();

        // Removal asks for the password; a wrong one is shown in the dialog.
        await page.getByRole('button', { name: 'Remove passkey Home laptop' }).click();
        const rm = page.getByRole('dialog', { name: 'Remove passkey Home laptop?' });
        await rm.getByLabel('Current password').fill('wrong-password');
        await rm.getByRole('button', { name: 'Remove passkey' }).click();
        await rm.getByText('the password is wrong').first().waitFor();
        await rm.getByLabel('Current password').fill(DEV_PASSWORD);
        await rm.getByRole('button', { name: 'Remove passkey' }).click();
        await page.getByRole('region', { name: 'Passkeys' }).getByText('You have no passkeys yet.').waitFor();
        const s = await mustLogin(u.username);
        assert.deepEqual((await api('GET', '/api/v1/me/mfa/webauthn', { token: s.token })).json.items, []);
        await context.close();
    } finally {
        await deleteUser(u.id);
    }
});

test('the login page signs in with a passkey alone, and offers it as the second step', async () => {
    const u = await createUser('uipklogin');
    try {
        const { context, page } = await authenticatorPage();
        const tokens = [];
        page.on('request', (req) => {
            const a = req.headers().authorization;
            if (a && a.startsWith('Bearer ')) tokens.push(a.slice(7));
        });
        await signIn(page, u.username);
        await page.goto(`${LOCAL}/#/account/security`);
        await settled(page);
        const section = page.getByRole('region', { name: 'Passkeys' });
        await section.getByLabel('Passkey name').fill('Laptop');
        await section.getByRole('button', { name: 'Add passkey' }).click();
        await section.getByRole('rowheader', { name: 'Laptop' }).waitFor();

        // A new page load forgets the session (tokens live in memory): sign in with the passkey.
        await page.goto(`${LOCAL}/?again=1#/login`);
        await settled(page);
        tokens.length = 0;
        await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
        await page.locator('#gh-nav a').first().waitFor({ state: 'attached' });
        const claims = JSON.parse(Buffer.from(tokens[tokens.length - 1].split('.')[1], 'base64url').toString());
        assert.equal(claims.sub, String(u.id));
        assert.deepEqual(claims.amr, ['hwk', 'mfa']);
        await shot(page, 'passkey-signed-in');

        // With a password, the passkey is the second step.
        await page.goto(`${LOCAL}/?again=2#/login`);
        await settled(page);
        await page.getByLabel('Username or email').fill(u.username);
        await page.getByLabel('Password').fill(DEV_PASSWORD);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
        tokens.length = 0;
        await page.getByRole('button', { name: 'Use your passkey' }).click();
        await page.locator('#gh-nav a').first().waitFor({ state: 'attached' });
        const c2 = JSON.parse(Buffer.from(tokens[tokens.length - 1].split('.')[1], 'base64url').toString());
        assert.deepEqual(c2.amr, ['pwd', 'hwk', 'mfa']);
        await context.close();
    } finally {
        await deleteUser(u.id);
    }
});

test('a second passkey, the removal of one, and a cloned authenticator refused (counter regression)', async () => {
    const u = await createUser('uipkclone');
    try {
        const context = await browser.newContext({ baseURL: LOCAL });
        const page = await context.newPage();
        page.setDefaultTimeout(15000);
        const cdp = await context.newCDPSession(page);
        await cdp.send('WebAuthn.enable');
        const OPTS = { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
            isUserVerified: true, automaticPresenceSimulation: true };
        const addAuthenticator = async () => (await cdp.send('WebAuthn.addVirtualAuthenticator', { options: OPTS })).authenticatorId;
        const passkeys = () => page.getByRole('region', { name: 'Passkeys' });
        const addPasskey = async (name) => {
            await passkeys().getByLabel('Passkey name').fill(name);
            await passkeys().getByRole('button', { name: 'Add passkey' }).click();
            await passkeys().getByRole('rowheader', { name }).waitFor();
        };
        const passwordless = async (n) => {
            await page.goto(`${LOCAL}/?pl=${n}#/login`);
            await settled(page);
            await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
        };

        // The first authenticator and its passkey.
        const a = await addAuthenticator();
        await page.goto(`${LOCAL}/`);
        await signIn(page, u.username);
        await page.goto(`${LOCAL}/#/account/security`);
        await settled(page);
        await addPasskey('Phone');
        const [original] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId: a })).credentials;
        assert.ok(original && original.privateKey, 'the virtual authenticator holds the passkey');

        // Two sign-ins move the counter the server keeps.
        for (const n of [1, 2]) {
            await passwordless(n);
            await page.locator('#gh-nav a').first().waitFor({ state: 'attached' });
        }

        // A second authenticator registers a second passkey; then the first is removed again.
        await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: a });
        const b = await addAuthenticator();
        // The same page (a new load would forget the session): to the security page by its hash.
        await page.evaluate(() => { location.hash = '#/account/security'; });
        await passkeys().getByLabel('Passkey name').waitFor();
        await addPasskey('Security key');
        assert.equal(await passkeys().getByRole('rowheader').count(), 2);
        await page.getByRole('button', { name: 'Remove passkey Security key' }).click();
        const rm = page.getByRole('dialog', { name: 'Remove passkey Security key?' });
        await rm.getByLabel('Current password').fill(DEV_PASSWORD);
        await rm.getByRole('button', { name: 'Remove passkey' }).click();
        await passkeys().getByRole('rowheader', { name: 'Security key' }).waitFor({ state: 'detached' });
        assert.equal(await passkeys().getByRole('rowheader').count(), 1);
        await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: b });

        // A clone of the first authenticator as it was before those sign-ins: its counter is behind.
        const c = await addAuthenticator();
        await cdp.send('WebAuthn.addCredential', { authenticatorId: c, credential: { ...original, signCount: 0 } });
        await passwordless(3);
        const alert = page.getByRole('alert');
        await alert.waitFor();
        assert.equal(await page.locator('#gh-nav a').count(), 0, 'not signed in');
        const audited = await sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'mfa.webauthn.clone_suspected'
                                   AND (actor_user_id = ${u.id} OR target_id = '${u.id}')`);
        assert.ok(Number(audited[0][0]) >= 1, 'the clone is audited');
        await shot(page, 'passkey-clone-refused');
        await context.close();
    } finally {
        await deleteUser(u.id);
    }
});
