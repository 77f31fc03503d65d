// The self-service account (issue 21; docs/api.md "The caller", docs/tokens.md "Switching
// organization"): PATCH /api/v1/me with the profile rules of PATCH /users/{id} and If-Match,
// GET /api/v1/me/organizations, and POST /api/v1/me/organization, which moves the session to
// another organization of the caller with a new token pair in the same refresh family.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { api } from './lib.mjs';
import { mustLogin, refresh, me, createUser, deleteUser, decodeJwt, waitAudit, CHECK, LOGOUT, newRid } from './authlib.mjs';
import { ORG, expectProblem, namesField, uniq, sql, sqlValue } from './authzlib.mjs';

const RUN = uniq();
const ME = '/api/v1/me';
const ORGS = '/api/v1/me/organizations';
const SWITCH = '/api/v1/me/organization';
const made = [];

/** A user in acme (primary, member) and in globex (org_admin). */
async function twoOrgUser(tag) {
    const u = await createUser(`me-${RUN}-${tag}`);
    made.push(u.id);
    await sql(`INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES (${u.id}, ${ORG.globex}, 0);
               INSERT INTO user_roles (user_id, role_id, organization_id)
               SELECT ${u.id}, id, ${ORG.globex} FROM roles WHERE name = 'org_admin' AND organization_id IS NULL`);
    return u;
}

const patchMe = (token, body, headers = {}) =>
    api('PATCH', ME, { token, body, headers: { 'X-Request-Id': newRid('meupd'), ...headers } });
const switchTo = (token, organization, rid = newRid('switch')) =>
    api('POST', SWITCH, { token, body: { organization }, headers: { 'X-Request-Id': rid } }).then((r) => ({
        ...r, rid, token: r.json?.access_token, refresh: r.json?.refresh_token,
    }));
const profileRow = async (id) =>
    (await sql(`SELECT first_name, last_name, full_name, IFNULL(phone_number,'-'), IFNULL(profile_image_ref,'-'),
                       username, email, updated_by FROM users WHERE id = ${id}`))[0];

after(async () => {
    for (const id of made) await deleteUser(id);
});

