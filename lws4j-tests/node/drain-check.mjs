#!/usr/bin/env node
// Checks a graceful drain (Context.drain) with the ws client. The server under test
// (NodeWsDrainInteropTest) starts draining once --connections clients are open, says "bye"
// to each from Protocol.onDrain and closes them with 1001 at its deadline. Once every client
// has its "bye", this opens one more connection, which must be refused with 503 and
// Retry-After. Prints one JSON line: {"results":[{"messages":[...],"code":N,"reason":S}],
// "extra":{"status":N,"retryAfter":S}}; exits 1 on timeout.
import WebSocket from 'ws';
import { parseArgs } from './lib.mjs';

const usage = 'usage: node drain-check.mjs --url ws://HOST:PORT/ [--connections N] [--timeout-ms MS]';
const opts = parseArgs(process.argv.slice(2), { url: '', connections: 3, timeoutMs: 60000 }, usage);
if (!opts.url) {
  process.stderr.write(usage + '\n');
  process.exit(2);
}

const results = [];
let byes = 0;
let extra = null;
const timer = setTimeout(() => {
  console.log(JSON.stringify({ error: 'timeout', results, extra }));
  process.exit(1);
}, opts.timeoutMs);

function maybeDone() {
  if (extra && results.length === opts.connections && results.every((r) => r.code !== null)) {
    clearTimeout(timer);
    console.log(JSON.stringify({ results, extra }));
    process.exit(0);
  }
}

function tryExtra() {
  const ws = new WebSocket(opts.url, 'drain');
  ws.on('unexpected-response', (req, res) => {
    extra = { status: res.statusCode, retryAfter: res.headers['retry-after'] ?? null };
    req.destroy();
    maybeDone();
  });
  ws.on('open', () => {
    extra = { status: 101 };
    ws.terminate();
    maybeDone();
  });
  ws.on('error', (e) => {
    if (!extra) {
      extra = { error: String(e.message) };
      maybeDone();
    }
  });
}

for (let i = 0; i < opts.connections; i++) {
  const r = { messages: [], code: null, reason: null };
  results.push(r);
  const ws = new WebSocket(opts.url, 'drain');
  ws.on('message', (data) => {
    const text = data.toString();
    r.messages.push(text);
    if (text === 'bye' && ++byes === opts.connections) tryExtra();
  });
  ws.on('close', (code, reason) => {
    r.code = code;
    r.reason = reason.toString();
    maybeDone();
  });
  ws.on('error', (e) => {
    r.error = String(e.message);
  });
}
