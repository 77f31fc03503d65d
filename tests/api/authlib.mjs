// Helpers for the authentication API tests (auth.test.mjs, forward-auth.test.mjs): logging in with
// the contract's field names, JWTs signed here with node:crypto, dedicated throwaway users,
// audit-log look-ups and Redis commands. The general helpers (api, sql, stack, ...) are in lib.mjs.

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { api, sql, sqlValue, waitFor, DEV_PASSWORD, STACK, STACK_DIR, RUN_DIR, CONF } from './lib.mjs';

export const LOGIN = '/api/v1/auth/login';
export const REFRESH = '/api/v1/auth/refresh';
export const LOGOUT = '/api/v1/auth/logout';
export const LOGOUT_ALL = '/api/v1/auth/logout-all';
export const ME = '/api/v1/me';
export const ME_PASSWORD = '/api/v1/me/password';
export const CHECK = '/api/v1/auth/check';

/** A request id nginx passes through unchanged ([A-Za-z0-9._-]{1,64}). */
export function newRid(prefix = 'authtest') {
    return `${prefix}-${crypto.randomBytes(8).toString('hex')}`;
}

/** A short random suffix for names that must not collide across runs on one stack. */
export function uniq() {
    return crypto.randomBytes(4).toString('hex');
}

/**
 * POST /api/v1/auth/login with the contract's fields {login, password, organization?}.
 * opts.rid sets X-Request-Id. Returns the api() result plus token, refresh and rid.
 */
export async function authLogin(login, password = DEV_PASSWORD, { organization, rid, headers = {} } = {}) {
    const body = { login, password };
    if (organization !== undefined) body.organization = organization;
    const r = rid ?? newRid('login');
    const res = await api('POST', LOGIN, { body, headers: { 'X-Request-Id': r, ...headers } });
    return { ...res, token: res.json?.access_token, refresh: res.json?.refresh_token, rid: r };
}

/** Logs in and throws unless it answered 200: returns {token, refresh, json}. */
export async function mustLogin(login, password = DEV_PASSWORD, opts = {}) {
    const res = await authLogin(login, password, opts);
    if (res.status !== 200 || !res.token || !res.refresh) {
        throw new Error(`login ${login} answered ${res.status}: ${res.text.slice(0, 300)}`);
    }
    return res;
}

export async function refresh(refreshToken, rid = newRid('refresh')) {
    const res = await api('POST', REFRESH, {
        body: { refresh_token: refreshToken },
        headers: { 'X-Request-Id': rid },
    });
    return { ...res, token: res.json?.access_token, refresh: res.json?.refresh_token, rid };
}

export function me(token, headers = {}) {
    return api('GET', ME, { token, headers });
}

// ---------------------------------------------------------------------------------------------
// JWT

export function b64url(buf) {
    return Buffer.from(buf).toString('base64url');
}

export function b64urlJson(obj) {
    return b64url(JSON.stringify(obj));
}

/** Decodes (without verifying) a compact JWT: {header, payload, signature, parts}. */
export function decodeJwt(token) {
    const parts = String(token).split('.');
    if (parts.length !== 3) throw new Error(`not a compact JWS: ${String(token).slice(0, 40)}...`);
    return {
        header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')),
        payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')),
        signature: parts[2],
        parts,
    };
}

/** The stack's HMAC key: the bytes of secrets/jwt_secret minus one trailing newline. */
export function jwtSecret() {
    let b = fs.readFileSync(path.join(STACK_DIR, 'secrets', 'jwt_secret'));
    if (b.length > 0 && b[b.length - 1] === 0x0a) b = b.subarray(0, b.length - 1);
    return b;
}

export function hs256(signingInput, key) {
    return crypto.createHmac('sha256', key).update(signingInput).digest('base64url');
}

/** Signs header+payload with HS256 under key (the stack's secret by default). */
export function signHS256(header, payload, key = jwtSecret()) {
    const input = `${b64urlJson(header)}.${b64urlJson(payload)}`;
    return `${input}.${hs256(input, key)}`;
}

