#!/usr/bin/env node
// Checks lws4j's inbound controls with the ws client, against the server of
// NodeInboundInteropTest: pings both ways with the server's round trip, a paused connection
// that delivers everything in order once resumed, messages streamed in fragments (compressed
// when permessage-deflate is agreed) far past the server's message limit, and a connection
// reset by the peer. Prints one JSON summary line; exit code 0 when every check passed.
import crypto from 'node:crypto';
import WebSocket from 'ws';
import { parseArgs, withTimeout } from './lib.mjs';

const USAGE = `usage: node inbound-check.mjs --url ws://127.0.0.1:PORT/ [options]
  --stream-bytes N   size of the streamed binary message (default 8 MiB)
  --timeout MS       time limit of each check (default 30000)`;
const opts = parseArgs(process.argv.slice(2), { url: '', streamBytes: 8 * 1024 * 1024, timeout: 30000 }, USAGE);
if (!opts.url) {
  process.stderr.write(`--url is required\n${USAGE}\n`);
  process.exit(2);
}

function connect(protocol) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(opts.url, protocol);
    ws.binaryType = 'nodebuffer';
    // a ping sent right after the 101 can be emitted before a listener added after 'open'
    ws.pings = [];
    ws.on('ping', (data) => ws.pings.push(data.toString()));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Collects text messages; next() resolves with the next one. */
function inbox(ws) {
  const queue = [];
  const waiters = [];
  ws.on('message', (data, isBinary) => {
    const m = isBinary ? `binary(${data.length})` : data.toString('utf8');
    if (waiters.length) waiters.shift()(m); else queue.push(m);
  });
  return { next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r))) };
}

function expectEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function closeAndWait(ws) {
  return new Promise((resolve) => {
    ws.once('close', (code) => resolve(code));
    ws.close(1000, 'done');
  });
}

const checks = {
  async pingPong() {
    const ws = await connect('inbound');
    const messages = inbox(ws);
    while (ws.pings.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expectEqual(ws.pings[0], 'srv', 'the server\'s ping payload'); // ws answered it
    const pong = new Promise((resolve) => ws.once('pong', (data) => resolve(data.toString())));
    ws.ping('cli');
    expectEqual(await pong, 'cli', 'the server\'s pong payload');
    ws.send('report');
    expectEqual(await messages.next(), 'pong srv with rtt; ping cli', 'what the server saw');
    expectEqual(await closeAndWait(ws), 1000, 'close code');
  },

  async pauseAndResume() {
    const ws = await connect('inbound');
    const messages = inbox(ws);
    ws.send('pause');
    for (let i = 0; i < 100; i++) ws.send(`m${i}`);
    expectEqual(await messages.next(), 'paused', 'first answer');
    for (let i = 0; i < 100; i++) expectEqual(await messages.next(), `m${i}`, 'echo order');
    expectEqual(await closeAndWait(ws), 1000, 'close code');
  },

  async streamedBinaryAndText() {
    const ws = await connect('stream');
    const messages = inbox(ws);
    const fragment = crypto.randomBytes(128 * 1024);
    const fragments = Math.ceil(opts.streamBytes / fragment.length);
    const hash = crypto.createHash('sha256');
    for (let i = 0; i < fragments; i++) {
      fragment.writeUInt32BE(i, 0); // every fragment differs
      hash.update(fragment);
      await new Promise((resolve, reject) => ws.send(fragment, { binary: true, fin: i === fragments - 1 },
        (err) => (err ? reject(err) : resolve())));
    }
    expectEqual(await messages.next(), `binary ${fragments * fragment.length} ${hash.digest('hex')}`, 'binary summary');
    const text = 'é€😀 streamed text '.repeat(20000);
    const bytes = Buffer.from(text, 'utf8');
    // fragments cut at byte offsets, through multi-byte characters
    const textHash = crypto.createHash('sha256').update(bytes).digest('hex');
    const step = 100_001;
    for (let at = 0; at < bytes.length; at += step) {
      const part = bytes.subarray(at, Math.min(bytes.length, at + step));
      ws.send(part, { binary: false, fin: at + step >= bytes.length });
    }
    expectEqual(await messages.next(), `text ${bytes.length} ${textHash}`, 'text summary');
    expectEqual(await closeAndWait(ws), 1000, 'close code');
  },

  async resetByPeer() {
    const ws = await connect('inbound');
    const messages = inbox(ws);
    ws.send('hello');
    expectEqual(await messages.next(), 'hello', 'echo');
    ws._socket.resetAndDestroy(); // a TCP RST
  },
};

const results = {};
let ok = true;
for (const [name, check] of Object.entries(checks)) {
  try {
    await withTimeout(check(), opts.timeout, name);
    results[name] = 'ok';
  } catch (err) {
    ok = false;
    results[name] = String(err && err.stack ? err.stack : err);
  }
}
process.stdout.write(JSON.stringify({ ok, results }) + '\n');
process.exit(ok ? 0 : 1);
