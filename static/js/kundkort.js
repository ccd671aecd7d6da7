// Kundkort's own behaviour. No inline script anywhere (Content Security Policy), so pages
// mark elements with classes or data attributes and this file wires them up.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // Selects that submit their form when changed (language switcher, filters).
    document.querySelectorAll("select.kk-autosubmit").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    // A table wider than the screen scrolls inside its box; the box takes the focus so that
    // keyboard users can scroll it too (WCAG 2.1.1).
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
      }
    });
    // Buttons that ask before a destructive submit: data-kk-confirm="Question?"
    document.addEventListener("submit", function (event) {
      var button = event.submitter;
      var message = (button && button.dataset.kkConfirm) || event.target.dataset.kkConfirm;
      if (message && !window.confirm(message)) { event.preventDefault(); }
    });
  });
})();
