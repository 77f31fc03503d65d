// The token check's kept keys (docs/authentication.md, "Revocation and the kept keys"): every
// worker keeps the blocklist entries, permission versions and the authorization generation it
// read, and drops them when Redis says they changed (CLIENT TRACKING, broadcast mode). These tests
// warm every worker with a token, change the state behind it (through the API, and straight in
// Redis as another Gatehouse host would), and require the very next requests, on all workers at
// once, to see the change. Through nginx against the real stack.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { api, sql, sqlValue, DEV_PASSWORD } from './lib.mjs';
import {
    LOGOUT, CHECK, mustLogin, decodeJwt, createUser, deleteUser, redis, show,
} from './authlib.mjs';

const WIDE = 64; // more requests at once than the stack's workers hold connections in all

/** GET /api/v1/me with this token, n at once. */
function meWide(token, n = WIDE) {
    return Promise.all(Array.from({ length: n }, () => api('GET', '/api/v1/me', { token })));
}

/** Puts the token's keys into every worker: rounds of WIDE requests at once, all accepted. */
async function warm(token) {
    for (let i = 0; i < 4; i++) {
        for (const r of await meWide(token)) assert.equal(r.status, 200, `warming: ${show(r)}`);
    }
}

/** Requires every answer to be a 401 with this code. */
function allRefused(answers, code, what) {
    const wrong = answers.filter((r) => r.status !== 401 || r.json?.code !== code);
    assert.equal(wrong.length, 0,
        `${what}: ${wrong.length} of ${answers.length} answers were not 401 ${code}; first: ${wrong[0] && show(wrong[0])}`);
}

