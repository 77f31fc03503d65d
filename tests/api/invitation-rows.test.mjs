// The rows an invitation acceptance and a password reset write (issue 14: the typed store of
// signup_info): the audit rows' actor, target and details, the names a claimed account keeps,
// the primary organization and the invitation's user_id. Links are made here with a known token
// (signup_info keeps its SHA-256), so no mail is read. Everything created carries RUN and is
// removed in after().

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { api, sql, sqlValue, DEV_PASSWORD } from './lib.mjs';
import { newRid, redis } from './authlib.mjs';
import { ORG, expectStatus, expectProblem, uniq } from './authzlib.mjs';

const RUN = uniq();
const PUB = (t) => `/api/v1/public/invitations/${t}`;
const NEW_PASSWORD = 'correct horse battery staple';
const addr = (tag) => `row-${RUN}-${tag}@example.com`;

function pub(method, urlPath, body) {
    const rid = newRid('inv-rows');
    return api(method, urlPath, { body, headers: { 'X-Request-Id': rid } }).then((r) => ({ ...r, rid }));
}

/** A pending link of purpose for email (an invitation into org with role member): {id, token}. */
async function link(purpose, email, { org = ORG.acme, user = null } = {}) {
    const token = crypto.randomBytes(32).toString('base64url');
    const hash = crypto.createHash('sha256').update(token).digest('hex');
    const role = purpose === 'invitation'
        ? `(SELECT id FROM roles WHERE name = 'member' AND organization_id IS NULL)` : 'NULL';
    await sql(`INSERT INTO signup_info (purpose, organization_id, email, role_id, user_id, token_hash,
                   invited_by, expires_at, last_sent_at, send_count)
               VALUES ('${purpose}', ${purpose === 'invitation' ? org : 'NULL'}, '${email}', ${role},
                   ${user === null ? 'NULL' : user}, UNHEX('${hash}'), ${purpose === 'invitation' ? 2 : 'NULL'},
                   CURRENT_TIMESTAMP(6) + INTERVAL 1 HOUR, CURRENT_TIMESTAMP(6), 1)`);
    const id = Number(await sqlValue(`SELECT id FROM signup_info WHERE token_hash = UNHEX('${hash}')`));
    return { id, token };
}

/** The audit rows of a request: [{action, outcome, reason, actor, org, type, target, details}]. */
async function audits(rid) {
    const rows = await sql(
        `SELECT action, outcome, IFNULL(reason, 'NULL'), IFNULL(actor_user_id, 'NULL'),
                IFNULL(organization_id, 'NULL'), IFNULL(target_type, 'NULL'), IFNULL(target_id, 'NULL'),
                IFNULL(details, 'NULL')
         FROM audit_log WHERE request_id = '${rid}' ORDER BY id`,
    );
    return rows.map(([action, outcome, reason, actor, org, type, target, details]) => ({
        action, outcome, reason, actor, org, type, target, details: details === 'NULL' ? null : JSON.parse(details),
    }));
}

after(async () => {
    await sql(`DELETE FROM users WHERE email LIKE 'row-${RUN}-%'`);
    await sql(`DELETE FROM signup_info WHERE email LIKE 'row-${RUN}-%'`);
    const keys = (await redis('--scan', '--pattern', 'pwreset:*')).split('\n').filter(Boolean);
    if (keys.length) await redis('DEL', ...keys);
});

