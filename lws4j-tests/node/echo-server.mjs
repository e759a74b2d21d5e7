// A Node `ws` echo server for client interop tests. Prints {"port":N} on its first stdout
// line once listening on 127.0.0.1, then serves until stdin closes or --lifetime ms pass.
// Text commands: "close:CODE" closes with CODE; "fragments:N" answers with one text message
// "abc" * N sent as N fragments; anything else is echoed (text as text, binary as binary).
// The chosen subprotocol is the first one the client offers, and is echoed by "protocol?".
// With --cert and --key (PEM files) it serves wss over Node's TLS (OpenSSL).
// --deflate on: accepts permessage-deflate (ws defaults: context takeover, messages of
// 1 KiB and more compressed); --deflate no-takeover: also answers server_no_context_takeover,
// client_no_context_takeover and server_max_window_bits=10; --deflate off (default): no
// compression. "extensions?" answers "extensions=" and the Sec-WebSocket-Extensions value of
// the 101 response (empty when none).
import fs from 'node:fs';
import https from 'node:https';
import { WebSocketServer } from 'ws';
import { parseArgs } from './lib.mjs';

const usage = 'usage: node echo-server.mjs [--lifetime ms] [--cert server.crt --key server.key]'
  + ' [--deflate off|on|no-takeover]';
const opts = parseArgs(process.argv.slice(2),
  { lifetime: 60000, cert: '', key: '', deflate: 'off' }, usage);
const deflateModes = {
  off: false,
  on: true,
  'no-takeover': { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10 },
};
if (!(opts.deflate in deflateModes)) {
  process.stderr.write(`unknown --deflate mode: ${opts.deflate}\n${usage}\n`);
  process.exit(2);
}

const tlsServer = opts.cert
  ? https.createServer({ cert: fs.readFileSync(opts.cert), key: fs.readFileSync(opts.key) })
  : null;
const wss = new WebSocketServer({
  ...(tlsServer ? { server: tlsServer } : { host: '127.0.0.1', port: 0 }),
  maxPayload: 32 * 1024 * 1024,
  perMessageDeflate: deflateModes[opts.deflate],
  handleProtocols: (protocols) => (protocols.size > 0 ? [...protocols][0] : false),
});

// the response headers, captured through ws's public 'headers' event, for "extensions?"
const extensionsLine = new WeakMap();
wss.on('headers', (headers, req) => {
  const line = headers.find((h) => h.toLowerCase().startsWith('sec-websocket-extensions:'));
  extensionsLine.set(req, line ? line.slice(line.indexOf(':') + 1).trim() : '');
});

wss.on('connection', (ws, req) => {
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      const text = data.toString('utf8');
      if (text.startsWith('close:')) {
        ws.close(Number(text.slice(6)), 'node says');
        return;
      }
      if (text.startsWith('fragments:')) {
        const n = Number(text.slice(10));
        for (let i = 0; i < n; i++) ws.send('abc', { fin: i === n - 1 });
        return;
      }
      if (text === 'extensions?') {
        ws.send(`extensions=${extensionsLine.get(req) ?? ''}`);
        return;
      }
      if (text === 'protocol?') {
        ws.send(`protocol=${ws.protocol} origin=${req.headers.origin ?? ''} x=${req.headers['x-test'] ?? ''}`);
        return;
      }
    }
    ws.send(data, { binary: isBinary });
  });
});

const announce = () => {
  process.stdout.write(JSON.stringify({ port: wss.address().port }) + '\n');
};
if (tlsServer) {
  tlsServer.listen(0, '127.0.0.1', announce);
} else {
  wss.on('listening', announce);
}

const stop = () => {
  for (const c of wss.clients) c.terminate();
  wss.close();
  if (tlsServer) tlsServer.close();
  process.exit(0);
};
setTimeout(stop, opts.lifetime).unref();
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
