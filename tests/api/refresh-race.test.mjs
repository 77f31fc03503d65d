// Refreshes racing with the same token (issue 20; docs/tokens.md "Refresh tokens"): whatever
// path a rotation takes, exactly one of them wins, every other one is refused, at least one as a
// reuse, and the reuse ends the whole session, the winner's new refresh token included. The
// requests go on fresh connections to the server without kept connections (DIRECT_URL), so that
// they land on different workers at the same time.

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';

import { DIRECT_URL, rawRequest } from './lib.mjs';
import { REFRESH, mustLogin, refresh, createUser, deleteUser, newRid, waitAudit } from './authlib.mjs';
import { uniq, sqlValue } from './authzlib.mjs';

const RUN = uniq();
const made = [];

after(async () => {
    for (const id of made) await deleteUser(id).catch(() => {});
});

const send = (token, rid) =>
    rawRequest('POST', REFRESH, { body: { refresh_token: token }, headers: { 'X-Request-Id': rid }, base: DIRECT_URL });

describe('POST /api/v1/auth/refresh: racing refreshes of one token', () => {
    for (const n of [2, 4, 8]) {
        test(`${n} at once, 6 rounds: exactly one wins, the session ends`, async () => {
            const u = await createUser(`rr-${RUN}-${n}`);
            made.push(u.id);
            for (let round = 0; round < 6; round++) {
                const s = await mustLogin(u.username);
                // One refresh first, so that the token raced with is a successor as well as a login's.
                const first = round % 2 ? await refresh(s.refresh) : s;
                assert.ok(first.refresh, `round ${round}: a refresh token`);
                const rids = Array.from({ length: n }, (_, i) => newRid(`rr${n}-${round}-${i}`));
                const rs = await Promise.all(rids.map((rid) => send(first.refresh, rid)));
                const won = rs.filter((r) => r.status === 200);
                const lost = rs.filter((r) => r.status !== 200);
                assert.equal(won.length, 1, `round ${round}: exactly one of ${n} wins: ${rs.map((r) => r.status).join(',')}`);
                for (const r of lost) {
                    assert.equal(r.status, 401, r.text);
                    assert.ok(['refresh_token_reused', 'refresh_token_invalid'].includes(r.json?.code), r.text);
                }
                assert.ok(lost.some((r) => r.json.code === 'refresh_token_reused'), `round ${round}: one loser is a reuse`);
                // The reuse revoked the family: the winner's token is refused too, and so is its access token's session.
                const next = await refresh(won[0].json.refresh_token);
                assert.equal(next.status, 401, next.text);
                assert.equal(next.json?.code, 'refresh_token_invalid');
                const fam = await sqlValue(`SELECT COUNT(*) FROM refresh_tokens WHERE user_id = ${u.id}
                    AND family_id = (SELECT family_id FROM refresh_tokens WHERE user_id = ${u.id} ORDER BY id DESC LIMIT 1)
                    AND revoked_at IS NULL`);
                assert.equal(fam, '0', `round ${round}: every token of the session is revoked`);
                const reuse = lost.find((r) => r.json.code === 'refresh_token_reused');
                const rid = rids[rs.indexOf(reuse)];
                assert.equal((await waitAudit(rid, 'auth.refresh.reuse')).outcome !== undefined, true);
            }
        });
    }

    test('a chain of refreshes: each token works once, the one before is a reuse', async () => {
        const u = await createUser(`rr-${RUN}-chain`);
        made.push(u.id);
        let s = await mustLogin(u.username);
        const seen = [];
        for (let i = 0; i < 10; i++) {
            const r = await refresh(s.refresh);
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.user.id, u.id);
            assert.equal(r.json.user.username, u.username);
            assert.deepEqual(r.json.roles, ['member']);
            seen.push(s.refresh);
            s = r;
        }
        const again = await refresh(seen[4]);
        assert.equal(again.status, 401);
        assert.equal(again.json.code, 'refresh_token_reused');
        const last = await refresh(s.refresh);
        assert.equal(last.status, 401);
        assert.equal(last.json.code, 'refresh_token_invalid');
    });

    test('a User-Agent that is not UTF-8: cut to its valid start, and login and refresh succeed (they answered 500)', async () => {
        const u = await createUser(`rr-${RUN}-ua`);
        made.push(u.id);
        const bad = 'bad\u00ff\u00feua';	// sent as the bytes ff fe: not UTF-8
        const l = await rawRequest('POST', '/api/v1/auth/login', {
            body: { login: u.username, password: 'gatehouse-dev-password' }, headers: { 'User-Agent': bad }, base: DIRECT_URL,
        });
        assert.equal(l.status, 200, l.text);
        const r = await rawRequest('POST', REFRESH, { body: { refresh_token: l.json.refresh_token }, headers: { 'User-Agent': bad }, base: DIRECT_URL });
        assert.equal(r.status, 200, r.text);
        const stored = await sqlValue(`SELECT COUNT(*) FROM refresh_tokens WHERE user_id = ${u.id} AND user_agent LIKE 'bad%'`);
        assert.equal(stored, '2', 'what is UTF-8 of it is kept');
    });
});

