#!/usr/bin/env node
// Opens N websocket connections to a server that streams numbered text messages and checks
// that each connection sees every number exactly once and in order. Optionally closes a random
// subset of connections mid-stream. Prints one JSON summary line; exit code 0 when every
// check passed, 1 otherwise, 2 on usage errors.
import WebSocket from 'ws';
import { parseArgs } from './lib.mjs';

const USAGE = `usage: node stream-client.mjs --url ws://127.0.0.1:PORT/ [options]
  --protocol NAME          subprotocol to offer (default: none)
  --connections N          connections opened at once (default 1)
  --pattern REGEX          regex whose first group is the message number (default: the last
                           number in the message, "(\\d+)\\D*$"); e.g. "^seq (\\d+)$"
  --first N|any            the number of the first message (default 0); "any" accepts any
                           start (for streams joined mid-way)
  --step N                 how much the number grows from one message to the next (default 1)
  --expect M               messages per connection; after M the client closes with 1000 and
                           a server close before M is an error (default 0: read until the
                           server closes). Messages still in flight after the client's close
                           are checked for order and counted as "afterClose".
  --min-messages M         with --expect 0: a connection must see at least M (default 1)
  --close-fraction F       close this fraction of connections early (default 0)
  --close-after-max K      an early-closed connection closes after 1..K messages (default 10)
  --close-codes LIST       server close codes accepted, comma separated (default
                           1000,1001,1005)
  --send TEXT              text sent once when a connection opens (default: nothing)
  --seed S                 seed for choosing early closes (default 1)
  --timeout MS             overall limit (default 60000)
  --require-extension NAME the server must accept this extension (e.g. permessage-deflate)
  --no-deflate             do not offer permessage-deflate (the ws client offers it by default)`;

const opts = parseArgs(process.argv.slice(2), {
  url: '', protocol: '', connections: 1, pattern: '(\\d+)\\D*$', first: '0', step: 1, expect: 0,
  minMessages: 1, closeFraction: 0, closeAfterMax: 10, closeCodes: '1000,1001,1005', send: '',
  seed: 1, timeout: 60000, requireExtension: '', noDeflate: false,
}, USAGE);
if (!opts.url) {
  process.stderr.write(`--url is required\n${USAGE}\n`);
  process.exit(2);
}
if (!Number.isInteger(opts.step) || opts.step < 1) {
  process.stderr.write(`--step must be a positive integer\n${USAGE}\n`);
  process.exit(2);
}
if (opts.first !== 'any' && !/^\d+$/.test(opts.first)) {
  process.stderr.write(`--first must be a number or "any"\n${USAGE}\n`);
  process.exit(2);
}
let pattern;
try {
  pattern = new RegExp(opts.pattern);
} catch (err) {
  process.stderr.write(`bad --pattern: ${err.message}\n`);
  process.exit(2);
}
const acceptedCloseCodes = opts.closeCodes.split(',').map((s) => Number(s.trim()));

// A small deterministic generator (mulberry32) so a failing run can be repeated.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(opts.seed);

const MAX_ERRORS_PER_CONNECTION = 5;

