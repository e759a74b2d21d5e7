#!/usr/bin/env node
// Checks an echo server with the ws client and with hand-made bad frames and handshakes.
// Prints one JSON summary line; exit code 0 when every check passed, 1 otherwise, 2 on usage.
import crypto from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import {
  acceptFor, decodeFrames, encodeFrame, newKey, parseArgs, rawExchange, upgradeRequest, withTimeout,
} from './lib.mjs';

const USAGE = `usage: node echo-check.mjs --url ws://127.0.0.1:PORT/ [options]
  --protocol NAME        subprotocol to offer (default lws-echo; "" offers none)
  --large-bytes N        size of the large binary message (default 16 MiB)
  --connections N        connections opened at once by the many-connections check (default 200)
  --max-message N        the server's max message size; enables the 1009 check (default 0: off)
  --timeout MS           time limit of each check (default 30000)
  --only a,b             run only these checks (names as printed)
  --skip a,b             run all checks but these`;

const opts = parseArgs(process.argv.slice(2), {
  url: '', protocol: 'lws-echo', largeBytes: 16 * 1024 * 1024, connections: 200,
  maxMessage: 0, timeout: 30000, only: '', skip: '',
}, USAGE);
if (!opts.url) {
  process.stderr.write(`--url is required\n${USAGE}\n`);
  process.exit(2);
}
const target = new URL(opts.url);
const host = target.hostname;
const port = Number(target.port || 80);
const path = target.pathname + target.search;

function connect() {
  return new Promise((resolve, reject) => {
    const ws = opts.protocol ? new WebSocket(opts.url, opts.protocol) : new WebSocket(opts.url);
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_, res) => reject(new Error(`handshake answered ${res.statusCode}`)));
  });
}

/** Resolves with the next message as { data, isBinary }. */
function nextMessage(ws) {
  return new Promise((resolve, reject) => {
    const onMessage = (data, isBinary) => {
      cleanup();
      resolve({ data, isBinary });
    };
    const onClose = (code, reason) => {
      cleanup();
      reject(new Error(`closed (${code} ${reason}) while waiting for a message`));
    };
    const cleanup = () => {
      ws.off('message', onMessage);
      ws.off('close', onClose);
    };
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}

function closeAndWait(ws, code = 1000, reason = '') {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve({ code: null, reason: '' });
    ws.once('close', (c, r) => resolve({ code: c, reason: r.toString() }));
    ws.close(code, reason);
  });
}

function expectEqualText(actual, expected, what) {
  if (actual.isBinary) throw new Error(`${what}: got a binary message, expected text`);
  const text = actual.data.toString('utf8');
  if (text !== expected) {
    throw new Error(`${what}: got ${JSON.stringify(text.slice(0, 80))} (${text.length} chars), ` +
      `expected ${JSON.stringify(expected.slice(0, 80))} (${expected.length} chars)`);
  }
}

function expectEqualBinary(actual, expected, what) {
  if (!actual.isBinary) throw new Error(`${what}: got a text message, expected binary`);
  if (!Buffer.from(actual.data).equals(expected)) {
    const digest = (b) => crypto.createHash('sha256').update(b).digest('hex').slice(0, 16);
    throw new Error(`${what}: got ${actual.data.length} bytes (sha256 ${digest(actual.data)}), ` +
      `expected ${expected.length} bytes (sha256 ${digest(expected)})`);
  }
}

async function echoOnce(send, check) {
  const ws = await connect();
  try {
    const reply = nextMessage(ws);
    send(ws);
    check(await reply);
  } finally {
    await closeAndWait(ws);
  }
}

// ---- well-behaved client checks ---------------------------------------------------------

const checks = {};

checks.text = async () => {
  for (const text of ['hello', '', 'héllo wörld ✓ 𝄞 \u0000 end', 'x'.repeat(70000)]) {
    await echoOnce((ws) => ws.send(text), (m) => expectEqualText(m, text, `text of ${text.length} chars`));
  }
};

checks.binary = async () => {
  for (const size of [0, 1, 125, 126, 65535, 65536, 200000]) {
    const data = crypto.randomBytes(size);
    await echoOnce((ws) => ws.send(data), (m) => expectEqualBinary(m, data, `binary of ${size} bytes`));
  }
};

