// #/admin/audit: audit events, newest first, with the API's filters.

import { api } from '../api.js';
import { badge, field, fmtTime, h, pagedList, pageHeader, replace, table } from '../dom.js';

const FILTERS = ['actor', 'action', 'target_type', 'target_id', 'outcome', 'from', 'to'];

export async function render(ctx) {
    const q = ctx.query;
    const box = h('div');
    const rows = [];
    const query = {};
    for (const k of FILTERS) if (q.get(k)) query[k] = q.get(k);
    const paged = pagedList({
        container: box,
        load: (cursor) => api('GET', '/api/v1/audit-events', { query: { ...query, cursor, limit: 50 } }).then((r) => r.data),
        render: (items, first) => {
            if (first) rows.length = 0;
            rows.push(...items);
            replace(box, table({
                caption: 'Audit events',
                rows,
                empty: 'No event matches.',
                columns: [
                    { label: 'When', render: (e) => fmtTime(e.occurred_at) },
                    { label: 'Action', render: (e) => h('code', null, e.action) },
                    { label: 'Outcome', render: (e) => badge(e.outcome, e.outcome === 'success' ? 'ok' : 'bad') },
                    { label: 'Actor', render: (e) => (e.actor_user_id ? h('a', { href: `#/admin/users/${e.actor_user_id}` }, `#${e.actor_user_id}`) : '—') },
                    { label: 'Target', render: (e) => (e.target_type ? `${e.target_type} ${e.target_id ?? ''}` : '—') },
                    { label: 'Reason', key: 'reason' },
                    { label: 'Address', key: 'client_ip' },
                    {
                        label: 'Details',
                        render: (e) => (e.details ? h('details', null, h('summary', null, 'Show'), h('pre', null, JSON.stringify(e.details, null, 2)),
                            h('p', { class: 'muted' }, `Request ${e.request_id || ''}`)) : ''),
                    },
                ],
            }));
        },
    });
    const filter = h('form', { class: 'toolbar', role: 'search' },
        field({ label: 'Action', name: 'action', value: q.get('action') || '', hint: 'Exact, or a prefix ending in * (auth.*).', maxlength: 64 }),
        field({ label: 'Actor id', name: 'actor', type: 'number', value: q.get('actor') || '' }),
        field({ label: 'Target type', name: 'target_type', value: q.get('target_type') || '', maxlength: 32 }),
        field({ label: 'Target id', name: 'target_id', value: q.get('target_id') || '', maxlength: 64 }),
        field({ label: 'Outcome', name: 'outcome', type: 'select', value: q.get('outcome') || '', options: [['', 'Any'], ['success', 'Success'], ['failure', 'Failure']] }),
        field({ label: 'From', name: 'from', type: 'date', value: q.get('from') || '' }),
        field({ label: 'To (exclusive)', name: 'to', type: 'date', value: q.get('to') || '' }),
        h('button', { type: 'submit', class: 'btn' }, 'Filter'));
    filter.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const p = new URLSearchParams();
        for (const el of filter.elements) if (el.name && el.value) p.set(el.name, el.value);
        ctx.navigate(`/admin/audit${p.toString() ? `?${p}` : ''}`);
    });
    replace(ctx.main, pageHeader('Audit log', 'Security and administration events of your organization, newest first.'), filter, paged.element);
    await paged.reload();
}
