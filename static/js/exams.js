// Exam attempts: save every answer on change, keep unsent answers on this device, resend
// them on reconnect, and show the server's countdown. The page also works as a plain form.
(() => {
  "use strict";
  const form = document.getElementById("attempt-form");
  const csrf = document.querySelector('meta[name="csrf-token"]');

  // How a question body holds its response is declared by its type (data-reader, see
  // question_bank/qtypes/base.py PAGE_READERS); no question type is named here.
  const READERS = {
    one: (body, named) => {
      const chosen = named().find((i) => i.checked);
      return chosen ? chosen.value : null;
    },
    many: (body, named) => {
      const chosen = named().filter((i) => i.checked).map((i) => i.value);
      return chosen.length ? chosen : null;
    },
    text: (body, named) => {
      const input = named()[0];
      return input && input.value.trim() !== "" ? input.value : null;
    },
    map: (body) => {
      const result = {};
      for (const part of body.querySelectorAll("[data-part]")) {
        if ((part.type === "radio" || part.type === "checkbox") && !part.checked) continue;
        if (part.value && part.value.trim() !== "") result[part.dataset.part] = part.value;
      }
      return Object.keys(result).length ? result : null;
    },
    order: (body) => {
      const touched = body.querySelector(`[name="${CSS.escape(body.dataset.name + "-touched")}"]`);
      if (!touched || touched.value !== "1") return null;
      return Array.from(body.querySelectorAll("li[data-item]")).map((li) => li.dataset.item);
    },
    none: () => null,  // nothing to answer (a description)
    parts: (body) => {
      const result = {};
      for (const sub of body.querySelectorAll(":scope > .subquestion")) {
        const value = responseOf(sub.querySelector(":scope > .q-body"));
        if (value !== null) result[sub.dataset.sub] = value;
      }
      return Object.keys(result).length ? result : null;
    },
  };

  function responseOf(body) {
    const named = () => Array.from(body.querySelectorAll(`[name="${CSS.escape(body.dataset.name)}"]`));
    const read = READERS[body.dataset.reader] || READERS.text;
    return read(body, named);
  }

  function setupAttempt() {
    const attemptId = form.dataset.attempt;
    const storeKey = `exam-unsent-${attemptId}`;
    const status = document.getElementById("save-state");
    let sending = false;

    const load = () => { try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch { return {}; } };
    const store = (queue) => localStorage.setItem(storeKey, JSON.stringify(queue));
    const say = (text, kind) => { status.textContent = text; status.dataset.kind = kind || ""; };
    const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour12: false });

    function markSaved(slot, iso, answered) {
      const mark = document.querySelector(`[data-map-slot="${slot}"]`);
      if (mark) {
        mark.classList.toggle("answered", answered);
        mark.classList.toggle("open", !answered);
      }
      const line = form.querySelector(`[data-saved-for="${slot}"]`);
      if (line) line.textContent = `${form.dataset.msgSaved} ${clock(iso)}`;
      say(`${form.dataset.msgSaved} ${clock(iso)}`, "ok");
    }

    // What each kind of reply means for a queued answer: only a confirmed save (or a clear
    // refusal by the server) removes it from this device; anything else keeps it for a retry.
    async function sendOne(slot, entry) {
      let reply;
      try {
        reply = await fetch(form.dataset.saveUrl, {
          method: "POST", credentials: "same-origin", redirect: "manual",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf.content },
          body: JSON.stringify({ slot: Number(slot), response: entry.response }),
        });
      } catch {
        return { keep: true, message: form.dataset.msgOffline };
      }
      const body = await reply.json().catch(() => null);
      if (reply.ok && body && body.saved_at) {
        // The server's remaining time rides on every save: a trainer's extension shows at once.
        if (typeof body.remaining === "number") {
          document.dispatchEvent(new CustomEvent("exam:remaining", { detail: body.remaining }));
        }
        return { saved: body.saved_at };
      }
      if (body && body.error === "attempt_closed") return { closed: true };
      if (body && body.error && reply.status < 500) {
        return { refused: `${form.dataset.msgRefused}: ${body.message || reply.status}` };
      }
      // A sign-in page, an expired form token or a server error: keep it and try again.
      return { keep: true, message: form.dataset.msgSession };
    }

    async function flush() {
      if (sending) return;
      sending = true;
      let restoredSent = false;
      try {
        for (const slot of Object.keys(load())) {
          const entry = load()[slot];
          if (!entry) continue;
          say(form.dataset.msgSaving, "busy");
          const outcome = await sendOne(slot, entry);
          if (outcome.keep) { say(outcome.message, "warn"); return; }
          if (outcome.closed) {
            localStorage.removeItem(storeKey);
            say(form.dataset.msgClosed, "warn");
            window.location.reload();
            return;
          }
          const queue = load();
          if (queue[slot] && queue[slot].seq === entry.seq) {
            restoredSent = restoredSent || Boolean(entry.restored);
            delete queue[slot];
          }
          store(queue);
          if (outcome.saved) markSaved(slot, outcome.saved, entry.response !== null);
          else say(outcome.refused, "warn");
        }
      } finally {
        sending = false;
      }
      if (Object.keys(load()).length) setTimeout(flush, 1000);
      else if (restoredSent) window.location.reload();  // show what the server now holds
    }

    function queueAnswer(question) {
      // A typed "number" that is not one stays on the page with a message; it is not sent.
      if (!checkNumbers(question)) return;
      const body = question.querySelector(":scope > .q-body");
      const queue = load();
      queue[question.dataset.slot] = { response: responseOf(body), seq: Date.now() };
      store(queue);
      flush();
    }

    const timers = new Map();
    for (const question of form.querySelectorAll("fieldset.question")) {
      question.addEventListener("change", () => queueAnswer(question));
      question.addEventListener("input", (event) => {
        if (!event.target.matches("textarea, input[type=text]")) return;
        clearTimeout(timers.get(question));
        timers.set(question, setTimeout(() => queueAnswer(question), 700));
      });
      question.addEventListener("click", (event) => {
        const button = event.target.closest(".move-up, .move-down");
        if (!button) return;
        const li = button.closest("li");
        const list = li.parentElement;
        if (button.classList.contains("move-up") && li.previousElementSibling) {
          list.insertBefore(li, li.previousElementSibling);
        } else if (button.classList.contains("move-down") && li.nextElementSibling) {
          list.insertBefore(li.nextElementSibling, li);
        }
        const body = li.closest(".q-body");
        body.querySelector(`[name="${CSS.escape(body.dataset.name + "-touched")}"]`).value = "1";
        button.focus();
        queueAnswer(question);
      });
    }
    window.addEventListener("online", flush);
    setInterval(flush, 5000);
    const left = load();
    if (Object.keys(left).length) {  // answers kept on this device by an earlier page
      for (const slot of Object.keys(left)) left[slot].restored = true;
      store(left);
      say(form.dataset.msgResent, "busy");
      flush();
    }
    form.addEventListener("submit", (event) => {
      // The plain form post (next page, submit) must not carry a refused number either.
      const wrong = Array.from(form.querySelectorAll("fieldset.question"))
        .filter((question) => !checkNumbers(question));
      if (wrong.length) {
        event.preventDefault();
        say(form.dataset.msgFixNumbers, "warn");
        wrong[0].querySelector("input[data-number][aria-invalid=true]").focus();
      }
    });
    setupFlags(say);
    setupSubmitDialog();
  }

  // --- flags: mark a question to come back to (saved at once, shown in the map) ----------
  function setupFlags(say) {
    form.addEventListener("click", async (event) => {
      const button = event.target.closest(".flag-toggle");
      if (!button) return;
      event.preventDefault();
      const wanted = button.getAttribute("aria-pressed") !== "true";
      let reply;
      try {
        reply = await fetch(form.dataset.flagUrl, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf.content },
          body: JSON.stringify({ slot: Number(button.dataset.slot), flagged: wanted }),
        });
      } catch {
        say(form.dataset.msgOffline, "warn");
        return;
      }
      const body = await reply.json().catch(() => null);
      if (!reply.ok || !body) {
        say((body && body.message) || form.dataset.msgSession, "warn");
        return;
      }
      button.setAttribute("aria-pressed", body.flagged ? "true" : "false");
      button.textContent = body.flagged ? form.dataset.msgFlagged : form.dataset.msgUnflagged;
      const mark = document.querySelector(`[data-map-slot="${button.dataset.slot}"]`);
      if (mark) mark.classList.toggle("flagged", body.flagged);
    });
  }

  // --- numbers: checked in the page as the server reads them ------------------------------
  const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
  const THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
  const fold = (text) => text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();

  function readsAsNumber(raw, units) {
    let text = fold(raw).replace(/\u2212/g, "-");
    for (const unit of units.map(fold).filter(Boolean)) {
      if (text.endsWith(unit)) { text = text.slice(0, text.length - unit.length).trim(); break; }
    }
    text = text.replace(/[ _]/g, "");
    if (THOUSANDS.test(text)) text = text.replace(/,/g, "");
    else if ((text.match(/,/g) || []).length === 1 && !text.includes(".")) text = text.replace(",", ".");
    return NUMBER.test(text) && Number.isFinite(Number(text));
  }

  // True when every number box of the question is empty or holds a number; marks the others.
  function checkNumbers(question) {
    let fine = true;
    for (const input of question.querySelectorAll("input[data-number]")) {
      let units = [];
      try { units = JSON.parse(input.dataset.units || "[]"); } catch { units = []; }
      const ok = input.value.trim() === "" || readsAsNumber(input.value, units);
      const message = document.getElementById(`${input.id}-number-error`);
      input.setAttribute("aria-invalid", ok ? "false" : "true");
      if (message) {
        message.hidden = ok;
        message.textContent = ok ? "" : form.dataset.msgNotNumber;
      }
      fine = fine && ok;
    }
    return fine;
  }

  // --- submitting: name the questions not answered yet -----------------------------------
  function unansweredNumbers() {
    const numbers = [];
    for (const link of document.querySelectorAll("[data-map-slot]")) {
      const here = form.querySelector(`fieldset.question[data-slot="${link.dataset.mapSlot}"]`);
      const body = here && here.querySelector(":scope > .q-body");
      if (body && body.dataset.reader === "none") continue;  // nothing to answer there
      const answered = here
        ? responseOf(here.querySelector(":scope > .q-body")) !== null
        : link.classList.contains("answered");
      if (!answered) numbers.push(link.dataset.number);
    }
    return numbers;
  }

  function setupSubmitDialog() {
    const finish = document.getElementById("finish-attempt");
    const dialog = document.getElementById("submit-dialog");
    if (!finish || !dialog || typeof dialog.showModal !== "function") return;
    let confirmed = false;
    finish.addEventListener("click", (event) => {
      if (confirmed) return;
      event.preventDefault();
      const open = unansweredNumbers();
      document.getElementById("submit-dialog-unanswered").textContent = open.length
        ? dialog.dataset.msgUnanswered.replace("__LIST__", open.join(", "))
        : dialog.dataset.msgAllAnswered;
      const flagged = Array.from(document.querySelectorAll(".question-map a.flagged"))
        .map((link) => link.dataset.number);
      document.getElementById("submit-dialog-flagged").textContent = flagged.length
        ? dialog.dataset.msgFlagged.replace("__LIST__", flagged.join(", ")) : "";
      dialog.showModal();
    });
    document.getElementById("submit-dialog-cancel").addEventListener("click", () => dialog.close());
    document.getElementById("submit-dialog-confirm").addEventListener("click", () => {
      dialog.close();
      confirmed = true;
      form.requestSubmit(finish);  // posts finish=1 with this page's answers
    });
  }

  function setupTimer() {
    const timer = document.getElementById("exam-timer");
    if (!timer) return;
    const value = timer.querySelector(".timer-value");
    const note = document.getElementById("timer-note");
    let endsAt = Date.now() + Number(timer.dataset.remaining) * 1000;
    // Only the server's clock counts: adopt its remaining seconds whenever it sends them, and
    // say so when they grew (a trainer extended the attempt, e.g. after an outage).
    const adopt = (remaining) => {
      const next = Date.now() + remaining * 1000;
      if (next - endsAt > 5000 && note) note.textContent = timer.dataset.msgExtended;
      endsAt = next;
      show();
    };
    const show = () => {
      const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      value.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      timer.classList.toggle("timer-low", left < 60);
      if (left === 0) sync();
    };
    let syncing = false;
    async function sync() {
      if (syncing) return;
      syncing = true;
      try {
        const reply = await fetch(timer.dataset.statusUrl, { credentials: "same-origin" });
        const body = await reply.json();
        if (!body.open) { window.location.href = body.review_url; return; }
        if (body.remaining !== null) adopt(body.remaining);
      } catch { /* offline: keep counting locally */ } finally { syncing = false; }
    }
    document.addEventListener("exam:remaining", (event) => adopt(event.detail));
    setInterval(show, 1000);
    setInterval(sync, 15000);
    document.addEventListener("visibilitychange", () => { if (!document.hidden) sync(); });
    show();
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (form) setupAttempt();
    setupTimer();
  });
})();