function runConnection(state) {
  const { closeAfter } = state;
  return new Promise((resolve) => {
    let expected = opts.first === 'any' ? null : Number(opts.first);
    const error = (message) => {
      if (state.errors.length < MAX_ERRORS_PER_CONNECTION) state.errors.push(message);
    };
    const finish = () => {
      if (state.done) return;
      state.done = true;
      resolve(state);
    };
    const wsOptions = opts.noDeflate ? { perMessageDeflate: false } : {};
    const ws = opts.protocol ? new WebSocket(opts.url, opts.protocol, wsOptions)
      : new WebSocket(opts.url, wsOptions);
    state.socket = ws;
    ws.on('open', () => {
      state.opened = true;
      if (opts.protocol && ws.protocol !== opts.protocol) {
        error(`offered ${opts.protocol}, server selected ${JSON.stringify(ws.protocol)}`);
      }
      if (opts.requireExtension && !(ws.extensions || '').includes(opts.requireExtension)) {
        error(`server did not accept ${opts.requireExtension} (extensions: ${JSON.stringify(ws.extensions)})`);
      }
      if (opts.send) ws.send(opts.send);
    });
    ws.on('unexpected-response', (_, res) => {
      error(`handshake answered HTTP ${res.statusCode}`);
      ws.terminate();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        error(`message ${state.received}: binary (${data.length} bytes), expected text`);
        return;
      }
      const text = data.toString();
      const m = pattern.exec(text);
      if (!m || m[1] === undefined) {
        error(`message ${state.received}: ${JSON.stringify(text.slice(0, 100))} does not match ${pattern}`);
        return;
      }
      const n = Number(m[1]);
      if (expected !== null && n !== expected) {
        const kind = n < expected ? 'duplicate or out of order' : 'gap';
        error(`message ${state.received}: number ${n}, expected ${expected} (${kind})`);
      }
      expected = n + opts.step;
      if (state.first === null) state.first = n;
      state.last = n;
      if (state.closedBy !== null) {
        // In flight when we closed: still checked for order, counted apart.
        state.afterClose++;
        return;
      }
      state.received++;
      if (closeAfter !== null && state.received === closeAfter) {
        state.closedBy = 'client-early';
        ws.close(1000, 'early');
      } else if (opts.expect > 0 && state.received === opts.expect) {
        state.closedBy = 'client';
        ws.close(1000, 'done');
      }
    });
    ws.on('close', (code, reason) => {
      state.closeCode = code;
      state.closeReason = reason.toString();
      if (!state.opened) {
        state.closedBy = 'never-opened';
        error(`connection never opened (close code ${code})`);
      } else if (state.closedBy === null) {
        state.closedBy = 'server';
        if (!acceptedCloseCodes.includes(code)) {
          error(`server closed with ${code} ${JSON.stringify(state.closeReason)}, accepted: ${acceptedCloseCodes.join(',')}`);
        }
        if (opts.expect > 0) {
          error(`server closed (${code}) after ${state.received} of ${opts.expect} messages`);
        } else if (state.received < opts.minMessages) {
          error(`server closed (${code}) after ${state.received} messages, expected at least ${opts.minMessages}`);
        }
      }
      finish();
    });
    ws.on('error', (err) => {
      error(`socket error: ${err.message}`);
    });
  });
}

const plans = Array.from({ length: opts.connections }, () => {
  if (opts.closeFraction > 0 && random() < opts.closeFraction) {
    return 1 + Math.floor(random() * opts.closeAfterMax);
  }
  return null;
});

const started = Date.now();
const states = plans.map((closeAfter, id) => ({
  id, received: 0, first: null, last: null, closeAfter, closedBy: null, closeCode: null,
  closeReason: '', errors: [], done: false, opened: false, socket: null, afterClose: 0,
}));
let timer;
await Promise.race([
  Promise.all(states.map(runConnection)),
  new Promise((resolve) => { timer = setTimeout(resolve, opts.timeout); }),
]);
clearTimeout(timer);

const summary = {
  ok: true, url: opts.url, protocol: opts.protocol, connections: opts.connections,
  completed: 0, closedEarly: 0, serverClosed: 0, timedOut: 0, messages: 0, elapsedMs: Date.now() - started,
  errorCount: 0, errors: [], perConnection: [],
};
for (const s of states) {
  const { id } = s;
  if (!s.done) {
    summary.timedOut++;
    s.errors.push(`still open after ${opts.timeout} ms, ${s.received} messages received`);
  }
  summary.messages += s.received;
  if (s.closedBy === 'client-early') summary.closedEarly++;
  else if (s.closedBy === 'server') summary.serverClosed++;
  if (s.errors.length === 0) summary.completed++;
  summary.errorCount += s.errors.length;
  for (const e of s.errors) if (summary.errors.length < 20) summary.errors.push(`connection ${id}: ${e}`);
  summary.perConnection.push({
    id, received: s.received, afterClose: s.afterClose, first: s.first, last: s.last, closedBy: s.closedBy,
    closeCode: s.closeCode, earlyAfter: s.closeAfter,
  });
}
summary.ok = summary.errorCount === 0 && summary.timedOut === 0;
process.stdout.write(JSON.stringify(summary) + '\n');
for (const s of states) if (s.socket) s.socket.terminate();
process.exit(summary.ok ? 0 : 1);
