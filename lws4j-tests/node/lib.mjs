// Helpers shared by the interop scripts: argument parsing, deadlines, raw-socket handshakes.
import net from 'node:net';
import crypto from 'node:crypto';

/**
 * Parses "--name value" and "--flag" arguments against a table of defaults. A default's type
 * decides how a value is read (number, boolean, string); unknown names are usage errors.
 */
export function parseArgs(argv, defaults, usage) {
  const opts = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(usage + '\n');
      process.exit(0);
    }
    if (!arg.startsWith('--')) usageError(usage, `unexpected argument: ${arg}`);
    const name = arg.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(name in defaults)) usageError(usage, `unknown option: ${arg}`);
    if (typeof defaults[name] === 'boolean') {
      opts[name] = true;
      continue;
    }
    if (i + 1 >= argv.length) usageError(usage, `missing value for ${arg}`);
    const value = argv[++i];
    if (typeof defaults[name] === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) usageError(usage, `not a number for ${arg}: ${value}`);
      opts[name] = n;
    } else {
      opts[name] = value;
    }
  }
  return opts;
}

function usageError(usage, message) {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

/** Rejects with a clear message when `promise` has not settled within `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A fresh Sec-WebSocket-Key. */
export function newKey() {
  return crypto.randomBytes(16).toString('base64');
}

/** The Sec-WebSocket-Accept value a server must answer `key` with (RFC 6455 §4.2.2). */
export function acceptFor(key) {
  return crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
}

/**
 * Opens a TCP connection, sends `request` (a string or Buffer) and collects everything the
 * server sends until it closes the connection or `ms` pass. `onData(socket, received)`, when
 * given, sees all bytes received so far after every chunk. Resolves to
 * { data: Buffer, closedByServer: boolean }.
 */
export function rawExchange(host, port, request, ms, onData) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let done = false;
    const socket = net.connect({ host, port }, () => socket.write(request));
    const finish = (closedByServer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closedByServer });
    };
    const timer = setTimeout(() => finish(false), ms);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (onData && !done) onData(socket, Buffer.concat(chunks));
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (err) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') finish(true);
      else if (!done) {
        done = true;
        clearTimeout(timer);
        reject(err);
      }
    });
  });
}

/** The HTTP/1.1 upgrade request a well-behaved client sends. */
export function upgradeRequest(host, port, path, key, protocol, extraHeaders = '') {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
    (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '') + extraHeaders + '\r\n';
}

/**
 * Encodes one client frame. `masked` false produces the illegal unmasked client frame.
 * `rsv` is the three RSV bits as a number 0..7.
 */
export function encodeFrame({ fin = true, rsv = 0, opcode, payload = Buffer.alloc(0), masked = true }) {
  const len = payload.length;
  let header;
  if (len < 126) {
    header = Buffer.alloc(2);
    header[1] = len;
  } else if (len < 65536) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  header[0] = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f);
  if (!masked) return Buffer.concat([header, payload]);
  header[1] |= 0x80;
  const mask = crypto.randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
  return Buffer.concat([header, mask, body]);
}

/**
 * Decodes the server frames in `data` (server frames are unmasked). Stops at an incomplete
 * frame. Returns [{ fin, opcode, payload }].
 */
export function decodeFrames(data) {
  const frames = [];
  let pos = 0;
  while (pos + 2 <= data.length) {
    const b0 = data[pos];
    const b1 = data[pos + 1];
    let len = b1 & 0x7f;
    let off = pos + 2;
    if (len === 126) {
      if (off + 2 > data.length) break;
      len = data.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      if (off + 8 > data.length) break;
      len = Number(data.readBigUInt64BE(off));
      off += 8;
    }
    if (b1 & 0x80) off += 4; // a masked server frame is itself an error; callers see the flag
    if (off + len > data.length) break;
    frames.push({ fin: !!(b0 & 0x80), opcode: b0 & 0x0f, masked: !!(b1 & 0x80), payload: data.subarray(off, off + len) });
    pos = off + len;
  }
  return frames;
}