describe('PATCH /api/v1/me', () => {
    let u;
    let s;
    before(async () => {
        u = await createUser(`me-${RUN}-p`);
        made.push(u.id);
        s = await mustLogin(u.username);
    });

    test('changes the names, phone and image; answers the /me body with a new ETag; audited', async () => {
        const g = await me(s.token);
        assert.equal(g.status, 200);
        const tag = g.headers.get('etag');
        assert.match(tag, /^"[0-9a-f]{32}"$/);
        const rid = newRid('meupd');
        const phone = `+1415${String(Date.now()).slice(-7)}`;
        const r = await api('PATCH', ME, {
            token: s.token,
            headers: { 'If-Match': tag, 'X-Request-Id': rid },
            body: { first_name: 'Ada', last_name: 'Lovelace', full_name: 'Ada Lovelace', phone_number: phone, profile_image_ref: 'avatars/ada.png' },
        });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.user.first_name, 'Ada');
        assert.equal(r.json.user.phone_number, phone);
        assert.equal(r.json.user.profile_image_ref, 'avatars/ada.png');
        assert.equal(r.json.organization.id, ORG.acme);
        assert.ok(Array.isArray(r.json.roles) && Array.isArray(r.json.organizations));
        const nt = r.headers.get('etag');
        assert.notEqual(nt, tag);
        assert.equal((await me(s.token)).headers.get('etag'), nt, 'GET /me sends the same ETag');
        const row = await waitAudit(rid, 'user.update');
        assert.equal(row.outcome, 'success');
        assert.equal(String(row.actor_user_id), String(u.id));
        assert.equal(String(row.target_id), String(u.id));
        assert.equal(String((await profileRow(u.id))[7]), String(u.id), 'updated_by is the user');
        // null clears the phone and the image, and a name to "".
        const c = await patchMe(s.token, { phone_number: null, profile_image_ref: null, first_name: null });
        assert.equal(c.status, 200, c.text);
        assert.equal(c.json.user.phone_number, null);
        assert.equal(c.json.user.profile_image_ref, null);
        assert.equal(c.json.user.first_name, '');
    });

    test('each bad field answers 400 naming it and changes nothing', async () => {
        const before = await profileRow(u.id);
        const cases = [
            [{ first_name: 'x'.repeat(101) }, 'first_name'],
            [{ last_name: 'a\u0007b' }, 'last_name'],
            [{ full_name: 'x'.repeat(201) }, 'full_name'],
            [{ full_name: 42 }, 'full_name'],
            [{ phone_number: '0123' }, 'phone_number'],
            [{ phone_number: '+1 415 555' }, 'phone_number'],
            [{ profile_image_ref: 'http://example.test/a.png' }, 'profile_image_ref'],
            [{ profile_image_ref: '../etc/passwd' }, 'profile_image_ref'],
            [{ profile_image_ref: '' }, 'profile_image_ref'],
            [{ nickname: 'x' }, 'nickname'],
        ];
        for (const [body, field] of cases) {
            const p = expectProblem(await patchMe(s.token, body), 400, undefined, JSON.stringify(body));
            assert.ok(namesField(p, field), `${JSON.stringify(body)} names ${field}: ${JSON.stringify(p)}`);
        }
        assert.deepEqual(await profileRow(u.id), before, 'nothing changed');
    });

    test('username and email are refused, naming the field and where to go', async () => {
        const before = await profileRow(u.id);
        let p = expectProblem(await patchMe(s.token, { username: `x${RUN}`, first_name: 'Z' }), 400, 'validation_failed');
        assert.equal(p.field, 'username');
        assert.match(p.detail, /administrator/);
        p = expectProblem(await patchMe(s.token, { email: `x${RUN}@acme.test` }), 400, 'validation_failed');
        assert.equal(p.field, 'email');
        assert.match(p.detail, /\/api\/v1\/me\/email/);
        assert.deepEqual(await profileRow(u.id), before, 'nothing changed');
    });

    test('the username changes here only where the organization\'s session policy allows it', async () => {
        const u = await createUser(`me-${RUN}-un`);
        made.push(u.id);
        const s = await mustLogin(u.username);
        const admin = await mustLogin('admin');
        const put = (settings) => api('PUT', `/api/v1/organizations/${ORG.acme}/policies/session`,
            { token: admin.token, body: { settings } });
        const newName = `me${RUN}renamed`;
        expectProblem(await patchMe(s.token, { username: newName }), 400, 'validation_failed');
        assert.equal((await put({ users_change_username: true })).status, 200);
        try {
            const taken = await patchMe(s.token, { username: 'Alice' });
            expectProblem(taken, 409, 'conflict');
            assert.equal(taken.json.field, 'username');
            const ok = await patchMe(s.token, { username: newName.toUpperCase() });
            assert.equal(ok.status, 200, ok.text);
            assert.equal(ok.json.user.username, newName, 'stored in the one form');
            assert.equal(await sqlValue(`SELECT username FROM users WHERE id = ${u.id}`), newName);
        } finally {
            assert.equal((await put({ users_change_username: null })).status, 200);
        }
    });

    test('a stale If-Match answers 412 and changes nothing', async () => {
        const stale = (await me(s.token)).headers.get('etag');
        assert.equal((await patchMe(s.token, { last_name: `L${RUN}` })).status, 200);
        const before = await profileRow(u.id);
        const r = await patchMe(s.token, { last_name: 'Other' }, { 'If-Match': stale });
        expectProblem(r, 412, 'precondition_failed');
        assert.deepEqual(await profileRow(u.id), before, 'nothing changed');
    });

    test('two PATCHes with the same ETag: one wins, the other gets 412', async () => {
        const tag = (await me(s.token)).headers.get('etag');
        const rs = await Promise.all(['One', 'Two'].map((n) => patchMe(s.token, { full_name: `${n} ${RUN}` }, { 'If-Match': tag })));
        const codes = rs.map((r) => r.status).sort();
        assert.deepEqual(codes, [200, 412], rs.map((r) => r.text).join(' | '));
        const won = rs.find((r) => r.status === 200).json.user.full_name;
        assert.equal((await profileRow(u.id))[2], won);
    });

    test('without a token: 401', async () => {
        const r = await api('PATCH', ME, { body: { first_name: 'x' } });
        assert.equal(r.status, 401);
    });
});

