// The load of tests/faults: N clients on loopback, each with its own session, sending a mix of
// token checks, GET /api/v1/me, refreshes and writes that create rows (POST /api/v1/teams with a
// unique name), and recording every request: { kind, status, t0, t1, err, name }.
//
// A write's name is its natural key: the unique key uq_team_org_name makes a retry of an
// uncertain write (502, 503, a network error: the row may or may not have been committed)
// answer 201 or 409, never a second row. verifyWrites() checks that in the database.

import { URL_BASE, DEV_PASSWORD, sql, sleep } from '../api/lib.mjs';

export const now = () => Number(process.hrtime.bigint() / 1000n) / 1000; // ms, monotonic

const EXPECT = { check: 204, me: 200, refresh: 200, write: 201, login: 200, sleep: 200 };

async function req(method, path, { token, body, headers = {}, timeoutMs = 10000 } = {}) {
    const h = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const res = await fetch(URL_BASE + path, {
        method,
        headers: h,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json = null;
    try {
        json = text ? JSON.parse(text) : null;
    } catch {
        json = null;
    }
    return { status: res.status, json, headers: res.headers };
}

export async function loginAs(user = 'admin') {
    return req('POST', '/api/v1/auth/login', { body: { login: user, password: DEV_PASSWORD } });
}

/** One token check as nginx's auth_request sends it (the check pool, through nginx). */
export function check(token) {
    return req('GET', '/api/v1/auth/check', {
        token,
        headers: { 'X-Original-Method': 'GET', 'X-Original-URI': '/api/v1/me' },
    });
}

export { req };

let loadSeq = 0;

/**
 * new Load({ clients, mix, prefix }).start(): clients loop until stop(). mix: weights per kind
 * (check, me, refresh, write, sleep). freeze() makes every client stop issuing new requests
 * (in-flight ones complete); stop() also waits for them.
 */
export class Load {
    constructor({ clients = 12, mix = { check: 4, me: 3, refresh: 1, write: 2 }, prefix, org = 1 } = {}) {
        this.clients = clients;
        this.mix = Object.entries(mix).filter(([, w]) => w > 0);
        this.total = this.mix.reduce((a, [, w]) => a + w, 0);
        this.prefix = prefix ?? `fl${process.pid}x${++loadSeq}`;
        this.org = org;
        this.records = [];
        this.stopped = false;
        this.inflight = new Set();
        this.seq = 0;
    }

    pick(i) {
        let r = (i * 7919 + Math.floor(Math.random() * this.total * 16)) % this.total;
        for (const [k, w] of this.mix) {
            if (r < w) return k;
            r -= w;
        }
        return this.mix[0][0];
    }

    async one(c, kind) {
        const rec = { kind, status: 0, t0: now(), t1: 0, err: null, name: null };
        this.inflight.add(rec);
        try {
            let r;
            if (kind === 'login' || (kind !== 'sleep' && !c.token)) {
                rec.kind = 'login';
                r = await loginAs();
                if (r.status === 200) {
                    c.token = r.json.access_token;
                    c.refresh = r.json.refresh_token;
                } else c.pause = 100;
            } else if (kind === 'check') {
                r = await check(c.token);
            } else if (kind === 'me') {
                r = await req('GET', '/api/v1/me', { token: c.token });
            } else if (kind === 'refresh') {
                r = await req('POST', '/api/v1/auth/refresh', { body: { refresh_token: c.refresh } });
                if (r.status === 200) {
                    c.token = r.json.access_token;
                    c.refresh = r.json.refresh_token;
                } else if (r.status !== 503) {
                    // A lost answer may have retired the old refresh token: a new session.
                    c.token = null;
                }
            } else if (kind === 'write') {
                rec.name = `${this.prefix}-${c.id}-${this.seq++}`;
                r = await req('POST', '/api/v1/teams', {
                    token: c.token,
                    body: { name: rec.name, organization_id: this.org },
                });
            } else if (kind === 'sleep') {
                r = await req('GET', '/api/v1/debug/sleep?ms=400');
            }
            rec.status = r.status;
            if (r.status === 401 && kind !== 'login') c.token = null;
        } catch (e) {
            rec.err = String(e?.cause?.code ?? e?.name ?? e);
        }
        rec.t1 = now();
        this.inflight.delete(rec);
        this.records.push(rec);
        return rec;
    }

    async client(id) {
        const c = { id, token: null, refresh: null };
        (this.cs ??= []).push(c);
        // Its own session first (not counted as load).
        for (let tries = 0; tries < 50 && !c.token && !this.stopped; tries++) {
            const r = await loginAs().catch(() => null);
            if (r?.status === 200) {
                c.token = r.json.access_token;
                c.refresh = r.json.refresh_token;
            } else await sleep(100);
        }
        this.ready++;
        let i = id;
        while (!this.stopped && !this.frozen) {
            await this.one(c, this.pick(i++));
            if (c.pause) {
                await sleep(c.pause);
                c.pause = 0;
            }
        }
    }

    async start() {
        this.ready = 0;
        this.t0 = now();
        this.done = Promise.all(Array.from({ length: this.clients }, (_, i) => this.client(i)));
        while (this.ready < this.clients) await sleep(20);
        this.t0 = now();
        return this;
    }

    /**
     * Stop issuing; returns the requests in flight at this moment, after sending extra ones
     * more of the kinds named (one per client, from the first).
     */
    freeze(extra = []) {
        this.frozen = true;
        this.extra = extra.map((kind, i) => this.one(this.cs[i % this.cs.length], kind));
        return [...this.inflight];
    }

    async stop() {
        this.stopped = true;
        await this.done;
        if (this.extra) await Promise.all(this.extra);
        this.t1 = now();
        return this.records;
    }
}

/** True when the status is what the kind answers normally. */
export const ok = (r) => r.err === null && r.status === EXPECT[r.kind];

export function summary(records) {
    const by = {};
    for (const r of records) {
        const k = r.err ? `${r.kind}:${r.err}` : `${r.kind}:${r.status}`;
        by[k] = (by[k] ?? 0) + 1;
    }
    return by;
}

/**
 * After the fault: retries every uncertain write (no answer, or 5xx) with the same name, as a
 * client holding a natural key would, then reads the rows. Returns counts:
 *   acked     writes answered 201
 *   uncertain writes answered 5xx or not at all (retried)
 *   retryBad  retries answered something else than 201 or 409
 *   lost      acked names with no row
 *   dup       names with more than one row
 *   half      rows without their audit row (team.create is one transaction with it)
 */
export async function verifyWrites(load, token, org = 1) {
    const writes = load.records.filter((r) => r.kind === 'write' && r.name);
    const acked = new Set(writes.filter((r) => r.status === 201).map((r) => r.name));
    const uncertain = writes.filter((r) => r.err !== null || r.status >= 500).map((r) => r.name);
    let retryBad = 0;
    const retryBy = {};
    for (const name of uncertain) {
        let r;
        for (let i = 0; i < 20; i++) {
            r = await req('POST', '/api/v1/teams', { token, body: { name, organization_id: org } }).catch(
                (e) => ({ status: String(e?.cause?.code ?? e) }),
            );
            if (r.status !== 503) break;
            await sleep(200);
        }
        retryBy[r.status] = (retryBy[r.status] ?? 0) + 1;
        if (r.status === 201) acked.add(name);
        else if (r.status !== 409) retryBad++;
    }
    const rows = await sql(
        `SELECT name, COUNT(*) FROM team WHERE organization_id = ${org} AND name LIKE '${load.prefix}-%' GROUP BY name`,
    );
    const have = new Map(rows.map(([n, c]) => [n, Number(c)]));
    let lost = 0;
    for (const n of acked) if (!have.has(n)) lost++;
    let dup = 0;
    for (const c of have.values()) if (c > 1) dup++;
    const half = Number(
        (
            await sql(
                `SELECT COUNT(*) FROM team t LEFT JOIN audit_log a ON a.action = 'team.create' ` +
                    `AND a.target_type = 'team' AND a.target_id = CAST(t.id AS CHAR) ` +
                    `WHERE t.organization_id = ${org} AND t.name LIKE '${load.prefix}-%' AND a.id IS NULL`,
            )
        )[0][0],
    );
    return { acked: acked.size, uncertain: uncertain.length, retryBad, retryBy, lost, dup, half, rows: have.size };
}

export function pct(values, p) {
    if (values.length === 0) return NaN;
    const s = [...values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
