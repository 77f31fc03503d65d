// Helpers for the authorization admin API tests (authz.test.mjs, authz-matrix.test.mjs,
// tenancy.test.mjs): a logged-in client per user, problem/ETag/Location assertions, cursor
// pagination, audit look-ups and a SQL safety net that removes whatever a run created.
// The general helpers are in lib.mjs, the authentication ones in authlib.mjs (reused, not edited).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
    api, rawRequest, sql, sqlValue, problemOf, waitFor, workerPids, URL_BASE, DEV_PASSWORD, STACK_DIR, CONF,
    DIRECT_URL,
} from './lib.mjs';
import { mustLogin, newRid, uniq, auditRows, waitAudit, bumpAuthz, show } from './authlib.mjs';

export { show, uniq, waitAudit, auditRows, bumpAuthz };

export const ROLES = '/api/v1/roles';
export const PERMS = '/api/v1/permissions';
export const ENDPOINTS = '/api/v1/endpoints';
export const ME_PERMS = '/api/v1/me/permissions';
export const userRolesPath = (id) => `/api/v1/users/${id}/roles`;

// Fixed ids of the dev seed (sql/dev/seed.sql).
export const ORG = { acme: 1, globex: 2 };
export const UID = { admin: 1, alice: 2, bob: 3, carol: 4, gina: 5 };

/**
 * A user's session: logs in with the dev password and sends requests with its access token and a
 * fresh X-Request-Id each (returned as res.rid, for audit look-ups).
 * autoRelogin: on 401 token_revoked log in again and retry once (for the operator "admin", whose
 * own token is not what a test is about); every such retry is counted in relogins.
 */
export class Client {
    constructor(username, { autoRelogin = false, organization } = {}) {
        this.username = username;
        this.autoRelogin = autoRelogin;
        this.organization = organization;
        this.token = null;
        this.refresh = null;
        this.relogins = 0;
    }

    async login() {
        const opts = this.organization !== undefined ? { organization: this.organization } : {};
        const res = await mustLogin(this.username, DEV_PASSWORD, opts);
        this.token = res.token;
        this.refresh = res.refresh;
        this.loginJson = res.json;
        return this;
    }

    async req(method, path, { body, headers = {}, raw, token, rid } = {}) {
        if (!this.token) await this.login();
        const r = rid ?? newRid(`az-${this.username}`);
        const send = () =>
            api(method, path, { body, raw, token: token ?? this.token, headers: { 'X-Request-Id': r, ...headers } });
        let res = await send();
        if (this.autoRelogin && token === undefined && res.status === 401 && res.json?.code === 'token_revoked') {
            this.relogins++;
            await this.login();
            res = await send();
        }
        return { ...res, rid: r, method, path };
    }

    get(path, opts) {
        return this.req('GET', path, opts);
    }
    post(path, body, opts = {}) {
        return this.req('POST', path, { ...opts, body });
    }
    put(path, body, opts = {}) {
        return this.req('PUT', path, { ...opts, body });
    }
    patch(path, body, opts = {}) {
        return this.req('PATCH', path, { ...opts, body });
    }
    del(path, opts) {
        return this.req('DELETE', path, opts);
    }
}

/** Short "METHOD path -> status body" for assertion messages. */
export function desc(res) {
    return `${res.method ?? ''} ${res.path ?? ''} -> ${show(res)}`;
}

export function expectStatus(res, status, msg = '') {
    const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
    assert.ok(ok, `${msg} expected ${JSON.stringify(status)}, got ${desc(res)}`);
    return res.json;
}

/** A problem+json answer with this status and code; returns its body. */
export function expectProblem(res, status, code, msg = '') {
    expectStatus(res, status, `${msg} (${code})`);
    let p;
    try {
        p = problemOf(res);
    } catch (e) {
        assert.fail(`${msg} ${e.message} [${desc(res)}]`);
    }
    if (code !== undefined) {
        const codes = Array.isArray(code) ? code : [code];
        assert.ok(codes.includes(p.code), `${msg} expected code ${codes.join('|')}, got ${desc(res)}`);
    }
    return p;
}

