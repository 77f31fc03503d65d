// Forward authentication: nginx's auth_request to GET /api/v1/auth/check in front of another
// upstream (GH_UPSTREAM_URL, an nginx echo of the X-Auth-* headers), and the check route called
// directly. Mappings are permission_api_endpoints rows added here under a path unique to this run.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import fs from 'node:fs';

import { api, sql, problemOf, waitFor, UPSTREAM_URL, workerPids, checkWorkerPids } from './lib.mjs';
import { gatehouseLog } from './authzlib.mjs';
import { CHECK, LOGOUT, mustLogin, userId, bumpAuthz, uniq, show } from './authlib.mjs';

const RUN = `fa-${uniq()}`;
const BASE = UPSTREAM_URL.replace(/\/+$/, ''); // http://127.0.0.1:PORT/upstream
const upstreamPath = new URL(BASE).pathname; // /upstream

const mappings = [];
/** Adds an active mapping method pattern -> permission; returns its id. */
async function addMapping(pattern, method, permission) {
    await sql(
        `INSERT INTO permission_api_endpoints (permission_id, api_endpoint, http_method, description)
         SELECT id, '${pattern}', '${method}', 'forward-auth test ${RUN}' FROM permissions WHERE name = '${permission}'`,
    );
    const rows = await sql(
        `SELECT e.id FROM permission_api_endpoints e JOIN permissions p ON p.id = e.permission_id
         WHERE e.api_endpoint = '${pattern}' AND e.http_method = '${method}' AND p.name = '${permission}'`,
    );
    assert.equal(rows.length, 1, `mapping ${method} ${pattern} -> ${permission} inserted`);
    const id = Number(rows[0][0]);
    mappings.push(id);
    await bumpAuthz();
    return id;
}

async function setActive(id, active) {
    await sql(`UPDATE permission_api_endpoints SET is_active = ${active ? 1 : 0} WHERE id = ${id}`);
    await bumpAuthz();
}

function upstream(sub, token, headers = {}, method = 'GET') {
    return api(method, `${BASE}/${sub}`, { token, headers });
}

function check(method, uri, token, headers = {}) {
    return api('GET', CHECK, { token, headers: { 'X-Original-Method': method, 'X-Original-URI': uri, ...headers } });
}