checks.large = async () => {
  const data = crypto.randomBytes(opts.largeBytes);
  await echoOnce((ws) => ws.send(data), (m) => expectEqualBinary(m, data, `large binary`));
};

checks.largeText = async () => {
  const text = 'ä€𝄞-'.repeat(Math.floor(1024 * 1024 / 10));
  await echoOnce((ws) => ws.send(text), (m) => expectEqualText(m, text, `large multibyte text`));
};

checks.sequence = async () => {
  const ws = await connect();
  try {
    const count = 500;
    const received = [];
    const all = new Promise((resolve, reject) => {
      ws.on('message', (data) => {
        received.push(data.toString());
        if (received.length === count) resolve();
      });
      ws.once('close', (c) => reject(new Error(`closed with ${c} after ${received.length} echoes`)));
    });
    for (let i = 0; i < count; i++) ws.send(`msg ${i}`);
    await all;
    received.forEach((m, i) => {
      if (m !== `msg ${i}`) throw new Error(`echo ${i} is ${JSON.stringify(m)}: order or content broken`);
    });
  } finally {
    await closeAndWait(ws);
  }
};

checks.fragmented = async () => {
  await echoOnce((ws) => {
    ws.send('frag', { fin: false });
    ws.ping(Buffer.from('between fragments'));
    ws.send('ment', { fin: false });
    ws.send('ed ✓', { fin: true });
  }, (m) => expectEqualText(m, 'fragmented ✓', 'text sent in three fragments'));
  const parts = [crypto.randomBytes(1000), crypto.randomBytes(70000), crypto.randomBytes(3)];
  await echoOnce((ws) => {
    parts.forEach((p, i) => ws.send(p, { binary: true, fin: i === parts.length - 1 }));
  }, (m) => expectEqualBinary(m, Buffer.concat(parts), 'binary sent in three fragments'));
};

checks.ping = async () => {
  const ws = await connect();
  try {
    const payload = Buffer.from('ping payload ✓');
    const pong = new Promise((resolve) => ws.once('pong', resolve));
    ws.ping(payload);
    const got = await pong;
    if (!Buffer.from(got).equals(payload)) throw new Error(`pong payload ${got.toString()} differs from ping`);
  } finally {
    await closeAndWait(ws);
  }
};

checks.closeCodes = async () => {
  for (const [code, reason] of [[1000, ''], [1000, 'bye'], [4000, 'application code ✓'], [3999, '']]) {
    const ws = await connect();
    const got = await closeAndWait(ws, code, reason);
    if (got.code !== code) throw new Error(`closed with ${code}, server answered ${got.code}`);
  }
};

checks.subprotocol = async () => {
  if (!opts.protocol) return;
  const ws = await connect();
  try {
    if (ws.protocol !== opts.protocol) {
      throw new Error(`offered ${opts.protocol}, server selected ${JSON.stringify(ws.protocol)}`);
    }
  } finally {
    await closeAndWait(ws);
  }
};

checks.manyConnections = async () => {
  const sockets = await Promise.all(Array.from({ length: opts.connections }, () => connect()));
  try {
    await Promise.all(sockets.map(async (ws, i) => {
      const reply = nextMessage(ws);
      ws.send(`connection ${i}`);
      expectEqualText(await reply, `connection ${i}`, `connection ${i}`);
    }));
  } finally {
    await Promise.all(sockets.map((ws) => closeAndWait(ws)));
  }
};

// ---- protocol violations over a raw socket ----------------------------------------------

/**
 * Upgrades a raw socket, sends `frames` and expects the server to answer with a close frame
 * carrying one of `codes` and then to drop the connection (after our close reply).
 */