describe('GET /api/v1/me/organizations', () => {
    test('lists both organizations with status, membership, roles, theme and the current one', async () => {
        const u = await twoOrgUser('orgs');
        const s = await mustLogin(u.username);
        const r = await api('GET', ORGS, { token: s.token });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.current, ORG.acme);
        const byId = Object.fromEntries(r.json.items.map((o) => [o.id, o]));
        assert.deepEqual(Object.keys(byId).map(Number).sort(), [ORG.acme, ORG.globex]);
        const a = byId[ORG.acme];
        const g = byId[ORG.globex];
        assert.equal(a.slug, 'acme');
        assert.equal(a.status, 'active');
        assert.equal(a.membership_status, 'active');
        assert.equal(a.is_primary, true);
        assert.equal(a.current, true);
        assert.deepEqual(a.roles, ['member']);
        assert.equal(g.is_primary, false);
        assert.equal(g.current, false);
        assert.deepEqual(g.roles, ['org_admin']);
        for (const o of [a, g]) {
            const themed = Number(await sqlValue(`SELECT COUNT(*) FROM org_theme WHERE organization_id = ${o.id}`)) > 0;
            assert.equal(o.theme, themed ? `/api/v1/themes/${o.slug}` : null, `theme of ${o.slug}`);
        }
        await sql(`UPDATE user_organization SET status = 'suspended' WHERE user_id = ${u.id} AND organization_id = ${ORG.globex}`);
        const r2 = await api('GET', ORGS, { token: s.token });
        assert.equal(r2.json.items.find((o) => o.id === ORG.globex).membership_status, 'suspended');
    });
});

