// Live drill page: polls the drill state every second and sends decisions as they are made.
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

  function buttons(status) {
    document.getElementById("btn-start").hidden = status !== "scheduled";
    document.getElementById("btn-pause").hidden = status !== "running";
    document.getElementById("btn-resume").hidden = status !== "paused";
    document.getElementById("btn-finish").hidden = status === "scheduled";
    const acting = status === "running" || status === "paused";
    root.querySelectorAll(".drill-action button, .step").forEach((b) => { b.disabled = !acting; });
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
    buttons(state.status);
    let waiting = 0;
    for (const q of state.queues) waiting += q.waiting;
    text("kpi-sl", pct(state.kpis.service_level));
    text("kpi-abandon", `${state.kpis.abandoned} (${pct(state.kpis.abandon_rate)})`);
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
    feed("alerts", state.alerts, (a) => `${a.clock}  ${a.text}`);
    renderLog(state.actions);
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
        reply = await fetch(root.dataset.stateUrl, {
          credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" },
        });
      } catch {
        offline = true;
        return;
      }
      offline = false;
      const state = reply.ok ? await reply.json().catch(() => null) : null;
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
  buttons(root.dataset.status);
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
