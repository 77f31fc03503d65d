// Small DOM helpers. Everything the API returns goes into text nodes and attributes, never into
// innerHTML, so a username or description cannot inject markup.

let uid = 0;
export const nextId = (prefix = 'gh') => `${prefix}-${++uid}`;

/** h('button', {class: 'btn', onclick: fn, disabled: true}, 'Save', child, [more]) */
export function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
        for (const [k, v] of Object.entries(attrs)) {
            if (v === undefined || v === null || v === false) continue;
            if (k === 'class') el.className = v;
            else if (k === 'dataset') Object.assign(el.dataset, v);
            else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
            else if (k === 'value' && 'value' in el) el.value = v;
            else if (k === 'checked' || k === 'selected' || k === 'indeterminate') el[k] = !!v;
            else if (v === true) el.setAttribute(k, '');
            else el.setAttribute(k, String(v));
        }
    }
    append(el, children);
    return el;
}

function append(el, children) {
    for (const c of children) {
        if (c === undefined || c === null || c === false) continue;
        if (Array.isArray(c)) append(el, c);
        else if (c instanceof Node) el.appendChild(c);
        else el.appendChild(document.createTextNode(String(c)));
    }
}

export function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
}

export function replace(el, ...children) {
    clear(el);
    append(el, children);
    return el;
}

// ---- status and problems -------------------------------------------------------------------

let toastTimer = null;
/** A short message read out by screen readers (role=status) and shown at the bottom. */
export function notify(message) {
    const el = document.getElementById('gh-status');
    if (!el) return;
    el.textContent = message;
    el.classList.add('toast--shown');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => el.classList.remove('toast--shown'), 5000);
}

/** The problem+json of an ApiError as a block: title, detail, field, code, request id. */
export function problemBox(err) {
    const p = (err && err.problem) || {};
    const title = p.title || (err && err.status === 0 ? 'Network error' : 'Something went wrong');
    const detail = p.detail || (err && err.message) || '';
    const extra = [];
    if (err && err.field) extra.push(h('span', null, 'Field: ', h('code', null, err.field)));
    if (err && err.code) extra.push(h('span', null, 'Code: ', h('code', null, err.code)));
    if (err && err.status) extra.push(h('span', null, `HTTP ${err.status}`));
    if (err && err.requestId) extra.push(h('span', null, 'Request id: ', h('code', null, err.requestId)));
    const list = (err && err.errors) || [];
    return h('div', { class: 'problem', role: 'alert', dataset: { code: (err && err.code) || '' } },
        h('p', { class: 'problem__title' }, title),
        detail && detail !== title ? h('p', { class: 'problem__detail' }, detail) : null,
        list.length > 1 ? h('ul', null, list.map((e) => h('li', null, `${e.field}: ${e.message}`))) : null,
        extra.length ? h('p', { class: 'problem__meta' }, extra) : null);
}

/** Shows an error in `slot` (an element), and marks the named form field when there is one. */
export function showProblem(slot, err, form) {
    if (!(err && (err.problem || err.status !== undefined))) console.error(err);
    replace(slot, problemBox(err));
    if (form && err && err.field) markField(form, err.field, err.problem && err.problem.detail);
}

export function markField(form, field, message) {
    // A problem names body fields like "settings.min_length": match the input's name.
    const input = form.querySelector(`[name="${CSS.escape(field)}"]`);
    if (!input) return;
    input.setAttribute('aria-invalid', 'true');
    const err = form.querySelector(`#${CSS.escape(input.id)}-error`);
    if (err) {
        err.textContent = message || 'This value was refused.';
        err.hidden = false;
    }
    input.focus();
}

export function clearMarks(form) {
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of form.querySelectorAll('.field__error')) {
        el.textContent = '';
        el.hidden = true;
    }
}

// ---- forms ------------------------------------------------------------------------------------

/**
 * field({label, name, type, value, required, hint, options:[[value,label]], autocomplete, ...})
 * A labelled control with a hint and an error line tied to it by aria-describedby.
 */
export function field(o) {
    const id = o.id || nextId(`f-${o.name}`);
    const describedBy = [];
    const hint = o.hint ? h('p', { class: 'field__hint', id: `${id}-hint` }, o.hint) : null;
    if (hint) describedBy.push(`${id}-hint`);
    const error = h('p', { class: 'field__error', id: `${id}-error`, hidden: true });
    describedBy.push(`${id}-error`);
    const common = {
        id,
        name: o.name,
        required: o.required,
        disabled: o.disabled,
        readonly: o.readonly,
        autocomplete: o.autocomplete,
        'aria-describedby': describedBy.join(' '),
    };
    let control;
    if (o.type === 'select') {
        control = h('select', common,
            (o.options || []).map(([v, l]) => h('option', { value: v, selected: String(v) === String(o.value ?? '') }, l)));
    } else if (o.type === 'textarea') {
        control = h('textarea', { ...common, rows: o.rows || 3 }, o.value ?? '');
    } else if (o.type === 'checkbox') {
        control = h('input', { ...common, type: 'checkbox', checked: !!o.value });
        return h('div', { class: 'field field--check' }, control, h('label', { for: id }, o.label), hint, error);
    } else {
        control = h('input', {
            ...common,
            type: o.type || 'text',
            value: o.value ?? '',
            placeholder: o.placeholder,
            minlength: o.minlength,
            maxlength: o.maxlength,
            pattern: o.pattern,
            inputmode: o.inputmode,
            spellcheck: o.type === 'email' || o.name === 'username' ? 'false' : undefined,
        });
    }
    return h('div', { class: 'field' }, h('label', { for: id }, o.label, o.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), hint, control, error);
}