async function expectCloseAfter(frames, codes) {
  const key = newKey();
  let sent = false;
  let replied = false;
  const result = await rawExchange(host, port, upgradeRequest(host, port, path, key, opts.protocol),
    opts.timeout - 1000, (socket, received) => {
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = received.subarray(0, headEnd).toString('latin1');
      if (!/^HTTP\/1\.1 101 /.test(head)) return;
      if (!head.toLowerCase().includes(`sec-websocket-accept: ${acceptFor(key).toLowerCase()}`)) return;
      if (!sent) {
        sent = true;
        for (const frame of frames) socket.write(frame);
      }
      // Answer the server's close so a correct server can finish the handshake and drop TCP.
      if (!replied && decodeFrames(received.subarray(headEnd + 4)).some((f) => f.opcode === 8)) {
        replied = true;
        socket.write(encodeFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]) }));
      }
    });
  const text = result.data.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  if (!/^HTTP\/1\.1 101 /.test(text) || headEnd < 0) {
    throw new Error(`handshake failed: ${JSON.stringify(text.slice(0, 120))}`);
  }
  const frames2 = decodeFrames(result.data.subarray(headEnd + 4));
  const data = frames2.filter((f) => f.opcode !== 8);
  if (data.length) throw new Error(`server answered a bad frame with ${data.length} other frame(s), opcode ${data[0].opcode}`);
  const close = frames2.find((f) => f.opcode === 8);
  if (!close) throw new Error(`no close frame (server ${result.closedByServer ? 'dropped the connection' : 'stayed silent'})`);
  const closeCode = close.payload.length >= 2 ? close.payload.readUInt16BE(0) : 1005;
  if (!codes.includes(closeCode)) throw new Error(`close code ${closeCode}, expected ${codes.join(' or ')}`);
  if (!result.closedByServer) throw new Error(`close code ${closeCode} but the TCP connection stayed open`);
}

const text = (s, extra = {}) => encodeFrame({ opcode: 1, payload: Buffer.from(s), ...extra });

checks.badUnmaskedFrame = () => expectCloseAfter([text('unmasked', { masked: false })], [1002]);
checks.badReservedOpcode = () => expectCloseAfter([encodeFrame({ opcode: 3, payload: Buffer.from('x') })], [1002]);
checks.badReservedControlOpcode = () => expectCloseAfter([encodeFrame({ opcode: 0xb })], [1002]);
checks.badRsvBits = () => expectCloseAfter([text('rsv', { rsv: 4 })], [1002]);
checks.badUtf8 = () => expectCloseAfter(
  [encodeFrame({ opcode: 1, payload: Buffer.from([0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xed, 0xa0, 0x80, 0x65]) })], [1007]);
checks.badUtf8AcrossFragments = () => expectCloseAfter([
  encodeFrame({ opcode: 1, fin: false, payload: Buffer.from([0x61, 0xf0, 0x90]) }),
  encodeFrame({ opcode: 0, fin: true, payload: Buffer.from([0x28, 0x8c]) }),
], [1007]);
checks.badFragmentedPing = () => expectCloseAfter([encodeFrame({ opcode: 9, fin: false })], [1002]);
checks.badLongPing = () => expectCloseAfter([encodeFrame({ opcode: 9, payload: Buffer.alloc(126) })], [1002]);
checks.badContinuationWithoutStart = () => expectCloseAfter([encodeFrame({ opcode: 0, payload: Buffer.from('x') })], [1002]);
checks.badNewMessageInsideFragmented = () => expectCloseAfter([
  encodeFrame({ opcode: 1, fin: false, payload: Buffer.from('a') }),
  encodeFrame({ opcode: 1, fin: true, payload: Buffer.from('b') }),
], [1002]);
checks.badCloseOneBytePayload = () => expectCloseAfter([encodeFrame({ opcode: 8, payload: Buffer.from([0x03]) })], [1002]);
checks.badCloseCode = () => expectCloseAfter([encodeFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe7]) })], [1002]);
checks.badCloseReasonUtf8 = () => expectCloseAfter(
  [encodeFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe8, 0xff, 0xfe]) })], [1002, 1007]);
checks.tooBig = async () => {
  if (!opts.maxMessage) return;
  await expectCloseAfter([encodeFrame({ opcode: 2, payload: Buffer.alloc(opts.maxMessage + 1) })], [1009]);
};

/**
 * A peer that is still sending (octet by octet) and reads slowly must still get the echo of
 * its valid message and the 1002 close: a server that closes its socket with unread input
 * makes the kernel send a RST, which destroys that data before the peer reads it. Servers
 * avoid this with a lingering close (shut down output, drain input until EOF or a timeout).
 */
