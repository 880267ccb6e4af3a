// Planner pages: the run progress bar polls the job's JSON status until it is done.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var words = document.getElementById("status-words");
  var bar = document.getElementById("job-bar");
  var label = document.getElementById("job-status");
  var error = document.getElementById("job-error");

  function show(status) {
    bar.value = status.progress;
    bar.textContent = Math.round(status.progress * 100) + " %";
    label.textContent = words.getAttribute("data-" + status.status) || status.status;
    if (status.status === "done") {
      window.location.assign(status.url);
      return false;
    }
    if (status.status === "failed") {
      error.hidden = false;
      error.textContent = status.error || "";
      return false;
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
})();
