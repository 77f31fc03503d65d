// Checks every response the API tests receive against the OpenAPI document (data/openapi.json,
// generated from docs/openapi.yaml by scripts/openapi). lib.mjs calls checkResponse() from
// api() and rawRequest(), so a response whose status the document does not list for its
// operation, whose content type it does not list, whose body fails the schema (ajv, JSON Schema
// 2020-12) or which lacks a header the document says is always sent makes the request throw,
// and the test that made it fails.
//
// Which responses are checked: those of Gatehouse's own paths (/api/, /oauth2/, /healthz,
// /readyz, /metrics, /.well-known/) on the stack's nginx fronts (GH_URL, GH_SPAWN_URL, GH_DIRECT_URL).
// The console's static files and the protected upstream (/upstream/) are nginx's, not the API's.
//   - the path and method match an operation: that operation's response for the status;
//   - the path matches a path item but not the method: 405 with the problem body;
//   - no path item matches (an unknown path, a path the server refuses as bad_path): a problem
//     body whose code agrees with its status, as every non-route answer is; so are nginx's own
//     gateway answers (502, 504, 503 upstream_unavailable) whatever the path.
// HEAD is checked as the GET operation, without a body.
//
// GH_OPENAPI_RECORD=FILE appends one JSON line per checked response ({method, path, status,
// type, body}): what the tests exercised, for writing schemas and for coverage counts;
// GH_OPENAPI_CHECK=0 records without checking.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = process.env.GH_REPO ?? path.resolve(here, '..', '..');
export const OPENAPI_JSON = path.join(REPO, 'data', 'openapi.json');

const GATEHOUSE_PATH = /^\/(?:api\/|oauth2\/|healthz$|readyz$|metrics$|\.well-known\/)/;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

let state = null;