function roles(h) {
    return String(h ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

let bob;
let alice;
let BOB;
let ALICE;
before(async () => {
    BOB = await userId('bob');
    ALICE = await userId('alice');
    bob = await mustLogin('bob');
    alice = await mustLogin('alice');
});

after(async () => {
    if (mappings.length) {
        await sql(`DELETE FROM permission_api_endpoints WHERE id IN (${mappings.join(',')})`);
        await bumpAuthz();
    }
});

describe('through nginx auth_request', () => {
    test('the echo upstream itself answers (stack sanity)', async () => {
        const u = new URL(BASE);
        const direct = await api('GET', `http://${u.hostname}:${Number(u.port) + 2}/x`, {
            headers: { 'X-Auth-User-Id': '42' },
        });
        assert.equal(direct.status, 200, show(direct));
        assert.equal(direct.json.upstream, 'echo');
        assert.equal(direct.json.x_auth_user_id, '42');
    });

    test('no token -> 401', async () => {
        const res = await upstream(`${RUN}/hello`);
        assert.equal(res.status, 401, show(res));
        assert.doesNotMatch(res.text, /"upstream":"echo"/);
    });

    test('garbage token -> 401', async () => {
        const res = await upstream(`${RUN}/hello`, 'not.a.token');
        assert.equal(res.status, 401, show(res));
    });

    test('valid token but no mapping for the path -> 403', async () => {
        const res = await upstream(`${RUN}/hello`, bob.token);
        assert.equal(res.status, 403, show(res));
        assert.doesNotMatch(res.text, /"upstream":"echo"/);
    });

    test("mapped to a permission bob's roles lack -> bob 403, alice (org_admin) 200", async () => {
        await addMapping(`${upstreamPath}/${RUN}-admin/**`, 'GET', 'users.manage');
        const b = await upstream(`${RUN}-admin/x`, bob.token);
        assert.equal(b.status, 403, `bob: ${show(b)}`);
        const a = await upstream(`${RUN}-admin/x`, alice.token);
        assert.equal(a.status, 200, `alice: ${show(a)}`);
        assert.equal(a.json.x_auth_user_id, String(ALICE));
        assert.equal(a.json.x_auth_org_id, '1');
        assert.ok(roles(a.json.x_auth_roles).includes('org_admin'), `roles: ${a.json.x_auth_roles}`);
    });

    test('mapped GET /upstream/RUN/** -> self.read: bob 200 with his identity; deactivated -> 403', async () => {
        const id = await addMapping(`${upstreamPath}/${RUN}/**`, 'GET', 'self.read');
        const res = await upstream(`${RUN}/hello`, bob.token, { 'X-Auth-User-Id': '999', 'X-Auth-Roles': 'platform_admin' });
        assert.equal(res.status, 200, show(res));
        assert.equal(res.json.upstream, 'echo');
        assert.equal(res.json.x_auth_user_id, String(BOB), 'client-sent X-Auth-User-Id is replaced');
        assert.equal(res.json.x_auth_org_id, '1');
        assert.ok(roles(res.json.x_auth_roles).includes('member'), `roles: ${res.json.x_auth_roles}`);
        assert.ok(!roles(res.json.x_auth_roles).includes('platform_admin'));

        // ** covers deeper paths and the prefix itself; the query string is not part of the path.
        assert.equal((await upstream(`${RUN}/a/b/c`, bob.token)).status, 200, 'deeper path');
        const q = await upstream(`${RUN}/hello?x=1&y=/etc`, bob.token);
        assert.equal(q.status, 200, `with a query string: ${show(q)}`);
        // Only GET is mapped.
        const post = await upstream(`${RUN}/hello`, bob.token, {}, 'POST');
        assert.equal(post.status, 403, `POST is not mapped: ${show(post)}`);
        // A sibling path outside the pattern.
        assert.equal((await upstream(`${RUN}x/hello`, bob.token)).status, 403, 'sibling prefix');

        await setActive(id, false);
        const off = await upstream(`${RUN}/hello`, bob.token);
        assert.equal(off.status, 403, `after is_active = 0: ${show(off)}`);
        await setActive(id, true);
        assert.equal((await upstream(`${RUN}/hello`, bob.token)).status, 200, 'active again');
    });

    test('a logged-out token -> 401', async () => {
        const s = await mustLogin('bob');
        assert.equal((await upstream(`${RUN}/hello`, s.token)).status, 200);
        assert.equal((await api('POST', LOGOUT, { token: s.token })).status, 204);
        const res = await upstream(`${RUN}/hello`, s.token);
        assert.equal(res.status, 401, show(res));
    });
});

describe('GET /api/v1/auth/check called directly', () => {
    const DIRECT = `${RUN}-direct`;
    before(async () => {
        await addMapping(`${upstreamPath}/${DIRECT}/**`, 'GET', 'self.read');
    });

    test('allowed -> 204 with X-Auth-User-Id, X-Auth-Org-Id, X-Auth-Roles', async () => {
        const res = await check('GET', `${upstreamPath}/${DIRECT}/hello`, bob.token);
        assert.equal(res.status, 204, show(res));
        assert.equal(res.headers.get('x-auth-user-id'), String(BOB));
        assert.equal(res.headers.get('x-auth-org-id'), '1');
        assert.ok(roles(res.headers.get('x-auth-roles')).includes('member'), res.headers.get('x-auth-roles'));
        assert.ok(res.headers.get('x-request-id'));
    });

    test('no token -> 401 unauthorized; bad token -> 401 token_invalid', async () => {
        const none = await check('GET', `${upstreamPath}/${DIRECT}/hello`);
        assert.equal(none.status, 401, show(none));
        assert.equal(problemOf(none).code, 'unauthorized');
        assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer\b/);
        const bad = await check('GET', `${upstreamPath}/${DIRECT}/hello`, 'x.y.z');
        assert.equal(bad.status, 401, show(bad));
        assert.equal(problemOf(bad).code, 'token_invalid');
    });

    test('unmapped path or method -> 403; no identity headers on a refusal', async () => {
        const res = await check('GET', `${upstreamPath}/${RUN}-nothing/x`, bob.token);
        assert.equal(res.status, 403, show(res));
        assert.equal(res.headers.get('x-auth-user-id'), null);
        const del = await check('DELETE', `${upstreamPath}/${DIRECT}/hello`, bob.token);
        assert.equal(del.status, 403, show(del));
    });

    test('the permission table maps Gatehouse routes too: GET /api/v1/me is allowed for bob', async () => {
        const res = await check('GET', '/api/v1/me', bob.token);
        assert.equal(res.status, 204, show(res));
        assert.equal(res.headers.get('x-auth-user-id'), String(BOB));
    });
});

describe('the check pool (check_listen)', () => {
    test('forward auth and /auth/check are answered while every other worker is stopped', { timeout: 60000 }, async () => {
        const main = workerPids();
        const pool = checkWorkerPids();
        assert.ok(main.length > 0, 'main workers');
        assert.ok(pool.length > 0, 'the stack runs a check pool (process name gatehouse-check)');
        assert.equal(main.filter((p) => pool.includes(p)).length, 0);
        const POOL = `${RUN}-pool`;
        await addMapping(`${upstreamPath}/${POOL}/**`, 'GET', 'self.read');
        assert.equal((await upstream(`${POOL}/hello`, bob.token)).status, 200, 'mapped');
        // Stopped main workers stand for workers busy with password hashes or slow requests.
        for (const p of main) process.kill(p, 'SIGSTOP');
        try {
            for (let i = 0; i < 20; i++) {
                const rid = `pool-${RUN}-${i}`;
                const res = await upstream(`${POOL}/hello`, bob.token, { 'X-Request-Id': rid });
                assert.equal(res.status, 200, `forward auth with the main workers stopped: ${show(res)}`);
                assert.equal(res.json.x_auth_user_id, String(BOB));
                const chk = await api('GET', CHECK, {
                    token: bob.token, timeoutMs: 5000,
                    headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/api/v1/me' },
                });
                assert.equal(chk.status, 204, show(chk));
            }
            // And it refuses on its own.
            const bad = await check('GET', '/api/v1/me', 'x.y.z');
            assert.equal(bad.status, 401, show(bad));
        } finally {
            for (const p of main) process.kill(p, 'SIGCONT');
        }
        // The log (written within a second) names the pool's workers as the ones that answered.
        const ours = () => fs.readFileSync(gatehouseLog(), 'utf8').split('\n').filter((l) => l.includes(`pool-${RUN}-`));
        await waitFor(() => ours().length >= 20, 5000, 100).catch(() => assert.fail(`log lines of the checks: ${ours().length}`));
        const lines = ours();
        for (const l of lines) assert.ok(pool.includes(JSON.parse(l).pid), `served by a check-pool worker: ${l}`);
        assert.equal((await api('GET', '/api/v1/me', { token: bob.token })).status, 200, 'main workers serve again');
    });
});