/** True when the problem names field (top-level `field` or an entry of `errors`). */
export function namesField(p, field) {
    return (
        p?.field === field ||
        (Array.isArray(p?.errors) &&
            p.errors.some((e) => e && (e.field === field || e.name === field || e.pointer === `/${field}`)))
    );
}

/** 400 validation_failed naming field. */
export function expectValidation(res, field, msg = '') {
    const p = expectProblem(res, 400, 'validation_failed', msg);
    assert.ok(namesField(p, field), `${msg} validation_failed should name field '${field}': ${desc(res)}`);
    return p;
}

/** 403 forbidden (optionally naming field). */
export function expectForbidden(res, msg = '', code = 'forbidden') {
    return expectProblem(res, 403, code, msg);
}

export function expectNotFound(res, msg = '') {
    return expectProblem(res, 404, 'not_found', msg);
}

/** The ETag header: present and a quoted strong tag. Returns it. */
export function expectETag(res, msg = '') {
    const tag = res.headers.get('etag');
    assert.ok(tag, `${msg} ETag header missing: ${desc(res)}`);
    assert.match(tag, /^"[\x21\x23-\x7e]+"$/, `${msg} ETag should be a quoted strong tag, got ${tag}`);
    return tag;
}

/** 201 with Location (path of the new object) and ETag; returns {id, location, etag, json}. */
export function expectCreated(res, collection, msg = '') {
    expectStatus(res, 201, msg);
    const loc = res.headers.get('location');
    assert.ok(loc, `${msg} Location header missing: ${desc(res)}`);
    const j = res.json;
    assert.ok(j && Number.isInteger(j.id) && j.id > 0, `${msg} created object has an integer id: ${desc(res)}`);
    const locPath = new URL(loc, URL_BASE + '/').pathname;
    assert.equal(locPath, `${collection}/${j.id}`, `${msg} Location names the new object`);
    const etag = expectETag(res, msg);
    return { id: j.id, location: locPath, etag, json: j };
}

function withQuery(path, params) {
    const q = Object.entries(params)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join('&');
    if (!q) return path;
    return path + (path.includes('?') ? '&' : '?') + q;
}

/**
 * Follows next_cursor from path with ?limit=limit. Asserts each page is 200 {items, next_cursor},
 * holds at most limit items, no id twice, and that it ends within maxPages. Returns {items, pages}.
 */
export async function listAll(client, path, { limit = 200, maxPages = 1000, key = (o) => o.id } = {}) {
    const items = [];
    const seen = new Set();
    let cursor;
    let pages = 0;
    for (;;) {
        pages++;
        assert.ok(pages <= maxPages, `listing ${path} did not end within ${maxPages} pages (limit ${limit})`);
        const res = await client.get(withQuery(path, { limit, cursor }));
        expectStatus(res, 200, `list page ${pages}`);
        const j = res.json;
        assert.ok(j && Array.isArray(j.items), `list answer has items[]: ${desc(res)}`);
        assert.ok('next_cursor' in j, `list answer has next_cursor: ${desc(res)}`);
        assert.ok(j.next_cursor === null || typeof j.next_cursor === 'string', `next_cursor string|null: ${desc(res)}`);
        assert.ok(j.items.length <= limit, `page of ${j.items.length} items exceeds limit ${limit}`);
        for (const it of j.items) {
            const k = key(it);
            assert.ok(!seen.has(k), `item ${k} listed twice while paging ${path} (limit ${limit})`);
            seen.add(k);
            items.push(it);
        }
        if (j.next_cursor === null) break;
        assert.notEqual(j.next_cursor, cursor, 'next_cursor must move');
        cursor = j.next_cursor;
    }
    return { items, pages };
}

/** Asserts an audit row action/success for the request (actor when given). */
export async function expectAudit(res, action, { actor } = {}) {
    const row = await waitAudit(res.rid, action);
    assert.equal(row.outcome, 'success', `audit ${action} outcome: ${JSON.stringify(row)}`);
    if (actor !== undefined) assert.equal(String(row.actor_user_id), String(actor), `audit ${action} actor`);
    return row;
}

/** No successful change was audited for this request. */
export async function expectNoSuccessAudit(res, msg = '') {
    const rows = await auditRows(res.rid);
    const ok = rows.filter((r) => r.outcome === 'success');
    assert.equal(ok.length, 0, `${msg} no successful change should be audited: ${JSON.stringify(rows)}`);
}

