// #/login[?org=slug]: the sign-in page, branded with the organization's public theme before
// anyone has a token.

import { login, loginPasskey, session, verifyMfa, verifyMfaPasskey } from '../api.js';
import { field, form, h, problemBox, replace } from '../dom.js';
import { getAssertion, passkeysAvailable } from '../passkey.js';

// Where a sign-in started by an application (OpenID Connect) goes back to: only the
// authorization endpoint of this origin, never another page or site (no open redirect).
export function safeReturn(ret) {
    if (typeof ret !== 'string' || !ret.startsWith('/oauth2/authorize?')) return null;
    try {
        const u = new URL(ret, location.origin);
        if (u.origin !== location.origin || u.pathname !== '/oauth2/authorize') return null;
        return u.pathname + u.search;
    } catch {
        return null;
    }
}

export async function render({ main, query, brandWith, orgSlugFrom, afterLogin: consoleAfterLogin }) {
    const back = safeReturn(query.get('return'));
    // Signed in for an application: back to its authorization request (the login set the
    // browser's session cookie), unless the session may only enroll a second factor.
    const afterLogin = async () => {
        const s = session();
        if (back && !(s && s.enrollOnly)) {
            location.assign(back);
            return;
        }
        await consoleAfterLogin();
    };
    const slug = orgSlugFrom(query);
    let theme = null;
    let brandProblem = null;
    try {
        theme = await brandWith(slug);
    } catch (err) {
        brandProblem = err;
    }
    const orgName = theme && theme.organization ? theme.organization.name : null;
    document.title = orgName ? `Sign in · ${orgName}` : 'Sign in · Gatehouse';

    const orgField = field({
        label: 'Organization',
        name: 'organization',
        value: slug || '',
        autocomplete: 'organization',
        hint: 'The short name (slug) of your organization. Leave empty for your usual one.',
        maxlength: 64,
    });
    const orgInput = orgField.querySelector('input');
    orgInput.addEventListener('change', async () => {
        const s = orgInput.value.trim().toLowerCase();
        if (!s || s === slug) return;
        // Re-brand the page for the organization typed in, keeping what was entered.
        history.replaceState(null, '', `#/login?org=${encodeURIComponent(s)}`);
        try {
            const t = await brandWith(s);
            heading.textContent = t && t.organization ? `Sign in to ${t.organization.name}` : 'Sign in to Gatehouse';
        } catch {
            // Unknown slug: the login answers for it.
        }
    });

    const heading = h('h1', { class: 'auth__title', tabindex: '-1' }, orgName ? `Sign in to ${orgName}` : 'Sign in to Gatehouse');
    const f = form({
        submitLabel: 'Sign in',
        className: 'form--stacked',
        fields: [
            field({ label: 'Username or email', name: 'login', required: true, autocomplete: 'username', value: query.get('login') || '', maxlength: 254 }),
            field({ label: 'Password', name: 'password', type: 'password', required: true, autocomplete: 'current-password', maxlength: 1024 }),
            orgField,
        ],
        onSubmit: async (v) => {
            const r = await login(v.login, v.password, v.organization ? v.organization.trim().toLowerCase() : undefined);
            if (r && r.mfa) {
                secondStep(r.mfa);
                return;
            }
            await afterLogin();
        },
    });

    // The second step: a code from the authenticator app, or a recovery code.
    function secondStep(mfa) {
        const card = main.querySelector('.auth__card');
        let method = mfa.methods.includes('totp') || !mfa.methods.includes('recovery_code') ? 'totp' : 'recovery_code';
        const title = h('h1', { class: 'auth__title', id: 'auth-title', tabindex: '-1' }, 'Two-step sign-in');
        const help = h('p', { id: 'mfa-help' });
        const codeField = () => (method === 'totp'
            ? field({ label: 'Code from your authenticator app', name: 'code', required: true, autocomplete: 'one-time-code',
                inputmode: 'numeric', maxlength: 6, hint: 'The 6 digits your app shows now.' })
            : field({ label: 'Recovery code', name: 'code', required: true, autocomplete: 'off', maxlength: 11,
                hint: 'One of the ten codes you saved, like k3q9x-7mhrp. Each works once.' }));
        const draw = () => {
            help.textContent = method === 'totp' ? 'Your account has a second factor. Enter the code from your app.'
                : 'Enter one of your recovery codes.';
            const f2 = form({
                submitLabel: 'Verify',
                className: 'form--stacked',
                fields: [codeField()],
                onSubmit: async (v) => {
                    await verifyMfa(mfa.mfa_ticket, method, v.code.trim());
                    await afterLogin();
                },
            });
            const passkeyButton = mfa.methods.includes('webauthn') && passkeysAvailable()
            ? h('button', {
                type: 'button',
                class: 'btn',
                onclick: async (ev) => {
                    ev.target.disabled = true;
                    try {
                        await verifyMfaPasskey(mfa.mfa_ticket, getAssertion);
                        await afterLogin();
                    } catch (err) {
                        replace(passkeyProblem, problemBox(err));
                    } finally {
                        ev.target.disabled = false;
                    }
                },
            }, 'Use your passkey')
            : null;
        const passkeyProblem = h('div');
        const other = method === 'totp' && mfa.methods.includes('recovery_code')
                ? h('button', { type: 'button', class: 'btn btn--link', onclick: () => { method = 'recovery_code'; draw(); } }, 'Use a recovery code instead')
                : (method === 'recovery_code' && mfa.methods.includes('totp')
                    ? h('button', { type: 'button', class: 'btn btn--link', onclick: () => { method = 'totp'; draw(); } }, 'Use your authenticator app')
                    : null);
            if (!mfa.methods.includes('totp') && !mfa.methods.includes('recovery_code')) {
                replace(card, title, h('p', null, 'Your account signs in with a passkey.'), passkeyProblem,
                    h('p', null, passkeyButton), h('p', { class: 'auth__links' }, h('a', { href: '#/login' }, 'Start again')));
                return;
            }
            replace(card, title, help, f2, passkeyButton ? h('p', null, passkeyButton) : null, passkeyProblem,
                h('p', { class: 'auth__links' }, other, ' ', h('a', { href: '#/login' }, 'Start again')));
            f2.querySelector('input[name=code]').focus();
        };
        draw();
    }
    const passkeyProblem = h('div');
    const passkey = passkeysAvailable() ? h('p', { class: 'auth__passkey' }, h('button', {
        type: 'button',
        class: 'btn',
        onclick: async (ev) => {
            ev.target.disabled = true;
            try {
                const o = orgInput.value.trim().toLowerCase();
                await loginPasskey(getAssertion, o || undefined);
                await afterLogin();
            } catch (err) {
                replace(passkeyProblem, problemBox(err));
            } finally {
                ev.target.disabled = false;
            }
        },
    }, 'Sign in with a passkey')) : null;
    const forgot = slug ? `#/forgot-password?org=${encodeURIComponent(slug)}` : '#/forgot-password';
    replace(main,
        h('section', { class: 'auth', 'aria-labelledby': 'auth-title' },
            h('div', { class: 'auth__card' },
                heading,
                query.get('expired') ? h('p', { class: 'notice', role: 'status' }, 'Your session has ended. Sign in again.') : null,
                back ? h('p', { class: 'notice', role: 'status', id: 'oidc-notice' }, 'An application asked you to sign in with your Gatehouse account.') : null,
                brandProblem ? problemBox(brandProblem) : null,
                f,
                passkey,
                passkeyProblem,
                h('p', { class: 'auth__links' }, h('a', { href: forgot }, 'Forgot your password?')))));
    heading.id = 'auth-title';
    const first = f.querySelector('input[name=login]');
    if (first && !first.value) first.focus();
    else f.querySelector('input[name=password]').focus();
}