/** The document, its compiled path matchers and an ajv that knows its components. */
export function openapi() {
    if (state) return state;
    const doc = JSON.parse(fs.readFileSync(OPENAPI_JSON, 'utf8'));
    const ajv = new Ajv2020({ strictSchema: true, strictNumbers: true, strictTypes: false, strictTuples: false, strictRequired: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    // The document's own members are not JSON Schema keywords: declared so strict mode lets
    // the document be added whole and schemas inside it referenced by JSON pointer.
    for (const k of ['openapi', 'info', 'servers', 'paths', 'components', 'tags', 'security',
        'webhooks', 'jsonSchemaDialect', 'externalDocs', 'example', 'discriminator', 'xml']) {
        ajv.addKeyword(k);
    }
    ajv.addSchema(doc, 'oas');
    const paths = Object.keys(doc.paths ?? {}).map((tpl) => {
        const segs = tpl.split('/').slice(1);
        return { tpl, segs, literals: segs.filter((s) => !s.startsWith('{')).length };
    });
    state = { doc, ajv, paths, validators: new Map(), origins: null };
    return state;
}

function ptr(parts) {
    return '#/' + parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** Follows a local $ref ('#/components/...') to the object and its JSON pointer parts. */
function deref(doc, obj, parts) {
    let seen = 0;
    while (obj && typeof obj.$ref === 'string') {
        if (!obj.$ref.startsWith('#/') || ++seen > 10) throw new Error(`openapi: cannot follow $ref ${obj.$ref}`);
        parts = obj.$ref.slice(2).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
        obj = parts.reduce((o, k) => (o == null ? o : o[k]), doc);
    }
    return { obj, parts };
}

function validator(st, parts) {
    const key = ptr(parts);
    let v = st.validators.get(key);
    if (!v) {
        v = st.ajv.compile({ $ref: 'oas' + key });
        st.validators.set(key, v);
    }
    return v;
}

/** The path item whose template matches the request path: the one with most literal segments. */
export function matchPath(urlPath) {
    const st = openapi();
    let segs;
    try {
        segs = urlPath.split('/').slice(1).map((s) => decodeURIComponent(s));
    } catch {
        return null;
    }
    let best = null;
    for (const p of st.paths) {
        if (p.segs.length !== segs.length) continue;
        let ok = true;
        for (let i = 0; ok && i < segs.length; i++) {
            const t = p.segs[i];
            ok = t.startsWith('{') ? segs[i].length > 0 : t === segs[i];
        }
        if (ok && (!best || p.literals > best.literals)) best = p;
    }
    return best;
}

function mediaType(h) {
    return (h ?? '').split(';')[0].trim().toLowerCase();
}

function describe(errors) {
    return (errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '(body)'} ${e.message}` +
        (e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '')).join('; ');
}

function frontOrigins() {
    const st = openapi();
    if (!st.origins) {
        st.origins = new Set();
        for (const u of [process.env.GH_URL ?? 'http://127.0.0.1:8080', process.env.GH_SPAWN_URL ?? 'http://127.0.0.1:8081',
            process.env.GH_DIRECT_URL ?? 'http://127.0.0.1:8083']) {
            try {
                st.origins.add(new URL(u).origin);
            } catch {
                /* not set */
            }
        }
    }
    return st.origins;
}

function record(entry) {
    const file = process.env.GH_OPENAPI_RECORD;
    if (file) fs.appendFileSync(file, JSON.stringify(entry) + '\n');
}

/**
 * Checks one response; throws an Error naming what does not match. res is what lib.mjs's api()
 * returns ({status, headers, json, text}); url the absolute URL; rawPath the path as sent.
 */
export function checkResponse(method, url, res, rawPath = null) {
    const u = new URL(url);
    if (!frontOrigins().has(u.origin)) return;
    const reqPath = rawPath !== null ? rawPath.split('?')[0] : u.pathname;
    if (!GATEHOUSE_PATH.test(reqPath)) return;
    const st = openapi();
    const m = method.toUpperCase();
    const type = mediaType(res.headers.get('content-type'));
    const where = `${m} ${reqPath} -> ${res.status}`;
    const item = matchPath(reqPath);
    let op = null;
    let opKey = null;
    if (item) {
        const pi = st.doc.paths[item.tpl];
        opKey = m === 'HEAD' && !pi.head ? 'get' : m.toLowerCase();
        op = METHODS.includes(opKey) ? pi[opKey] ?? null : null;
    }
    record({ method: m, path: item && op ? item.tpl : reqPath, matched: !!(item && op), status: res.status, type,
        body: res.json ?? (type.startsWith('text/') ? res.text.slice(0, 200) : null) });

    if (process.env.GH_OPENAPI_CHECK === '0') return;
    if (!res.headers.has('x-request-id')) throw new Error(`OpenAPI: ${where}: no X-Request-Id (every answer has one)`);
    let respParts;
    let resp;
    // nginx's own answers when Gatehouse cannot (502, 504; 503 upstream_unavailable) are not an
    // operation's: they are checked as the problems of components/responses/RouteProblem.
    const gateway = type === 'application/problem+json' && (res.status === 502 || res.status === 504 ||
        (res.status === 503 && /"code":"upstream_unavailable"/.test(res.text)));
    if (op && !gateway) {
        const code = String(res.status);
        const responses = op.responses ?? {};
        const rkey = code in responses ? code : `${code[0]}XX` in responses ? `${code[0]}XX` : null;
        if (rkey === null) {
            throw new Error(`OpenAPI: ${where}: status ${code} is not documented for ${opKey.toUpperCase()} ${item.tpl} ` +
                `(documented: ${Object.keys(responses).join(', ')}); body: ${res.text.slice(0, 300)}`);
        }
        ({ obj: resp, parts: respParts } = deref(st.doc, responses[rkey], ['paths', item.tpl, opKey, 'responses', rkey]));
    } else {
        // Not an operation (or nginx's gateway answer): a problem (404, 405, 400 bad_path, 414, 502...).
        ({ obj: resp, parts: respParts } = deref(st.doc, { $ref: '#/components/responses/RouteProblem' }, []));
        if (!resp) throw new Error('OpenAPI: the document lacks components/responses/RouteProblem');
        if (res.status < 400) {
            throw new Error(`OpenAPI: ${where}: ${item ? 'no operation for this method' : 'no path in the document'} ` +
                `matches, yet the status is ${res.status}`);
        }
    }
    // Headers the document says are always sent, and the value of each documented one sent.
    for (const [name, h0] of Object.entries(resp.headers ?? {})) {
        const { obj: h, parts: hParts } = deref(st.doc, h0, [...respParts, 'headers', name]);
        const value = res.headers.get(name);
        if (value === null) {
            if (h?.required) throw new Error(`OpenAPI: ${where}: header ${name} is required by the document and missing`);
            continue;
        }
        if (h?.schema) {
            const hv = validator(st, [...hParts, 'schema']);
            if (!hv(value)) throw new Error(`OpenAPI: ${where}: header ${name}: '${value}' ${describe(hv.errors)}`);
        }
    }
    // Not cacheable unless the document says how (nginx's gateway problems say no-store too).
    if (!('Cache-Control' in (resp.headers ?? {})) && res.headers.get('cache-control') !== 'no-store') {
        throw new Error(`OpenAPI: ${where}: Cache-Control is '${res.headers.get('cache-control')}', not no-store`);
    }
    // Gatehouse's answers to its operations say nosniff. (nginx's own problems, for a path it
    // refuses or a gateway failure, come from the nginx configuration: the test stack's error
    // location does not add it.)
    if (op && !gateway && res.headers.get('x-content-type-options') !== 'nosniff') {
        throw new Error(`OpenAPI: ${where}: X-Content-Type-Options is '${res.headers.get('x-content-type-options')}', not nosniff`);
    }
    const content = resp.content ?? null;
    if (m === 'HEAD' || res.status === 204 || res.status === 304) {
        if (res.text.length > 0) throw new Error(`OpenAPI: ${where}: a body where none is allowed: ${res.text.slice(0, 200)}`);
        return;
    }
    if (!content) {
        if (res.text.length > 0) {
            throw new Error(`OpenAPI: ${where}: the document gives no body for this status, got ${type}: ${res.text.slice(0, 200)}`);
        }
        return;
    }
    if (!(type in content)) {
        throw new Error(`OpenAPI: ${where}: content type '${type}' is not documented (documented: ${Object.keys(content).join(', ')}); ` +
            `body: ${res.text.slice(0, 200)}`);
    }
    const media = content[type];
    if (!media.schema) return;
    let body;
    if (/json/.test(type)) {
        try {
            body = JSON.parse(res.text);
        } catch {
            throw new Error(`OpenAPI: ${where}: the body is not JSON: ${res.text.slice(0, 200)}`);
        }
    } else {
        body = res.text;
    }
    const v = validator(st, [...respParts, 'content', type, 'schema']);
    if (!v(body)) {
        throw new Error(`OpenAPI: ${where}: the body does not match the document: ${describe(v.errors)}; body: ${res.text.slice(0, 400)}`);
    }
    // A problem's status member is the HTTP status, and its type names its code.
    if (type === 'application/problem+json' && body) {
        if (body.status !== res.status) throw new Error(`OpenAPI: ${where}: problem status ${body.status} differs from the HTTP status`);
        if (body.type !== `https://gatehouse.dev/problems/${body.code}`) {
            throw new Error(`OpenAPI: ${where}: problem type ${body.type} does not name its code ${body.code}`);
        }
    }
}
