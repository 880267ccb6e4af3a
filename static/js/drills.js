// Live drill page: polls the drill state every second and posts decisions as they are made.
// The server owns the clock, so this page only shows what it is told.
(function () {
  "use strict";
  var root = document.getElementById("drill");
  if (!root) { return; }
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var words = document.getElementById("words").dataset;
  var message = document.getElementById("drill-message");
  var timer = null;

  function pct(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + " %";
  }
  function text(id, value) { document.getElementById(id).textContent = value; }

  function cell(row, value, numeric) {
    var td = document.createElement("td");
    if (numeric) { td.className = "num"; }
    td.textContent = value;
    row.appendChild(td);
  }

  function rows(id, items, build) {
    var body = document.getElementById(id);
    body.textContent = "";
    items.forEach(function (item) { var tr = document.createElement("tr"); build(tr, item); body.appendChild(tr); });
  }

  function feed(id, items, line) {
    var list = document.getElementById(id);
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = line(item);
      list.appendChild(li);
    });
  }

  function buttons(status) {
    document.getElementById("btn-start").hidden = status !== "scheduled";
    document.getElementById("btn-pause").hidden = status !== "running";
    document.getElementById("btn-resume").hidden = status !== "paused";
    document.getElementById("btn-finish").hidden = status === "scheduled";
    var acting = status === "running" || status === "paused";
    root.querySelectorAll(".drill-action button, .step").forEach(function (b) { b.disabled = !acting; });
  }

  function show(state) {
    root.dataset.status = state.status;
    if (state.status === "finished") { window.location.assign(state.debrief_url); return; }
    text("drill-clock", state.clock);
    text("drill-status", words[state.status] || state.status);
    document.getElementById("drill-progress").value = state.drill_seconds;
    buttons(state.status);
    var waiting = 0;
    state.queues.forEach(function (q) { waiting += q.waiting; });
    text("kpi-sl", pct(state.kpis.service_level));
    text("kpi-abandon", state.kpis.abandoned + " (" + pct(state.kpis.abandon_rate) + ")");
    text("kpi-waiting", waiting);
    text("kpi-backlog", state.technicians.backlog);
    rows("queue-rows", state.queues, function (tr, q) {
      cell(tr, q.title); cell(tr, q.waiting, true); cell(tr, pct(q.service_level), true); cell(tr, q.abandoned, true);
    });
    rows("agent-rows", state.agents, function (tr, g) {
      cell(tr, g.title); cell(tr, g.on_phones, true); cell(tr, g.busy, true);
    });
    feed("alerts", state.alerts, function (a) { return a.clock + "  " + a.text; });
    feed("action-log", state.actions, function (a) { return a.clock + "  " + a.label; });
    state.steps_done.forEach(function (kind) {
      var b = document.getElementById("step-" + kind);
      if (b) { b.classList.add("done"); }
    });
  }

  function say(textValue, bad) {
    message.hidden = false;
    message.className = "flash " + (bad ? "flash-danger" : "flash-success");
    message.textContent = textValue;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { say(data.error || r.statusText, true); return null; }
        show(data);
        return data;
      });
    });
  }

  function poll() {
    fetch(root.dataset.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (state) { show(state); })
      .catch(function () { say(words.offline, true); })
      .then(function () { timer = window.setTimeout(poll, 1000); });
  }

  root.querySelectorAll("[data-command]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) { return; }
      post(root.dataset.controlUrl, { command: button.dataset.command });
    });
  });
  root.querySelectorAll(".step").forEach(function (button) {
    button.addEventListener("click", function () {
      post(root.dataset.actionUrl, { kind: button.dataset.kind, params: {} })
        .then(function (data) { if (data) { say(words.saved, false); } });
    });
  });
  root.querySelectorAll("form.drill-action").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = {};
      new FormData(form).forEach(function (value, key) { params[key] = value; });
      post(root.dataset.actionUrl, { kind: form.dataset.kind, params: params })
        .then(function (data) { if (data) { say(words.saved, false); } });
    });
  });
  buttons(root.dataset.status);
  poll();
})();

// Debrief replay: a slider over the snapshots taken at the end of every interval.
(function () {
  "use strict";
  var slider = document.getElementById("replay-slider");
  if (!slider) { return; }
  var frames = JSON.parse(slider.dataset.frames);
  var labels = JSON.parse(slider.dataset.labels);
  function pct(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + " %";
  }
  function show() {
    var f = frames[Number(slider.value)];
    document.getElementById("replay-clock").textContent = labels[Number(slider.value)];
    document.getElementById("replay-sl").textContent = pct(f.service_level);
    document.getElementById("replay-abandon").textContent = pct(f.abandon_rate);
    document.getElementById("replay-waiting").textContent = f.waiting;
    document.getElementById("replay-backlog").textContent = f.backlog;
    document.querySelectorAll(".timeline li").forEach(function (li) {
      li.hidden = Number(li.dataset.time) > f.time;
    });
  }
  slider.addEventListener("input", show);
  show();
})();