// ---------------------------------------------------------------------------------------------
// Database look-ups (read-only unless named cleanup/restore)

export async function roleId(name, orgId = null) {
    const where = orgId === null ? 'organization_id IS NULL' : `organization_id = ${Number(orgId)}`;
    const v = await sqlValue(`SELECT id FROM roles WHERE name = '${name}' AND ${where}`);
    return v === undefined ? undefined : Number(v);
}

export async function permId(name) {
    const v = await sqlValue(`SELECT id FROM permissions WHERE name = '${name}'`);
    return v === undefined ? undefined : Number(v);
}

/** Permission names of a role (sorted in code-unit order). */
export async function rolePerms(id) {
    const rows = await sql(
        `SELECT p.name FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id WHERE rp.role_id = ${Number(id)}`,
    );
    return rows.map((r) => r[0]).sort();
}

/** The user's role assignments as sorted "name@org" strings (org 'NULL' for platform-wide). */
export async function userRoleKeys(uid) {
    const rows = await sql(
        `SELECT r.name, IFNULL(ur.organization_id, 'NULL') FROM user_roles ur JOIN roles r ON r.id = ur.role_id
         WHERE ur.user_id = ${Number(uid)}`,
    );
    return rows.map(([n, o]) => `${n}@${o}`).sort();
}

export async function permissionVersion(uid) {
    return Number(await sqlValue(`SELECT permission_version FROM users WHERE id = ${Number(uid)}`));
}

export async function count(table, where = '1=1') {
    return Number(await sqlValue(`SELECT COUNT(*) FROM ${table} WHERE ${where}`));
}

/** Distinct permission names of a user's roles in org (plus platform-wide roles), sorted. */
export async function userPermsSql(uid, orgId) {
    const rows = await sql(
        `SELECT DISTINCT p.name FROM user_roles ur
         JOIN role_permissions rp ON rp.role_id = ur.role_id
         JOIN permissions p ON p.id = rp.permission_id
         WHERE ur.user_id = ${Number(uid)} AND (ur.organization_id = ${Number(orgId)} OR ur.organization_id IS NULL)`,
    );
    return rows.map((r) => r[0]).sort();
}

/**
 * Safety net for a run: removes endpoint mappings under /ext/<run>/, roles named t_<run>*,
 * permissions named zt<run>.* (in that order: mappings restrict permission deletes), then moves the
 * authorization generation so every worker reloads. Returns how many rows it removed.
 */
export async function cleanupRun(run) {
    const before =
        (await count('permission_api_endpoints', `api_endpoint LIKE '/ext/${run}/%'`)) +
        (await count('roles', `name LIKE 't\\_${run}%'`)) +
        (await count('permissions', `name LIKE 'zt${run}.%'`));
    if (before === 0) return 0;
    await sql(
        `DELETE FROM permission_api_endpoints WHERE api_endpoint LIKE '/ext/${run}/%'
            OR permission_id IN (SELECT id FROM permissions WHERE name LIKE 'zt${run}.%');
         DELETE FROM roles WHERE name LIKE 't\\_${run}%';
         DELETE FROM permissions WHERE name LIKE 'zt${run}.%';`,
    );
    await bumpAuthz();
    return before;
}

/**
 * Puts a seeded user's roles back to exactly `role` (shared) in org, or to a list of
 * [role, orgId|null] pairs, bumping their version. Returns true when something had to change.
 */
export async function restoreUserRoles(uid, role, orgId) {
    const spec = Array.isArray(role) ? role : [[role, orgId]];
    const want = spec.map(([r, o]) => `${r}@${o === null ? 'NULL' : o}`).sort();
    const have = await userRoleKeys(uid);
    if (JSON.stringify(have) === JSON.stringify(want)) return false;
    const inserts = spec
        .map(
            ([r, o]) => `INSERT INTO user_roles (user_id, role_id, organization_id)
         SELECT ${Number(uid)}, id, ${o === null ? 'NULL' : Number(o)} FROM roles WHERE name = '${r}' AND organization_id IS NULL;`,
        )
        .join('\n');
    await sql(
        `DELETE FROM user_roles WHERE user_id = ${Number(uid)};
         ${inserts}
         UPDATE users SET permission_version = permission_version + 1 WHERE id = ${Number(uid)};`,
    );
    await bumpAuthz();
    return true;
}

