// Settings admin API (issue 5): organization policies (typed, validated, and enforced by login,
// refresh and password changes), organization themes (public by slug, ETag, 304, cache headers)
// and the audit log (filters, keyset pagination newest first, organization scoping).
//
// Everything runs in an organization created for the run (st-<run>) with its own users, so the
// seeded organizations keep their policies; the organization and its users are removed at the end
// (policies and theme go with it; audit rows stay, as they must).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { api, sql, sqlValue, DEV_PASSWORD, STACK_DIR } from './lib.mjs';
import { authLogin, confNumber, decodeJwt, refresh, uniq, ME_PASSWORD } from './authlib.mjs';
import {
    Client, ORG, desc, expectStatus, expectProblem, expectValidation, expectForbidden,
    expectNotFound, expectETag, expectAudit, expectNoSuccessAudit,
} from './authzlib.mjs';

const RUN = uniq();
const SLUG = `st-${RUN}`;
const policiesPath = (org) => `/api/v1/organizations/${org}/policies`;
const policyPath = (org, kind) => `/api/v1/organizations/${org}/policies/${kind}`;
const themePath = (org) => `/api/v1/organizations/${org}/theme`;
const publicTheme = (slug) => `/api/v1/themes/${slug}`;
const AUDIT = '/api/v1/audit-events';

let org; // id of the run's organization
const users = []; // ids to delete at the end

/** A user of the run's organization (primary) with role, signing in with the dev password. */
async function orgUser(tag, role = 'member') {
    const username = `st-${RUN}-${tag}`;
    await sql(
        `INSERT INTO users (username, email, first_name, last_name, full_name, password_hash, role_id,
                            password_changed_at)
         SELECT '${username}', '${username}@st.test', 'Settings', 'Test', 'Settings Test', b.password_hash,
                b.role_id, CURRENT_TIMESTAMP(6)
         FROM users b WHERE b.username = 'bob';
         INSERT INTO user_organization (user_id, organization_id, is_primary)
         SELECT id, ${org}, 1 FROM users WHERE username = '${username}';
         INSERT INTO user_roles (user_id, role_id, organization_id)
         SELECT u.id, r.id, ${org} FROM users u JOIN roles r ON r.name = '${role}' AND r.organization_id IS NULL
         WHERE u.username = '${username}';`,
    );
    const id = Number(await sqlValue(`SELECT id FROM users WHERE username = '${username}'`));
    users.push(id);
    return { id, username };
}

let stAdmin; // org_admin of the run's organization
let stAdminUser;
const admin = new Client('admin', { autoRelogin: true }); // platform_admin
const alice = new Client('alice'); // org_admin of acme
const bob = new Client('bob'); // member of acme

before(async () => {
    await sql(`INSERT INTO organization (slug, name, description) VALUES ('${SLUG}', 'Settings ${RUN}', 'settings tests')`);
    org = Number(await sqlValue(`SELECT id FROM organization WHERE slug = '${SLUG}'`));
    stAdminUser = await orgUser('admin', 'org_admin');
    stAdmin = new Client(stAdminUser.username);
});

after(async () => {
    if (users.length) await sql(`DELETE FROM users WHERE id IN (${users.join(',')})`);
    if (org) await sql(`DELETE FROM organization WHERE id = ${org}`);
});

/** PUT a policy as the run's org admin; throws unless 200. Returns the policy. */
async function setPolicy(kind, settings, client = stAdmin) {
    const res = await client.put(policyPath(org, kind), { settings });
    expectStatus(res, 200, `PUT ${kind} ${JSON.stringify(settings)}`);
    return res.json;
}

const DEFAULTS = () => ({
    password: {
        min_length: confNumber('password_min_length', 12),
        max_length: confNumber('password_max_length', 128),
        password_reset_requires_verified_email: false,
    },
    session: {
        access_token_ttl: confNumber('access_token_ttl', 900),
        refresh_token_ttl: confNumber('refresh_token_ttl', 2592000),
        absolute_session_ttl: confNumber('session_absolute_ttl', 7776000),
        require_verified_email_to_sign_in: false,
        end_access_on_switch: false,
        users_change_username: false,
    },
    lockout: {
        threshold: confNumber('lockout_threshold', 5),
        period: confNumber('lockout_period', 900),
    },
    invitation: { allowed_domains: [], ttl: confNumber('invitation_ttl', 604800) },
    // The MFA policy (issue 16, docs/mfa.md).
    mfa: {
        mode: 'optional',
        roles: [],
        grace_period_days: confNumber('mfa_grace_period_days', 7),
        step_up_admin: false,
    },
});

