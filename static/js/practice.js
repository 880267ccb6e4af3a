// Practice pages: attendance and checklist taps are saved one by one. A tap shows "Saving…"
// until the server confirms (it commits before answering); a tap that could not be sent is
// kept on this device and sent again when the connection is back, so it is never lost.
// Without JavaScript every button is a plain form submission.
(() => {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]');
  const root = document.querySelector("[data-saving]");
  if (!csrf || !root) return;
  const STORE = "practice-pending-taps";
  const text = { saving: root.dataset.saving, retrying: root.dataset.retrying,
                 failed: root.dataset.failed };

  const pending = () => {
    try { return JSON.parse(localStorage.getItem(STORE) || "{}"); } catch (e) { return {}; }
  };
  const keep = (all) => {
    try { localStorage.setItem(STORE, JSON.stringify(all)); } catch (e) { /* storage off */ }
  };

  // Each tap form has a key: its URL, plus the item for checklist rows (they share a URL).
  for (const form of document.querySelectorAll("form[data-tap]")) {
    const lesson = form.querySelector('input[name="lesson_id"]');
    const index = form.querySelector('input[name="index"]');
    form.dataset.key = lesson ? `${form.action}#${lesson.value}-${index.value}` : form.action;
  }
  const formFor = (key) => Array.from(document.querySelectorAll("form[data-tap]"))
    .find((f) => f.dataset.key === key);

  function show(form, state, message) {
    if (!form) return;
    const row = form.closest(".att-row, .mark-row");
    row.classList.remove("is-saving", "is-unsent", "is-refused");
    if (state) row.classList.add(state);
    row.querySelector("[data-tap-state]").textContent = message;
  }

  function pressed(form, name, value) {
    for (const button of form.querySelectorAll(`button[name="${name}"]`)) {
      button.setAttribute("aria-pressed", button.value === value ? "true" : "false");
    }
    const current = form.querySelector("[data-current]");
    if (current) current.value = value;
    form.closest(".att-row, .mark-row").dataset.state = value;
  }

  function saved(form, reply) {
    if (!form) return;
    if (reply.status !== undefined) {
      pressed(form, "status", reply.status);
      const label = form.querySelector(`button[value="${reply.status}"]`);
      show(form, null, `${label ? label.textContent.trim() : reply.status} · ${reply.saved}`);
    } else {
      pressed(form, "observed", reply.observed ? "observed" : "not_yet");
      show(form, null, reply.saved);
      const progress = document.getElementById("checklist-progress");
      if (progress && reply.progress) progress.textContent = reply.progress;
    }
  }

  // true: finished (saved or refused for good); false: try again later.
  async function send(key, payload) {
    const form = formFor(key);
    show(form, "is-saving", text.saving);
    let reply;
    try {
      reply = await fetch(key.split("#")[0], {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRFToken": csrf.content },
        body: JSON.stringify(payload),
      });
    } catch (e) {
      show(form, "is-unsent", text.retrying);
      return false;
    }
    let body = {};
    try { body = await reply.json(); } catch (e) { body = {}; }
    if (reply.ok) {
      saved(form, body);
      return true;
    }
    if (reply.status >= 500) {
      show(form, "is-unsent", text.retrying);
      return false;
    }
    // Refused (400, 403, 404): the same tap would be refused again, so say why and drop it.
    show(form, "is-refused", `${text.failed}: ${body.message || body.error || reply.status}`);
    return true;
  }

  let flushing = false;
  let again = false;
  async function flush() {
    if (flushing) { again = true; return; }
    flushing = true;
    do {
      again = false;
      for (const [key, payload] of Object.entries(pending())) {
        const done = await send(key, payload);
        const now = pending();
        // A newer tap of the same row may have arrived meanwhile; keep that one.
        if (done && JSON.stringify(now[key]) === JSON.stringify(payload)) {
          delete now[key];
          keep(now);
        }
      }
    } while (again);
    flushing = false;
  }

  function payloadOf(form, submitter) {
    const data = {};
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrf_token" && !(name in data)) data[name] = value;
    }
    if (submitter && submitter.name) data[submitter.name] = submitter.value;
    return data;
  }

  for (const form of document.querySelectorAll("form[data-tap]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const all = pending();
      all[form.dataset.key] = payloadOf(form, event.submitter);
      keep(all);
      flush();
    });
  }
  window.addEventListener("online", flush);
  setInterval(() => { if (Object.keys(pending()).length) flush(); }, 5000);
  flush();
})();
