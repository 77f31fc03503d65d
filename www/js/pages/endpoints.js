// #/admin/endpoints: which permission guards which API route (permission_api_endpoints).

import { api, listAll } from '../api.js';
import { badge, confirmAction, dialog, field, h, notify, pagedList, pageHeader, replace, table } from '../dom.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', '*'];

async function permissionNames() {
    try {
        return (await listAll('/api/v1/permissions')).map((p) => p.name).sort();
    } catch {
        return null;
    }
}

function mappingFields(m, names, { withPermission }) {
    return [
        withPermission
            ? (names
                ? field({ label: 'Permission', name: 'permission', type: 'select', required: true, value: m.permission || '', options: [['', 'Choose…'], ...names.map((n) => [n, n])] })
                : field({ label: 'Permission', name: 'permission', required: true, maxlength: 100 }))
            : null,
        field({ label: 'Path pattern', name: 'api_endpoint', required: true, value: m.api_endpoint || '', maxlength: 255,
            hint: 'Starts with /; {name} matches one segment; a final /** matches everything below.' }),
        field({ label: 'Method', name: 'http_method', type: 'select', value: m.http_method || 'GET', options: METHODS.map((x) => [x, x === '*' ? '* (any)' : x]) }),
        field({ label: 'Description', name: 'description', type: 'textarea', value: m.description || '', maxlength: 500 }),
        field({ label: 'Active', name: 'is_active', type: 'checkbox', value: m.is_active !== false }),
        field({ label: 'Requires two-step sign-in', name: 'requires_mfa', type: 'checkbox', value: m.requires_mfa === true,
            hint: 'Step-up: a token signed in with a password alone is answered 401 insufficient_authentication.' }),
    ];
}

export async function render(ctx) {
    const q = ctx.query;
    const box = h('div');
    const slot = h('div');
    const rows = [];
    const paged = pagedList({
        container: box,
        load: (cursor) => api('GET', '/api/v1/endpoints', { query: { permission: q.get('permission'), method: q.get('method'), active: q.get('active'), cursor } }).then((r) => r.data),
        render: (items, first) => {
            if (first) rows.length = 0;
            rows.push(...items);
            const cols = [
                { label: 'Route', render: (m) => h('code', null, m.api_endpoint) },
                { label: 'Method', key: 'http_method' },
                { label: 'Permission', render: (m) => h('code', null, m.permission) },
                { label: 'Active', render: (m) => (m.is_active ? badge('active', 'ok') : badge('inactive', 'bad')) },
                { label: 'Second factor', render: (m) => (m.requires_mfa ? badge('required', 'warn') : '') },
                { label: 'Description', key: 'description' },
            ];
            if (ctx.can('EDIT') || ctx.can('DELETE')) {
                cols.push({
                    label: 'Actions',
                    className: 'actions',
                    render: (m) => h('div', { class: 'row-actions' },
                        ctx.can('EDIT') ? h('button', {
                            type: 'button',
                            class: 'btn btn--small',
                            'aria-label': `Edit the mapping ${m.http_method} ${m.api_endpoint}`,
                            onclick: async () => {
                                const cur = await api('GET', `/api/v1/endpoints/${m.id}`);
                                dialog({
                                    title: `Edit ${m.http_method} ${m.api_endpoint}`,
                                    description: `Guarded by ${m.permission} (the permission of a mapping does not change).`,
                                    fields: mappingFields(cur.data, null, { withPermission: false }),
                                    onSubmit: async (v) => {
                                        await api('PATCH', `/api/v1/endpoints/${m.id}`, {
                                            body: { api_endpoint: v.api_endpoint, http_method: v.http_method, description: v.description || null, is_active: !!v.is_active, requires_mfa: !!v.requires_mfa },
                                            ifMatch: cur.etag,
                                        });
                                        notify('Mapping saved; it applies at once.');
                                        paged.reload();
                                    },
                                });
                            },
                        }, 'Edit') : null,
                        ctx.can('DELETE') ? h('button', {
                            type: 'button',
                            class: 'btn btn--small btn--danger',
                            'aria-label': `Delete the mapping ${m.http_method} ${m.api_endpoint}`,
                            onclick: () => confirmAction({
                                title: `Delete ${m.http_method} ${m.api_endpoint} → ${m.permission}?`,
                                message: 'A route with no active mapping is refused to everyone (deny by default).',
                                action: async () => {
                                    await api('DELETE', `/api/v1/endpoints/${m.id}`);
                                    notify('Mapping deleted.');
                                    paged.reload();
                                },
                            }),
                        }, 'Delete') : null),
                });
            }
            replace(box, table({ caption: 'Endpoint mappings', rows, columns: cols, empty: 'No mapping matches.' }));
        },
    });
    const filter = h('form', { class: 'toolbar' },
        field({ label: 'Permission', name: 'permission', value: q.get('permission') || '', maxlength: 100 }),
        field({ label: 'Method', name: 'method', type: 'select', value: q.get('method') || '', options: [['', 'Any'], ...METHODS.map((x) => [x, x])] }),
        field({ label: 'Active', name: 'active', type: 'select', value: q.get('active') || '', options: [['', 'Any'], ['true', 'Active'], ['false', 'Inactive']] }),
        h('button', { type: 'submit', class: 'btn' }, 'Filter'));
    filter.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const p = new URLSearchParams();
        for (const el of filter.elements) if (el.name && el.value) p.set(el.name, el.value);
        ctx.navigate(`/admin/endpoints${p.toString() ? `?${p}` : ''}`);
    });
    const create = ctx.can('CREATE') ? h('button', {
        type: 'button',
        class: 'btn btn--primary',
        onclick: async () => {
            const names = await permissionNames();
            dialog({
                title: 'New endpoint mapping',
                submitLabel: 'Create mapping',
                fields: mappingFields({}, names, { withPermission: true }),
                onSubmit: async (v) => {
                    await api('POST', '/api/v1/endpoints', {
                        body: { permission: v.permission, api_endpoint: v.api_endpoint, http_method: v.http_method, description: v.description || null, is_active: !!v.is_active, requires_mfa: !!v.requires_mfa },
                    });
                    notify('Mapping created; it applies at once.');
                    paged.reload();
                },
            });
        },
    }, 'New mapping') : null;
    replace(ctx.main, pageHeader('API endpoints', 'Which permission a request needs, by method and path pattern.', create), filter, slot, paged.element);
    await paged.reload();
}
