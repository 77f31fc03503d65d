// Gatehouse as the OpenID Connect provider of an Apache site protected by mod_auth_openidc
// (issue 17; docs/oidc.md "Apache with mod_auth_openidc"): a relying party nobody here wrote,
// and a real browser. Chromium opens the protected page, is sent to Gatehouse, signs in (with
// and without a second factor), consents, and lands on the page with the claims Apache passes
// on; logout goes through RP-initiated logout and ends the Gatehouse session too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateSync } from 'otplib';
import { api, DEV_PASSWORD, launch, newPage, settled, shot, sql } from './lib.mjs';
import { createUser, deleteUser, mustLogin } from '../api/authlib.mjs';
import { freePort, haveApacheOidc, startApache } from '../oidc/apache-rp.mjs';

const skip = haveApacheOidc() ? false : 'apache2 with mod_auth_openidc is not installed (scripts/deps)';
const now = () => Math.floor(Date.now() / 1000);

let browser;
let apache;
let client;
let plain;
let mfaUser;
let secret;
let admin;

/** The environment the protected page printed, as an object. */
async function pageEnv(page) {
    const text = await page.locator('#env').textContent();
    const env = {};
    for (const line of text.split('\n')) {
        const i = line.indexOf('=');
        if (i > 0) env[line.slice(0, i).trim()] = line.slice(i + 1);
    }
    return env;
}

async function enrollTotp(user) {
    const l = await mustLogin(user.username);
    const s = await api('POST', '/api/v1/me/mfa/totp', { token: l.token });
    assert.equal(s.status, 201, `enrol: ${s.status}`);
    const c = await api('POST', '/api/v1/me/mfa/totp/confirm',
        { token: l.token, body: { code: generateSync({ secret: s.json.secret, epoch: now() - 30 }) } });
    assert.equal(c.status, 200, `confirm: ${c.status} ${c.json?.code}`);
    return s.json.secret;
}