describe('policies: read', () => {
    test('an organization without stored policies shows the configuration, kind by kind', async () => {
        const res = await stAdmin.get(policiesPath(org));
        const j = expectStatus(res, 200);
        assert.equal(j.next_cursor, null);
        assert.deepEqual(j.items.map((p) => p.kind), ['password', 'session', 'lockout', 'invitation', 'mfa']);
        const defs = DEFAULTS();
        for (const p of j.items) {
            assert.equal(p.organization_id, org);
            assert.deepEqual(p.settings, defs[p.kind], `${p.kind} effective values`);
            assert.deepEqual(p.overrides, {}, `${p.kind} has no overrides`);
            for (const k of ['created_at', 'updated_at', 'created_by', 'updated_by']) assert.equal(p[k], null, k);
        }
    });

    test('one policy: 200 with a strong ETag, equal to its list entry; unknown kind 404', async () => {
        const list = (await stAdmin.get(policiesPath(org))).json.items;
        for (const kind of ['password', 'session', 'lockout', 'invitation', 'mfa']) {
            const res = await stAdmin.get(policyPath(org, kind));
            expectStatus(res, 200, kind);
            expectETag(res, kind);
            assert.deepEqual(res.json, list.find((p) => p.kind === kind));
        }
        expectNotFound(await stAdmin.get(policyPath(org, 'composition')));
        expectNotFound(await stAdmin.get(policyPath(org, 'Password')));
    });

    test('tenancy: another organization answers 404; platform callers read any; members lack policies.read', async () => {
        expectNotFound(await stAdmin.get(policiesPath(ORG.acme)), 'st admin on acme:');
        expectNotFound(await stAdmin.get(policyPath(ORG.acme, 'password')), 'st admin on acme password:');
        expectNotFound(await alice.get(policiesPath(org)), 'alice on the run org:');
        expectNotFound(await alice.get(policyPath(org, 'session')), 'alice on the run org session:');
        expectStatus(await admin.get(policiesPath(org)), 200, 'platform admin:');
        expectStatus(await admin.get(policyPath(ORG.globex, 'lockout')), 200, 'platform admin on globex:');
        expectNotFound(await admin.get(policiesPath(999999999)), 'no such organization:');
        expectNotFound(await admin.get('/api/v1/organizations/abc/policies'), 'id not a number:');
        expectForbidden(await bob.get(policiesPath(ORG.acme)), 'member:');
        expectForbidden(await bob.put(policyPath(ORG.acme, 'password'), { settings: {} }), 'member PUT:');
    });
});