/** n sequential requests (spread over the workers); returns their statuses and codes. */
export async function repeat(n, fn) {
    const out = [];
    for (let i = 0; i < n; i++) {
        const r = await fn(i);
        out.push({ status: r.status, code: r.json?.code ?? null });
    }
    return out;
}

/** The gatehouse log file of the stack (log_file of its config). */
export function gatehouseLog() {
    try {
        const m = fs.readFileSync(CONF, 'utf8').match(/^\s*log_file\s*=\s*(\S+)\s*$/m);
        if (m) return m[1];
    } catch {
        /* no config: the stack's default */
    }
    return path.join(STACK_DIR, 'log', 'gatehouse.log');
}

/**
 * Sends the same request in bursts of `burst` concurrent requests, each on a fresh connection, until
 * at least `min` were sent and the gatehouse log shows that every worker served at least one.
 * The requests go to the stack's server without kept FastCGI connections (DIRECT_URL): through
 * the main server nginx reuses its kept connections, held by a few workers.
 * send(headers, base) must pass the headers on (they carry the request id) and send to base. Returns
 * {results: [{status, code, pid}], workers, served} and fails when some worker was never reached.
 */
export async function acrossWorkers(send, { min = 16, burst = 8, maxBursts = 60 } = {}) {
    const log = gatehouseLog();
    const start = fs.existsSync(log) ? fs.statSync(log).size : 0;
    const workers = workerPids();
    assert.ok(workers.length > 0, 'the gatehouse master has workers');
    const tag = `aw-${uniq()}`;
    const results = [];
    const pidOf = new Map();
    const served = new Set();
    const readLog = () => {
        const fd = fs.openSync(log, 'r');
        try {
            const size = fs.fstatSync(fd).size;
            const buf = Buffer.alloc(Math.max(0, size - start));
            fs.readSync(fd, buf, 0, buf.length, start);
            for (const line of buf.toString('utf8').split('\n')) {
                if (!line.includes(tag)) continue;
                try {
                    const j = JSON.parse(line);
                    if (j.request_id?.startsWith(tag)) {
                        pidOf.set(j.request_id, j.pid);
                        served.add(j.pid);
                    }
                } catch {
                    /* a partial line */
                }
            }
        } finally {
            fs.closeSync(fd);
        }
    };
    for (let b = 0; b < maxBursts; b++) {
        const rids = Array.from({ length: burst }, (_, i) => `${tag}-${b}-${i}`);
        const rs = await Promise.all(rids.map((rid) => send({ 'X-Request-Id': rid }, DIRECT_URL)));
        rs.forEach((r, i) => results.push({ rid: rids[i], status: r.status, code: r.json?.code ?? null }));
        try {
            await waitFor(() => (readLog(), rids.every((r) => pidOf.has(r))), 3000, 20);
        } catch {
            assert.fail(`the gatehouse log (${log}) lacks lines for request ids ${rids.join(' ')}`);
        }
        if (results.length >= min && workers.every((p) => served.has(p))) break;
    }
    const missed = workers.filter((p) => !served.has(p));
    assert.deepEqual(missed, [], `every worker reached (workers ${workers.join(',')}, served by ${[...served].join(',')})`);
    return {
        results: results.map(({ rid, status, code }) => ({ status, code, pid: pidOf.get(rid) })),
        workers,
        served: [...served],
    };
}

/** acrossWorkers with the request given as (method, path, {token, body}); every answer must match. */
export async function expectAcrossWorkers(method, urlPath, { token, body } = {}, want, msg = '') {
    const out = await acrossWorkers((headers, base) => rawRequest(method, urlPath, { token, body, headers, base }));
    const bad = out.results.filter((r) => r.status !== want.status || (want.code !== undefined && r.code !== want.code));
    assert.deepEqual(bad, [], `${msg}: every one of ${out.results.length} answers over ${out.workers.length} workers is ${JSON.stringify(want)}`);
    return out;
}

export { sql, sqlValue };
