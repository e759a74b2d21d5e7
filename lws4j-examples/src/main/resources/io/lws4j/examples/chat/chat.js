// The chat page: joins /chat/{room}?token=T and shows the room's messages. The server relays
// every text unchanged, so the page sends "name: text" and shows what it receives as is.
'use strict';
const $ = (id) => document.getElementById(id);
// The socket of the current room; an earlier one (left by joining another room) may still
// report its close later and must not touch the page.
let ws = null;
let wsRoom = null;

if (!$('name').value) {
  $('name').value = 'guest-' + Math.floor(100 + Math.random() * 900);
}

function append(cls, text) {
  const log = $('log');
  const div = document.createElement('div');
  div.className = cls;
  div.textContent = text;
  log.appendChild(div);
  log.scrollTop = log.scrollHeight;
}

function status(text, cls) {
  $('status').textContent = text;
  $('status').className = 'status' + (cls ? ' ' + cls : '');
}

function canSend(yes) {
  $('text').disabled = $('send').disabled = !yes;
  $('text').placeholder = yes ? 'type a message' : 'join a room to chat';
}

$('join').addEventListener('submit', (e) => {
  e.preventDefault();
  const room = $('room').value.trim();
  if (!room) {
    status('enter a room name', 'error');
    return;
  }
  if (ws) {
    const old = ws;
    if (old.readyState === WebSocket.OPEN) append('notice', 'left room ' + wsRoom);
    ws = null;
    old.close(1000, 'left the room');
  }
  canSend(false);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = scheme + '//' + location.host + '/chat/' + encodeURIComponent(room)
    + '?token=' + encodeURIComponent($('token').value);
  const sock = new WebSocket(url);
  let opened = false;
  ws = sock;
  wsRoom = room;
  status('joining room ' + room + '...');
  sock.onopen = () => {
    if (sock !== ws) return;
    opened = true;
    status('in room ' + room + ' as ' + $('name').value, 'joined');
    append('notice', 'joined room ' + room);
    canSend(true);
    $('text').focus();
  };
  sock.onmessage = (m) => {
    if (sock !== ws) return;
    const mine = typeof m.data === 'string' && m.data.startsWith($('name').value + ': ');
    append(mine ? 'msg mine' : 'msg', m.data);
  };
  sock.onclose = (c) => {
    if (sock !== ws) return;
    ws = null;
    canSend(false);
    if (!opened) {
      // Browsers hide the handshake's HTTP status from scripts: a refused upgrade (401
      // unknown token, 404 no room) and an unreachable server both end here as 1006.
      const text = 'could not join room ' + room
        + ': connection refused by server (wrong token?)';
      status(text, 'error');
      append('notice error', text);
    } else {
      const text = 'left room ' + room + ' (closed ' + c.code + (c.reason ? ' ' + c.reason : '') + ')';
      status(text, c.code === 1000 ? '' : 'error');
      append('notice', text);
    }
  };
});

$('say').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('text').value;
  if (ws && ws.readyState === WebSocket.OPEN && text) {
    ws.send($('name').value + ': ' + text);
    $('text').value = '';
  }
});