/** True when token's HS256 signature is valid under key. */
export function verifyHS256(token, key = jwtSecret()) {
    const [h, p, s] = String(token).split('.');
    const want = Buffer.from(hs256(`${h}.${p}`, key));
    const got = Buffer.from(s ?? '');
    return want.length === got.length && crypto.timingSafeEqual(want, got);
}

/** Signs header+payload with RS256 under a freshly generated RSA key (2048 bits). */
export function signRS256(header, payload) {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = `${b64urlJson(header)}.${b64urlJson(payload)}`;
    const sig = crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url');
    return `${input}.${sig}`;
}

/** The jwt_kid of the stack's config ("k1" unless the config says otherwise). */
export function stackKid() {
    try {
        const m = fs.readFileSync(CONF, 'utf8').match(/^\s*jwt_kid\s*=\s*(\S+)\s*$/m);
        if (m) return m[1];
    } catch {
        /* no config: the default */
    }
    return 'k1';
}

/** A numeric key of the stack's gatehouse.conf, or def when it is not set there. */
export function confNumber(key, def) {
    try {
        const re = new RegExp(`^\\s*${key}\\s*=\\s*(\\d+)\\s*$`, 'm');
        const m = fs.readFileSync(CONF, 'utf8').match(re);
        if (m) return Number(m[1]);
    } catch {
        /* no config */
    }
    return def;
}

/**
 * Claims of a valid access token for the user, built here: right iss/aud/typ, pv and the
 * membership's session_version (mv, when not 0) from the database, random jti and sid, iat/nbf now, exp in 10 minutes. over replaces or adds claims
 * (a value of undefined removes the claim).
 */
export async function accessClaims(userId, over = {}) {
    const pv = Number(await sqlValue(`SELECT permission_version FROM users WHERE id = ${Number(userId)}`));
    const roles = (
        await sql(
            `SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id
             JOIN user_organization uo ON uo.user_id = ur.user_id AND uo.is_primary = 1
             WHERE ur.user_id = ${Number(userId)}
               AND (ur.organization_id = uo.organization_id OR ur.organization_id IS NULL)
             ORDER BY r.name`,
        )
    ).map((r) => r[0]);
    const [org, mv] = (await sql(
        `SELECT organization_id, session_version FROM user_organization WHERE user_id = ${Number(userId)} AND is_primary = 1`,
    ))[0] ?? [];
    const now = Math.floor(Date.now() / 1000);
    const claims = {
        sub: String(userId),
        org: org === undefined ? null : Number(org),
        roles,
        pv,
        ...(Number(mv) > 0 ? { mv: Number(mv) } : {}),
        sid: crypto.randomBytes(16).toString('base64url'),
        jti: crypto.randomBytes(16).toString('base64url'),
        iat: now,
        nbf: now,
        exp: now + 600,
        iss: 'gatehouse',
        aud: 'gatehouse',
        typ: 'access',
    };
    for (const [k, v] of Object.entries(over)) {
        if (v === undefined) delete claims[k];
        else claims[k] = v;
    }
    return claims;
}

// ---------------------------------------------------------------------------------------------
// Users

export async function userId(username) {
    const v = await sqlValue(`SELECT id FROM users WHERE username = '${username}'`);
    if (v === undefined) throw new Error(`no user ${username}`);
    return Number(v);
}

/**
 * Creates a throwaway user that signs in with the dev password: a copy of bob's password hash,
 * member of organization org (default acme, primary) holding the shared role named role
 * (default member). Returns {id, username, email}.
 */