describe('policies: validation (400 naming the field, nothing stored)', () => {
    const cases = [
        ['password', { min_length: 7 }, 'settings.min_length'],
        ['password', { min_length: 129 }, 'settings.min_length'],
        ['password', { min_length: '12' }, 'settings.min_length'],
        ['password', { min_length: 12.5 }, 'settings.min_length'],
        ['password', { max_length: 63 }, 'settings.max_length'], // ASVS: at least 64 allowed
        ['password', { max_length: 1025 }, 'settings.max_length'],
        ['password', { min_length: 100, max_length: 64 }, 'settings.min_length'],
        ['password', { require_uppercase: true }, 'settings.require_uppercase'], // no composition rules
        ['password', { require_digit: true }, 'settings.require_digit'],
        ['password', { ttl: 3600 }, 'settings.ttl'],
        ['session', { access_token_ttl: 59 }, 'settings.access_token_ttl'],
        ['session', { access_token_ttl: 86401 }, 'settings.access_token_ttl'],
        ['session', { refresh_token_ttl: 299 }, 'settings.refresh_token_ttl'],
        ['session', { refresh_token_ttl: 100000, absolute_session_ttl: 3600 }, 'settings.absolute_session_ttl'],
        ['session', { absolute_session_ttl: true }, 'settings.absolute_session_ttl'],
        ['lockout', { threshold: 0 }, 'settings.threshold'],
        ['lockout', { threshold: 101 }, 'settings.threshold'],
        ['lockout', { period: 59 }, 'settings.period'],
        ['lockout', { period: 86401 }, 'settings.period'],
        ['lockout', { duration: 60 }, 'settings.duration'],
        ['invitation', { ttl: 3599 }, 'settings.ttl'],
        ['invitation', { ttl: 2592001 }, 'settings.ttl'],
        ['invitation', { allowed_domains: 'example.com' }, 'settings.allowed_domains'],
        ['invitation', { allowed_domains: ['example.com', 7] }, 'settings.allowed_domains'],
        ['invitation', { allowed_domains: ['localhost'] }, 'settings.allowed_domains'],
        ['invitation', { allowed_domains: ['-bad.example'] }, 'settings.allowed_domains'],
        ['invitation', { allowed_domains: ['bad-.example'] }, 'settings.allowed_domains'],
        ['invitation', { allowed_domains: ['a..example'] }, 'settings.allowed_domains'],
        ['invitation', { allowed_domains: ['user@example.com'] }, 'settings.allowed_domains'],
        ['invitation', { allowed_domains: ['exa mple.com'] }, 'settings.allowed_domains'],
        ['invitation', { allowed_domains: Array.from({ length: 101 }, (_, i) => `d${i}.example`) }, 'settings.allowed_domains'],
    ];
    for (const [kind, settings, field] of cases) {
        test(`${kind} ${JSON.stringify(settings).slice(0, 60)} -> ${field}`, async () => {
            const res = await stAdmin.put(policyPath(org, kind), { settings });
            expectValidation(res, field, `${kind} ${JSON.stringify(settings).slice(0, 80)}:`);
            await expectNoSuccessAudit(res);
        });
    }

    test('body: settings required and an object; unknown members refused', async () => {
        expectValidation(await stAdmin.put(policyPath(org, 'password'), {}), 'settings');
        expectValidation(await stAdmin.put(policyPath(org, 'password'), { settings: null }), 'settings');
        expectValidation(await stAdmin.put(policyPath(org, 'password'), { settings: [] }), 'settings');
        expectValidation(await stAdmin.put(policyPath(org, 'password'), { settings: 12 }), 'settings');
        expectValidation(await stAdmin.put(policyPath(org, 'password'), { settings: {}, kind: 'password' }), 'kind');
        expectProblem(await stAdmin.put(policyPath(org, 'password'), undefined), 400, 'body_required');
        expectNotFound(await stAdmin.put(policyPath(org, 'composition'), { settings: {} }));
    });

    test('none of the refused values was stored', async () => {
        assert.equal(Number(await sqlValue(`SELECT COUNT(*) FROM policy WHERE organization_id = ${org}`)), 0);
    });
});

