// permessage-deflate interop: the Node ws client with perMessageDeflate against an lws4j
// echo server. Prints one JSON line {ok, checks: [...]} and exits 0 when every check passed.
import crypto from 'node:crypto';
import WebSocket from 'ws';
import { parseArgs, withTimeout } from './lib.mjs';

const USAGE = `usage: node deflate-check.mjs --url ws://127.0.0.1:PORT/ [options]
  --protocol NAME        subprotocol to offer (default lws-echo)
  --max-message N        the server's max message size; enables the bomb check (default 0: off)
  --timeout MS           time limit of each check (default 30000)
  --only a,b             run only these checks`;

const opts = parseArgs(process.argv.slice(2),
  { url: '', protocol: 'lws-echo', maxMessage: 0, timeout: 30000, only: '' }, USAGE);
if (!opts.url) {
  process.stderr.write(`--url is required\n${USAGE}\n`);
  process.exit(2);
}

/** Opens a client with the given perMessageDeflate options (threshold 0: compress everything). */
function connect(deflate) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(opts.url, opts.protocol, { perMessageDeflate: deflate, maxPayload: 256 << 20 });
    ws.binaryType = 'nodebuffer';
    ws.once('upgrade', (res) => { ws.offeredAnswer = res.headers['sec-websocket-extensions']; });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_, res) => reject(new Error(`handshake answered ${res.statusCode}`)));
  });
}

function nextMessage(ws) {
  return new Promise((resolve, reject) => {
    const onMessage = (data, isBinary) => { cleanup(); resolve({ data, isBinary }); };
    const onClose = (code, reason) => { cleanup(); reject(new Error(`closed (${code} ${reason}) while waiting`)); };
    const cleanup = () => { ws.off('message', onMessage); ws.off('close', onClose); };
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}

function closed(ws) {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve(null);
    ws.once('close', (code) => resolve(code));
  });
}

function expectNegotiated(ws, expected) {
  if (ws.offeredAnswer !== expected) {
    throw new Error(`server answered ${JSON.stringify(ws.offeredAnswer)}, expected ${JSON.stringify(expected)}`);
  }
}

function same(a, b, what) {
  if (!Buffer.from(a).equals(Buffer.from(b))) {
    const digest = (x) => crypto.createHash('sha256').update(x).digest('hex').slice(0, 16);
    throw new Error(`${what}: got ${a.length} bytes (${digest(a)}), expected ${b.length} (${digest(b)})`);
  }
}

/** Echoes every message in order over one connection and compares. */
async function echoAll(deflate, negotiated, messages) {
  const ws = await connect(deflate);
  try {
    expectNegotiated(ws, negotiated);
    for (const [i, m] of messages.entries()) {
      const reply = nextMessage(ws);
      ws.send(m, { binary: Buffer.isBuffer(m), compress: true });
      const got = await reply;
      same(got.data, Buffer.isBuffer(m) ? m : Buffer.from(m, 'utf8'), `message ${i}`);
      if (got.isBinary !== Buffer.isBuffer(m)) throw new Error(`message ${i}: wrong type`);
    }
  } finally {
    ws.close(1000);
    await closed(ws);
  }
}

const text = 'The quick brown fox jumps over the lazy dog \u00e9\u20ac\ud83d\ude00 '.repeat(4000);
const random = crypto.randomBytes(300_000);
const mixed = Buffer.concat([random.subarray(0, 50_000), Buffer.alloc(200_000, 7), random.subarray(0, 50_000)]);
const many = Array.from({ length: 200 }, (_, i) => `message ${i} `.repeat(1 + (i % 40)));

const checks = {
  defaultOffer: () => echoAll({ threshold: 0 }, 'permessage-deflate',
    [text, mixed, 'short', text, random, Buffer.alloc(0), '']),
  noContextTakeoverBothWays: () => echoAll(
    { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true },
    'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    [text, text, mixed, mixed]),
  smallClientWindow: () => echoAll({ threshold: 0, clientMaxWindowBits: 9 },
    'permessage-deflate', [text, mixed, text]),
  manySmallMessages: () => echoAll({ threshold: 0 }, 'permessage-deflate', many),
  fragmented: async () => {
    const ws = await connect({ threshold: 0 });
    try {
      const reply = nextMessage(ws);
      const parts = [text.slice(0, 1000), text.slice(1000, 70_000), text.slice(70_000)];
      parts.forEach((p, i) => ws.send(p, { fin: i === parts.length - 1, compress: true }));
      same((await reply).data, Buffer.from(text, 'utf8'), 'fragmented');
    } finally {
      ws.close(1000);
      await closed(ws);
    }
  },
  bomb: async () => {
    if (!opts.maxMessage) return;
    const ws = await connect({ threshold: 0 });
    const code = closed(ws);
    ws.send(Buffer.alloc(64 << 20), { compress: true, binary: true });
    const got = await code;
    if (got !== 1009) throw new Error(`closed with ${got}, expected 1009`);
  },
};

const selected = opts.only ? opts.only.split(',').map((s) => s.trim()) : Object.keys(checks);
const results = [];
for (const name of selected) {
  const started = Date.now();
  try {
    await withTimeout(Promise.resolve().then(checks[name]), opts.timeout, name);
    results.push({ name, ok: true, ms: Date.now() - started });
  } catch (err) {
    results.push({ name, ok: false, ms: Date.now() - started, error: String(err && err.message || err) });
  }
}
const failed = results.filter((r) => !r.ok);
process.stdout.write(JSON.stringify({ ok: failed.length === 0, passed: results.length - failed.length,
  failed: failed.length, checks: results }) + '\n');
process.exit(failed.length === 0 ? 0 : 1);
