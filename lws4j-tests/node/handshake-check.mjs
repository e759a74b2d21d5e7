#!/usr/bin/env node
// Checks a server's handshake decisions with the ws client: paths, query, headers, cookies,
// refusals with their status and headers (verifyClient-style, seen from the client), a 404
// for an unbound path, a deferred acceptance and the response's Set-Cookie.
// The server under test (HandshakeInteropTest) serves /chat/{room}?token=good: its first
// message to a client is a JSON description of the request it saw.
// Prints one JSON summary line; exit code 0 when every check passed, 1 otherwise, 2 on usage.
import WebSocket from 'ws';
import { parseArgs, withTimeout } from './lib.mjs';

const USAGE = `usage: node handshake-check.mjs --base ws://127.0.0.1:PORT [--timeout MS]`;
const opts = parseArgs(process.argv.slice(2), { base: '', timeout: 20000 }, USAGE);
if (!opts.base) {
  process.stderr.write(`--base is required\n${USAGE}\n`);
  process.exit(2);
}

/** Opens a socket; resolves with { ws, upgrade headers } or rejects with the refusal status. */
function open(path, options = {}, protocols = undefined) {
  return new Promise((resolve, reject) => {
    const ws = protocols ? new WebSocket(opts.base + path, protocols, options)
      : new WebSocket(opts.base + path, options);
    let headers = {};
    // Listen before 'open': a first frame that came in the same read as the 101 is emitted
    // right after 'open', before an awaiting caller could attach its own listener.
    const first = new Promise((resolveFirst, rejectFirst) => {
      ws.once('message', (data) => resolveFirst(JSON.parse(data.toString())));
      ws.once('close', (code) => rejectFirst(new Error(`closed ${code} before a message`)));
    });
    first.catch(() => {}); // refused or unread sockets never look at it
    ws.once('upgrade', (res) => { headers = res.headers; });
    ws.once('open', () => resolve({ ws, headers, first }));
    ws.once('unexpected-response', (_, res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        const e = new Error(`refused ${res.statusCode}`);
        e.status = res.statusCode;
        e.headers = res.headers;
        e.body = body;
        reject(e);
      });
    });
    ws.once('error', reject);
  });
}


async function refusedStatus(path, options) {
  try {
    const { ws } = await open(path, options);
    ws.terminate();
  } catch (e) {
    if (e.status) return e;
    throw e;
  }
  throw new Error(`${path} was accepted`);
}

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

const checks = {
  async requestSeenByTheServer() {
    const { ws, headers, first } = await open('/chat/caf%C3%A9?token=good&tag=a&tag=b+c',
      { headers: { Cookie: 'sid=s1; theme="dark"', 'X-Client': 'node' } }, ['chat']);
    const seen = await first;
    ws.close(1000);
    expect(seen.room === 'café', `room ${seen.room}`);
    expect(seen.token === 'good', `token ${seen.token}`);
    expect(JSON.stringify(seen.tags) === '["a","b c"]', `tags ${JSON.stringify(seen.tags)}`);
    expect(seen.sid === 's1' && seen.theme === 'dark', `cookies ${seen.sid} ${seen.theme}`);
    expect(seen.client === 'node', `header ${seen.client}`);
    expect(JSON.stringify(seen.subprotocols) === '["chat"]', `subprotocols ${seen.subprotocols}`);
    expect(ws.protocol === 'chat', `protocol ${ws.protocol}`);
    expect(String(headers['set-cookie']).includes('seen=1'), `set-cookie ${headers['set-cookie']}`);
  },
  async missingTokenIs401() {
    const e = await refusedStatus('/chat/lobby');
    expect(e.status === 401, `status ${e.status}`);
    expect(e.headers['www-authenticate'] === 'Bearer', `www-authenticate ${e.headers['www-authenticate']}`);
    expect(e.body.includes('token'), `body ${e.body}`);
  },
  async unknownTokenIs401() {
    const e = await refusedStatus('/chat/lobby?token=bad');
    expect(e.status === 401, `status ${e.status}`);
  },
  async unboundPathIs404() {
    const e = await refusedStatus('/elsewhere?token=good');
    expect(e.status === 404, `status ${e.status}`);
  },
  async malformedQueryIs400() {
    const e = await refusedStatus('/chat/lobby?token=%zz');
    expect(e.status === 400, `status ${e.status}`);
  },
  async deferredDecisionOpens() {
    const { ws, first } = await open('/chat/slow?token=good&defer=1');
    const seen = await first;
    ws.close(1000);
    expect(seen.deferred === true, `deferred ${seen.deferred}`);
  },
};

const results = {};
let ok = true;
for (const [name, check] of Object.entries(checks)) {
  try {
    await withTimeout(check(), opts.timeout, name);
    results[name] = 'ok';
  } catch (e) {
    ok = false;
    results[name] = String(e && e.message || e);
  }
}
process.stdout.write(JSON.stringify({ ok, results }) + '\n');
process.exit(ok ? 0 : 1);
