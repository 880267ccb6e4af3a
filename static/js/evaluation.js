// Effectiveness pages: tell the reader that the PDF takes a few seconds, and follow the
// background simulation's progress (the page reloads itself once the result is stored).
(function () {
  "use strict";

  function setUpPdfButton() {
    var button = document.getElementById("download-pdf");
    if (!button) { return; }
    button.addEventListener("click", function () {
      button.setAttribute("aria-busy", "true");
      window.setTimeout(function () { button.removeAttribute("aria-busy"); }, 8000);
    });
  }

  function setUpImpactProgress() {
    var box = document.getElementById("impact-progress");
    if (!box || !window.fetch) { return; }
    var bar = document.getElementById("impact-bar");
    var percent = document.getElementById("impact-percent");
    function poll() {
      fetch(box.dataset.statusUrl, { headers: { "Accept": "application/json" },
                                     credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (status) {
          bar.value = status.progress;
          percent.textContent = Math.round(status.progress * 100) + "%";
          if (status.status === "done" || status.status === "failed") {
            window.location.reload();
            return;
          }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpPdfButton();
    setUpImpactProgress();
  });
})();
