// The menu button on narrow screens, the one thing Bootstrap's JavaScript did here (an
// 80 KB bundle on every page). Bootstrap's CSS shows a `.collapse` that has `.show`.
(function () {
  "use strict";

  function setOpen(button, open) {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    menu.classList.toggle("show", open);
    button.setAttribute("aria-expanded", String(open));
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-nav-toggle]");
    if (button) setOpen(button, button.getAttribute("aria-expanded") !== "true");
  });

  // Escape closes an open menu and puts focus back on its button.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const button = document.querySelector("[data-nav-toggle][aria-expanded='true']");
    if (!button) return;
    setOpen(button, false);
    button.focus();
  });
})();
