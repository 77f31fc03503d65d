// Signing keys through the real stack: ES256 and RS256 keys from files, the JWKS that publishes
// them, rotation (a token signed by the previous key keeps working while that key is listed in
// jwt_verify_keys), and password rehashing on login when the Argon2id parameters change.
//
// Each test restarts the stack's gatehouse with environment overrides (every config key can be
// set that way) and restores the plain configuration afterwards.

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { api, sql, sqlValue, REPO, STACK_DIR, BIN, DEV_PASSWORD } from './lib.mjs';
import { mustLogin, me, decodeJwt, restartGatehouse, createUser, deleteUser, stackKid } from './authlib.mjs';

const KEYS = path.join(REPO, 'tests', 'unit', 'keys');
const SECRET = path.join(STACK_DIR, 'secrets', 'jwt_secret');

after(async () => {
    await restartGatehouse({});
});

/** Verifies a compact JWS with a JWK from the JWKS (node:crypto does the EC/RSA work). */
function verifyWithJwk(token, jwk) {
    const [h, p, s] = token.split('.');
    const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
    const alg = jwk.alg;
    const opts = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : { key };
    return crypto.verify('sha256', Buffer.from(`${h}.${p}`), opts, Buffer.from(s, 'base64url'));
}

describe('asymmetric keys, JWKS and rotation', () => {
    test('ES256: tokens carry the kid, the JWKS publishes the public key, and the old HS256 key still verifies', async () => {
        // A token from the HS256 configuration, before the rotation.
        const before = await mustLogin('bob');
        assert.equal(decodeJwt(before.token).header.alg, 'HS256');

        await restartGatehouse({
            GATEHOUSE_JWT_ALG: 'ES256',
            GATEHOUSE_JWT_KEY_FILE: path.join(KEYS, 'es256_private.pem'),
            GATEHOUSE_JWT_KID: 'ec-2026',
            GATEHOUSE_JWT_VERIFY_KEYS: `${stackKid()}:HS256:${SECRET}`,
            // Without the stack's OpenID Connect key, ID tokens use the ES256 signing key.
            GATEHOUSE_OIDC_KEY_FILE: '',
        });

        const jwks = await api('GET', '/.well-known/jwks.json');
        assert.equal(jwks.status, 200);
        assert.match(jwks.headers.get('cache-control') ?? '', /max-age=\d+/);
        const keys = jwks.json.keys;
        assert.equal(keys.length, 1, 'only the EC key is public; the HS secret never appears');
        assert.deepEqual(
            { kty: keys[0].kty, kid: keys[0].kid, alg: keys[0].alg, crv: keys[0].crv, use: keys[0].use },
            { kty: 'EC', kid: 'ec-2026', alg: 'ES256', crv: 'P-256', use: 'sig' },
        );
        assert.ok(!JSON.stringify(jwks.json).includes('"d"'), 'no private part in the JWKS');

        const now = await mustLogin('bob');
        const { header } = decodeJwt(now.token);
        assert.deepEqual({ alg: header.alg, kid: header.kid }, { alg: 'ES256', kid: 'ec-2026' });
        assert.ok(verifyWithJwk(now.token, keys[0]), 'the JWKS key verifies the token');
        assert.equal((await me(now.token)).status, 200);

        // Rotation: the token signed by the previous (HS256) key is still accepted.
        assert.equal((await me(before.token)).status, 200);

        // A token whose header claims the EC kid but is HMAC-signed is refused (no confusion).
        const [h, p] = now.token.split('.');
        const forgedHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'ec-2026' })).toString('base64url');
        const forgedSig = crypto.createHmac('sha256', fs.readFileSync(path.join(KEYS, 'es256_public.pem')))
            .update(`${forgedHeader}.${p}`).digest('base64url');
        const forged = await me(`${forgedHeader}.${p}.${forgedSig}`);
        assert.equal(forged.status, 401);
        assert.equal(forged.json.code, 'token_invalid');
        void h;
    });

    test('RS256: a second key, and a key that is dropped stops verifying', async () => {
        await restartGatehouse({
            GATEHOUSE_JWT_ALG: 'RS256',
            GATEHOUSE_JWT_KEY_FILE: path.join(KEYS, 'rs256_private.pem'),
            GATEHOUSE_JWT_KID: 'rsa-1',
            GATEHOUSE_JWT_VERIFY_KEYS: `old-ec:ES256:${path.join(KEYS, 'es256_public.pem')}`,
            GATEHOUSE_OIDC_KEY_FILE: '',
        });
        const disc = await api('GET', '/.well-known/openid-configuration');
        assert.deepEqual(disc.json.id_token_signing_alg_values_supported, ['RS256'],
            'ID tokens are signed with the RS256 signing key when no oidc_key_file is set');
        const jwks = (await api('GET', '/.well-known/jwks.json')).json.keys;
        const kids = jwks.map((k) => k.kid).sort();
        assert.deepEqual(kids, ['old-ec', 'rsa-1']);
        const rsa = jwks.find((k) => k.kid === 'rsa-1');
        assert.equal(rsa.kty, 'RSA');
        assert.ok(rsa.n && rsa.e, 'modulus and exponent are published');

        const s = await mustLogin('bob');
        assert.deepEqual(
            { alg: decodeJwt(s.token).header.alg, kid: decodeJwt(s.token).header.kid },
            { alg: 'RS256', kid: 'rsa-1' },
        );
        assert.ok(verifyWithJwk(s.token, rsa));
        assert.equal((await me(s.token)).status, 200);

        // Back to HS256 alone: the RS256 token's key is gone, so it is refused.
        await restartGatehouse({});
        const r = await me(s.token);
        assert.equal(r.status, 401);
        assert.equal(r.json.code, 'token_invalid');
    });

    test('a secret shorter than 32 bytes stops the server from starting, naming the problem', () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-keys-'));
        const short = path.join(dir, 'short');
        fs.writeFileSync(short, 'too-short-secret\n');
        const conf = path.join(dir, 'gatehouse.conf');
        fs.writeFileSync(conf, `jwt_secret_file = ${short}\n`);
        let out = '';
        let code = 0;
        try {
            execFileSync(BIN, ['check-config', '-c', conf], { stdio: 'pipe' });
        } catch (e) {
            code = e.status;
            out = String(e.stderr);
        }
        fs.rmSync(dir, { recursive: true, force: true });
        assert.notEqual(code, 0);
        assert.match(out, /jwt_secret_file/);
        assert.match(out, /32 bytes/);
    });
});

describe('password rehash on login', () => {
    test('a hash made with other Argon2id parameters is replaced by one with the configured ones', async () => {
        const u = await createUser('rehash');
        try {
            // Hash the dev password with t=3 (the configuration says t=2).
            const hash = execFileSync(BIN, ['hash-password'], {
                input: `${DEV_PASSWORD}\n`,
                env: { ...process.env, GATEHOUSE_PWHASH_OPSLIMIT: '3' },
            }).toString().trim();
            assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=3,p=1\$/);
            await sql(`UPDATE users SET password_hash = '${hash}' WHERE id = ${u.id}`);

            const s = await mustLogin(u.username);
            assert.ok(s.token);
            const now = await sqlValue(`SELECT password_hash FROM users WHERE id = ${u.id}`);
            assert.match(now, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, 'rehashed with the configured parameters');
            assert.notEqual(now, hash);
            // And the new hash still takes the same password.
            await mustLogin(u.username);
        } finally {
            await deleteUser(u.id);
        }
    });
});
