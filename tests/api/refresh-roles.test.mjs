// The role names a refresh token keeps (issue 20; sql/0020, docs/tokens.md "Refresh tokens"):
// every token row carries the names its access tokens carry and the permission_version they were
// read under; a rotation takes them from there only while the user's permission_version is
// still that one, and reads them again otherwise. Every change to the roles a user holds moves
// that version, so each one shows in the very next refreshed token.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { mustLogin, refresh, createUser, deleteUser, decodeJwt } from './authlib.mjs';
import { Client, ORG, expectStatus, uniq, sql, sqlValue } from './authzlib.mjs';

const RUN = uniq();
const made = [];
let admin;

before(async () => {
    admin = await new Client('admin', { autoRelogin: true }).login();
});

after(async () => {
    for (const id of made) await deleteUser(id).catch(() => {});
    await sql(`DELETE FROM roles WHERE name LIKE 't\\_${RUN}\\_%'`).catch(() => {});
});

const hashHex = (token) => crypto.createHash('sha256').update(token).digest('hex');

/** The row of a refresh token: its kept role names and version, and the user's version now. */
async function row(token) {
    const [roles, rolesPv, pv] = (
        await sqlValue(`SELECT CONCAT_WS('|', IFNULL(rt.roles, '<null>'), IFNULL(rt.roles_pv, '<null>'), u.permission_version)
                        FROM refresh_tokens rt JOIN users u ON u.id = rt.user_id
                        WHERE rt.token_hash = UNHEX('${hashHex(token)}')`)
    ).split('|');
    return { roles, rolesPv, pv };
}

const claimRoles = (s) => decodeJwt(s.token).payload.roles;

/** The token's row keeps these names, under the user's permission_version of now. */
async function expectKept(token, roles) {
    const r = await row(token);
    assert.equal(r.roles, roles);
    assert.equal(r.rolesPv, r.pv, 'kept under the current permission_version');
}

async function mustRefresh(token, msg) {
    const s = await refresh(token);
    assert.equal(s.status, 200, `${msg}: ${s.text}`);
    return s;
}

describe('POST /api/v1/auth/refresh: the role names kept with the token', () => {
    test('a login and each rotation keep the names with the version they were read under', async () => {
        const u = await createUser(`rk-${RUN}-a`);
        made.push(u.id);
        const s = await mustLogin(u.username);
        await expectKept(s.refresh, 'member');
        const s2 = await mustRefresh(s.refresh, 'first refresh');
        assert.deepEqual(claimRoles(s2), ['member']);
        await expectKept(s2.refresh, 'member');
    });

    test('a role granted, renamed and taken shows in the next refreshed token', async () => {
        const u = await createUser(`rk-${RUN}-b`);
        made.push(u.id);
        const name = `t_${RUN}_rk`;
        const role = expectStatus(await admin.post('/api/v1/roles', { name, organization_id: ORG.acme }), 201);
        let s = await mustLogin(u.username);
        s = await mustRefresh(s.refresh, 'before the grant');
        assert.deepEqual(claimRoles(s), ['member']);

        expectStatus(await admin.post(`/api/v1/users/${u.id}/roles`, { role: name, organization_id: ORG.acme }), [200, 201]);
        s = await mustRefresh(s.refresh, 'after the grant');
        assert.deepEqual(claimRoles(s), ['member', name]);
        await expectKept(s.refresh, `member,${name}`);

        expectStatus(await admin.patch(`/api/v1/roles/${role.id}`, { name: `${name}2` }), 200);
        s = await mustRefresh(s.refresh, 'after the rename');
        assert.deepEqual(claimRoles(s), ['member', `${name}2`]);

        expectStatus(await admin.del(`/api/v1/users/${u.id}/roles/${role.id}?organization_id=${ORG.acme}`), [200, 204]);
        s = await mustRefresh(s.refresh, 'after the role was taken');
        assert.deepEqual(claimRoles(s), ['member']);
        await expectKept(s.refresh, 'member');
    });

    test('names kept under an older version, or none kept, are read again', async () => {
        const u = await createUser(`rk-${RUN}-c`);
        made.push(u.id);
        let s = await mustLogin(u.username);
        // Names that are not the user's, under a version that is no longer the user's.
        await sql(`UPDATE refresh_tokens SET roles = 'member,platform_admin', roles_pv = roles_pv + 1000
                   WHERE token_hash = UNHEX('${hashHex(s.refresh)}')`);
        s = await mustRefresh(s.refresh, 'stale names');
        assert.deepEqual(claimRoles(s), ['member'], 'the stale names are not used');
        await expectKept(s.refresh, 'member');
        // A row made before sql/0020 keeps nothing.
        await sql(`UPDATE refresh_tokens SET roles = NULL, roles_pv = NULL WHERE token_hash = UNHEX('${hashHex(s.refresh)}')`);
        s = await mustRefresh(s.refresh, 'no names kept');
        assert.deepEqual(claimRoles(s), ['member']);
        await expectKept(s.refresh, 'member');
    });

    test('a user without roles keeps an empty list, and refreshes to no roles', async () => {
        const u = await createUser(`rk-${RUN}-d`);
        made.push(u.id);
        await sql(`DELETE FROM user_roles WHERE user_id = ${u.id}`);
        let s = await mustLogin(u.username);
        assert.deepEqual(decodeJwt(s.token).payload.roles, []);
        assert.equal((await row(s.refresh)).roles, '');
        s = await mustRefresh(s.refresh, 'no roles');
        assert.deepEqual(claimRoles(s), []);
    });
});
