// permessage-deflate interop: the Node ws client with perMessageDeflate against an lws4j
// echo server. Prints one JSON line {ok, checks: [...]} and exits 0 when every check passed.
// Messages both under and over the server's compression threshold are echoed, and each echo
// must arrive compressed (RSV1) exactly when its length is at or over the threshold.
import crypto from 'node:crypto';
import WebSocket from 'ws';
import { parseArgs, withTimeout } from './lib.mjs';

const USAGE = `usage: node deflate-check.mjs --url ws://127.0.0.1:PORT/ [options]
  --protocol NAME        subprotocol to offer (default lws-echo)
  --max-message N        the server's max message size; enables the bomb check (default 0: off)
  --timeout MS           time limit of each check (default 30000)
  --server-threshold N   the server's compression threshold: an echo of N bytes or more must
                         arrive compressed, a shorter one uncompressed (default 1024; -1: no check)
  --only a,b             run only these checks`;

const opts = parseArgs(process.argv.slice(2),
  { url: '', protocol: 'lws-echo', maxMessage: 0, timeout: 30000, only: '', serverThreshold: 1024 }, USAGE);
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

/**
 * The next message, and whether it came compressed: ws's receiver keeps the RSV1 bit of the
 * message being delivered in _compressed (it pauses while inflating, so the next frame cannot
 * overwrite it before the 'message' event).
 */
function nextMessage(ws) {
  return new Promise((resolve, reject) => {
    const onMessage = (data, isBinary) => {
      cleanup();
      const receiver = ws._receiver;
      if (!receiver || typeof receiver._compressed !== 'boolean') {
        reject(new Error('cannot see RSV1: ws internals changed (Receiver._compressed)'));
        return;
      }
      resolve({ data, isBinary, compressed: receiver._compressed });
    };
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

/** Whether an echo of `length` bytes must come compressed; undefined when not checked. */
function expectCompressed(length) {
  return opts.serverThreshold < 0 ? undefined : length > 0 && length >= opts.serverThreshold;
}

function checkRsv1(got, length, what) {
  const expected = expectCompressed(length);
  if (expected !== undefined && got.compressed !== expected) {
    throw new Error(`${what}: echo of ${length} bytes came ${got.compressed ? 'compressed' : 'uncompressed'},`
      + ` expected ${expected ? 'compressed' : 'uncompressed'} (server threshold ${opts.serverThreshold})`);
  }
}

/** Echoes every message in order over one connection and compares, RSV1 included. */
async function echoAll(deflate, negotiated, messages) {
  const ws = await connect(deflate);
  try {
    expectNegotiated(ws, negotiated);
    for (const [i, m] of messages.entries()) {
      const reply = nextMessage(ws);
      ws.send(m, { binary: Buffer.isBuffer(m), compress: true });
      const got = await reply;
      const bytes = Buffer.isBuffer(m) ? m : Buffer.from(m, 'utf8');
      same(got.data, bytes, `message ${i}`);
      if (got.isBinary !== Buffer.isBuffer(m)) throw new Error(`message ${i}: wrong type`);
      checkRsv1(got, bytes.length, `message ${i}`);
    }
  } finally {
    ws.close(1000);
    await closed(ws);
  }
}

const text = 'The quick brown fox jumps over the lazy dog \u00e9\u20ac\ud83d\ude00 '.repeat(4000);
const random = crypto.randomBytes(300_000);
const mixed = Buffer.concat([random.subarray(0, 50_000), Buffer.alloc(200_000, 7), random.subarray(0, 50_000)]);
// 'message i ' is 10 to 12 bytes: from about 10 bytes to about 1.7 KiB, across the threshold
const many = Array.from({ length: 200 }, (_, i) => `message ${i} `.repeat(1 + (i % 40) * 4));
/** ASCII text of exactly `n` bytes, compressible. */
const ascii = (n) => 'pos 1234; '.repeat(Math.ceil(n / 10)).slice(0, n);
const edge = opts.serverThreshold > 0 ? opts.serverThreshold : 1024;

const checks = {
  defaultOffer: () => echoAll({ threshold: 0 }, 'permessage-deflate',
    [text, mixed, 'short', text, random, Buffer.alloc(0), '', ascii(edge - 1), ascii(edge), 'pos 1',
      ascii(edge), text]),
  nodeDefaultThreshold: () => echoAll({}, 'permessage-deflate',
    ['pos 1', ascii(edge - 1), ascii(edge), 'pos 2', text, ascii(1023), ascii(1024), 'pos 3', text]),
  noContextTakeoverBothWays: () => echoAll(
    { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true },
    'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    [text, 'short', text, mixed, ascii(edge - 1), ascii(edge), mixed]),
  smallClientWindow: () => echoAll({ threshold: 0, clientMaxWindowBits: 9 },
    'permessage-deflate', [text, 'short', mixed, ascii(edge + 100), text]),
  manySmallMessages: () => echoAll({ threshold: 0 }, 'permessage-deflate', many),
  fragmented: async () => {
    const ws = await connect({ threshold: 0 });
    try {
      // a long message and a short one, each sent compressed in fragments
      for (const whole of [text, 'short message in fragments']) {
        const reply = nextMessage(ws);
        const a = Math.floor(whole.length / 3);
        const parts = [whole.slice(0, a), whole.slice(a, 2 * a), whole.slice(2 * a)];
        parts.forEach((p, i) => ws.send(p, { fin: i === parts.length - 1, compress: true }));
        const got = await reply;
        same(got.data, Buffer.from(whole, 'utf8'), 'fragmented');
        checkRsv1(got, Buffer.byteLength(whole), 'fragmented');
      }
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
