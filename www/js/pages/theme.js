// #/admin/theme: the organization's theme (org_theme) with a live preview and contrast checks.

import { api, session } from '../api.js';
import { field, form, h, notify, pageHeader, replace } from '../dom.js';
import { applyBrand, applyTheme, COLOR_KEYS, contrast, DEFAULT_THEME, effective, onColor } from '../theme.js';

const LABELS = {
    primary_color: 'Primary color',
    secondary_color: 'Secondary color',
    accent_color: 'Accent color',
    background_color: 'Background color',
    text_color: 'Text color',
};
const HINTS = {
    primary_color: 'Top bar, buttons, links (when readable on the background).',
    secondary_color: 'Secondary text (when readable).',
    accent_color: 'Focus rings and highlights.',
    background_color: 'Page background.',
    text_color: 'Body text.',
};
const HEX = /^#[0-9a-fA-F]{6}$/;

function colorField(key, value, editable, onInput) {
    const f = field({ label: LABELS[key], name: key, value: value || '', placeholder: DEFAULT_THEME[key], maxlength: 7, pattern: '#[0-9a-fA-F]{6}',
        hint: `${HINTS[key]} #rrggbb; empty for the default (${DEFAULT_THEME[key]}).`, readonly: !editable });
    const text = f.querySelector('input');
    const picker = h('input', { type: 'color', value: value || DEFAULT_THEME[key], 'aria-label': `${LABELS[key]} picker`, disabled: !editable, tabindex: '-1' });
    picker.addEventListener('input', () => {
        text.value = picker.value;
        onInput();
    });
    text.addEventListener('input', () => {
        if (HEX.test(text.value)) picker.value = text.value.toLowerCase();
        onInput();
    });
    const row = h('div', { class: 'color-row' }, picker);
    text.before(row);
    row.appendChild(text);
    return f;
}

export async function render(ctx) {
    const s = session();
    if (!s || !s.organization) {
        replace(ctx.main, pageHeader('Branding', null), h('p', { class: 'notice' }, 'This session has no organization.'));
        return;
    }
    const org = s.organization;
    const r = await api('GET', `/api/v1/themes/${encodeURIComponent(org.slug)}`, { auth: false });
    if (!ctx.isCurrent()) return;
    let etag = r.etag;
    const theme = r.data;
    const editable = ctx.can('EDIT');

    const preview = h('div', { class: 'preview', 'aria-label': 'Preview', role: 'region' });
    const contrastList = h('ul', { class: 'contrast-list' });

    let formEl;
    const read = () => {
        const t = {};
        for (const k of COLOR_KEYS) {
            const v = formEl.elements[k].value.trim();
            t[k] = HEX.test(v) ? v.toLowerCase() : null;
        }
        t.logo_ref = formEl.elements.logo_ref.value.trim() || null;
        t.favicon_ref = formEl.elements.favicon_ref.value.trim() || null;
        return t;
    };
    const draw = () => {
        const t = effective(read());
        applyTheme(t, preview);
        const logo = t.logo_ref ? h('img', { src: t.logo_ref, alt: `${org.name} logo` }) : null;
        replace(preview,
            h('div', { class: 'preview__bar' }, logo, org.name),
            h('div', { class: 'preview__body' },
                h('p', { class: 'auth__title' }, `Sign in to ${org.name}`),
                h('p', null, 'Body text on the background, with ', h('a', { href: '#/admin/theme', onclick: (e) => e.preventDefault() }, 'a link'), '.'),
                h('p', { class: 'muted' }, 'Secondary text.'),
                h('p', null, h('span', { class: 'preview__accent' }, 'Accent')),
                h('button', { type: 'button', class: 'btn btn--primary', tabindex: '-1' }, 'Sign in')));
        const pairs = [
            ['Text on background', t.text_color, t.background_color],
            ['Button text on primary', onColor(t.primary_color), t.primary_color],
            ['Primary on background (links)', t.primary_color, t.background_color],
            ['Secondary on background', t.secondary_color, t.background_color],
        ];
        replace(contrastList, pairs.map(([label, fg, bg]) => {
            const ratio = contrast(fg, bg);
            const ok = ratio >= 4.5;
            return h('li', null, h('span', null, label), h('span', null, `${ratio.toFixed(2)}:1 `, ok ? 'passes AA' : 'below 4.5:1 (the console falls back to the text color)'));
        }));
    };

    const fields = [
        h('fieldset', null, h('legend', null, 'Colors'), COLOR_KEYS.map((k) => colorField(k, theme[k], editable, draw))),
        field({ label: 'Logo', name: 'logo_ref', value: theme.logo_ref || '', maxlength: 512, readonly: !editable,
            hint: 'A file under /assets/themes/ (such as /assets/themes/acme/logo.svg) or an https:// address.' }),
        field({ label: 'Favicon', name: 'favicon_ref', value: theme.favicon_ref || '', maxlength: 512, readonly: !editable, hint: 'Same rules as the logo.' }),
    ];
    if (editable) {
        formEl = form({
            submitLabel: 'Save branding',
            fields,
            onSubmit: async () => {
                const res = await api('PUT', `/api/v1/organizations/${org.id}/theme`, { body: read(), ifMatch: etag });
                etag = res.etag;
                applyTheme(res.data);
                applyBrand(res.data, org.name);
                notify('Branding saved. The sign-in page shows it within a minute at most.');
            },
        });
    } else {
        formEl = h('form', { class: 'form' }, fields);
    }
    formEl.addEventListener('input', draw);
    replace(ctx.main,
        pageHeader('Branding', `Colors and logo of ${org.name}, used on its sign-in page and in this console.`),
        h('div', { class: 'theme-editor' },
            formEl,
            h('div', null, h('h2', null, 'Preview'), preview, h('h3', null, 'Contrast'), contrastList)));
    draw();
}