checks.failureCloseReachesSlowReader = async () => {
  const key = newKey();
  const bad = Buffer.concat([
    encodeFrame({ opcode: 15, payload: Buffer.from('bad control opcode') }),
    encodeFrame({ opcode: 9 }),
  ]);
  let started = false;
  let error = null;
  const received = await new Promise((resolve) => {
    const chunks = [];
    const socket = net.connect({ host, port }, () => {
      socket.write(upgradeRequest(host, port, path, key, opts.protocol));
    });
    socket.on('data', async (chunk) => {
      chunks.push(chunk);
      if (started || Buffer.concat(chunks).indexOf('\r\n\r\n') < 0) return;
      started = true;
      socket.pause(); // read nothing while we send, as a busy peer would
      socket.write(encodeFrame({ opcode: 1, payload: Buffer.from('before the fault') }));
      for (const b of bad) {
        if (socket.destroyed) break;
        socket.write(Buffer.from([b]));
        await new Promise((r) => setTimeout(r, 3));
      }
      socket.resume();
    });
    socket.on('error', (err) => { error = err.code; });
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
  const body = received.subarray(received.indexOf('\r\n\r\n') + 4);
  const frames = decodeFrames(body);
  const echo = frames.find((f) => f.opcode === 1);
  const close = frames.find((f) => f.opcode === 8);
  if (!echo || echo.payload.toString() !== 'before the fault' || !close) {
    throw new Error(`got ${echo ? 'the echo' : 'no echo'} and ${close ? 'a close' : 'no close'}` +
      `${error ? ` (socket error ${error})` : ''}: the server's close lost data in flight`);
  }
};

// ---- bad handshakes ---------------------------------------------------------------------

async function expectRefused(request, statuses) {
  // The answer is complete once its head is in: a refusal need not close the connection.
  const result = await rawExchange(host, port, request, opts.timeout - 1000, (socket, received) => {
    if (received.indexOf('\r\n\r\n') >= 0) socket.end();
  });
  const text = result.data.toString('latin1');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!m) throw new Error(`no HTTP status line in ${JSON.stringify(text.slice(0, 120))}`);
  const status = Number(m[1]);
  if (!statuses.includes(status)) {
    throw new Error(`status ${status}, expected ${statuses.join(' or ')}: ${JSON.stringify(text.slice(0, 200))}`);
  }
}

const head = (lines) => lines.join('\r\n') + '\r\n\r\n';
const hostLine = `Host: ${host}:${port}`;

checks.handshakeMissingKey = () => expectRefused(head([`GET ${path} HTTP/1.1`, hostLine,
  'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13']), [400]);
checks.handshakeBadKey = () => expectRefused(head([`GET ${path} HTTP/1.1`, hostLine,
  'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dG9vc2hvcnQ=',
  'Sec-WebSocket-Version: 13']), [400]);
checks.handshakeWrongVersion = () => expectRefused(head([`GET ${path} HTTP/1.1`, hostLine,
  'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${newKey()}`,
  'Sec-WebSocket-Version: 8']), [426, 400]);
checks.handshakePost = () => expectRefused(head([`POST ${path} HTTP/1.1`, hostLine,
  'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${newKey()}`,
  'Sec-WebSocket-Version: 13', 'Content-Length: 0']), [400, 405]);
// A TLS ClientHello's first bytes, as from a client speaking wss:// to a plain port.
checks.handshakeGarbage = () => expectRefused(
  Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
    Buffer.from('\r\n\r\n')]), [400]);
checks.handshakeOversizedHead = () => expectRefused(head([`GET ${path} HTTP/1.1`, hostLine,
  `X-Filler: ${'f'.repeat(70000)}`, 'Upgrade: websocket', 'Connection: Upgrade',
  `Sec-WebSocket-Key: ${newKey()}`, 'Sec-WebSocket-Version: 13']), [431, 400]);

// ---- runner -----------------------------------------------------------------------------

const skipped = opts.skip ? opts.skip.split(',').map((s) => s.trim()) : [];
const selected = (opts.only ? opts.only.split(',').map((s) => s.trim()) : Object.keys(checks))
  .filter((n) => !skipped.includes(n));
const unknown = [...selected, ...skipped].filter((n) => !(n in checks));
if (unknown.length) {
  process.stderr.write(`unknown check(s): ${unknown.join(', ')}; known: ${Object.keys(checks).join(', ')}\n`);
  process.exit(2);
}

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
process.stdout.write(JSON.stringify({
  ok: failed.length === 0, url: opts.url, passed: results.length - failed.length, failed: failed.length, checks: results,
}) + '\n');
process.exit(failed.length === 0 ? 0 : 1);