describe('policies: update', () => {
    test('PUT stores the values given, GET shows them over the defaults, with a new ETag; audited', async () => {
        const before = await stAdmin.get(policyPath(org, 'invitation'));
        const tag0 = expectETag(before);
        const res = await stAdmin.put(
            policyPath(org, 'invitation'),
            { settings: { allowed_domains: ['Example.COM', 'st.test', 'example.com'], ttl: 7200 } },
            { headers: { 'If-Match': tag0 } },
        );
        const j = expectStatus(res, 200);
        const tag1 = expectETag(res);
        assert.notEqual(tag1, tag0);
        assert.deepEqual(j.settings, { allowed_domains: ['example.com', 'st.test'], ttl: 7200 });
        assert.deepEqual(j.overrides, { allowed_domains: ['example.com', 'st.test'], ttl: 7200 });
        assert.equal(j.created_by, stAdminUser.id);
        assert.equal(j.updated_by, stAdminUser.id);
        assert.match(j.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
        const row = await expectAudit(res, 'policy.update', { actor: stAdminUser.id });
        assert.equal(row.target_id, String(org));
        const again = await stAdmin.get(policyPath(org, 'invitation'));
        assert.deepEqual(again.json, j);
        assert.equal(again.headers.get('etag'), tag1);
    });

    test('a stale If-Match is 412 with the current ETag, and nothing changes', async () => {
        const cur = await stAdmin.get(policyPath(org, 'invitation'));
        const res = await stAdmin.put(policyPath(org, 'invitation'), { settings: { ttl: 3600 } },
            { headers: { 'If-Match': '"0123456789abcdef0123456789abcdef"' } });
        expectProblem(res, 412, 'precondition_failed');
        assert.equal(res.headers.get('etag'), cur.headers.get('etag'));
        await expectNoSuccessAudit(res);
        assert.deepEqual((await stAdmin.get(policyPath(org, 'invitation'))).json, cur.json);
    });

    test('PUT replaces: keys left out or null fall back to the configuration', async () => {
        const j = await setPolicy('invitation', { ttl: null });
        assert.deepEqual(j.overrides, {});
        assert.deepEqual(j.settings, DEFAULTS().invitation);
    });

    test('another organization cannot be changed (404), a platform admin can change any', async () => {
        const res = await stAdmin.put(policyPath(ORG.acme, 'lockout'), { settings: { threshold: 3 } });
        expectNotFound(res);
        await expectNoSuccessAudit(res);
        expectNotFound(await alice.put(policyPath(org, 'lockout'), { settings: { threshold: 3 } }));
        const j = await setPolicy('lockout', { threshold: 9 }, admin);
        assert.equal(j.settings.threshold, 9);
        assert.equal(j.updated_by, 1);
        await setPolicy('lockout', {});
    });
});

describe('policies: enforced', () => {
    test('session access_token_ttl 120: login answers expires_in 120 and a token living 120 s; so does refresh', async () => {
        await setPolicy('session', { access_token_ttl: 120, refresh_token_ttl: 3600, absolute_session_ttl: 7200 });
        const u = await orgUser('ttl');
        const res = await authLogin(u.username);
        expectStatus(res, 200, 'login:');
        assert.equal(res.json.expires_in, 120);
        const rei = res.json.refresh_expires_in ?? 3600;
        assert.ok(rei >= 3590 && rei <= 3600, `refresh_expires_in ${rei} follows refresh_token_ttl 3600`);
        const c = decodeJwt(res.token).payload;
        assert.equal(c.exp - c.iat, 120);
        assert.equal(c.org, org);
        const r2 = await refresh(res.refresh);
        expectStatus(r2, 200, 'refresh:');
        assert.equal(r2.json.expires_in, 120);
        const c2 = decodeJwt(r2.token).payload;
        assert.equal(c2.exp - c2.iat, 120);
        const exp = await sqlValue(
            `SELECT TIMESTAMPDIFF(SECOND, issued_at, session_expires_at) FROM refresh_tokens
             WHERE user_id = ${u.id} ORDER BY id LIMIT 1`);
        assert.equal(Number(exp), 7200, 'absolute_session_ttl bounds the session');
    });

    test('a change reaches every worker at once (policy:gen): ten logins all see the new lifetime', async () => {
        const u = await orgUser('gen');
        await setPolicy('session', { access_token_ttl: 120 });
        for (let i = 0; i < 6; i++) assert.equal((await authLogin(u.username)).json.expires_in, 120);
        await setPolicy('session', { access_token_ttl: 180 });
        for (let i = 0; i < 10; i++) {
            const r = await authLogin(u.username);
            assert.equal(r.json.expires_in, 180, `login ${i} after the change: ${desc(r)}`);
        }
        await setPolicy('session', {});
        assert.equal((await authLogin(u.username)).json.expires_in, confNumber('access_token_ttl', 900));
    });

    test('lockout threshold 2: the account locks after 2 failures (423 with the policy period)', async () => {
        await setPolicy('lockout', { threshold: 2, period: 60 });
        const u = await orgUser('lock');
        expectProblem(await authLogin(u.username, 'wrong-password-1'), 401, 'invalid_credentials', 'failure 1:');
        const one = await authLogin(u.username);
        expectStatus(one, 200, 'one failure does not lock:');
        expectProblem(await authLogin(u.username, 'wrong-password-2'), 401, 'invalid_credentials', 'failure 1 again:');
        expectProblem(await authLogin(u.username, 'wrong-password-3'), 401, 'invalid_credentials', 'failure 2:');
        const locked = await authLogin(u.username);
        expectProblem(locked, 423, 'account_locked', 'right password after 2 failures:');
        const ra = Number(locked.headers.get('retry-after'));
        assert.ok(ra >= 50 && ra <= 60, `Retry-After ${ra} follows the policy period of 60 s`);
        assert.equal(await sqlValue(`SELECT is_account_non_locked FROM users WHERE id = ${u.id}`), '0');
        await setPolicy('lockout', {});
    });

    test('password min_length 20 refuses a 15-character new password on /me/password; 20 are fine', async () => {
        await setPolicy('password', { min_length: 20 });
        const u = await orgUser('pw');
        const c = new Client(u.username);
        const short = await c.post(ME_PASSWORD, { current_password: DEV_PASSWORD, new_password: 'fifteen-chars-x' });
        const p = expectProblem(short, 400, 'password_policy', '15 characters:');
        assert.equal(p.field, 'new_password');
        assert.match(p.detail, /20/);
        const ok = await c.post(ME_PASSWORD, { current_password: DEV_PASSWORD, new_password: 'twenty-characters-ok' });
        expectStatus(ok, 200, '20 characters:');
        await setPolicy('password', {});
    });

    test('a common password is refused whatever its case; max_length policy applies', async () => {
        await setPolicy('password', { min_length: 8, max_length: 64 });
        const u = await orgUser('common');
        const c = new Client(u.username);
        for (const pw of ['password123', 'PassWord2024', 'QWERTYUIOP123', 'iloveyou1']) {
            const res = await c.post(ME_PASSWORD, { current_password: DEV_PASSWORD, new_password: pw });
            const p = expectProblem(res, 400, 'password_policy', `${pw}:`);
            assert.equal(p.field, 'new_password');
            assert.match(p.detail, /common/);
        }
        const long = await c.post(ME_PASSWORD, { current_password: DEV_PASSWORD, new_password: 'y'.repeat(65) });
        expectProblem(long, 400, 'password_policy', '65 characters with max_length 64:');
        const ok = await c.post(ME_PASSWORD, { current_password: DEV_PASSWORD, new_password: 'tulip-gravel-7' });
        expectStatus(ok, 200, 'an uncommon 14-character password:');
        await setPolicy('password', {});
    });

    test('the shipped list holds at least 500 lower-case entries', () => {
        const file = path.join(process.env.GH_REPO ?? path.resolve(STACK_DIR, '..'), 'data', 'common-passwords.txt');
        const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
        assert.ok(lines.length >= 500, `${lines.length} entries`);
        for (const l of lines) assert.equal(l, l.toLowerCase(), `lower case: ${l}`);
    });
});

describe('themes', () => {
    test('public GET by slug: no token, 200 with every field, strong ETag, Cache-Control public max-age=60', async () => {
        const res = await api('GET', publicTheme(SLUG));
        expectStatus(res, 200);
        expectETag(res);
        assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
        assert.deepEqual(res.json, {
            organization: { slug: SLUG, name: `Settings ${RUN}` },
            primary_color: null, secondary_color: null, accent_color: null, background_color: null,
            text_color: null, logo_ref: null, favicon_ref: null,
        });
    });

    test('If-None-Match: the current tag (strong, weak, in a list, or *) is 304 without a body; another is 200', async () => {
        const res = await api('GET', publicTheme(SLUG));
        const tag = res.headers.get('etag');
        for (const inm of [tag, `W/${tag}`, `"nope", ${tag}`, '*']) {
            const r = await api('GET', publicTheme(SLUG), { headers: { 'If-None-Match': inm } });
            assert.equal(r.status, 304, `If-None-Match ${inm}: ${desc(r)}`);
            assert.equal(r.text, '');
            assert.equal(r.headers.get('etag'), tag);
            assert.equal(r.headers.get('cache-control'), 'public, max-age=60');
        }
        const other = await api('GET', publicTheme(SLUG), { headers: { 'If-None-Match': '"0000"' } });
        expectStatus(other, 200);
        const head = await api('HEAD', publicTheme(SLUG));
        expectStatus(head, 200, 'HEAD:');
        assert.equal(head.headers.get('etag'), tag);
    });

    test('unknown slug: 404 problem, not cacheable', async () => {
        const res = await api('GET', publicTheme(`no-such-${RUN}`));
        expectNotFound(res);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        expectNotFound(await api('GET', publicTheme('x'.repeat(65))));
    });

    test('PUT: validated, answers the public representation and its ETag; the old tag no longer matches; audited', async () => {
        const old = await api('GET', publicTheme(SLUG));
        const body = {
            primary_color: '#1F6FEB', secondary_color: '#6e7781', accent_color: '#bf3989',
            background_color: '#ffffff', text_color: '#1f2328',
            logo_ref: `/assets/themes/${SLUG}/logo.svg`, favicon_ref: 'https://cdn.example.com/st/favicon.ico',
        };
        const res = await stAdmin.put(themePath(org), body, { headers: { 'If-Match': old.headers.get('etag') } });
        const j = expectStatus(res, 200);
        const tag = expectETag(res);
        assert.equal(j.primary_color, '#1f6feb', 'colors are kept in lower case');
        await expectAudit(res, 'theme.update', { actor: stAdminUser.id });
        const pub = await api('GET', publicTheme(SLUG));
        assert.deepEqual(pub.json, j);
        assert.equal(pub.headers.get('etag'), tag);
        const stale = await api('GET', publicTheme(SLUG), { headers: { 'If-None-Match': old.headers.get('etag') } });
        expectStatus(stale, 200, 'the old tag:');
        assert.equal(await sqlValue(`SELECT updated_by FROM org_theme WHERE organization_id = ${org}`), String(stAdminUser.id));
    });

    test('PUT replaces the theme: fields left out become null', async () => {
        const res = await stAdmin.put(themePath(org), { primary_color: '#000000' });
        const j = expectStatus(res, 200);
        assert.equal(j.primary_color, '#000000');
        assert.equal(j.logo_ref, null);
        assert.equal(j.text_color, null);
    });

    const bad = [
        ['primary_color', 'red'], ['primary_color', '#12345'], ['primary_color', '#1234567'], ['primary_color', '#12345g'],
        ['text_color', 'rgb(0,0,0)'], ['accent_color', 12], ['background_color', '#fff'],
        ['logo_ref', 'javascript:alert(1)'], ['logo_ref', 'JavaScript:alert(1)'],
        ['logo_ref', 'data:image/svg+xml;base64,PHN2Zz4='], ['logo_ref', 'http://cdn.example.com/logo.png'],
        ['logo_ref', '/assets/themes/../../etc/passwd'], ['logo_ref', '/assets/themes/a/../../b.png'],
        ['logo_ref', '/assets/themes/'], ['logo_ref', '/assets/other/logo.png'], ['logo_ref', 'assets/themes/logo.png'],
        ['logo_ref', '/assets/themes/a%2e%2e/b.png'], ['logo_ref', '/assets/themes/a b.png'],
        ['logo_ref', '/assets/themes/a\\b.png'], ['logo_ref', '/assets/themes//b.png'],
        ['favicon_ref', 'https://evil.example/../x.ico'], ['favicon_ref', 'https://user@evil.example/x.ico'],
        ['favicon_ref', 'https://cdn.example.com/a%2E%2E/x.ico'], ['favicon_ref', 'https://'],
        ['favicon_ref', 'https://cdn.example.com/x.ico"onload="x'], ['favicon_ref', `https://cdn.example.com/${'a'.repeat(520)}`],
        ['favicon_ref', '//cdn.example.com/x.ico'], ['favicon_ref', ''],
    ];
    for (const [field, value] of bad) {
        test(`PUT ${field} ${JSON.stringify(value).slice(0, 50)} -> 400 naming ${field}`, async () => {
            const res = await stAdmin.put(themePath(org), { [field]: value });
            expectValidation(res, field);
            await expectNoSuccessAudit(res);
        });
    }

    test('PUT: unknown fields, stale If-Match (412, unchanged), other organizations (404), members (403)', async () => {
        const before = await api('GET', publicTheme(SLUG));
        expectValidation(await stAdmin.put(themePath(org), { primary_color: '#000000', font: 'serif' }), 'font');
        const stale = await stAdmin.put(themePath(org), { primary_color: '#ffffff' },
            { headers: { 'If-Match': '"0123456789abcdef0123456789abcdef"' } });
        expectProblem(stale, 412, 'precondition_failed');
        assert.deepEqual((await api('GET', publicTheme(SLUG))).json, before.json);
        expectNotFound(await stAdmin.put(themePath(ORG.acme), { primary_color: '#ffffff' }), 'st admin on acme:');
        expectNotFound(await alice.put(themePath(org), { primary_color: '#ffffff' }), 'alice on the run org:');
        expectNotFound(await admin.put(themePath(999999999), {}), 'no such organization:');
        expectForbidden(await bob.put(themePath(ORG.acme), { primary_color: '#ffffff' }), 'member:');
        expectProblem(await api('PUT', themePath(org), { body: {} }), 401, 'unauthorized', 'no token:');
        assert.deepEqual((await api('GET', publicTheme(SLUG))).json, before.json);
    });

    test('nginx serves /assets/themes/ from the themes directory with long cache headers', async (t) => {
        const conf = path.join(STACK_DIR, 'nginx', 'nginx.conf');
        const m = fs.existsSync(conf) && fs.readFileSync(conf, 'utf8').match(/location \^~ \/assets\/themes\/ \{[^}]*alias ([^;]+);/);
        if (!m) {
            t.skip('the stack nginx.conf has no location ^~ /assets/themes/ yet (docs/api-settings.md)');
            return;
        }
        const dir = m[1].trim();
        const name = `st-${RUN}.svg`;
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, name), '<svg xmlns="http://www.w3.org/2000/svg"/>');
        try {
            const res = await api('GET', `/assets/themes/${name}`);
            expectStatus(res, 200);
            assert.match(res.headers.get('content-type') ?? '', /image\/svg\+xml/);
            assert.match(res.headers.get('cache-control') ?? '', /max-age=\d{5,}/);
            expectStatus(await api('GET', `/assets/themes/missing-${RUN}.svg`), 404);
        } finally {
            fs.rmSync(path.join(dir, name), { force: true });
        }
    });
});