/** From the protected page to Gatehouse's login page, signed in there, consent when asked. */
async function signInThroughApache(page, user, { code } = {}) {
    await page.goto(`${apache.base}/protected/`);
    await page.waitForURL(/\/#\/login/);
    await settled(page);
    await page.getByLabel('Username or email').fill(user.username);
    await page.getByLabel('Password').fill(DEV_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    if (code) {
        const box = page.getByLabel('Code from your authenticator app');
        await box.waitFor();
        await box.fill(code());
        await page.getByRole('button', { name: /verify|continue|sign in/i }).first().click();
    }
    // The consent page (the client is not first-party), then back to Apache.
    const allow = page.getByRole('button', { name: 'Allow' });
    await Promise.race([allow.waitFor({ timeout: 15000 }), page.waitForURL(`${apache.base}/protected/**`, { timeout: 15000 })]);
    if (page.url().startsWith(gatehouseOrigin())) {
        await shot(page, 'oidc-rp-consent');
        await allow.click();
    }
    await page.waitForURL(`${apache.base}/protected/**`);
    await page.locator('#env').waitFor();
}

const gatehouseOrigin = () => new URL(process.env.GH_URL).origin;

describe('Apache mod_auth_openidc signs people in with Gatehouse', { skip }, () => {
    before(async () => {
        browser = await launch();
        const port = await freePort();
        const base = `http://127.0.0.1:${port}`;
        const res = await api('POST', '/api/v1/clients', {
            token: (await mustLogin('admin')).token,
            body: {
                name: `apache-rp-${port}`,
                redirect_uris: [`${base}/protected/redirect_uri`],
                post_logout_redirect_uris: [`${base}/loggedout.html`],
                grant_types: ['authorization_code', 'refresh_token'],
                scopes: ['openid', 'profile', 'email', 'gatehouse'],
            },
        });
        assert.equal(res.status, 201, res.text);
        client = res.json;
        apache = await startApache({
            port, issuer: process.env.GH_URL, clientId: client.client_id, clientSecret: client.client_secret,
        });
        plain = await createUser('rpplain');
        admin = await createUser('rpadmin', 1, 'org_admin');
        mfaUser = await createUser('rpmfa');
        secret = await enrollTotp(mfaUser);
    });

    after(async () => {
        await browser?.close();
        await apache?.stop();
        for (const u of [plain, mfaUser, admin]) if (u) await deleteUser(u.id);
    });

    test('password sign-in, consent, and the claims Apache passes to the page', async () => {
        const { page, context, errors } = await newPage(browser);
        const authorize = [];
        page.on('request', (r) => { if (r.url().includes('/oauth2/authorize?')) authorize.push(new URL(r.url())); });
        await signInThroughApache(page, plain);
        // Apache sent the browser to the authorize endpoint with PKCE S256 and its exact redirect URI.
        assert.ok(authorize.length >= 1);
        assert.equal(authorize[0].origin, gatehouseOrigin());
        assert.equal(authorize[0].searchParams.get('client_id'), client.client_id);
        assert.equal(authorize[0].searchParams.get('code_challenge_method'), 'S256');
        assert.equal(authorize[0].searchParams.get('redirect_uri'), `${apache.base}/protected/redirect_uri`);
        const env = await pageEnv(page);
        assert.equal(env.REMOTE_USER, plain.username);
        assert.equal(env.OIDC_CLAIM_email, plain.email);
        assert.equal(env.OIDC_CLAIM_preferred_username, plain.username);
        assert.equal(env.OIDC_CLAIM_org, '1');
        assert.match(env.OIDC_CLAIM_roles, /member/);
        assert.equal(env.OIDC_CLAIM_iss, gatehouseOrigin());
        assert.equal(env.OIDC_CLAIM_aud, client.client_id);
        assert.equal(env.OIDC_CLAIM_amr, 'pwd');
        await shot(page, 'oidc-rp-protected');
        // A location for one role only (Require claim roles:org_admin): a member is refused.
        const admins = await page.goto(`${apache.base}/protected/admin/`);
        assert.equal(admins.status(), 401);
        // The consent is remembered: listed on the person's account.
        const l = await mustLogin(plain.username);
        const consents = await api('GET', '/api/v1/me/consents', { token: l.token });
        assert.ok(consents.json.items.some((c) => c.client_id === client.client_id));
        assert.deepEqual(errors, []);
        await context.close();
    });

    test('a second factor on the way: the ID token says so (amr otp, acr 2fa)', async () => {
        const { page, context } = await newPage(browser);
        await signInThroughApache(page, mfaUser, { code: () => generateSync({ secret }) });
        const env = await pageEnv(page);
        assert.equal(env.REMOTE_USER, mfaUser.username);
        assert.match(env.OIDC_CLAIM_amr, /otp/);
        assert.match(env.OIDC_CLAIM_amr, /pwd/);
        assert.notEqual(env.OIDC_CLAIM_acr, '1fa');
        await context.close();
    });

    test('an organization administrator passes the role-restricted location', async () => {
        const { page, context } = await newPage(browser);
        await signInThroughApache(page, admin);
        const r = await page.goto(`${apache.base}/protected/admin/`);
        assert.equal(r.status(), 200);
        assert.match(await page.locator('h1').textContent(), /org_admin only/);
        await context.close();
    });

    test('RP-initiated logout ends the Apache session and the Gatehouse session', async () => {
        const { page, context } = await newPage(browser);
        await signInThroughApache(page, plain);
        const sessionsBefore = await sql(
            `SELECT COUNT(*) FROM refresh_tokens WHERE user_id = ${plain.id} AND revoked_at IS NULL AND expires_at > NOW()`);
        await page.goto(`${apache.base}/protected/redirect_uri?logout=${encodeURIComponent(`${apache.base}/loggedout.html`)}`);
        await page.waitForURL(`${apache.base}/loggedout.html`);
        assert.ok(Number(sessionsBefore[0][0]) >= 1);
        // Back to the protected page: Apache has no session, and neither has Gatehouse: the login page.
        await page.goto(`${apache.base}/protected/`);
        await page.waitForURL(/\/#\/login/);
        assert.ok(page.url().startsWith(gatehouseOrigin()));
        await settled(page);
        await context.close();
    });
});
