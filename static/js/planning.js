// Planner pages: run progress (polls the job's JSON status), interval-table helpers and
// the YAML editor's line finder. Everything is progressive: the pages work without it.
(function () {
  "use strict";

  // -- run progress -------------------------------------------------------------------------
  function progressPage(box) {
    var url = box.getAttribute("data-status-url");
    var words = document.getElementById("status-words");
    var bar = document.getElementById("job-bar");
    var percent = document.getElementById("job-percent");
    var label = document.getElementById("job-status");
    var detail = document.getElementById("job-detail");
    var error = document.getElementById("job-error");
    var cancel = document.getElementById("cancel-form");

    function word(name) { return words.getAttribute("data-" + name) || name; }

    function show(status) {
      bar.value = status.progress;
      bar.textContent = Math.round(status.progress * 100) + " %";
      percent.textContent = Math.round(status.progress * 100) + " %";
      detail.textContent = status.detail || "";
      if (status.status === "done") {
        window.location.assign(status.url);
        return false;
      }
      if (status.status === "failed") {
        label.textContent = word(status.cancelled ? "cancelled" : "failed");
        if (cancel) { cancel.hidden = true; }
        if (!status.cancelled) {
          error.hidden = false;
          error.textContent = status.error || "";
        }
        return false;
      }
      label.textContent = status.cancelled ? word("cancelling") : word(status.status);
      if (status.cancelled && cancel) {
        cancel.querySelector("button").disabled = true;
      }
      return true;
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (status) { if (show(status)) { window.setTimeout(poll, 700); } })
        .catch(function () { window.setTimeout(poll, 2000); });
    }
    poll();
  }

  // -- interval tables: fill, scale and copy helpers ----------------------------------------
  function columnInputs(table, column) {
    return Array.prototype.slice.call(
      table.querySelectorAll("tbody input[data-column='" + column + "']"));
  }

  function tableHelpers(panel) {
    var table = document.getElementById(panel.getAttribute("data-table"));
    if (!table) { return; }
    panel.hidden = false;
    var column = panel.querySelector("[data-role=column]");
    var value = panel.querySelector("[data-role=value]");
    var source = panel.querySelector("[data-role=source]");
    var rowsPerDay = parseInt(table.getAttribute("data-rows-per-day") || "0", 10);
    var status = panel.querySelector("[data-role=status]");

    function say(text) { if (status) { status.textContent = text; } }

    function number(text) {
      var n = parseFloat(String(text).replace(",", "."));
      return isFinite(n) ? n : null;
    }

    function each(action) {
      var inputs = columnInputs(table, column.value);
      var from = parseInt(panel.querySelector("[data-role=from]").value || "1", 10) - 1;
      var to = parseInt(panel.querySelector("[data-role=to]").value || String(inputs.length), 10);
      inputs.slice(Math.max(0, from), Math.min(inputs.length, to)).forEach(action);
      return inputs;
    }

    panel.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) { return; }
      event.preventDefault();
      var action = button.getAttribute("data-action");
      var done = panel.getAttribute("data-done");
      if (action === "fill") {
        each(function (input) { input.value = value.value; });
      } else if (action === "scale") {
        var factor = number(value.value);
        if (factor === null) { say(panel.getAttribute("data-need-number")); return; }
        var whole = table.getAttribute("data-whole") === "true";
        each(function (input) {
          var n = number(input.value);
          if (n !== null) {
            var scaled = n * factor;
            input.value = whole ? String(Math.round(scaled)) : String(Math.round(scaled * 1000) / 1000);
          }
        });
      } else if (action === "copy-column") {
        var from = columnInputs(table, source.value);
        var to = columnInputs(table, column.value);
        to.forEach(function (input, i) { if (from[i]) { input.value = from[i].value; } });
      } else if (action === "copy-day") {
        if (!rowsPerDay) { return; }
        var inputs = columnInputs(table, column.value);
        inputs.forEach(function (input, i) {
          if (i >= rowsPerDay) { input.value = inputs[i % rowsPerDay].value; }
        });
      } else if (action === "copy-down") {
        var all = columnInputs(table, column.value);
        var start = parseInt(panel.querySelector("[data-role=from]").value || "1", 10) - 1;
        var first = all[Math.max(0, start)];
        each(function (input) { input.value = first.value; });
      }
      say(done);
    });
  }

  // -- YAML editor: go to the line a problem names, show where the cursor is ---------------
  function yamlEditor(area) {
    var where = document.getElementById("yaml-cursor");
    var template = where ? where.getAttribute("data-template") : "";

    function lineStart(text, line) {
      var index = 0;
      for (var i = 1; i < line; i += 1) {
        var next = text.indexOf("\n", index);
        if (next < 0) { return text.length; }
        index = next + 1;
      }
      return index;
    }

    function showCursor() {
      if (!where) { return; }
      var before = area.value.slice(0, area.selectionStart);
      var line = before.split("\n").length;
      var column = before.length - before.lastIndexOf("\n");
      where.textContent = template.replace("{line}", line).replace("{column}", column);
    }

    document.addEventListener("click", function (event) {
      var link = event.target.closest("[data-yaml-line]");
      if (!link) { return; }
      event.preventDefault();
      var line = parseInt(link.getAttribute("data-yaml-line"), 10);
      var start = lineStart(area.value, line);
      var end = area.value.indexOf("\n", start);
      area.focus();
      area.setSelectionRange(start, end < 0 ? area.value.length : end);
      var height = area.scrollHeight / Math.max(1, area.value.split("\n").length);
      area.scrollTop = Math.max(0, (line - 3) * height);
      showCursor();
    });
    ["keyup", "click", "select"].forEach(function (name) {
      area.addEventListener(name, showCursor);
    });
    showCursor();
  }

  var box = document.getElementById("job-progress");
  if (box) { progressPage(box); }
  Array.prototype.forEach.call(document.querySelectorAll(".table-helpers"), tableHelpers);
  var yaml = document.querySelector(".field.yaml textarea");
  if (yaml) { yamlEditor(yaml); }
})();