/** The values of a form's named controls; empty strings become undefined unless keepEmpty. */
export function values(form, { keepEmpty = false } = {}) {
    const out = {};
    for (const el of form.elements) {
        if (!el.name || el.disabled) continue;
        if (el.type === 'checkbox') out[el.name] = el.checked;
        else if (el.value !== '' || keepEmpty) out[el.name] = el.value;
    }
    return out;
}

/**
 * A form whose submit runs `onSubmit(values, form)`; the submit button is disabled while it
 * runs and any error lands in the form's problem slot with the field marked.
 */
export function form({ fields, submitLabel = 'Save', onSubmit, extra, cancel, className }) {
    const slot = h('div', { class: 'form__problem' });
    const submit = h('button', { type: 'submit', class: 'btn btn--primary' }, submitLabel);
    const f = h('form', { class: `form ${className || ''}`, novalidate: true }, slot, fields,
        h('div', { class: 'form__actions' }, submit, cancel || null, extra || null));
    f.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        clearMarks(f);
        clear(slot);
        // The browser's own checks first (required, type=email, pattern), with its messages.
        for (const el of f.elements) {
            if (el.willValidate && !el.checkValidity()) {
                markField(f, el.name, el.validationMessage);
                return;
            }
        }
        submit.disabled = true;
        f.setAttribute('aria-busy', 'true');
        try {
            await onSubmit(values(f), f);
        } catch (err) {
            showProblem(slot, err, f);
        } finally {
            submit.disabled = false;
            f.removeAttribute('aria-busy');
        }
    });
    return f;
}

// ---- dialogs ----------------------------------------------------------------------------------

/**
 * A modal <dialog> (focus stays inside, Escape closes) holding a form. onSubmit resolves to
 * close it; a thrown ApiError is shown inside. Focus returns to the opener when it closes.
 */
export function dialog({ title, fields, submitLabel = 'Save', onSubmit, description, danger }) {
    const opener = document.activeElement;
    const titleId = nextId('dlg');
    const cancel = h('button', { type: 'button', class: 'btn' }, 'Cancel');
    const f = form({
        fields: [description ? h('p', null, description) : null, fields],
        submitLabel,
        cancel,
        onSubmit: async (v, formEl) => {
            await onSubmit(v, formEl);
            close();
        },
    });
    if (danger) f.querySelector('button[type=submit]').className = 'btn btn--danger';
    const d = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
        h('h2', { id: titleId, class: 'dialog__title' }, title), f);
    function close() {
        if (d.open) d.close();
    }
    cancel.addEventListener('click', close);
    d.addEventListener('close', () => {
        d.remove();
        if (opener && opener.isConnected) opener.focus();
    });
    document.body.appendChild(d);
    d.showModal();
    const first = f.querySelector('input:not([type=hidden]):not([disabled]), select, textarea');
    if (first) first.focus();
    return d;
}

/** Asks before a destructive action: resolves when confirmed and `action` succeeded. */
export function confirmAction({ title, message, confirmLabel = 'Delete', action, fields }) {
    return new Promise((resolve) => {
        const d = dialog({
            title,
            description: message,
            fields: fields || [],
            submitLabel: confirmLabel,
            danger: true,
            onSubmit: async (v) => {
                await action(v);
                resolve(true);
            },
        });
        d.addEventListener('close', () => resolve(false));
    });
}

// ---- tables -----------------------------------------------------------------------------------

/**
 * table({caption, columns:[{label, render(row) | key, className}], rows, empty})
 * In a scrollable region so wide tables never widen the page on a phone.
 */
export function table({ caption, columns, rows, empty = 'Nothing to show.', rowAttrs }) {
    if (!rows.length) return h('p', { class: 'muted empty' }, empty);
    const t = h('table', { class: 'table' },
        caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
        h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.className }, c.label)))),
        h('tbody', null, rows.map((r) => h('tr', rowAttrs ? rowAttrs(r) : null,
            columns.map((c, i) => {
                const v = c.render ? c.render(r) : r[c.key];
                const cell = i === 0 ? 'th' : 'td';
                return h(cell, { class: c.className, scope: i === 0 ? 'row' : undefined, 'data-label': c.label }, v ?? '');
            })))));
    return h('div', { class: 'table-wrap', role: 'region', 'aria-label': caption || 'Table', tabindex: '0' }, t);
}

export function badge(text, kind) {
    return h('span', { class: `badge ${kind ? `badge--${kind}` : ''}` }, text);
}

export function fmtTime(s) {
    if (!s) return '';
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) return s;
    return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** A "Load more" list: load(cursor) -> {items, next_cursor}; render(items) -> nodes appended. */
export function pagedList({ load, render, container }) {
    let cursor = null;
    const more = h('button', { type: 'button', class: 'btn' }, 'Load more');
    const slot = h('div');
    const wrap = h('div', { class: 'paged' }, container, slot, more);
    more.hidden = true;
    async function next() {
        more.disabled = true;
        clear(slot);
        try {
            const data = await load(cursor);
            render(data.items || [], cursor === null);
            cursor = data.next_cursor || null;
            more.hidden = !cursor;
        } catch (err) {
            showProblem(slot, err);
        } finally {
            more.disabled = false;
        }
    }
    more.addEventListener('click', next);
    return { element: wrap, reload: () => { cursor = null; return next(); } };
}

export function pageHeader(title, description, ...actions) {
    return h('div', { class: 'page-head' },
        h('div', null, h('h1', { class: 'page-title', tabindex: '-1' }, title),
            description ? h('p', { class: 'muted' }, description) : null),
        actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}
