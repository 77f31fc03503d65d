// The mail the --test stack sends: tests/mailstub stores each message as
// $GH_STACK_DIR/mail/<nanoseconds>-<pid>.eml. A reader hands out each message once, in order.

import fs from 'node:fs';
import path from 'node:path';

import { STACK_DIR, waitFor } from './lib.mjs';

export const MAIL_DIR = path.join(STACK_DIR, 'mail');

/** The stored messages' file names, oldest first. */
export function mailFiles() {
    try {
        return fs.readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')).sort();
    } catch {
        return [];
    }
}

/** One message: {file, text, headers (lower-case names, unfolded), body}. */
export function readMail(file) {
    const text = fs.readFileSync(path.join(MAIL_DIR, file), 'utf8');
    const cut = text.indexOf('\n\n');
    const head = text.slice(0, cut).replace(/\n[ \t]+/g, ' ');
    const headers = {};
    for (const line of head.split('\n')) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    return { file, text, headers, body: text.slice(cut + 2) };
}

/**
 * A reader of messages, each read through parse (file name -> message with headers): next(to)
 * waits for the next message to `to` not handed out before; unread(to) lists those; skipAll()
 * marks everything stored so far as read; consumed is the set of files handed out.
 */
export function mailReader(parse = readMail) {
    const consumed = new Set();
    const to = (m, addr) => (m.headers.to ?? '').toLowerCase() === addr.toLowerCase();
    return {
        consumed,
        skipAll() {
            for (const f of mailFiles()) consumed.add(f);
        },
        next(addr, ms = 8000) {
            return waitFor(() => {
                for (const f of mailFiles()) {
                    if (consumed.has(f)) continue;
                    const msg = parse(f);
                    if (to(msg, addr)) {
                        consumed.add(f);
                        return msg;
                    }
                }
                return null;
            }, ms, 50);
        },
        unread(addr) {
            return mailFiles().filter((f) => !consumed.has(f)).map(parse).filter((m) => to(m, addr));
        },
    };
}