describe('audit events', () => {
    const itemKeys = ['id', 'occurred_at', 'actor_user_id', 'organization_id', 'action', 'target_type',
        'target_id', 'outcome', 'reason', 'client_ip', 'request_id', 'details'];

    test('organization callers see only their organization, newest first, every field', async () => {
        const res = await stAdmin.get(`${AUDIT}?limit=200`);
        const j = expectStatus(res, 200);
        assert.ok(j.items.length > 0, 'the run organization has events');
        for (const e of j.items) {
            assert.deepEqual(Object.keys(e).sort(), [...itemKeys].sort());
            assert.equal(e.organization_id, org, `event ${e.id} belongs to the run organization`);
        }
        const ids = j.items.map((e) => e.id);
        assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
        const upd = j.items.find((e) => e.action === 'policy.update');
        assert.equal(upd.target_type, 'organization');
        assert.equal(typeof upd.details, 'object');
        assert.ok(['password', 'session', 'lockout', 'invitation'].includes(upd.details.kind));
    });

    test('keyset pagination: limit 2 walks every event once, descending, and ends with next_cursor null', async () => {
        const all = (await stAdmin.get(`${AUDIT}?action=policy.*&limit=200`)).json.items;
        assert.ok(all.length >= 5, `policy.update events: ${all.length}`);
        const seen = [];
        let cursor = null;
        for (let page = 0; page < 100; page++) {
            const res = await stAdmin.get(`${AUDIT}?action=policy.*&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
            const j = expectStatus(res, 200);
            assert.ok(j.items.length <= 2);
            seen.push(...j.items.map((e) => e.id));
            if (j.next_cursor === null) break;
            cursor = j.next_cursor;
        }
        assert.deepEqual(seen, all.map((e) => e.id));
    });

    test('filters: action (exact and prefix*), actor, target, outcome, time range', async () => {
        const q = async (s) => expectStatus(await stAdmin.get(`${AUDIT}?limit=200&${s}`), 200, s).items;
        for (const e of await q('action=policy.update')) assert.equal(e.action, 'policy.update');
        const auth = await q('action=auth.*');
        assert.ok(auth.some((e) => e.action === 'auth.login.success'));
        assert.ok(auth.some((e) => e.action === 'auth.lockout'), 'the lockout of the enforcement test');
        for (const e of auth) assert.match(e.action, /^auth\./);
        assert.equal((await q('action=auth_*')).length, 0, 'LIKE wildcards in the prefix are literal');
        for (const e of await q(`actor=${stAdminUser.id}`)) assert.equal(e.actor_user_id, stAdminUser.id);
        const fails = await q('outcome=failure');
        assert.ok(fails.length > 0);
        for (const e of fails) assert.equal(e.outcome, 'failure');
        const tgt = await q(`target_type=organization&target_id=${org}`);
        assert.ok(tgt.length > 0);
        for (const e of tgt) assert.ok(e.target_type === 'organization' && e.target_id === String(org));
        const now = Date.now();
        const past = new Date(now - 3600e3).toISOString();
        const future = new Date(now + 3600e3).toISOString();
        assert.equal((await q(`from=${encodeURIComponent(future)}`)).length, 0, 'from in the future');
        assert.equal((await q(`to=${encodeURIComponent(past)}`)).length, 0, 'to in the past');
        const window = await q(`from=${encodeURIComponent(past)}&to=${encodeURIComponent(future)}`);
        assert.ok(window.length > 0);
        const offset = await q(`from=${encodeURIComponent(new Date(now - 3600e3).toISOString().slice(0, 19))}%2B01:00`);
        assert.equal(offset.length, (await q(`from=${encodeURIComponent(new Date(now - 7200e3).toISOString())}`)).length,
            'a +01:00 offset is converted to UTC');
        assert.ok((await q('from=2020-01-01')).length > 0, 'a bare date');
    });

    test('bad parameters: 400 naming the parameter', async () => {
        const cases = [
            ['limit=0', 'limit'], ['limit=201', 'limit'], ['cursor=nope', 'cursor'], ['actor=bob', 'actor'],
            ['actor=0', 'actor'], ['organization_id=x', 'organization_id'], ['from=yesterday', 'from'],
            ['from=2026-02-30', 'from'], ['to=2026-01-01T25:00:00Z', 'to'], ['to=2026-01-01T10:00:00', 'to'],
            ['outcome=maybe', 'outcome'], [`action=${'a'.repeat(65)}`, 'action'], ['target_type=', 'target_type'],
        ];
        for (const [qs, field] of cases) expectValidation(await stAdmin.get(`${AUDIT}?${qs}`), field, qs);
    });

    test('scoping: organization callers cannot ask for another organization; platform callers see all or one', async () => {
        expectForbidden(await stAdmin.get(`${AUDIT}?organization_id=${ORG.acme}`));
        expectStatus(await stAdmin.get(`${AUDIT}?organization_id=${org}`), 200, 'own organization named:');
        const own = (await alice.get(`${AUDIT}?limit=200`)).json.items;
        for (const e of own) assert.equal(e.organization_id, ORG.acme, 'alice sees acme only');
        const one = (await admin.get(`${AUDIT}?organization_id=${org}&limit=200`)).json.items;
        assert.ok(one.length > 0);
        for (const e of one) assert.equal(e.organization_id, org);
        const all = (await admin.get(`${AUDIT}?limit=200`)).json.items;
        assert.ok(new Set(all.map((e) => e.organization_id)).size > 1, 'a platform caller sees several organizations');
        expectForbidden(await bob.get(AUDIT), 'member:');
    });
});
