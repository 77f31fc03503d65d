// #/admin/clients: OpenID Connect clients (applications that sign users in with Gatehouse) and
// service accounts (docs/oidc.md).  A secret is shown once, when made or rotated.

import { api } from '../api.js';
import { badge, confirmAction, dialog, field, fmtTime, h, notify, pagedList, pageHeader, replace, table } from '../dom.js';

const GRANTS = [['authorization_code', 'Sign users in (code flow)'], ['refresh_token', 'Refresh tokens'], ['client_credentials', 'Service account (client credentials)']];
const SCOPES = ['openid', 'profile', 'email', 'offline_access', 'gatehouse'];

const lines = (s) => (s || '').split('\n').map((x) => x.trim()).filter(Boolean);

/** Shows a secret once, with the client_id, until the dialog is closed. */
function showSecret(c) {
    dialog({
        title: `Secret of ${c.name}`,
        description: 'Copy it now: it is not shown again. Only its hash is kept.',
        submitLabel: 'Done',
        fields: [
            field({ label: 'Client ID', name: 'client_id', value: c.client_id, readonly: true }),
            field({ label: 'Client secret', name: 'client_secret', value: c.client_secret, readonly: true }),
        ],
        onSubmit: async () => {},
    });
}

export async function render(ctx) {
    const box = h('div');
    const rows = [];
    const paged = pagedList({
        container: box,
        load: (cursor) => api('GET', '/api/v1/clients', { query: { cursor } }).then((r) => r.data),
        render: (items, first) => {
            if (first) rows.length = 0;
            rows.push(...items);
            const cols = [
                { label: 'Application', render: (c) => h('span', null, h('strong', null, c.name), h('br'), h('code', null, c.client_id)) },
                { label: 'Type', key: 'client_type' },
                { label: 'Grants', render: (c) => c.grant_types.join(', ') },
                { label: 'Redirect URIs', render: (c) => c.redirect_uris.join(' ') || '—' },
                { label: 'State', render: (c) => (c.enabled ? badge('enabled', 'ok') : badge('disabled', 'bad')) },
                { label: 'Created', render: (c) => fmtTime(c.created_at) },
            ];
            if (ctx.can('EDIT') || ctx.can('DELETE')) cols.push({ label: 'Actions', className: 'actions', render: actions });
            replace(box, table({ caption: 'Applications', rows, columns: cols, empty: 'No application yet.' }));
        },
    });

    function actions(c) {
        const b = [];
        if (ctx.can('EDIT')) {
            b.push(h('button', {
                type: 'button',
                class: 'btn btn--small',
                'aria-label': `${c.enabled ? 'Disable' : 'Enable'} ${c.name}`,
                onclick: async () => {
                    await api('PATCH', `/api/v1/clients/${c.id}`, { body: { enabled: !c.enabled } });
                    notify(`${c.name} ${c.enabled ? 'disabled: its tokens stop now' : 'enabled'}.`);
                    await paged.reload();
                },
            }, c.enabled ? 'Disable' : 'Enable'));
            if (c.client_type === 'confidential') {
                b.push(h('button', {
                    type: 'button',
                    class: 'btn btn--small',
                    'aria-label': `Rotate secret of ${c.name}`,
                    onclick: () => dialog({
                        title: `Rotate secret of ${c.name}`,
                        description: 'A new secret is made. The old one keeps working for the overlap; with none, it stops now with the service account\'s tokens.',
                        submitLabel: 'Rotate',
                        fields: [field({ label: 'Overlap (seconds)', name: 'overlap_seconds', type: 'number', value: '0' })],
                        onSubmit: async (v) => {
                            const r = await api('POST', `/api/v1/clients/${c.id}/secret`, { body: { overlap_seconds: Number(v.overlap_seconds || 0) } });
                            await paged.reload();
                            showSecret(r.data);
                        },
                    }),
                }, 'Rotate secret'));
            }
        }
        if (ctx.can('DELETE')) {
            b.push(h('button', {
                type: 'button',
                class: 'btn btn--small btn--danger',
                'aria-label': `Delete ${c.name}`,
                onclick: () => confirmAction({
                    title: `Delete ${c.name}?`,
                    message: 'Its tokens, consents and service account go with it.',
                    action: async () => {
                        await api('DELETE', `/api/v1/clients/${c.id}`);
                        notify(`${c.name} deleted.`);
                        await paged.reload();
                    },
                }),
            }, 'Delete'));
        }
        return h('div', { class: 'row-actions' }, b);
    }

    const create = ctx.can('CREATE') ? h('button', {
        type: 'button',
        class: 'btn btn--primary',
        onclick: () => dialog({
            title: 'New application',
            submitLabel: 'Create application',
            fields: [
                field({ label: 'Name', name: 'name', required: true, maxlength: 100 }),
                field({ label: 'Type', name: 'client_type', type: 'select', value: 'confidential', options: [['confidential', 'Confidential (a server, with a secret)'], ['public', 'Public (browser or mobile app, PKCE)']] }),
                field({ label: 'Redirect URIs', name: 'redirect_uris', type: 'textarea', hint: 'One per line, exact: https://, or http:// on 127.0.0.1, localhost or [::1].' }),
                field({ label: 'Post-logout redirect URIs', name: 'post_logout_redirect_uris', type: 'textarea', hint: 'One per line.' }),
                ...GRANTS.map(([g, l]) => field({ label: l, name: `grant_${g}`, type: 'checkbox', value: g === 'authorization_code' })),
                ...SCOPES.map((s) => field({ label: `Scope ${s}`, name: `scope_${s}`, type: 'checkbox', value: ['openid', 'profile', 'email'].includes(s) })),
                field({ label: 'First party (no consent page)', name: 'first_party', type: 'checkbox', value: false }),
            ],
            onSubmit: async (v) => {
                const body = {
                    name: v.name,
                    client_type: v.client_type,
                    redirect_uris: lines(v.redirect_uris),
                    post_logout_redirect_uris: lines(v.post_logout_redirect_uris),
                    grant_types: GRANTS.map(([g]) => g).filter((g) => v[`grant_${g}`]),
                    scopes: SCOPES.filter((s) => v[`scope_${s}`]),
                    first_party: v.first_party,
                };
                const r = await api('POST', '/api/v1/clients', { body });
                notify(`Application ${r.data.name} created.`);
                await paged.reload();
                if (r.data.client_secret) showSecret(r.data);
            },
        }),
    }, 'New application') : null;
    replace(ctx.main, pageHeader('Applications', 'Applications that sign people in with Gatehouse (OpenID Connect), and service accounts. See docs/oidc.md.', create), paged.element);
    await paged.reload();
}
