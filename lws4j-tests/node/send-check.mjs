#!/usr/bin/env node
// Opens N reading websocket connections (and optionally some that stop reading) to a server
// that sends "SENDER:SEQ ..." text messages, and checks that every reading connection sees
// each sender's numbers 0, 1, 2, ... exactly once and in order, up to --expect messages in
// all; then it closes with 1000. Prints one JSON summary line; exit code 0 when every check
// passed, 1 otherwise, 2 on usage errors.
import WebSocket from 'ws';
import { parseArgs } from './lib.mjs';

const USAGE = `usage: node send-check.mjs --url ws://127.0.0.1:PORT/ [options]
  --protocol NAME     subprotocol to offer (default: none)
  --connections N     reading connections (default 1)
  --stalled K         more connections that stop reading once open (default 0); they are
                      closed when the reading ones are done
  --expect M          messages per reading connection, all senders together (required)
  --hello TEXT        text each connection sends once open (default: nothing)
  --concurrency C     connections being opened at once (default 200)
  --deflate           offer permessage-deflate, and fail unless the server accepts it
  --timeout MS        overall limit (default 60000)`;

const opts = parseArgs(process.argv.slice(2), {
  url: '', protocol: '', connections: 1, stalled: 0, expect: 0, hello: '', concurrency: 200,
  timeout: 60000, deflate: false,
}, USAGE);
if (!opts.url || opts.expect < 1) {
  process.stderr.write(`--url and --expect are required\n${USAGE}\n`);
  process.exit(2);
}

const errors = [];
let completed = 0;
let messages = 0;
let closedEarly = 0;
const stalledSockets = [];

function error(message) {
  if (errors.length < 10) errors.push(message);
}

function open(index, stalled) {
  return new Promise((resolve) => {
    const ws = new WebSocket(opts.url, opts.protocol ? [opts.protocol] : [], {
      perMessageDeflate: opts.deflate ? { threshold: 0 } : false, maxPayload: 64 * 1024 * 1024,
    });
    const next = new Map();
    let seen = 0;
    let done = false;
    ws.on('open', () => {
      if (opts.deflate && !/permessage-deflate/.test(ws.extensions)) {
        error(`connection ${index}: permessage-deflate not accepted (extensions "${ws.extensions}")`);
      }
      if (opts.hello) ws.send(opts.hello);
      if (stalled) {
        ws._socket.pause(); // stop reading from the kernel: the server's writes back up
        stalledSockets.push(ws);
      }
      resolve(ws);
    });
    ws.on('message', (data, isBinary) => {
      if (stalled || done) return;
      const text = isBinary ? '' : data.toString('utf8');
      const m = /^(\d+):(\d+)/.exec(text);
      if (!m) {
        error(`connection ${index}: unexpected message ${text.slice(0, 40)}`);
        return;
      }
      const sender = m[1];
      const seq = Number(m[2]);
      const expected = next.get(sender) ?? 0;
      if (seq !== expected) {
        error(`connection ${index}: sender ${sender} number ${seq}, expected ${expected}`);
      }
      next.set(sender, seq + 1);
      seen++;
      messages++;
      if (seen === opts.expect) {
        done = true;
        completed++;
        ws.close(1000, 'done');
      }
    });
    ws.on('close', (code) => {
      if (!stalled && !done) {
        closedEarly++;
        error(`connection ${index}: closed by the server with ${code} after ${seen} of ${opts.expect}`);
      }
      if (!stalled) finished();
    });
    ws.on('error', (err) => {
      error(`connection ${index}: ${err.message}`);
      resolve(null);
    });
  });
}

let pending = opts.connections;
let resolveAll;
const allDone = new Promise((r) => { resolveAll = r; });
function finished() {
  if (--pending === 0) resolveAll();
}

const timer = setTimeout(() => {
  error(`timeout after ${opts.timeout} ms: ${completed} of ${opts.connections} completed`);
  report();
}, opts.timeout);

function report() {
  for (const ws of stalledSockets) ws.terminate();
  const ok = errors.length === 0 && completed === opts.connections;
  process.stdout.write(JSON.stringify({
    ok, completed, messages, closedEarly, stalled: stalledSockets.length, errors,
  }) + '\n');
  process.exit(ok ? 0 : 1);
}

// stalled connections first, so they are open before the readers and the server's count
const plan = [];
for (let i = 0; i < opts.stalled; i++) plan.push([`s${i}`, true]);
for (let i = 0; i < opts.connections; i++) plan.push([`r${i}`, false]);
// stalled connections never count in `pending`
for (let i = 0; i < plan.length; i += opts.concurrency) {
  await Promise.all(plan.slice(i, i + opts.concurrency).map(([id, stalled]) => open(id, stalled)));
}
if (opts.connections === 0) resolveAll();
await allDone;
clearTimeout(timer);
report();