describe('invitation acceptance rows', () => {
    test('a new account: invitation.accept and user.create audited by the account, user_id recorded', async () => {
        const email = addr('new');
        const { id, token } = await link('invitation', email);
        const ok = await pub('POST', `${PUB(token)}/accept`,
            { username: `row${RUN}n`, password: NEW_PASSWORD, first_name: 'Ada' });
        expectStatus(ok, 201);
        const uid = ok.json.user.id;
        assert.equal(ok.headers.get('location'), `/api/v1/users/${uid}`);
        assert.equal(await sqlValue(`SELECT full_name FROM users WHERE id = ${uid}`), 'Ada', 'no space without a last name');
        assert.equal(await sqlValue(`SELECT IFNULL(created_by, 'NULL') FROM users WHERE id = ${uid}`), '2', 'made by the inviter');
        assert.equal(await sqlValue(`SELECT is_primary FROM user_organization WHERE user_id = ${uid}`), '1');
        assert.equal(await sqlValue(`SELECT user_id FROM signup_info WHERE id = ${id}`), String(uid));
        const rows = await audits(ok.rid);
        assert.deepEqual(rows.map((r) => r.action), ['invitation.accept', 'user.create']);
        assert.deepEqual(rows[0], { action: 'invitation.accept', outcome: 'success', reason: 'NULL', actor: String(uid),
            org: String(ORG.acme), type: 'invitation', target: String(id),
            details: { user_id: uid, mode: 'created', role: 'member' } });
        assert.deepEqual(rows[1], { action: 'user.create', outcome: 'success', reason: 'NULL', actor: String(uid),
            org: String(ORG.acme), type: 'user', target: String(uid), details: { via: 'invitation', invitation_id: id } });
    });

    test('a claimed account keeps its names when none are given', async () => {
        const email = addr('claim');
        const username = `row${RUN}c`;
        await sql(`INSERT INTO users (username, email, first_name, last_name, full_name)
                   VALUES ('${username}', '${email}', 'Cla', 'Im', 'Cla Im')`);
        const uid = Number(await sqlValue(`SELECT id FROM users WHERE email = '${email}'`));
        const { token } = await link('invitation', email);
        const ok = await pub('POST', `${PUB(token)}/accept`, { password: NEW_PASSWORD, last_name: 'Med' });
        expectStatus(ok, 200);
        assert.equal(ok.json.created, false);
        assert.deepEqual(await sql(`SELECT username, first_name, last_name, full_name, updated_by FROM users WHERE id = ${uid}`),
            [[username, 'Cla', 'Med', 'Cla Med', String(uid)]]);
        const rows = await audits(ok.rid);
        assert.deepEqual(rows.map((r) => [r.action, r.details?.mode]), [['invitation.accept', 'claimed']]);
    });

    test('joining with a wrong password: a failure row by the account, nothing accepted', async () => {
        const email = addr('join');
        await sql(`INSERT INTO users (username, email, full_name, password_hash, password_changed_at)
                   SELECT 'row${RUN}j', '${email}', '', password_hash, CURRENT_TIMESTAMP(6) FROM users WHERE username = 'bob'`);
        const uid = await sqlValue(`SELECT id FROM users WHERE email = '${email}'`);
        const { id, token } = await link('invitation', email, { org: ORG.globex });
        const bad = await pub('POST', `${PUB(token)}/accept`, { password: 'not the password at all' });
        expectProblem(bad, 401, 'invalid_credentials');
        assert.deepEqual(await audits(bad.rid), [{ action: 'invitation.accept', outcome: 'failure', reason: 'bad_password',
            actor: uid, org: String(ORG.globex), type: 'user', target: uid, details: null }]);
        assert.equal(await sqlValue(`SELECT IFNULL(accepted_at, 'NULL') FROM signup_info WHERE id = ${id}`), 'NULL');
        const ok = await pub('POST', `${PUB(token)}/accept`, { password: DEV_PASSWORD });
        expectStatus(ok, 200);
        assert.equal((await audits(ok.rid))[0].details.mode, 'joined');
        assert.equal(await sqlValue(`SELECT is_primary FROM user_organization WHERE user_id = ${uid} AND organization_id = ${ORG.globex}`),
            '1', 'the first organization of an account without one is its primary');
    });
});

describe('password reset rows', () => {
    test('a confirmed reset: used, audited by the account in its primary organization', async () => {
        const email = addr('reset');
        await sql(`INSERT INTO users (username, email, full_name, password_hash, password_changed_at)
                   SELECT 'row${RUN}r', '${email}', '', password_hash, CURRENT_TIMESTAMP(6) FROM users WHERE username = 'bob'`);
        const uid = await sqlValue(`SELECT id FROM users WHERE email = '${email}'`);
        await sql(`INSERT INTO user_organization (user_id, organization_id, is_primary) VALUES (${uid}, ${ORG.globex}, 1)`);
        const older = await link('password_reset', email, { user: uid });
        const { id, token } = await link('password_reset', email, { user: uid });
        const ok = await pub('POST', '/api/v1/auth/password-reset/confirm', { token, new_password: NEW_PASSWORD });
        expectStatus(ok, 204);
        assert.notEqual(await sqlValue(`SELECT IFNULL(accepted_at, 'NULL') FROM signup_info WHERE id = ${id}`), 'NULL');
        assert.notEqual(await sqlValue(`SELECT IFNULL(revoked_at, 'NULL') FROM signup_info WHERE id = ${older.id}`), 'NULL',
            'the older link is retired');
        assert.deepEqual(await audits(ok.rid), [{ action: 'auth.password_reset', outcome: 'success', reason: 'NULL',
            actor: uid, org: String(ORG.globex), type: 'user', target: uid, details: null }]);
    });

    test('a request for an unknown address: a failure row without actor or target', async () => {
        const res = await pub('POST', '/api/v1/auth/password-reset', { email: addr('nobody') });
        expectStatus(res, 202);
        assert.deepEqual(await audits(res.rid), [{ action: 'auth.password_reset.request', outcome: 'failure',
            reason: 'unknown_email', actor: 'NULL', org: 'NULL', type: 'NULL', target: 'NULL', details: null }]);
        assert.equal(await sqlValue(`SELECT COUNT(*) FROM signup_info WHERE email = '${addr('nobody')}'`), '0', 'rolled back');
    });
});
