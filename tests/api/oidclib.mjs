// Helpers of the OpenID Connect tests: clients made through the admin API, a browser driven
// with fetch (its cookies, the redirects it follows), and openid-client configurations.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import * as oc from 'openid-client';

import { api, URL_BASE } from './lib.mjs';
import { checkResponse } from './openapilib.mjs';
import { mustLogin } from './authlib.mjs';

export const ISSUER = URL_BASE;
export const CB = 'http://127.0.0.1:9/cb';
export const BYE = 'http://127.0.0.1:9/bye';
export const CLIENTS = '/api/v1/clients';

let adminToken;
export async function admin() {
    if (!adminToken) adminToken = (await mustLogin('admin')).token;
    return adminToken;
}

/** Creates a client through the admin API (201 expected); returns its JSON with client_secret. */
export async function makeClient(over = {}) {
    const body = {
        name: `oidc test ${crypto.randomBytes(3).toString('hex')}`,
        redirect_uris: [CB],
        post_logout_redirect_uris: [BYE],
        grant_types: ['authorization_code', 'refresh_token'],
        scopes: ['openid', 'profile', 'email', 'offline_access', 'gatehouse'],
        ...over,
    };
    const res = await api('POST', CLIENTS, { token: await admin(), body });
    assert.equal(res.status, 201, res.text);
    return res.json;
}

/**
 * openid-client's fetch (its customFetch): every answer it receives (discovery, token,
 * userinfo, introspection, revocation) is checked against the OpenAPI document like api()'s,
 * so a response the document does not allow makes the openid-client call reject.
 */
function jsonOf(text) {
    try {
        return JSON.parse(text);
    } catch {
        return null;
    }
}

export async function checkedFetch(url, options) {
    const res = await fetch(url, options);
    const text = await res.clone().text();
    checkResponse(options?.method ?? 'GET', String(url), { status: res.status, headers: res.headers, json: jsonOf(text), text });
    return res;
}

/** An openid-client configuration for c from discovery (client_secret_post unless auth given). */
export async function config(c, auth) {
    const a = auth ?? (c.client_secret ? oc.ClientSecretPost(c.client_secret) : oc.None());
    return oc.discovery(new URL(ISSUER), c.client_id, undefined, a,
        { execute: [oc.allowInsecureRequests], [oc.customFetch]: checkedFetch });
}

/** A browser: a cookie jar and a fetch that sends and keeps its cookies, never following redirects. */
export class Browser {
    constructor() {
        this.jar = new Map();
    }

    cookie() {
        return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    }

    keep(res) {
        for (const sc of res.headers.getSetCookie()) {
            const [pair, ...attrs] = sc.split(';');
            const i = pair.indexOf('=');
            const name = pair.slice(0, i).trim();
            const value = pair.slice(i + 1).trim();
            if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') this.jar.delete(name);
            else this.jar.set(name, value);
        }
    }

    async fetch(url, opts = {}) {
        const abs = /^https?:/.test(url) ? url : URL_BASE + url;
        const res = await fetch(abs, {
            ...opts,
            redirect: 'manual',
            headers: { ...(opts.headers ?? {}), ...(this.jar.size ? { Cookie: this.cookie() } : {}) },
        });
        this.keep(res);
        const text = await res.text();
        // Checked against the OpenAPI document like api()'s answers (the console's pages are not).
        checkResponse(opts.method ?? 'GET', abs, { status: res.status, headers: res.headers, json: jsonOf(text), text });
        return { status: res.status, location: res.headers.get('location'), text, headers: res.headers };
    }

    /** The console's login (POST /api/v1/auth/login) as the page makes it: the cookie is kept. */
    async login(user, password = 'gatehouse-dev-password', extra = {}) {
        const r = await this.fetch('/api/v1/auth/login', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ login: user, password, ...extra }),
        });
        return { ...r, json: JSON.parse(r.text) };
    }

    /** Answers the consent page in text with decision. */
    async consent(text, decision = 'allow') {
        const form = new URLSearchParams();
        for (const m of text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
            form.set(m[1], unescapeHtml(m[2]));
        form.set('decision', decision);
        return this.fetch('/oauth2/authorize', {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: form.toString(),
        });
    }
}

export function unescapeHtml(s) {
    return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * A whole code flow with PKCE as a relying party starts it: authorization URL from openid-client,
 * the browser signed in as user (unless it already is), consent allowed when asked, the code
 * exchanged and the ID token validated by openid-client.  Returns { tokens, claims, verifier,
 * callback, browser }.
 */
export async function codeFlow(cfg, { browser = new Browser(), user = 'admin', scope = 'openid profile email gatehouse offline_access', extra = {} } = {}) {
    const verifier = oc.randomPKCECodeVerifier();
    const state = oc.randomState();
    const nonce = oc.randomNonce();
    const url = oc.buildAuthorizationUrl(cfg, {
        redirect_uri: CB,
        scope,
        code_challenge: await oc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...extra,
    });
    let r = await browser.fetch(url.href);
    if (r.status === 302 && r.location.startsWith('/#/login')) {
        const ret = new URLSearchParams(r.location.slice(r.location.indexOf('?') + 1)).get('return');
        assert.match(ret, /^\/oauth2\/authorize\?/);
        const l = await browser.login(user);
        assert.equal(l.status, 200, l.text);
        r = await browser.fetch(ret);
    }
    if (r.status === 200 && /name="csrf"/.test(r.text)) r = await browser.consent(r.text);
    assert.equal(r.status, 302, r.text);
    assert.ok(r.location.startsWith(CB + '?'), r.location);
    const callback = new URL(r.location);
    const tokens = await oc.authorizationCodeGrant(cfg, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
    });
    return { tokens, claims: tokens.claims(), verifier, callback, browser, state, nonce };
}

/** Decodes a JWT's payload without checking it. */
export function payload(jwt) {
    return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

/** A form POST (client_secret_post by default). */
export function form(path, fields, headers = {}) {
    return api('POST', path, {
        raw: new URLSearchParams(fields).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    });
}

export function basic(id, secret) {
    return { Authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` };
}

export { oc };