async function metric(name, label = '') {
    const res = await api('GET', '/metrics');
    assert.equal(res.status, 200);
    const re = new RegExp(`^${name}${label.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm');
    const m = res.text.match(re);
    assert.ok(m, `no ${name}${label} in /metrics`);
    return Number(m[1]);
}

describe('kept keys of the token check', () => {
    let user;
    before(async () => {
        user = await createUser('kvcache');
    });
    after(async () => {
        await deleteUser(user.id);
    });

    test('a token used again is checked without asking Redis', async () => {
        const s = await mustLogin(user.username);
        const hits = await metric('gatehouse_token_store_reads_total', '{source="hit"}');
        const misses = await metric('gatehouse_token_store_reads_total', '{source="miss"}');
        for (let i = 0; i < 100; i++) assert.equal((await api('GET', '/api/v1/me', { token: s.token })).status, 200);
        const dh = (await metric('gatehouse_token_store_reads_total', '{source="hit"}')) - hits;
        const dm = (await metric('gatehouse_token_store_reads_total', '{source="miss"}')) - misses;
        assert.equal(dh + dm, 100, `hits ${dh} + misses ${dm} = the 100 checks`);
        // At most one miss per worker (8 by default) plus a re-read per worker if a second passed.
        assert.ok(dh >= 70, `100 checks of one token: ${dh} answered from the workers' copies, ${dm} from Redis`);
    });

    test('two keys of one check that share a slot are both kept (two-way table)', async () => {
        // FNV-1a as src/store/kv.c computes it (its start value included); the stack keeps
        // 4,096 slots (the default).
        const fnv = (str) => {
            let h = 1469598103934665603n;
            for (const b of Buffer.from(str)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
            return h;
        };
        let id = Number(await sqlValue('SELECT MAX(id) FROM users')) + 1;
        while ((fnv(`pv:${id}`) & 4095n) !== (fnv(`mv:${id}:1`) & 4095n)) id++;
        const name = `kvpair-${id}`;
        await sql(`INSERT INTO users (id, username, email, first_name, last_name, full_name, password_hash, password_changed_at)
                   SELECT ${id}, '${name}', '${name}@acme.test', 'K', 'V', 'K V', password_hash, CURRENT_TIMESTAMP(6) FROM users WHERE username = 'bob';
                   INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES (${id}, 1, 1);
                   INSERT INTO user_roles (user_id, role_id, organization_id)
                   SELECT ${id}, id, 1 FROM roles WHERE name = 'member' AND organization_id IS NULL`);
        try {
            const s = await mustLogin(name, DEV_PASSWORD);
            const hits = await metric('gatehouse_token_store_reads_total', '{source="hit"}');
            for (let i = 0; i < 100; i++) assert.equal((await api('GET', '/api/v1/me', { token: s.token })).status, 200);
            const dh = (await metric('gatehouse_token_store_reads_total', '{source="hit"}')) - hits;
            assert.ok(dh >= 70, `user ${id} (pv: and mv: share a slot): ${dh} of 100 checks answered from the workers' copies`);
        } finally {
            await deleteUser(id);
        }
    });

    test('logout is seen by every worker at once', async () => {
        const s = await mustLogin(user.username);
        await warm(s.token);
        const out = await api('POST', LOGOUT, { token: s.token });
        assert.equal(out.status, 204, show(out));
        allRefused(await meWide(s.token), 'token_revoked', '/me right after logout');
        const checks = await Promise.all(Array.from({ length: WIDE }, () => api('GET', CHECK, {
            token: s.token, headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/api/v1/me' },
        })));
        allRefused(checks, 'token_revoked', 'auth/check right after logout');
    });

    test('a blocklist entry written straight to Redis (another host) is seen at once', async () => {
        const s = await mustLogin(user.username);
        const { jti, sid } = decodeJwt(s.token).payload;
        await warm(s.token);
        assert.equal(await redis('SET', `bl:${jti}`, '1', 'EX', '600'), 'OK');
        allRefused(await meWide(s.token), 'token_revoked', 'after SET bl:jti');
        // The whole session, the other key the check reads.
        const s2 = await mustLogin(user.username);
        await warm(s2.token);
        assert.equal(await redis('SET', `bls:${decodeJwt(s2.token).payload.sid}`, '1', 'EX', '600'), 'OK');
        allRefused(await meWide(s2.token), 'token_revoked', 'after SET bls:sid');
        assert.notEqual(sid, decodeJwt(s2.token).payload.sid);
    });

    test('a permission version moved in Redis is seen at once, and read again after a DEL', async () => {
        const s = await mustLogin(user.username);
        await warm(s.token);
        const pv = decodeJwt(s.token).payload.pv;
        assert.equal(await redis('SET', `pv:${user.id}`, String(pv + 1000)), 'OK');
        allRefused(await meWide(s.token), 'token_revoked', 'after the permission version moved');
        // Gone from Redis: every worker reads it again from MariaDB, where it never moved.
        assert.equal(await redis('DEL', `pv:${user.id}`), '1');
        for (const r of await meWide(s.token)) assert.equal(r.status, 200, `after DEL pv: ${show(r)}`);
    });

    test('FLUSHALL drops every kept key (Redis sends a nil invalidation)', async () => {
        const s = await mustLogin(user.username);
        await warm(s.token);
        const before = await metric('gatehouse_token_store_invalidations_total');
        const pv = decodeJwt(s.token).payload.pv;
        await redis('SET', `pv:${user.id}`, String(pv + 1000));
        await redis('FLUSHALL');
        // pv is gone again: read from MariaDB, the token is good. Had a worker kept its copy of
        // the moved version over the flush, it would refuse.
        for (const r of await meWide(s.token)) assert.equal(r.status, 200, `after FLUSHALL: ${show(r)}`);
        assert.ok(await metric('gatehouse_token_store_invalidations_total') > before);
    });

    test('a worker whose invalidation connection is cut keeps nothing it cannot vouch for', async () => {
        const s = await mustLogin(user.username);
        await warm(s.token);
        // Cut every worker's subscriber connection, then revoke: no worker can hear of it, so
        // none may answer from its copy.
        const killed = Number(await redis('CLIENT', 'KILL', 'TYPE', 'pubsub'));
        assert.ok(killed >= 1, `CLIENT KILL TYPE pubsub closed ${killed} connections`);
        const { jti } = decodeJwt(s.token).payload;
        await redis('SET', `bl:${jti}`, '1', 'EX', '600');
        allRefused(await meWide(s.token), 'token_revoked', 'after the subscribers were cut');
        // And they subscribe again: a fresh token is answered from the copies once more.
        const s2 = await mustLogin(user.username);
        await warm(s2.token);
        const hits = await metric('gatehouse_token_store_reads_total', '{source="hit"}');
        await meWide(s2.token, 16);
        assert.ok(await metric('gatehouse_token_store_reads_total', '{source="hit"}') > hits,
            'no check answered from a copy after the workers connected again');
    });
});
