// Helpers for the API tests (node:test). They run against the real stack that tests/run starts
// (scripts/stack up --test), located through the environment:
//   GH_URL          http://127.0.0.1:PORT (nginx in front of Gatehouse)
//   GH_SPAWN_URL    http://127.0.0.1:PORT+1 (nginx in front of a spawn-fcgi socket)
//   GH_UPSTREAM_URL http://127.0.0.1:PORT/upstream/ (another service behind auth_request)
//   GH_STACK_DIR, GH_STACK (scripts/stack), GH_BIN (./gatehouse), GH_CONF, GH_REPO
// Without them the defaults point at a stack started by hand with `scripts/stack up`.

import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { checkResponse } from './openapilib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const REPO = process.env.GH_REPO ?? path.resolve(here, '..', '..');
export const STACK_DIR = process.env.GH_STACK_DIR ?? path.join(REPO, '.stack');
export const STACK = process.env.GH_STACK ?? path.join(REPO, 'scripts', 'stack');
export const BIN = process.env.GH_BIN ?? path.join(REPO, 'gatehouse');
export const CONF = process.env.GH_CONF ?? path.join(STACK_DIR, 'gatehouse.conf');
export const URL_BASE = (process.env.GH_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const SPAWN_URL = (process.env.GH_SPAWN_URL ?? 'http://127.0.0.1:8081').replace(/\/+$/, '');
/** The stack's Gatehouse without kept connections (PORT+3): concurrent requests reach many workers. */
export const DIRECT_URL = (process.env.GH_DIRECT_URL ?? 'http://127.0.0.1:8083').replace(/\/+$/, '');
export const UPSTREAM_URL = process.env.GH_UPSTREAM_URL ?? `${URL_BASE}/upstream/`;
export const RUN_DIR = path.join(STACK_DIR, 'run');

// Every seeded dev user has this password (sql/dev/seed.sql).
export const DEV_PASSWORD = 'gatehouse-dev-password';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseBody(headers, text) {
    const ct = headers.get('content-type') ?? '';
    if (text.length > 0 && /json/i.test(ct)) {
        try {
            return JSON.parse(text);
        } catch {
            return undefined; // claimed JSON but is not: tests see json === undefined
        }
    }
    return null;
}

function buildRequest(method, { body, headers = {}, token, raw } = {}) {
    const h = { ...headers };
    let payload;
    if (raw !== undefined) {
        payload = raw; // sent byte for byte; no Content-Type added
    } else if (body !== undefined) {
        payload = JSON.stringify(body);
        if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) {
            h['Content-Type'] = 'application/json';
        }
    }
    if (token) h.Authorization = `Bearer ${token}`;
    return { method, headers: h, payload };
}

/**
 * One HTTP request through fetch. Every response of a Gatehouse path is checked against the
 * OpenAPI document (openapilib.mjs): one the document does not allow throws.
 *   path    '/api/v1/me' (joined to GH_URL) or an absolute http:// URL
 *   body    any value, sent as JSON with Content-Type: application/json
 *   raw     a string or Buffer sent as the body as it is (use headers for its Content-Type)
 *   headers extra request headers; token: adds Authorization: Bearer <token>
 * Returns { status, headers (a Headers), json (parsed when the type says JSON, else null), text }.
 * fetch normalises paths ('..', '%2e'): use rawRequest for those.
 */
export async function api(method, urlPath, opts = {}) {
    const url = /^https?:\/\//.test(urlPath) ? urlPath : URL_BASE + urlPath;
    const { headers, payload } = buildRequest(method, opts);
    const res = await fetch(url, {
        method,
        headers,
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs ?? 15000),
    });
    const text = await res.text();
    const out = { status: res.status, headers: res.headers, json: parseBody(res.headers, text), text };
    checkResponse(method, url, out);
    return out;
}

/**
 * Like api, but over node:http with the path string sent exactly as given (no normalisation),
 * on a fresh connection. base defaults to GH_URL.
 */
