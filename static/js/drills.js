// Live drill page: polls the drill state every second and sends decisions as they are made.
// Each poll sends back the version (ETag) of the state it shows; the server answers 304 while
// nothing changed. Every participant of a team drill gets the same shared snapshot.
// The server owns the clock, so this page only shows what it is told; every poll is also the
// page's heartbeat, and the server stops the drill clock when it hears nothing for a while.
//
// Decisions never go straight to the network: each is queued on this device (localStorage)
// with a key made up here, then sent in the order clicked. Only the server's confirmation
// (with the drill time it stored) or its clear refusal takes an entry off the queue; a lost
// connection, a sign-in page or a server error keeps it, and it is resent when the server
// answers again or when the page is opened again. The key makes a resend safe: the server
// answers a key it already holds with the action it stored, never a second one.
(() => {
  "use strict";
  const root = document.getElementById("drill");
  if (!root) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  const words = document.getElementById("words").dataset;
  const message = document.getElementById("drill-message");
  const banner = document.getElementById("drill-connection");
  const storeKey = `drill-unsent-${root.dataset.drill}`;
  const jsonHeaders = { "Content-Type": "application/json", "X-CSRFToken": csrf,
                        Accept: "application/json" };
  let memory = [];          // the queue when this browser keeps no localStorage
  let storageBroken = false;
  let offline = false;      // the last request did not reach the server
  let sending = false;
  let holdUntil = 0;        // after a sign-in page or server error, wait before resending
  let lastActions = [];
  let etag = null;          // the version of the state this page shows (polls send it back)

  function load() {
    if (storageBroken) return memory.slice();
    try {
      const queue = JSON.parse(localStorage.getItem(storeKey) || "[]");
      return Array.isArray(queue) ? queue : [];
    } catch {
      storageBroken = true;
      return memory.slice();
    }
  }
  function store(queue) {
    memory = queue.slice();
    if (storageBroken) return;
    try {
      if (queue.length) localStorage.setItem(storeKey, JSON.stringify(queue));
      else localStorage.removeItem(storeKey);
    } catch {
      storageBroken = true;  // private mode or full: keep the queue in this page
    }
  }
  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  const fill = (template, n) => template.replace("{n}", String(n));

  const pct = (value) => (value === null || value === undefined ? "—"
    : `${(value * 100).toFixed(1)} %`);
  const text = (id, value) => { document.getElementById(id).textContent = value; };

  function cell(row, value, numeric) {
    const td = document.createElement("td");
    if (numeric) td.className = "num";
    td.textContent = value;
    row.appendChild(td);
  }
  function rows(id, items, build) {
    const body = document.getElementById(id);
    body.textContent = "";
    for (const item of items) {
      const tr = document.createElement("tr");
      build(tr, item);
      body.appendChild(tr);
    }
  }
  function feed(id, items, line) {
    const list = document.getElementById(id);
    list.textContent = "";
    for (const item of items) {
      const li = document.createElement("li");
      li.textContent = line(item);
      list.appendChild(li);
    }
  }

  // My actions: the ones still waiting on this device first, then what the server holds.
  function renderLog(actions) {
    if (actions) lastActions = actions;
    const list = document.getElementById("action-log");
    const stored = new Set(lastActions.map((a) => a.key).filter(Boolean));
    list.textContent = "";
    for (const entry of load().filter((e) => !stored.has(e.key)).reverse()) {
      const li = document.createElement("li");
      li.className = "pending";
      li.dataset.key = entry.key;
      li.textContent = `${words.pending}  ${entry.label}`;
      list.appendChild(li);
    }
    for (const action of lastActions) {
      const li = document.createElement("li");
      li.className = "confirmed";
      if (action.key) li.dataset.key = action.key;
      li.textContent = `${action.clock}  ${action.label}`;
      list.appendChild(li);
    }
  }

  function showConnection() {
    const waiting = load().length;
    banner.hidden = !offline && waiting === 0;
    banner.dataset.state = offline ? "lost" : "sending";
    banner.textContent = offline ? fill(words.lost, waiting) : fill(words.sending, waiting);
  }

  function buttons(status, pausedBy) {
    document.getElementById("btn-start").hidden = status !== "scheduled";
    document.getElementById("btn-pause").hidden = status !== "running";
    // a pause the trainer made is the trainer's to end (the server refuses it too)
    document.getElementById("btn-resume").hidden = status !== "paused" || pausedBy === "trainer";
    document.getElementById("btn-finish").hidden = status === "scheduled";
    const acting = status === "running" || status === "paused";
    root.querySelectorAll(".drill-action, .step").forEach((el) => {
      const mine = el.dataset.allowed !== "0";
      const button = el.matches("form") ? el.querySelector("button") : el;
      button.disabled = !acting || !mine;
    });
    const note = document.getElementById("paused-by");
    note.hidden = status !== "paused" || !pausedBy;
    if (!note.hidden) note.textContent = note.dataset[pausedBy] || "";
  }

  // The live chart: callers waiting at the end of every half hour (bars, left axis) and the
  // half hour's service level (line, right axis), drawn at the width of its box so its text
  // stays 12 px on a phone.
  const SVG = "http://www.w3.org/2000/svg";
  let lastChart = [];
  function svg(name, attrs, textValue) {
    const el = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (textValue !== undefined) el.textContent = textValue;
    return el;
  }
  // The top of the axis: four whole-number steps of 1, 2 or 5 × 10^k.
  function niceMax(value) {
    const quarter = Math.max(1, value / 4);
    const e = 10 ** Math.floor(Math.log10(quarter));
    for (const step of [1, 2, 5, 10]) if (step * e >= quarter) return 4 * step * e;
    return 40 * e;
  }
  function drawChart(points) {
    if (points) lastChart = points;
    const box = document.getElementById("live-chart");
    if (!box) return;
    box.textContent = "";
    if (!lastChart.length) {
      box.appendChild(document.createTextNode(box.dataset.empty));
      return;
    }
    const width = Math.max(260, Math.floor(box.clientWidth || 320));
    const height = 230;
    const m = { left: 40, right: 46, top: 30, bottom: 34 };
    const pw = width - m.left - m.right;
    const ph = height - m.top - m.bottom;
    const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
                              class: "chart", "font-size": 12 });
    root.appendChild(svg("title", {}, box.dataset.title));
    const yMax = niceMax(Math.max(...lastChart.map((p) => p.waiting)));
    const slot = pw / lastChart.length;
    for (let i = 0; i <= 4; i += 1) {
      const y = m.top + ph * (1 - i / 4);
      root.appendChild(svg("line", { x1: m.left, x2: m.left + pw, y1: y, y2: y, stroke: "#e3e8ef" }));
      root.appendChild(svg("text", { x: m.left - 4, y: y + 4, "text-anchor": "end",
                                     class: "axis" }, Math.round(yMax * i / 4)));
      root.appendChild(svg("text", { x: m.left + pw + 4, y: y + 4, class: "axis" },
                           `${i * 25}%`));
    }
    const every = Math.max(1, Math.ceil(lastChart.length * 44 / pw));
    let line = "";
    lastChart.forEach((p, i) => {
      const h = ph * Math.min(p.waiting, yMax) / yMax;
      const x = m.left + i * slot;
      root.appendChild(svg("rect", { x: x + slot * 0.15, y: m.top + ph - h,
                                     width: Math.max(1, slot * 0.7), height: h,
                                     fill: p.current ? "#9dbbe0" : "#0b5cab" }));
      if (p.service_level !== null && p.service_level !== undefined) {
        const y = m.top + ph * (1 - p.service_level);
        line += `${line ? "L" : "M"}${(x + slot / 2).toFixed(1)},${y.toFixed(1)}`;
        root.appendChild(svg("circle", { cx: x + slot / 2, cy: y, r: 3, fill: "#d9822b" }));
      }
      if (i % every === 0) {
        root.appendChild(svg("text", { x: x + slot / 2, y: height - m.bottom + 16,
                                       "text-anchor": "middle", class: "axis" }, p.clock));
      }
    });
    if (line) root.appendChild(svg("path", { d: line, fill: "none", stroke: "#d9822b",
                                             "stroke-width": 2 }));
    root.appendChild(svg("rect", { x: m.left, y: 8, width: 12, height: 12, fill: "#0b5cab" }));
    root.appendChild(svg("text", { x: m.left + 16, y: 18, class: "legend" }, box.dataset.waiting));
    const second = m.left + Math.min(pw / 2, 130);
    root.appendChild(svg("line", { x1: second, x2: second + 14, y1: 14, y2: 14,
                                   stroke: "#d9822b", "stroke-width": 2 }));
    root.appendChild(svg("text", { x: second + 18, y: 18, class: "legend" }, box.dataset.sl));
    box.appendChild(root);
  }
  window.addEventListener("resize", () => drawChart());

  function alertGroups(groups) {
    const list = document.getElementById("alerts");
    list.textContent = "";
    for (const g of groups || []) {
      const li = document.createElement("li");
      li.dataset.code = g.code;
      li.textContent = `${g.last_clock}  ${g.text}`;
      if (g.count > 1) {
        const count = document.createElement("span");
        count.className = "count";
        count.textContent = ` ${list.dataset.times.replace("{n}", g.count).replace("{t}", g.first_clock)}`;
        li.appendChild(count);
      }
      list.appendChild(li);
    }
  }

  function say(textValue, bad) {
    message.hidden = false;
    message.className = `flash ${bad ? "flash-danger" : "flash-success"}`;
    message.textContent = textValue;
  }

  let leaving = false;
  async function leaveFor(url) {
    if (leaving) return;
    leaving = true;
    await flush();  // what is still queued is confirmed or refused before the debrief
    window.location.assign(url);
  }

  function show(state) {
    root.dataset.status = state.status;
    if (state.status === "finished") { leaveFor(state.debrief_url); return; }
    text("drill-clock", state.clock);
    text("drill-status", words[state.status] || state.status);
    document.getElementById("drill-progress").value = state.drill_seconds;
    buttons(state.status, state.paused_by);
    let waiting = 0;
    for (const q of state.queues) waiting += q.waiting;
    const secs = (v) => (v === null || v === undefined ? "—" : Math.round(v));
    text("kpi-sl", pct(state.kpis.service_level));
    text("kpi-abandon", `${state.kpis.abandoned} (${pct(state.kpis.abandon_rate)})`);
    text("kpi-asa", secs(state.kpis.asa));
    text("kpi-offered", state.kpis.offered);
    const w = state.window;
    text("kpi-window-from", `${w.from_clock}–${state.clock}`);
    text("kpi-win-sl", pct(w.service_level));
    text("kpi-win-abandon", `${w.abandoned} (${pct(w.abandon_rate)})`);
    text("kpi-win-asa", secs(w.asa));
    text("kpi-win-offered", w.offered);
    drawChart(state.chart);
    text("kpi-waiting", waiting);
    text("kpi-backlog", state.technicians.backlog);
    rows("queue-rows", state.queues, (tr, q) => {
      cell(tr, q.title); cell(tr, q.waiting, true); cell(tr, pct(q.service_level), true);
      cell(tr, q.abandoned, true);
    });
    rows("agent-rows", state.agents, (tr, g) => {
      cell(tr, g.title); cell(tr, g.on_phones, true); cell(tr, g.busy, true);
      cell(tr, g.reserve_left, true); cell(tr, g.back_office_left, true);
    });
    if (state.technicians_left !== undefined) text("kpi-tech-left", state.technicians_left);
    alertGroups(state.alert_groups);
    renderLog(state.actions);
    if (document.getElementById("team-log")) {
      feed("team-log", state.team_actions, (a) => `${a.clock}  ${a.label} — ${a.by} · ${a.role}`);
      feed("participants", state.participants,
           (p) => `${p.connected ? "●" : "○"} ${p.name} · ${p.role}`);
    }
    for (const kind of state.steps_done) {
      const b = document.getElementById(`step-${kind}`);
      if (b) b.classList.add("done");
    }
  }

  // What a reply means for a queued action: only a confirmation or a clear refusal of the
  // server (a JSON error below 500) takes it off the queue.
  async function sendOne(entry) {
    let reply;
    try {
      reply = await fetch(root.dataset.actionUrl, {
        method: "POST", credentials: "same-origin", redirect: "manual", headers: jsonHeaders,
        body: JSON.stringify({ kind: entry.kind, params: entry.params, key: entry.key }),
      });
    } catch {
      return { keep: true, offline: true };
    }
    const body = await reply.json().catch(() => null);
    if (reply.ok && body && body.action) return { saved: body };
    if (body && body.error && reply.status >= 400 && reply.status < 500) {
      return { refused: body.error };
    }
    return { keep: true };  // a sign-in page, an expired form token or a server error
  }

  async function flush() {
    if (sending) return;
    sending = true;
    try {
      for (let queue = load(); queue.length; queue = load()) {
        const entry = queue[0];
        showConnection();
        const outcome = await sendOne(entry);
        if (outcome.keep) {
          offline = Boolean(outcome.offline);
          if (!offline) {
            holdUntil = Date.now() + 10000;
            say(words.session, true);
          }
          return;
        }
        offline = false;
        store(load().filter((e) => e.key !== entry.key));
        if (outcome.saved) {
          const action = outcome.saved.action;
          say(`${words.saved} ${action.clock} · ${action.label}`, false);
          if (!leaving) show(outcome.saved);
        } else {
          say(`${words.refused}: ${outcome.refused}`, true);
        }
      }
    } finally {
      sending = false;
      renderLog();
      showConnection();
    }
  }

  function queueAction(kind, params, label) {
    const queue = load();
    queue.push({ key: newKey(), kind, params, label, clicked: Date.now() });
    store(queue);
    renderLog();
    showConnection();
    flush();
  }

  async function poll() {
    try {
      let reply = null;
      try {
        const headers = { Accept: "application/json" };
        if (etag) headers["If-None-Match"] = etag;
        reply = await fetch(root.dataset.stateUrl, {
          credentials: "same-origin", redirect: "manual", headers, cache: "no-store",
        });
      } catch {
        offline = true;
        return;
      }
      offline = false;
      if (reply.status === 304) {  // nothing changed since the version this page shows
        if (load().length && Date.now() >= holdUntil) flush();
        return;
      }
      const state = reply.ok ? await reply.json().catch(() => null) : null;
      if (state) etag = reply.headers.get("ETag");
      if (!state) { say(words.session, true); return; }
      show(state);
      if (load().length && Date.now() >= holdUntil) flush();
    } finally {
      showConnection();
      if (!leaving) window.setTimeout(poll, 1000);
    }
  }

  async function command(name) {
    let reply;
    try {
      reply = await fetch(root.dataset.controlUrl, {
        method: "POST", credentials: "same-origin", redirect: "manual", headers: jsonHeaders,
        body: JSON.stringify({ command: name }),
      });
    } catch {
      offline = true;
      showConnection();
      say(words.offline, true);
      return;
    }
    const body = await reply.json().catch(() => null);
    if (!reply.ok || !body) { say((body && body.error) || words.session, true); return; }
    show(body);
  }

  root.querySelectorAll("[data-command]").forEach((button) => {
    button.addEventListener("click", () => {
      if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
      command(button.dataset.command);
    });
  });
  root.querySelectorAll(".step").forEach((button) => {
    button.addEventListener("click", () => {
      const params = {};
      root.querySelectorAll(`[data-step="${button.dataset.kind}"]`).forEach((field) => {
        if (field.value.trim()) params[field.name] = field.value;
      });
      queueAction(button.dataset.kind, params, button.textContent.trim());
    });
  });
  root.querySelectorAll("form.drill-action").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const params = {};
      new FormData(form).forEach((value, key) => {
        if (key !== "text" || value.trim()) params[key] = value;
      });
      queueAction(form.dataset.kind, params, form.querySelector("legend").textContent.trim());
    });
  });
  window.addEventListener("online", () => { holdUntil = 0; flush(); });
  buttons(root.dataset.status, null);
  renderLog();
  showConnection();
  flush();  // decisions an earlier page left on this device go first, in their order
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
