// The one way the console talks to Gatehouse: JSON over fetch, problem+json errors turned into
// ApiError, the access and refresh tokens held in this module only (never in storage), one
// refresh and retry when the access token has expired.

// In memory only: a reload of the page forgets both tokens and asks for the password again.
let accessToken = null;
let refreshToken = null;
let current = null; // {user, organization, roles} from the login or refresh answer
let refreshing = null; // the refresh in flight, shared by every request that needs it
const listeners = new Set();

// Codes of a 401 answer that mean the session itself is over.
const SESSION_CODES = new Set(['unauthorized', 'token_invalid', 'token_expired', 'token_revoked']);

export class ApiError extends Error {
    constructor(status, problem) {
        const p = problem && typeof problem === 'object' ? problem : {};
        super(p.detail || p.title || `The server answered ${status}`);
        this.name = 'ApiError';
        this.status = status;
        this.problem = p;
        this.code = p.code || (status ? `http_${status}` : 'network_error');
        // An invitation link problem may come as not_found with the real code in `reason`.
        if (this.code === 'not_found' && typeof p.reason === 'string') this.code = p.reason;
        this.field = p.field || null;
        this.errors = Array.isArray(p.errors) ? p.errors : [];
        this.requestId = p.request_id || null;
    }
}

export function onSessionChange(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
}

function emit(reason) {
    for (const fn of listeners) {
        try {
            fn(reason, current);
        } catch (e) {
            console.error(e);
        }
    }
}

export function session() {
    return current;
}

export function signedIn() {
    return accessToken !== null;
}

function keepTokens(body) {
    if (body.access_token) accessToken = body.access_token;
    if (body.refresh_token) refreshToken = body.refresh_token;
    if (body.user) {
        current = {
            user: body.user,
            organization: body.organization ?? null,
            roles: Array.isArray(body.roles) ? body.roles : [],
        };
    }
}

function forget() {
    accessToken = null;
    refreshToken = null;
    current = null;
}

function query(params) {
    if (!params) return '';
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
        if (v === undefined || v === null || v === '') continue;
        q.set(k, String(v));
    }
    const s = q.toString();
    return s ? `?${s}` : '';
}

async function send(method, path, opts, token) {
    const headers = { Accept: 'application/json, application/problem+json' };
    let body;
    if (opts.body !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(opts.body);
    }
    if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
    if (token) headers.Authorization = `Bearer ${token}`;
    let res;
    try {
        res = await fetch(path + query(opts.query), {
            method,
            headers,
            body,
            // Revalidate what the browser may have cached (the public theme is cacheable):
            // an ETag makes that a cheap 304.
            cache: opts.cache || 'no-cache',
            // No ambient credentials, but for the sign-in calls, whose answer sets the browser
            // session cookie of the OpenID Connect provider (docs/oidc.md).
            credentials: opts.credentials || 'omit',
            redirect: 'error',
        });
    } catch (e) {
        throw new ApiError(0, {
            title: 'Network error',
            code: 'network_error',
            detail: `Gatehouse could not be reached (${e.message}).`,
        });
    }
    const text = await res.text();
    let data = null;
    if (text) {
        try {
            data = JSON.parse(text);
        } catch {
            data = { detail: text.slice(0, 200) };
        }
    }
    return {
        ok: res.ok,
        status: res.status,
        data,
        etag: res.headers.get('ETag'),
        location: res.headers.get('Location'),
    };
}

async function refreshOnce() {
    if (!refreshing) {
        const presented = refreshToken;
        refreshing = (async () => {
            if (!presented) return false;
            const r = await send('POST', '/api/v1/auth/refresh', { body: { refresh_token: presented } }, null);
            if (r.ok && r.data && r.data.access_token) {
                keepTokens(r.data);
                emit('refreshed');
                return true;
            }
            return false;
        })().finally(() => {
            refreshing = null;
        });
    }
    return refreshing;
}

function sessionLost() {
    if (accessToken === null && current === null) return;
    forget();
    emit('expired');
}

/**
 * api(method, path, {body, query, ifMatch, auth=true}) -> {status, data, etag, location}.
 * Throws ApiError (with the problem's detail, field and code) for every answer of 400 and above.
 * An authenticated call that answers 401 token_expired (or token_revoked: the caller's roles
 * changed) refreshes the tokens once and is sent again once.
 */
