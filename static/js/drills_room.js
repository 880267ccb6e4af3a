// Trainer's control room: polls the drill's state every two seconds and shows the clock,
// KPIs, alerts and the action log. Read-only: pausing, resuming and injecting are forms.
(() => {
  "use strict";
  const root = document.getElementById("room");
  if (!root) return;
  const status = document.getElementById("room-status");
  const pct = (value) => (value === null || value === undefined ? "—"
    : `${(value * 100).toFixed(1)} %`);
  const text = (id, value) => { document.getElementById(id).textContent = value; };
  function feed(id, items, line) {
    const list = document.getElementById(id);
    list.textContent = "";
    for (const item of items || []) {
      const li = document.createElement("li");
      li.textContent = line(item);
      if (item.inject) li.className = "inject";
      list.appendChild(li);
    }
  }
  async function poll() {
    try {
      const response = await fetch(root.dataset.stateUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const state = await response.json();
      text("room-clock", state.clock);
      status.textContent = status.dataset[state.status] || state.status;
      if (state.kpis) {
        text("room-sl", pct(state.kpis.service_level));
        text("room-abandon", state.kpis.abandoned);
        text("room-waiting", state.queues.reduce((sum, q) => sum + q.waiting, 0));
        text("room-backlog", state.technicians.backlog);
        // the same kind of alert once, with how often it came (as the trainees see them)
        feed("room-alerts", state.alert_groups, (a) => `${a.last_clock}  ${a.text}${
          a.count > 1 ? `  ×${a.count} (${a.first_clock})` : ""}`);
      }
      const people = document.getElementById("room-participants");
      if (people && state.participants) {
        feed("room-participants", state.participants, (p) => `${p.name} · ${p.role} · ${
          p.connected ? people.dataset.connected : (p.joined ? people.dataset.away
            : people.dataset.waiting)}`);
      }
      feed("room-log", state.log,
           (a) => `${a.clock}  ${a.label}${a.detail ? `: ${a.detail}` : ""} — ${a.by}`);
    } catch {
      // the next poll tries again
    }
  }
  setInterval(poll, 2000);
})();
