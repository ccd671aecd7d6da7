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
    // A form being sent cannot be sent again: its buttons are disabled until the answer comes
    // (the server refuses a repeat as well: the form's one-time token). Disabled after this
    // event, so the clicked button's name and value are still sent.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") { return; }
      window.setTimeout(function () {
        form.querySelectorAll("button, input[type=submit]").forEach(function (button) {
          if (!button.disabled) { button.disabled = true; button.dataset.kkSubmitting = "1"; }
        });
      }, 0);
    });
    // Back to a page from the browser's cache: its buttons work again.
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("[data-kk-submitting]").forEach(function (button) {
        button.disabled = false;
        delete button.dataset.kkSubmitting;
      });
    });
  });
})();
