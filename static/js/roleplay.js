// Role-play pages: reveal spare criterion rows in the rubric builder, and show the running
// total on the scoring form. Everything works without this script; it only saves clicks.
(function () {
  "use strict";

  function setUpBuilder() {
    var button = document.getElementById("add-criterion");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var next = document.querySelector(".criterion-block[hidden]");
      if (next) {
        next.hidden = false;
        var first = next.querySelector("input");
        if (first) { first.focus(); }
      }
      if (!document.querySelector(".criterion-block[hidden]")) { button.hidden = true; }
    });
  }

  function setUpScoreTotal() {
    var form = document.querySelector(".score-form");
    var out = document.querySelector(".score-total");
    if (!form || !out) { return; }
    var max = parseFloat(out.dataset.max), min = parseFloat(out.dataset.min);
    function update() {
      var total = 0, chosen = 0;
      form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
        total += parseFloat(input.value);
        chosen += 1;
      });
      var blocks = form.querySelectorAll("fieldset.criterion").length;
      var share = max > min ? Math.round(100 * (total - min) / (max - min)) : 0;
      out.textContent = total + " / " + max + " (" + share + "%) · " + chosen + "/" + blocks;
    }
    form.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpBuilder();
    setUpScoreTotal();
  });
})();
