// #/admin/permissions: the permission catalogue (built-in and custom), grouped by module.

import { api, listAll } from '../api.js';
import { badge, confirmAction, dialog, field, h, notify, pageHeader, replace, table } from '../dom.js';

export async function render(ctx) {
    const module = ctx.query.get('module') || '';
    const perms = await listAll('/api/v1/permissions', { module });
    if (!ctx.isCurrent()) return;
    const modules = [...new Set(perms.map((p) => p.module))].sort();

    const create = ctx.can('CREATE') ? h('button', {
        type: 'button',
        class: 'btn btn--primary',
        onclick: () => dialog({
            title: 'New permission',
            submitLabel: 'Create permission',
            fields: [
                field({ label: 'Name', name: 'name', required: true, maxlength: 100, hint: 'Dotted lower case, such as reports.read.' }),
                field({ label: 'Module', name: 'module', maxlength: 50, hint: 'Defaults to the part before the first dot.' }),
                field({ label: 'Description', name: 'description', type: 'textarea', maxlength: 500 }),
            ],
            onSubmit: async (v) => {
                const r = await api('POST', '/api/v1/permissions', { body: { name: v.name, module: v.module || undefined, description: v.description || null } });
                notify(`Permission ${r.data.name} created.`);
                ctx.navigate('/admin/permissions');
            },
        }),
    }, 'New permission') : null;

    const cols = [
        { label: 'Permission', render: (p) => h('code', null, p.name) },
        { label: 'Module', key: 'module' },
        { label: 'Description', key: 'description' },
        { label: 'Kind', render: (p) => (p.is_system ? badge('built in') : badge('custom', 'info')) },
    ];
    if (ctx.can('EDIT') || ctx.can('DELETE')) {
        cols.push({
            label: 'Actions',
            className: 'actions',
            render: (p) => h('div', { class: 'row-actions' },
                ctx.can('EDIT') ? h('button', {
                    type: 'button',
                    class: 'btn btn--small',
                    'aria-label': `Edit ${p.name}`,
                    onclick: async () => {
                        const cur = await api('GET', `/api/v1/permissions/${p.id}`);
                        dialog({
                            title: `Edit ${p.name}`,
                            fields: [
                                field({ label: 'Module', name: 'module', value: cur.data.module, maxlength: 50, required: true }),
                                field({ label: 'Description', name: 'description', type: 'textarea', value: cur.data.description, maxlength: 500 }),
                            ],
                            onSubmit: async (v) => {
                                await api('PATCH', `/api/v1/permissions/${p.id}`, { body: { module: v.module, description: v.description || null }, ifMatch: cur.etag });
                                notify('Permission saved.');
                                ctx.navigate('/admin/permissions');
                            },
                        });
                    },
                }, 'Edit') : null,
                ctx.can('DELETE') && !p.is_system ? h('button', {
                    type: 'button',
                    class: 'btn btn--small btn--danger',
                    'aria-label': `Delete ${p.name}`,
                    onclick: () => confirmAction({
                        title: `Delete ${p.name}?`,
                        message: 'Refused while a role holds it or an endpoint mapping uses it.',
                        action: async () => {
                            await api('DELETE', `/api/v1/permissions/${p.id}`);
                            notify(`Permission ${p.name} deleted.`);
                            ctx.navigate('/admin/permissions');
                        },
                    }),
                }, 'Delete') : null),
        });
    }

    const filter = h('form', { class: 'toolbar' },
        field({ label: 'Module', name: 'module', type: 'select', value: module, options: [['', 'All'], ...modules.map((m) => [m, m])] }),
        h('button', { type: 'submit', class: 'btn' }, 'Filter'));
    filter.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const m = filter.elements.module.value;
        ctx.navigate(`/admin/permissions${m ? `?module=${encodeURIComponent(m)}` : ''}`);
    });
    replace(ctx.main,
        pageHeader('Permissions', 'What the API checks. Roles hold permissions; endpoint mappings say which route needs which.', create),
        filter,
        table({ caption: 'Permissions', rows: perms.sort((a, b) => a.module.localeCompare(b.module) || a.name.localeCompare(b.name)), columns: cols }));
}
