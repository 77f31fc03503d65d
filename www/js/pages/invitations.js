// #/admin/invitations: send, list, resend and revoke invitations. The link itself is never
// shown: its token leaves Gatehouse only inside the mail, and only its hash is stored, so there
// is nothing to copy. "Resend" mails a fresh link (the old one stops working).

import { api, listAll } from '../api.js';
import { badge, confirmAction, dialog, field, fmtTime, h, notify, pagedList, pageHeader, replace, showProblem, table } from '../dom.js';
import { can } from '../nav.js';

const KIND = { pending: 'info', accepted: 'ok', revoked: 'bad', expired: 'warn' };

export async function render(ctx) {
    const q = ctx.query;
    const box = h('div');
    const slot = h('div');
    const rows = [];
    const paged = pagedList({
        container: box,
        load: (cursor) => api('GET', '/api/v1/invitations', { query: { status: q.get('status'), sort: '-created_at', cursor } }).then((r) => r.data),
        render: (items, first) => {
            if (first) rows.length = 0;
            rows.push(...items);
            const cols = [
                { label: 'Email', key: 'email' },
                { label: 'Role', render: (i) => i.role || 'member' },
                { label: 'Status', render: (i) => badge(i.status, KIND[i.status]) },
                { label: 'Sent', render: (i) => `${fmtTime(i.last_sent_at)}${i.send_count > 1 ? ` (${i.send_count} times)` : ''}` },
                { label: 'Expires', render: (i) => fmtTime(i.expires_at) },
            ];
            if (ctx.can('CREATE') || ctx.can('DELETE')) {
                cols.push({
                    label: 'Actions',
                    className: 'actions',
                    render: (i) => {
                        const open = i.status === 'pending' || i.status === 'expired';
                        return h('div', { class: 'row-actions' },
                            ctx.can('CREATE') && open ? h('button', {
                                type: 'button',
                                class: 'btn btn--small',
                                'aria-label': `Resend the invitation to ${i.email}`,
                                onclick: async () => {
                                    replace(slot);
                                    try {
                                        const r = await api('POST', `/api/v1/invitations/${i.id}/resend`);
                                        notify(`Sent again to ${r.data.email}. The previous link no longer works.`);
                                        paged.reload();
                                    } catch (err) {
                                        showProblem(slot, err);
                                    }
                                },
                            }, 'Resend') : null,
                            ctx.can('DELETE') && open ? h('button', {
                                type: 'button',
                                class: 'btn btn--small btn--danger',
                                'aria-label': `Revoke the invitation to ${i.email}`,
                                onclick: () => confirmAction({
                                    title: `Revoke the invitation to ${i.email}?`,
                                    message: 'The link in the mail stops working.',
                                    confirmLabel: 'Revoke',
                                    action: async () => {
                                        await api('POST', `/api/v1/invitations/${i.id}/revoke`);
                                        notify(`Invitation to ${i.email} revoked.`);
                                        paged.reload();
                                    },
                                }),
                            }, 'Revoke') : null);
                    },
                });
            }
            replace(box, table({ caption: 'Invitations', rows, columns: cols, empty: 'No invitation.' }));
        },
    });

    const filter = h('form', { class: 'toolbar' },
        field({ label: 'Status', name: 'status', type: 'select', value: q.get('status') || '',
            options: [['', 'Any'], ['pending', 'Pending'], ['accepted', 'Accepted'], ['revoked', 'Revoked'], ['expired', 'Expired']] }),
        h('button', { type: 'submit', class: 'btn' }, 'Filter'));
    filter.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const s = filter.elements.status.value;
        ctx.navigate(`/admin/invitations${s ? `?status=${s}` : ''}`);
    });

    const invite = ctx.can('CREATE') ? h('button', {
        type: 'button',
        class: 'btn btn--primary',
        onclick: async () => {
            let names = null;
            if (can('/admin/roles', 'VIEW')) {
                try {
                    names = (await listAll('/api/v1/roles')).filter((r) => r.scope !== 'platform').map((r) => r.name);
                } catch {
                    names = null;
                }
            }
            dialog({
                title: 'Invite someone',
                description: 'Gatehouse mails a one-time link. The link is not shown here: only the person invited receives it.',
                submitLabel: 'Send invitation',
                fields: [
                    field({ label: 'Email', name: 'email', type: 'email', required: true, maxlength: 254, autocomplete: 'off' }),
                    names && names.length
                        ? field({ label: 'Role', name: 'role', type: 'select', value: 'member', options: names.map((n) => [n, n]) })
                        : field({ label: 'Role', name: 'role', value: 'member', maxlength: 100 }),
                ],
                onSubmit: async (v) => {
                    const r = await api('POST', '/api/v1/invitations', { body: { email: v.email, role: v.role || 'member' } });
                    notify(`Invitation sent to ${r.data.email}.`);
                    replace(slot, h('p', { class: 'notice', role: 'status' }, `Sent: ${r.data.email} has a link valid until ${fmtTime(r.data.expires_at)}.`));
                    paged.reload();
                },
            });
        },
    }, 'Invite') : null;

    replace(ctx.main, pageHeader('Invitations', 'People invited to join your organization.', invite), filter, slot, paged.element);
    await paged.reload();
}
