// The chat's one page: pick a room and a nick, then talk.
export const CHAT_PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>wirecore chat</title>
<style>body{font:16px system-ui;max-width:40em;margin:2em auto}#log{border:1px solid #ccc;height:20em;overflow:auto;padding:.5em}</style></head>
<body><h1>wirecore chat</h1>
<form id="join">room <input id="room" value="lobby" pattern="[a-z0-9-]{1,32}"> nick <input id="nick" required> <button>join</button></form>
<div id="log"></div>
<form id="say"><input id="text" size="50" disabled> <button disabled>send</button></form>
<script type="module">
const $ = (id) => document.getElementById(id);
let ws;
const line = (text) => { const p = document.createElement('p'); p.textContent = text; $('log').append(p); $('log').scrollTop = 1e9; };
$('join').onsubmit = (event) => {
  event.preventDefault();
  ws?.close();
  const url = (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + '/rooms/' + encodeURIComponent($('room').value) + '?nick=' + encodeURIComponent($('nick').value);
  ws = new WebSocket(url);
  ws.onmessage = ({ data }) => {
    const e = JSON.parse(data);
    if (e.type === 'welcome') line('in ' + e.room + ': ' + e.members.join(', '));
    else if (e.type === 'message') line(e.from + ': ' + e.text);
    else line(e.nick + ' ' + e.type);
  };
  ws.onopen = () => { $('text').disabled = false; $('say').querySelector('button').disabled = false; };
  ws.onclose = (e) => line('closed (' + e.code + (e.reason ? ': ' + e.reason : '') + ')');
};
$('say').onsubmit = (event) => {
  event.preventDefault();
  ws.send(JSON.stringify({ text: $('text').value }));
  $('text').value = '';
};
</script></body></html>`;
