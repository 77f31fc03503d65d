// #/admin/policies: the organization's password, session, lockout, invitation and MFA policies.
// An empty field means "the server's configured default" (shown as the placeholder).

import { api, session } from '../api.js';
import { field, form, h, notify, pageHeader, problemBox, replace } from '../dom.js';

const KINDS = {
    password: {
        title: 'Passwords',
        keys: {
            min_length: ['Minimum length', 'Characters, 8-128. No composition rules: common passwords are refused instead.'],
            max_length: ['Maximum length', 'Characters, 64-1024.'],
        },
    },
    session: {
        title: 'Sessions',
        keys: {
            access_token_ttl: ['Access token lifetime', 'Seconds, 60-86400.'],
            refresh_token_ttl: ['Idle session lifetime', 'Seconds, 300-31536000: a session unused this long ends.'],
            absolute_session_ttl: ['Absolute session lifetime', 'Seconds, at least the idle lifetime.'],
        },
    },
    lockout: {
        title: 'Lockout',
        keys: {
            threshold: ['Failed sign-ins before a lock', '1-100 in a row.'],
            period: ['Lock duration', 'Seconds, 60-86400.'],
        },
    },
    invitation: {
        title: 'Invitations',
        keys: {
            allowed_domains: ['Allowed email domains', 'One domain per line (example.com); empty allows any.'],
            ttl: ['Invitation lifetime', 'Seconds, 3600-2592000.'],
        },
    },
    mfa: {
        title: 'Two-step sign-in',
        keys: {
            mode: ['Second factor', 'Optional: asked of those who set one up. Required: everyone must. Required for roles: the holders of the roles below must. Off: never asked here.'],
            roles: ['Roles that must use it', 'One role name per line (for "required for roles").'],
            grace_period_days: ['Grace period', 'Days, 0-365: how long someone who must set up a second factor can still sign in without one.'],
            step_up_admin: ['Ask for it again to change roles, permissions, mappings and policies', 'A session signed in with a password alone cannot make these changes.'],
        },
    },
};

const MODES = [['optional', 'Optional'], ['required', 'Required'], ['required_for_roles', 'Required for roles'], ['off', 'Off']];
const LISTS = new Set(['allowed_domains', 'roles']);

function section(ctx, orgId, policy, etag) {
    const kind = KINDS[policy.kind];
    if (!kind) return null;
    const editable = ctx.can('EDIT');
    let tag = etag;
    const fields = Object.entries(kind.keys).map(([key, [label, hint]]) => {
        const eff = policy.settings ? policy.settings[key] : undefined;
        const over = policy.overrides ? policy.overrides[key] : undefined;
        if (LISTS.has(key)) {
            return field({ label, name: `settings.${key}`, type: 'textarea', hint: `${hint} In force: ${(eff || []).join(', ') || (key === 'roles' ? 'none' : 'any domain')}.`,
                value: Array.isArray(over) ? over.join('\n') : '', readonly: !editable });
        }
        if (key === 'mode') {
            return field({ label, name: `settings.${key}`, type: 'select', hint, value: over ?? eff ?? 'optional', options: MODES, disabled: !editable });
        }
        if (key === 'step_up_admin') {
            return field({ label, name: `settings.${key}`, type: 'checkbox', hint, value: over ?? eff ?? false, disabled: !editable });
        }
        return field({ label, name: `settings.${key}`, type: 'number', hint: `${hint} In force: ${eff ?? '—'}${over === undefined ? ' (default)' : ''}.`,
            value: over ?? '', placeholder: eff === undefined ? '' : String(eff), readonly: !editable, inputmode: 'numeric' });
    });
    const titleId = `pol-${policy.kind}`;
    if (!editable) {
        return h('section', { 'aria-labelledby': titleId }, h('h2', { id: titleId }, kind.title), h('div', { class: 'form' }, fields));
    }
    return h('section', { 'aria-labelledby': titleId },
        h('h2', { id: titleId }, kind.title),
        form({
            submitLabel: `Save ${kind.title.toLowerCase()}`,
            fields,
            onSubmit: async (v) => {
                const settings = {};
                for (const key of Object.keys(kind.keys)) {
                    const raw = v[`settings.${key}`];
                    if (raw === undefined || raw === '') continue;
                    if (key === 'mode' || key === 'step_up_admin') settings[key] = raw;
                    else if (key === 'roles') settings[key] = raw.split(/[\n,]+/).map((d) => d.trim()).filter(Boolean);
                    else settings[key] = key === 'allowed_domains'
                        ? raw.split(/[\s,]+/).map((d) => d.trim()).filter(Boolean)
                        : Number(raw);
                }
                const r = await api('PUT', `/api/v1/organizations/${orgId}/policies/${policy.kind}`, { body: { settings }, ifMatch: tag });
                tag = r.etag;
                notify(`${kind.title} policy saved; it applies from the next request.`);
                ctx.navigate(ctx.path + (ctx.query.toString() ? `?${ctx.query}` : ''));
            },
        }));
}

export async function render(ctx) {
    const s = session();
    const orgId = ctx.query.get('organization_id') || (s && s.organization && s.organization.id);
    if (!orgId) {
        replace(ctx.main, pageHeader('Policies', null), h('p', { class: 'notice' }, 'This session has no organization.'));
        return;
    }
    const kinds = Object.keys(KINDS);
    const results = await Promise.all(kinds.map((k) => api('GET', `/api/v1/organizations/${orgId}/policies/${k}`).catch((e) => e)));
    if (!ctx.isCurrent()) return;
    replace(ctx.main,
        pageHeader('Policies', `Rules for ${s && s.organization && String(s.organization.id) === String(orgId) ? s.organization.name : `organization ${orgId}`}. Empty fields use the server's defaults.`),
        results.map((r) => (r instanceof Error ? problemBox(r) : section(ctx, orgId, r.data, r.etag))));
}
