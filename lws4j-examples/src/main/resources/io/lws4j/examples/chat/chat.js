// The chat page: joins /chat/{room}?token=T and shows the room's messages.
const $ = (id) => document.getElementById(id);
let ws = null;
function line(text) {
  const div = document.createElement('div');
  div.textContent = text;
  $('log').appendChild(div);
  $('log').scrollTop = $('log').scrollHeight;
}
$('join').addEventListener('submit', (e) => {
  e.preventDefault();
  if (ws) ws.close(1000);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = scheme + '//' + location.host + '/chat/' + encodeURIComponent($('room').value)
    + '?token=' + encodeURIComponent($('token').value);
  ws = new WebSocket(url);
  $('status').textContent = 'connecting to ' + url;
  ws.onopen = () => {
    $('status').textContent = 'in room ' + $('room').value;
    $('text').disabled = $('send').disabled = false;
    $('text').focus();
  };
  ws.onmessage = (m) => line(m.data);
  ws.onclose = (c) => {
    $('status').textContent = 'closed ' + c.code + ' (a refused token shows as 1006)';
    $('text').disabled = $('send').disabled = true;
  };
});
$('say').addEventListener('submit', (e) => {
  e.preventDefault();
  if (ws && ws.readyState === WebSocket.OPEN && $('text').value) {
    ws.send($('text').value);
    $('text').value = '';
  }
});