describe('POST /api/v1/me/organization', () => {
    test('switches the session to globex: claims, /me, roles, forward auth, refresh, same family', async () => {
        const u = await twoOrgUser('sw');
        const s = await mustLogin(u.username);
        const old = decodeJwt(s.token).payload;
        assert.equal(old.org, ORG.acme);
        const r = await switchTo(s.token, 'globex');
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.organization.id, ORG.globex);
        assert.deepEqual(r.json.roles, ['org_admin']);
        assert.equal(r.json.user.id, u.id);
        const c = decodeJwt(r.token).payload;
        assert.equal(c.org, ORG.globex);
        assert.equal(c.sid, old.sid, 'the same session');
        assert.deepEqual(c.roles, ['org_admin']);
        const row = await waitAudit(r.rid, 'auth.organization.switch');
        assert.equal(row.outcome, 'success');
        assert.equal(String(row.actor_user_id), String(u.id));
        const d = JSON.parse(await sqlValue(`SELECT details FROM audit_log WHERE request_id = '${r.rid}' AND action = 'auth.organization.switch'`));
        assert.deepEqual(d, { from: ORG.acme, to: ORG.globex });

        const m = await me(r.token);
        assert.equal(m.json.organization.id, ORG.globex);
        assert.deepEqual(m.json.roles, ['org_admin']);
        const chk = await api('GET', CHECK, { token: r.token, headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/api/v1/me' } });
        assert.equal(chk.status, 204, chk.text);
        assert.equal(chk.headers.get('x-auth-org-id'), String(ORG.globex));
        // The old organization's access token keeps working until it expires.
        assert.equal((await me(s.token)).json.organization.id, ORG.acme);
        // One live refresh token in the family, for globex.
        const live = await sql(`SELECT organization_id FROM refresh_tokens WHERE user_id = ${u.id}
                                AND rotated_at IS NULL AND revoked_at IS NULL`);
        assert.deepEqual(live, [[String(ORG.globex)]]);

        // The new refresh token works, stays in the family and in globex.
        const f = await refresh(r.refresh);
        assert.equal(f.status, 200, f.text);
        const fc = decodeJwt(f.token).payload;
        assert.equal(fc.org, ORG.globex);
        assert.equal(fc.sid, old.sid);

        // Logout with the switched token ends the whole session.
        assert.equal((await api('POST', LOGOUT, { token: f.token })).status, 204);
        expectProblem(await refresh(f.refresh), 401, 'refresh_token_invalid');
        expectProblem(await me(s.token), 401, 'token_revoked', 'the old organization token ends with the session');
    });

    test('the old organization\'s refresh token, presented after a switch, is reuse and ends the session', async () => {
        const u = await twoOrgUser('reuse');
        const s = await mustLogin(u.username);
        const r = await switchTo(s.token, ORG.globex);
        assert.equal(r.status, 200, r.text);
        expectProblem(await refresh(s.refresh), 401, 'refresh_token_reused');
        expectProblem(await refresh(r.refresh), 401, 'refresh_token_invalid', 'the switched token is revoked with its family');
    });

    test('the old organization\'s access token lives on, unless its session policy ends it at a switch', async () => {
        const u = await twoOrgUser('endacc');
        const s = await mustLogin(u.username);
        const r = await switchTo(s.token, ORG.globex);
        assert.equal(r.status, 200, r.text);
        assert.equal((await me(s.token)).status, 200, 'by default the acme token keeps its lifetime');
        const admin = await mustLogin('admin');
        const put = (settings) => api('PUT', `/api/v1/organizations/${ORG.acme}/policies/session`,
            { token: admin.token, body: { settings } });
        assert.equal((await put({ end_access_on_switch: true })).status, 200);
        try {
            const s2 = await mustLogin(u.username);
            const r2 = await switchTo(s2.token, ORG.globex);
            assert.equal(r2.status, 200, r2.text);
            expectProblem(await me(s2.token), 401, 'token_revoked', 'acme ends the token it issued');
            assert.equal((await me(r2.token)).status, 200, 'the globex token works');
        } finally {
            assert.equal((await put({ end_access_on_switch: null })).status, 200);
        }
    });

    test('answers to the account flags a refresh answers to (an expired password)', async () => {
        const u = await twoOrgUser('flags');
        const s = await mustLogin(u.username);
        await sql(`UPDATE users SET is_credentials_non_expired = 0 WHERE id = ${u.id}`);
        expectProblem(await switchTo(s.token, ORG.globex), 403, 'credentials_expired');
        expectProblem(await refresh(s.refresh), 403, 'credentials_expired', 'a refresh says the same');
    });

    test('refused for a non-member organization and a suspended membership, audited', async () => {
        const u = await twoOrgUser('ref');
        const s = await mustLogin(u.username);
        await sql(`INSERT INTO organization (slug, name) VALUES ('me-${RUN}', 'Me ${RUN}')`);
        try {
            let r = await switchTo(s.token, `me-${RUN}`);
            let p = expectProblem(r, 403, 'organization_not_allowed');
            assert.equal(p.field, 'organization');
            const row = await waitAudit(r.rid, 'auth.organization.switch');
            assert.equal(row.outcome, 'failure');
            assert.equal(row.reason, 'not_member');
            expectProblem(await switchTo(s.token, 999999999), 403, 'organization_not_allowed');

            await sql(`UPDATE user_organization SET status = 'suspended' WHERE user_id = ${u.id} AND organization_id = ${ORG.globex}`);
            r = await switchTo(s.token, 'globex');
            p = expectProblem(r, 403, 'membership_suspended');
            assert.equal((await waitAudit(r.rid, 'auth.organization.switch')).reason, 'membership_suspended');
            // Nothing changed in the session: the acme refresh token still works.
            const f = await refresh(s.refresh);
            assert.equal(f.status, 200, f.text);
            assert.equal(decodeJwt(f.token).payload.org, ORG.acme);
        } finally {
            await sql(`DELETE FROM organization WHERE slug = 'me-${RUN}'`);
        }
    });

    test('bad bodies answer 400 naming organization', async () => {
        const u = await twoOrgUser('bad');
        const s = await mustLogin(u.username);
        for (const body of [{}, { organization: null }, { organization: true }, { organization: 'globex', x: 1 }]) {
            const r = await api('POST', SWITCH, { token: s.token, body });
            const p = expectProblem(r, 400, undefined, JSON.stringify(body));
            assert.ok(namesField(p, 'organization') || namesField(p, 'x'), JSON.stringify(p));
        }
    });
});
