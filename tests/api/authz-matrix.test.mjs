// Authorization matrix: (user, method, path) -> allow / deny over the admin endpoints of issue 4
// and /me, for admin (platform_admin), alice (org_admin in acme) and bob (member in acme).
// deny = 403 forbidden; allow = neither 401 nor 403, and the exact harmless answer the row names.
// Writes carry a body with one unknown field: the route's permission is checked before the handler
// validates fields, so an allowed write answers 400 validation_failed and a denied one 403; deletes
// name objects that do not exist (404 when allowed). Nothing is changed (checked at the end).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import {
    Client, ROLES, PERMS, ENDPOINTS, ME_PERMS, userRolesPath, ORG, UID,
    desc, expectCreated, expectStatus, roleId, permId, userRoleKeys, count, cleanupRun, uniq, sql,
} from './authzlib.mjs';
import { problemOf } from './lib.mjs';

const RUN = uniq();
const MISSING = 999999999;
const PROBE = { matrix_probe: true };

// Who is allowed (the others are denied).
const ALL = ['admin', 'alice', 'bob'];
const ADMINS = ['admin', 'alice']; // org_admin holds roles.*, permissions.read, endpoints.read
const PLATFORM = ['admin']; // org_admin lacks permissions.create/update/delete, endpoints.create/update/delete
const USERS = ['admin', 'alice', 'bob'];

// [method, path ({role} {perm} {ep} {member} filled in from fixtures), body, status when allowed, allowed users]
const TABLE = [
    ['GET', '/api/v1/me', null, 200, ALL],
    ['GET', ME_PERMS, null, 200, ALL],
    ['POST', '/api/v1/me/password', PROBE, 400, ALL],
    ['GET', ROLES, null, 200, ADMINS],
    ['GET', `${ROLES}?scope=organization&limit=5`, null, 200, ADMINS],
    ['GET', `${ROLES}/{member}`, null, 200, ADMINS],
    ['GET', `${ROLES}/{role}`, null, 200, ADMINS],
    ['GET', `${ROLES}/{role}/permissions`, null, 200, ADMINS],
    ['GET', PERMS, null, 200, ADMINS],
    ['GET', `${PERMS}?module=users`, null, 200, ADMINS],
    ['GET', `${PERMS}/{perm}`, null, 200, ADMINS],
    ['GET', ENDPOINTS, null, 200, ADMINS],
    ['GET', `${ENDPOINTS}?active=true`, null, 200, ADMINS],
    ['GET', `${ENDPOINTS}/{ep}`, null, 200, ADMINS],
    ['GET', userRolesPath(UID.bob), null, 200, ADMINS],
    ['GET', userRolesPath(UID.carol), null, 200, ADMINS],
    ['POST', ROLES, PROBE, 400, ADMINS],
    ['PATCH', `${ROLES}/{role}`, PROBE, 400, ADMINS],
    ['PUT', `${ROLES}/{role}/permissions`, PROBE, 400, ADMINS],
    ['POST', `${ROLES}/{role}/permissions`, PROBE, 400, ADMINS],
    ['POST', PERMS, PROBE, 400, PLATFORM],
    ['PATCH', `${PERMS}/{perm}`, PROBE, 400, PLATFORM],
    ['POST', ENDPOINTS, PROBE, 400, PLATFORM],
    ['PATCH', `${ENDPOINTS}/{ep}`, PROBE, 400, PLATFORM],
    ['PUT', userRolesPath(UID.carol), PROBE, 400, ADMINS],
    ['POST', userRolesPath(UID.carol), PROBE, 400, ADMINS],
    ['DELETE', `${ROLES}/${MISSING}`, null, 404, ADMINS],
    ['DELETE', `${ROLES}/${MISSING}/permissions/users.read`, null, 404, ADMINS],
    ['DELETE', `${PERMS}/${MISSING}`, null, 404, PLATFORM],
    ['DELETE', `${ENDPOINTS}/${MISSING}`, null, 404, PLATFORM],
    ['DELETE', `${userRolesPath(UID.carol)}/${MISSING}`, null, [400, 404], ADMINS],
];

const ROWS = TABLE.flatMap(([method, path, body, allowStatus, allowed]) =>
    USERS.map((user) => ({ user, method, path, body, allowStatus, allow: allowed.includes(user) })),
);

const fx = {}; // fixture ids
const clients = {};
let snapshot;

async function state() {
    return {
        roles: await count('roles'),
        permissions: await count('permissions'),
        endpoints: await count('permission_api_endpoints'),
        role_permissions: await count('role_permissions'),
        user_roles: await count('user_roles'),
        carol: await userRoleKeys(UID.carol),
        bob: await userRoleKeys(UID.bob),
        fixtures: await sql(
            `SELECT r.name, r.description, e.api_endpoint, e.description, e.is_active, p.description, p.module
             FROM roles r, permission_api_endpoints e, permissions p
             WHERE r.id = ${fx.role} AND e.id = ${fx.ep} AND p.id = ${fx.perm}`,
        ),
    };
}

before(async () => {
    // Fixtures first, then the logins: no change below can touch the tokens.
    const admin = await new Client('admin').login();
    const p = expectCreated(await admin.post(PERMS, { name: `zt${RUN}.matrix`, description: 'matrix fixture' }), PERMS);
    fx.perm = p.id;
    const r = expectCreated(
        await admin.post(ROLES, { name: `t_${RUN}_matrix`, organization_id: ORG.acme, permissions: ['users.read'] }),
        ROLES,
    );
    fx.role = r.id;
    const e = expectCreated(
        await admin.post(ENDPOINTS, { permission: `zt${RUN}.matrix`, api_endpoint: `/ext/${RUN}/matrix`, http_method: 'GET' }),
        ENDPOINTS,
    );
    fx.ep = e.id;
    fx.member = await roleId('member');
    assert.ok(fx.member, 'member role exists');
    for (const u of USERS) clients[u] = await new Client(u).login();
    snapshot = await state();
});

after(async () => {
    await cleanupRun(RUN);
});

function fill(path) {
    return path
        .replace('{role}', String(fx.role))
        .replace('{perm}', String(fx.perm))
        .replace('{ep}', String(fx.ep))
        .replace('{member}', String(fx.member));
}

describe('authorization matrix', () => {
    test(`the table has at least 30 rows (${ROWS.length})`, () => {
        assert.ok(ROWS.length >= 30);
        assert.ok(ROWS.some((r) => r.allow) && ROWS.some((r) => !r.allow));
    });

    for (const row of ROWS) {
        const name = `${row.user} ${row.method} ${row.path} -> ${row.allow ? 'allow' : 'deny'}`;
        test(name, async () => {
            const path = fill(row.path);
            const res = await clients[row.user].req(row.method, path, row.body === null ? {} : { body: row.body });
            if (row.allow) {
                assert.ok(res.status !== 401 && res.status !== 403, `allowed, got ${desc(res)}`);
                expectStatus(res, row.allowStatus, 'the harmless answer');
                if (res.status === 400) {
                    assert.equal(problemOf(res).code, 'validation_failed', desc(res));
                }
            } else {
                assert.equal(res.status, 403, `denied, got ${desc(res)}`);
                const p = problemOf(res);
                assert.equal(p.code, 'forbidden', desc(res));
            }
        });
    }

    test('nothing changed', async () => {
        assert.deepEqual(await state(), snapshot);
        assert.equal(await permId(`zt${RUN}.matrix`), fx.perm);
    });
});
