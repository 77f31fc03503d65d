// N clients, each on one kept-alive connection, GET URL in a loop for S seconds; prints the
// per-request latency distribution (a second opinion next to wrk, whose percentiles under
// mod_fcgid's one-second waits disagree with the server's own access log).
// Usage: node tests/apache/latency.mjs URL TOKEN CLIENTS SECONDS
import http from 'node:http';

const [url, token, clients = '16', seconds = '8'] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(clients) });
const lat = [];
let errors = 0;
const end = Date.now() + Number(seconds) * 1000;

function once() {
    return new Promise((resolve) => {
        const t0 = process.hrtime.bigint();
        const req = http.get(url, { agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
            res.resume();
            res.on('end', () => {
                if (res.statusCode !== 200) errors++;
                lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
                resolve();
            });
        });
        req.on('error', () => { errors++; resolve(); });
    });
}

await Promise.all(Array.from({ length: Number(clients) }, async () => {
    while (Date.now() < end) await once();
}));
lat.sort((a, b) => a - b);
const p = (q) => lat[Math.min(lat.length - 1, Math.floor(lat.length * q))].toFixed(1);
const slow = lat.filter((x) => x > 500).length;
console.log(`node: ${lat.length} requests, ${(lat.length / Number(seconds)).toFixed(0)}/s, errors ${errors}; ` +
    `p50 ${p(0.5)} ms, p90 ${p(0.9)} ms, p99 ${p(0.99)} ms, p99.9 ${p(0.999)} ms, max ${lat[lat.length - 1].toFixed(0)} ms; ` +
    `${slow} over 500 ms`);
agent.destroy();