export async function createUser(prefix = 'authtest', org = 1, role = 'member') {
    const username = `${prefix}-${uniq()}`;
    const email = `${username}@acme.test`;
    await sql(
        `INSERT INTO users (username, email, first_name, last_name, full_name, password_hash, role_id,
                            password_changed_at)
         SELECT '${username}', '${email}', 'Test', 'User', 'Test User', b.password_hash, b.role_id,
                CURRENT_TIMESTAMP(6)
         FROM users b WHERE b.username = 'bob';
         INSERT INTO user_organization (user_id, organization_id, is_primary)
         SELECT id, ${Number(org)}, 1 FROM users WHERE username = '${username}';
         INSERT INTO user_roles (user_id, role_id, organization_id)
         SELECT u.id, r.id, ${Number(org)} FROM users u JOIN roles r ON r.name = '${role}' AND r.organization_id IS NULL
         WHERE u.username = '${username}';`,
    );
    return { id: await userId(username), username, email };
}

export async function deleteUser(id) {
    await sql(`DELETE FROM users WHERE id = ${Number(id)}`);
}

// ---------------------------------------------------------------------------------------------
// Audit log and Redis

/** Audit rows with this request id: [{action, outcome, reason, client_ip, actor_user_id, target_id, request_id}]. */
export async function auditRows(rid) {
    const rows = await sql(
        `SELECT action, outcome, IFNULL(reason, 'NULL'), IFNULL(client_ip, 'NULL'),
                IFNULL(actor_user_id, 'NULL'), IFNULL(target_id, 'NULL'), request_id
         FROM audit_log WHERE request_id = '${rid}' ORDER BY id`,
    );
    return rows.map(([action, outcome, reason, client_ip, actor_user_id, target_id, request_id]) => ({
        action,
        outcome,
        reason: reason === 'NULL' ? null : reason,
        client_ip: client_ip === 'NULL' ? null : client_ip,
        actor_user_id: actor_user_id === 'NULL' ? null : actor_user_id,
        target_id: target_id === 'NULL' ? null : target_id,
        request_id,
    }));
}

/** Waits (up to ms) for an audit row with this request id and action; returns it. */
export async function waitAudit(rid, action, ms = 3000) {
    let seen = [];
    try {
        return await waitFor(async () => {
            seen = await auditRows(rid);
            return seen.find((r) => r.action === action);
        }, ms, 100);
    } catch {
        throw new Error(`no audit row '${action}' for request id ${rid}; rows: ${JSON.stringify(seen)}`);
    }
}

/** Runs redis-cli on the stack's socket; returns trimmed stdout. */
export function redis(...args) {
    return new Promise((resolve, reject) => {
        execFile('redis-cli', ['-s', path.join(RUN_DIR, 'redis.sock'), ...args], { timeout: 10000 }, (err, stdout, stderr) => {
            if (err) reject(new Error(`redis-cli ${args.join(' ')}: ${stderr || err.message}`));
            else resolve(stdout.trim());
        });
    });
}

/**
 * Restarts Gatehouse (stop-gatehouse, start-gatehouse) with extra environment, e.g.
 * { GATEHOUSE_IP_MAX_FAILURES: '3' } (every config key can be overridden that way). An empty env
 * restarts it with the configuration file alone.
 */
export async function restartGatehouse(env = {}) {
    for (const cmd of ['stop-gatehouse', 'start-gatehouse']) {
        await new Promise((resolve, reject) => {
            execFile(STACK, ['ctl', STACK_DIR, cmd], { timeout: 120000, env: { ...process.env, ...env } },
                (err, stdout, stderr) => {
                    if (err) reject(new Error(`stack ctl ${cmd}: ${(stderr + stdout).trim() || err.message}`));
                    else resolve();
                });
        });
    }
}

/** Moves the authorization generation so every worker reloads the permission tables. */
export function bumpAuthz() {
    return redis('INCR', 'authz:gen');
}

// ---------------------------------------------------------------------------------------------
// Misc

export function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The body of a problem answer without request_id (for comparing two answers). */
export function withoutRid(json) {
    if (!json || typeof json !== 'object') return json;
    const { request_id: _ignored, ...rest } = json;
    return rest;
}

/** Short description of a response for assertion messages. */
export function show(res) {
    return `${res.status} ${res.headers?.get?.('content-type') ?? ''} ${String(res.text ?? '').slice(0, 400)}`;
}
