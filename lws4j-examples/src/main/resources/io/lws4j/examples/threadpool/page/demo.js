// The lws4j threadpool demo page: opens websocket connections with protocol lws-minimal,
// draws each one's progress from its "pos N" messages, and shows the pool's state streamed
// over protocol lws-status. Plain browser JavaScript, no build step, no outside files.
//
// For tests and the curious, everything the page knows is in window.lws4jDemo:
//   config       the workload settings from /config.json
//   status       the last lws-status message
//   connections  one record per connection: index, state, positions (every position
//                received, in order), messages, anomalies (positions that were not larger
//                than the one before), closeCode, closeReason
//   allSettled() true once every connection has closed
// Stable hooks in the DOM: #conn-N rows (N from 1) with data-state, data-pos, data-percent,
// data-messages, data-anomalies, data-close-code; #pool with data-live and data-updates;
// #pool-ongoing, #pool-possible, #pool-queue, #pool-max-queue, #pool-peak-ongoing,
// #pool-peak-queue, #stat-admitted, #stat-refused, #stat-finished, #stat-messages,
// #stat-duplicates; the #open-more button. ?connections=N opens N at first instead of 8.
(function () {
  "use strict";

  var INITIAL_CONNECTIONS = 8;
  var MORE_CONNECTIONS = 8;
  var LOG_LINES = 50;
  var TERMINAL = { finished: true, refused: true, "timed-out": true, stopped: true, failed: true };

  var demo = {
    config: null,
    status: null,
    connections: [],
    openConnections: openConnections,
    allSettled: allSettled
  };
  window.lws4jDemo = demo;

  var logLines = [];
  var wsBase = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/";
  var numberFormat = new Intl.NumberFormat("en-US");

  function $(id) { return document.getElementById(id); }
  function fmt(n) { return typeof n === "number" ? numberFormat.format(n) : "–"; }

  function end() {
    if (demo.config && demo.config.end) { return demo.config.end; }
    if (demo.status && demo.status.end) { return demo.status.end; }
    return 0;
  }

  // How many positions a task sends: "pos 0", each count that passes a multiple of
  // syncEvery, and the end (the same rule as the server's CountJob). Null when unknown.
  var expectedCache = { key: null, value: null };
  function expectedMessages() {
    var c = demo.config;
    if (!c || !(c.end > 0) || !(c.step > 0) || !(c.syncEvery > 0)) { return null; }
    var key = c.end + "/" + c.step + "/" + c.syncEvery;
    if (expectedCache.key === key) { return expectedCache.value; }
    var value = null;
    if (c.end / c.step <= 1e6) {
      var pos = 0, mark = c.syncEvery, count = 1;
      while (pos < c.end) {
        pos = Math.min(pos + c.step, c.end);
        if (pos >= mark || pos === c.end) {
          count++;
          mark = (Math.floor(pos / c.syncEvery) + 1) * c.syncEvery;
        }
      }
      value = count;
    }
    expectedCache = { key: key, value: value };
    return value;
  }

  function log(line) {
    logLines.push(line);
    if (logLines.length > LOG_LINES) { logLines.shift(); }
    var pre = $("log");
    pre.textContent = logLines.join("\n");
    pre.scrollTop = pre.scrollHeight;
  }

  // --- connections -------------------------------------------------------------------

  function createRow(rec) {
    var li = document.createElement("li");
    li.className = "conn";
    li.id = "conn-" + rec.index;
    li.dataset.index = String(rec.index);
    li.innerHTML =
      '<span class="conn-name">#' + rec.index + '</span>' +
      '<span class="badge"></span>' +
      '<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100">' +
      '<div class="bar-fill"></div></div>' +
      '<span class="conn-pos"></span>' +
      '<span class="conn-msgs"></span>' +
      '<span class="conn-note"></span>';
    $("conn-list").appendChild(li);
    rec.row = li;
  }

  function render(rec) {
    var li = rec.row;
    var total = end();
    var pos = rec.positions.length ? rec.positions[rec.positions.length - 1] : 0;
    var percent = total > 0 ? Math.min(100, Math.floor((pos * 100) / total)) : 0;
    li.dataset.state = rec.state;
    li.dataset.pos = String(pos);
    li.dataset.percent = String(percent);
    li.dataset.messages = String(rec.messages);
    li.dataset.anomalies = String(rec.anomalies);
    if (rec.closeCode !== null) { li.dataset.closeCode = String(rec.closeCode); }
    li.querySelector(".badge").textContent = rec.state.replace("-", " ");
    var bar = li.querySelector(".bar");
    bar.setAttribute("aria-valuenow", String(percent));
    li.querySelector(".bar-fill").style.width = percent + "%";
    li.querySelector(".conn-pos").textContent = rec.state === "refused" ? "–" : percent + " %";
    li.querySelector(".conn-pos").title = fmt(pos) + " of " + fmt(total);
    var expected = expectedMessages();
    li.querySelector(".conn-msgs").textContent = rec.state === "refused" || expected === null
      ? rec.messages + (rec.messages === 1 ? " msg" : " msgs")
      : rec.messages + " / " + expected;
    li.querySelector(".conn-msgs").title = "messages received" +
      (expected === null ? "" : " of the " + expected + " a task sends");
    var note = "";
    if (rec.state === "refused") {
      note = (rec.closeReason || "refused") + " (" + rec.closeCode + ")";
    } else if (rec.state === "timed-out") {
      note = "closed by the server's timeout (" + rec.closeCode + " " + rec.closeReason + ")";
    } else if (rec.state === "stopped" || rec.state === "failed") {
      note = "closed " + rec.closeCode + (rec.closeReason ? " " + rec.closeReason : "");
    }
    if (rec.anomalies > 0) {
      note += (note ? "; " : "") + rec.anomalies + " repeated or out-of-order position(s)!";
    }
    li.querySelector(".conn-note").textContent = note;
  }

  function renderTally() {
    var counts = {};
    demo.connections.forEach(function (c) { counts[c.state] = (counts[c.state] || 0) + 1; });
    var order = ["connecting", "queued", "running", "finished", "refused", "timed-out", "stopped", "failed"];
    var tally = $("tally");
    tally.innerHTML = "";
    order.forEach(function (s) {
      if (!counts[s]) { return; }
      var span = document.createElement("span");
      span.dataset.state = s;
      span.innerHTML = "<b>" + counts[s] + "</b> " + s.replace("-", " ");
      tally.appendChild(span);
    });
  }

  function openOne() {
    var rec = {
      index: demo.connections.length + 1,
      state: "connecting",
      positions: [],
      messages: 0,
      anomalies: 0,
      closeCode: null,
      closeReason: "",
      row: null
    };
    demo.connections.push(rec);
    createRow(rec);
    render(rec);

    var ws;
    try {
      ws = new WebSocket(wsBase, "lws-minimal");
    } catch (e) {
      rec.state = "failed";
      rec.closeReason = String(e);
      render(rec);
      return;
    }
    ws.onopen = function () {
      rec.state = "queued";
      render(rec);
      renderTally();
    };
    ws.onmessage = function (ev) {
      var m = /^pos (\d+)$/.exec(String(ev.data));
      rec.messages++;
      if (m) {
        var p = Number(m[1]);
        var last = rec.positions.length ? rec.positions[rec.positions.length - 1] : -1;
        if (p <= last) { rec.anomalies++; }
        rec.positions.push(p);
        if (rec.state === "queued" || rec.state === "connecting") { rec.state = "running"; }
      }
      log("#" + rec.index + ": " + ev.data);
      render(rec);
      renderTally();
    };
    ws.onclose = function (ev) {
      rec.closeCode = ev.code;
      rec.closeReason = ev.reason || "";
      if (ev.code === 1000) {
        rec.state = "finished";
      } else if (ev.code === 1013) {
        rec.state = "refused";
      } else if (ev.code === 1008 && ev.reason === "timeout") {
        rec.state = "timed-out";
      } else if (ev.code === 1001) {
        rec.state = "stopped";
      } else {
        rec.state = "failed";
      }
      log("#" + rec.index + ": closed " + ev.code + (ev.reason ? " " + ev.reason : ""));
      render(rec);
      renderTally();
    };
  }

  function openConnections(n) {
    for (var i = 0; i < n; i++) { openOne(); }
    renderTally();
  }

  function allSettled() {
    return demo.connections.length > 0 && demo.connections.every(function (c) { return TERMINAL[c.state]; });
  }

  // --- pool panel --------------------------------------------------------------------

  function drawSlots(id, used, capacity) {
    var box = $(id);
    var cap = Math.min(capacity, 64);
    if (box.childElementCount !== cap) {
      box.innerHTML = "";
      for (var i = 0; i < cap; i++) {
        var s = document.createElement("span");
        s.className = "slot";
        box.appendChild(s);
      }
    }
    for (var j = 0; j < box.children.length; j++) {
      box.children[j].classList.toggle("on", j < used);
    }
  }

  function showStatus(s) {
    demo.status = s;
    $("pool-ongoing").textContent = fmt(s.ongoing);
    $("pool-possible").textContent = fmt(s.possible);
    $("pool-queue").textContent = fmt(s.queueDepth);
    $("pool-max-queue").textContent = fmt(s.maxQueueDepth);
    $("pool-oldest-wait").textContent = typeof s.oldestWaitMs === "number"
      ? (s.oldestWaitMs / 1000).toFixed(1) + " s" : "–";
    $("pool-done-unreaped").textContent = fmt(s.doneUnreaped);
    $("pool-peak-ongoing").textContent = fmt(s.peakOngoing);
    $("pool-peak-queue").textContent = fmt(s.peakQueueDepth);
    $("stat-admitted").textContent = fmt(s.admitted);
    $("stat-refused").textContent = fmt(s.refused);
    $("stat-finished").textContent = fmt(s.finished);
    $("stat-timed-out").textContent = fmt(s.timedOut);
    $("stat-messages").textContent = fmt(s.messages);
    $("stat-duplicates").textContent = fmt(s.duplicatesSuppressed);
    drawSlots("pool-slots", s.ongoing, s.possible);
    drawSlots("queue-slots", s.queueDepth, s.maxQueueDepth);
    var pool = $("pool");
    pool.dataset.updates = String(Number(pool.dataset.updates || 0) + 1);
  }

  function connectStatus() {
    var ws = new WebSocket(wsBase, "lws-status");
    ws.onopen = function () {
      $("pool").dataset.live = "true";
      $("pool-link").textContent = "live";
    };
    ws.onmessage = function (ev) {
      try { showStatus(JSON.parse(ev.data)); } catch (e) { /* not a status message */ }
    };
    ws.onclose = function () {
      $("pool").dataset.live = "false";
      $("pool-link").textContent = "disconnected";
    };
  }

  // --- start -------------------------------------------------------------------------

  function applyConfig(cfg) {
    demo.config = cfg;
    $("lead-threads").textContent = fmt(cfg.threads);
    $("lead-end").textContent = fmt(cfg.end);
    $("lead-queue").textContent = fmt(cfg.queue);
  }

  function start() {
    $("open-more").addEventListener("click", function () { openConnections(MORE_CONNECTIONS); });
    connectStatus();
    fetch("config.json", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; })
      .then(function (cfg) {
        if (cfg) { applyConfig(cfg); }
        var params = new URLSearchParams(location.search);
        var n = Number(params.get("connections"));
        openConnections(Number.isInteger(n) && n >= 0 && n <= 256 && params.has("connections") ? n : INITIAL_CONNECTIONS);
        document.body.dataset.ready = "true";
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
