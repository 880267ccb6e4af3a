// Assign form: show only the fields that belong to the chosen target (department or people).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.assign-form");
  if (!form) return;
  const sync = () => {
    const chosen = form.querySelector("input[name=target]:checked");
    for (const block of form.querySelectorAll("[data-target]")) {
      block.hidden = !chosen || block.dataset.target !== chosen.value;
    }
  };
  for (const radio of form.querySelectorAll("input[name=target]")) {
    radio.addEventListener("change", sync);
  }
  sync();
});