export async function api(method, path, opts = {}) {
    const auth = opts.auth !== false;
    const used = auth ? accessToken : null;
    let r = await send(method, path, opts, used);
    if (auth && r.status === 401 && r.data) {
        const code = r.data.code;
        if (code === 'token_expired' || code === 'token_revoked') {
            // Another request may have refreshed meanwhile: then only send again.
            const fresh = accessToken !== used && accessToken !== null;
            if (fresh || (await refreshOnce())) {
                r = await send(method, path, opts, accessToken);
            }
        }
        if (r.status === 401 && r.data && SESSION_CODES.has(r.data.code)) sessionLost();
    }
    if (!r.ok) throw new ApiError(r.status, r.data);
    return r;
}

export const get = (path, opts) => api('GET', path, opts);

/** Every page of a list (limit 200 a page), up to `max` items. */
export async function listAll(path, params = {}, max = 2000) {
    const items = [];
    let cursor = null;
    do {
        const r = await api('GET', path, { query: { ...params, limit: 200, cursor } });
        items.push(...(r.data.items || []));
        cursor = r.data.next_cursor || null;
    } while (cursor && items.length < max);
    return items;
}

/**
 * Signs in. When the account has a second factor the server answers a ticket instead of tokens:
 * the result is then { mfa: { mfa_ticket, methods, expires_in } } and verifyMfa completes it.
 * A session that may only enroll a factor is { ...session, enrollOnly: true }.
 */
export async function login(loginName, password, organization) {
    const body = { login: loginName, password };
    if (organization) body.organization = organization;
    const r = await api('POST', '/api/v1/auth/login', { body, auth: false, credentials: 'same-origin' });
    if (r.data && r.data.mfa_required) return { mfa: r.data };
    return started(r.data);
}

/** The second step of a sign-in: method "totp" or "recovery_code" and its code. */
export async function verifyMfa(ticket, method, code) {
    const r = await api('POST', '/api/v1/auth/mfa/verify', { body: { mfa_ticket: ticket, method, code }, auth: false, credentials: 'same-origin' });
    return started(r.data);
}

/** The second step with a passkey: getAssertion answers the options of the ticket. */
export async function verifyMfaPasskey(ticket, getAssertion) {
    const o = await api('POST', '/api/v1/auth/mfa/webauthn/options', { body: { mfa_ticket: ticket }, auth: false });
    const assertion = await getAssertion(o.data);
    const r = await api('POST', '/api/v1/auth/mfa/verify', { body: { mfa_ticket: ticket, method: 'webauthn', assertion }, auth: false, credentials: 'same-origin' });
    return started(r.data);
}

/** A sign-in with a passkey alone (no username): getAssertion answers the server's options. */
export async function loginPasskey(getAssertion, organization) {
    const o = await api('POST', '/api/v1/auth/passkey/options', { auth: false });
    const assertion = await getAssertion(o.data.publicKey);
    const body = { challenge_id: o.data.challenge_id, assertion };
    if (organization) body.organization = organization;
    const r = await api('POST', '/api/v1/auth/passkey/login', { body, auth: false, credentials: 'same-origin' });
    return started(r.data);
}

function started(body) {
    keepTokens(body);
    if (current) current = { ...current, enrollOnly: Boolean(body.mfa_enrollment_required && !body.refresh_token) };
    emit('login');
    return current;
}

/** Ends the session on the server, then forgets the tokens whatever the answer was. */
export async function logout() {
    let problem = null;
    if (accessToken) {
        try {
            await api('POST', '/api/v1/auth/logout');
        } catch (e) {
            problem = e;
        }
    }
    forget();
    emit('logout');
    if (problem && problem.status !== 401) throw problem;
}

/**
 * Moves the session to another of the caller's organizations (id or slug): the server answers a
 * new token pair in the same session, adopted the way a login's is; the old refresh token must
 * not be used again.
 */
export async function switchOrganization(organization) {
    const r = await api('POST', '/api/v1/me/organization', { body: { organization } });
    keepTokens(r.data);
    emit('switched');
    return current;
}

/** After a password change the server hands out a new access token for the same session. */
export function adoptAccessToken(body) {
    if (body && body.access_token) accessToken = body.access_token;
}

/** The caller's session ended on the server (logout-all, password reset): forget it here too. */
export function dropSession() {
    forget();
    emit('logout');
}

export function updateSession(patch) {
    if (current) {
        current = { ...current, ...patch };
        emit('updated');
    }
}
