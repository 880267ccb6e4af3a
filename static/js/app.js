// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select.auto-submit")) {
    select.addEventListener("change", () => select.form.submit());
  }
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // A download that takes a while (PDF reports): say so at once, count the seconds, and say
  // when it is ready or failed, instead of a click that seems to do nothing.
  const texts = document.body.dataset;
  for (const link of document.querySelectorAll("a[data-wait]")) {
    link.addEventListener("click", async (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      if (link.getAttribute("aria-busy") === "true") return;
      let status = link.nextElementSibling;
      if (!status || !status.classList.contains("wait-status")) {
        status = document.createElement("span");
        status.className = "wait-status";
        status.setAttribute("role", "status");
        link.after(status);
      }
      status.classList.remove("error");
      link.setAttribute("aria-busy", "true");
      const started = Date.now();
      const tick = () => {
        const seconds = Math.round((Date.now() - started) / 1000);
        status.textContent = " " + texts.waitText.replace("{s}", seconds);
      };
      tick();
      const timer = setInterval(tick, 1000);
      try {
        const response = await fetch(link.href, { credentials: "same-origin" });
        if (!response.ok) throw new Error(String(response.status));
        const blob = await response.blob();
        const header = response.headers.get("Content-Disposition") || "";
        const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
        const plain = /filename="?([^";]+)"?/i.exec(header);
        const name = encoded ? decodeURIComponent(encoded[1]) : (plain ? plain[1] : "download");
        const url = URL.createObjectURL(blob);
        const save = document.createElement("a");
        save.href = url;
        save.download = name;
        document.body.append(save);
        save.click();
        save.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        status.textContent = " " + texts.waitDone;
      } catch (error) {
        status.textContent = " " + texts.waitFailed;
        status.classList.add("error");
      } finally {
        clearInterval(timer);
        link.removeAttribute("aria-busy");
      }
    });
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
});
