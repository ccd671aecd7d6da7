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
    // Date fields are text boxes in ISO form (2026-12-24, 2026-12-24 09.30), whatever language
    // the browser speaks (its own date inputs show 12/24/2026 in an American-English browser).
    // A calendar button beside each opens the browser's own picker (phones need it) on a
    // hidden native input, and writes the chosen date back in the field's format.
    function two(n) { return (n < 10 ? "0" : "") + n; }
    function formatted(pattern, native) {
      var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(native);
      if (!m) { return ""; }
      return pattern.replace("%Y", m[1]).replace("%m", m[2]).replace("%d", m[3])
        .replace("%H", m[4] || "00").replace("%M", m[5] || "00");
    }
    function nativeValue(kind, text) {
      var m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})[.:](\d{2}))?/.exec(text);
      if (!m) { return ""; }
      var day = m[1] + "-" + two(+m[2]) + "-" + two(+m[3]);
      return kind === "date" ? day : day + "T" + two(+(m[4] || 0)) + ":" + (m[5] || "00");
    }
    document.querySelectorAll("input[data-kk-date]").forEach(function (field) {
      var kind = field.dataset.kkDate;  // "date" or "datetime-local"
      var pattern = field.dataset.kkFormat || "%Y-%m-%d";
      var group = document.createElement("div");
      group.className = "input-group kk-date-group";
      field.parentNode.insertBefore(group, field);
      group.appendChild(field);
      var native = document.createElement("input");
      native.type = kind;
      native.tabIndex = -1;
      native.className = "kk-date-native";
      native.setAttribute("aria-hidden", "true");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-secondary kk-date-button";
      button.setAttribute("aria-label", field.dataset.kkPickerLabel || "");
      button.innerHTML = '<i class="bi bi-calendar3" aria-hidden="true"></i>';
      group.appendChild(button);
      group.appendChild(native);
      if (field.disabled) { button.disabled = true; }
      button.addEventListener("click", function () {
        native.value = nativeValue(kind, field.value);
        try { native.showPicker(); } catch (error) { native.focus(); native.click(); }
      });
      native.addEventListener("change", function () {
        if (!native.value) { return; }
        field.value = formatted(pattern, native.value);
        field.dispatchEvent(new Event("change", { bubbles: true }));
        field.focus();
      });
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
