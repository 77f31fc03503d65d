// #/login[?org=slug]: the sign-in page, branded with the organization's public theme before
// anyone has a token.

import { login } from '../api.js';
import { field, form, h, problemBox, replace } from '../dom.js';

export async function render({ main, query, brandWith, orgSlugFrom, afterLogin }) {
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
            await login(v.login, v.password, v.organization ? v.organization.trim().toLowerCase() : undefined);
            await afterLogin();
        },
    });
    const forgot = slug ? `#/forgot-password?org=${encodeURIComponent(slug)}` : '#/forgot-password';
    replace(main,
        h('section', { class: 'auth', 'aria-labelledby': 'auth-title' },
            h('div', { class: 'auth__card' },
                heading,
                query.get('expired') ? h('p', { class: 'notice', role: 'status' }, 'Your session has ended. Sign in again.') : null,
                brandProblem ? problemBox(brandProblem) : null,
                f,
                h('p', { class: 'auth__links' }, h('a', { href: forgot }, 'Forgot your password?')))));
    heading.id = 'auth-title';
    const first = f.querySelector('input[name=login]');
    if (first && !first.value) first.focus();
    else f.querySelector('input[name=password]').focus();
}