export function rawRequest(method, rawPath, opts = {}) {
    const base = new URL(opts.base ?? URL_BASE);
    const { headers, payload } = buildRequest(method, opts);
    if (payload !== undefined) headers['Content-Length'] = Buffer.byteLength(payload);
    return new Promise((resolve, reject) => {
        const req = http.request(
            {
                host: base.hostname,
                port: base.port,
                method,
                path: rawPath,
                headers,
                agent: false,
                timeout: opts.timeoutMs ?? 15000,
            },
            (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('end', () => {
                    const text = Buffer.concat(chunks).toString('utf8');
                    const h = new Headers();
                    for (const [k, v] of Object.entries(res.headers)) {
                        for (const one of Array.isArray(v) ? v : [v]) h.append(k, String(one));
                    }
                    const out = { status: res.statusCode, headers: h, json: parseBody(h, text), text };
                    try {
                        checkResponse(method, base.origin + '/', out, rawPath);
                    } catch (e) {
                        reject(e);
                        return;
                    }
                    resolve(out);
                });
                res.on('error', reject);
            },
        );
        req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${rawPath}`)));
        req.on('error', reject);
        if (payload !== undefined) req.write(payload);
        req.end();
    });
}

function run(file, args, { input, timeoutMs = 120000, env } = {}) {
    return new Promise((resolve) => {
        const child = execFile(
            file,
            args,
            { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: env ?? process.env },
            (err, stdout, stderr) => {
                const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
                resolve({ code, stdout, stderr, signal: err?.signal ?? null });
            },
        );
        if (input !== undefined) child.stdin.end(input);
    });
}

/** Runs the mariadb client as root on the stack's socket against database gatehouse.
 *  Returns the rows as arrays of strings (NULL stays the string 'NULL'); throws on error. */
export async function sql(query) {
    const r = await run('mariadb', [
        '--no-defaults',
        `--socket=${path.join(RUN_DIR, 'mysql.sock')}`,
        '-u',
        'root',
        '-N',
        '-B',
        'gatehouse',
        '-e',
        query,
    ]);
    if (r.code !== 0) throw new Error(`sql failed (${r.code}): ${r.stderr.trim()}\n  query: ${query}`);
    return r.stdout
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => l.split('\t'));
}

/** First column of the first row, or undefined. */
export async function sqlValue(query) {
    const rows = await sql(query);
    return rows.length ? rows[0][0] : undefined;
}

/** `GH_STACK ctl GH_STACK_DIR cmd`, e.g. stack('stop-redis'). Throws when it fails. */
export async function stack(cmd) {
    const r = await run(STACK, ['ctl', STACK_DIR, cmd], { timeoutMs: 120000 });
    if (r.code !== 0) {
        throw new Error(`stack ctl ${cmd} failed (${r.code}): ${(r.stderr + r.stdout).trim()}`);
    }
    return r.stdout;
}

/** Runs the gatehouse binary: { code, stdout, stderr }. */
export function gatehouse(args, opts = {}) {
    return run(BIN, args, opts);
}

/** POST /api/v1/auth/login with {login, password, ...extra} (login: username or email; extra
 *  may name an organization). Returns the response plus token/refresh when it worked. */
export async function login(user, password = DEV_PASSWORD, extra = {}) {
    const res = await api('POST', '/api/v1/auth/login', { body: { login: user, password, ...extra } });
    return { ...res, token: res.json?.access_token, refresh: res.json?.refresh_token };
}

/** Polls fn (sync or async) until it returns something truthy; returns that value.
 *  Throws after ms with the last error or value. */
export async function waitFor(fn, ms = 5000, interval = 50) {
    const deadline = Date.now() + ms;
    let last;
    for (;;) {
        try {
            const v = await fn();
            if (v) return v;
            last = v;
        } catch (e) {
            last = e;
        }
        if (Date.now() >= deadline) {
            const why = last instanceof Error ? last.message : JSON.stringify(last);
            throw new Error(`waitFor: not true after ${ms} ms (last: ${why})`);
        }
        await sleep(interval);
    }
}

function procStat(pid) {
    try {
        const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
        return { state: rest[0], ppid: Number(rest[1]), comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')) };
    } catch {
        return null;
    }
}

/** True when the process exists and is not a zombie. */
export function alive(pid) {
    const st = procStat(pid);
    return st !== null && st.state !== 'Z' && st.state !== 'X';
}

/** The gatehouse master's pid from DIR/run/gatehouse.pid (its pid_file), or null. */
export function masterPid() {
    try {
        const pid = Number(fs.readFileSync(path.join(RUN_DIR, 'gatehouse.pid'), 'utf8').trim());
        return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
        return null;
    }
}

/** Live child processes of pid (the workers, for the master), sorted. */
export function childPids(pid, comm = null) {
    const out = [];
    for (const name of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        const st = procStat(name);
        if (st && st.ppid === pid && st.state !== 'Z' && st.state !== 'X' && (comm === null || st.comm === comm)) {
            out.push(Number(name));
        }
    }
    return out.sort((a, b) => a - b);
}

/** Worker pids of the current master's main pool, the one behind `listen` ([] when there is none). */
export function workerPids() {
    const m = masterPid();
    return m && alive(m) ? childPids(m, 'gatehouse') : [];
}

/** Worker pids of the check pool (check_listen; process name gatehouse-check). */
export function checkWorkerPids() {
    const m = masterPid();
    return m && alive(m) ? childPids(m, 'gatehouse-check') : [];
}

/**
 * Runs fn (async, gets the iteration number) in `concurrency` parallel loops until stop() is
 * called or durationMs passes. Returns { stop, done } where done resolves to
 * { ok, failed, failures: [{status|error}] }; fn returns true for success.
 */
export function loop(fn, { concurrency = 4, durationMs = 0, pauseMs = 0 } = {}) {
    let stopped = false;
    let n = 0;
    const result = { ok: 0, failed: 0, failures: [] };
    const end = durationMs > 0 ? Date.now() + durationMs : Infinity;
    const one = async () => {
        while (!stopped && Date.now() < end) {
            const i = n++;
            try {
                const r = await fn(i);
                if (r === true) result.ok++;
                else {
                    result.failed++;
                    result.failures.push(r);
                }
            } catch (e) {
                result.failed++;
                result.failures.push({ error: String(e?.cause ?? e) });
            }
            if (pauseMs) await sleep(pauseMs);
        }
    };
    const done = Promise.all(Array.from({ length: concurrency }, one)).then(() => result);
    return {
        stop() {
            stopped = true;
            return done;
        },
        done,
    };
}

/** Starts a long-running child (for example spawn-fcgi) with its output collected. */
export function start(file, args, opts = {}) {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    child.output = '';
    child.stdout.on('data', (d) => (child.output += d));
    child.stderr.on('data', (d) => (child.output += d));
    return child;
}

/** Asserts the common shape of a problem+json answer; returns its body. */
export function problemOf(res) {
    const ct = res.headers.get('content-type') ?? '';
    if (!ct.startsWith('application/problem+json')) {
        throw new Error(`expected application/problem+json, got '${ct}' (status ${res.status}): ${res.text.slice(0, 300)}`);
    }
    const p = res.json;
    if (!p || typeof p !== 'object') throw new Error(`problem body is not JSON: ${res.text.slice(0, 300)}`);
    for (const k of ['type', 'title', 'status', 'code', 'request_id']) {
        if (p[k] === undefined) throw new Error(`problem lacks '${k}': ${res.text.slice(0, 300)}`);
    }
    if (p.status !== res.status) throw new Error(`problem status ${p.status} != HTTP status ${res.status}`);
    return p;
}
