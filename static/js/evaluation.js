// Effectiveness pages: tell the reader that the PDF and the simulation take a few seconds.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("download-pdf");
    if (!button) { return; }
    button.addEventListener("click", function () {
      button.setAttribute("aria-busy", "true");
      window.setTimeout(function () { button.removeAttribute("aria-busy"); }, 8000);
    });
  });
})();
