// The top bar's search box (templates/search/_box.html): live results as one types, fetched as
// an HTML fragment from the server (search.views.SearchLiveView), and keyboard use: arrow keys
// move through the results (aria-activedescendant keeps the focus in the box), Enter opens the
// chosen one or, with none chosen, submits the form to the full results page; Escape closes.
(function () {
  "use strict";
  var input = document.getElementById("kk-search-input");
  var listbox = document.getElementById("kk-search-listbox");
  if (!input || !listbox) { return; }
  var url = input.dataset.liveUrl;
  var timer = null;
  var active = -1;
  var latest = "";
  var MIN_LENGTH = 2;

  function options() {
    return Array.prototype.slice.call(
      listbox.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
  }
  function open() {
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }
  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function highlight(index) {
    var all = options();
    if (!all.length) { return; }
    active = (index + all.length) % all.length;
    all.forEach(function (option, i) {
      var on = i === active;
      option.setAttribute("aria-selected", on ? "true" : "false");
      option.classList.toggle("active", on);
    });
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }
  function fetchResults(text) {
    latest = text;
    fetch(url + "?q=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { "Accept": "text/html" }
    }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (html) {
      // A slower answer to an earlier text must not replace the current one.
      if (text !== latest || input.value.trim() !== text) { return; }
      // The fragment is rendered (and escaped) by the server's template.
      listbox.innerHTML = html;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (html.trim()) { open(); } else { close(); }
    }).catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < MIN_LENGTH) { latest = ""; close(); return; }
    timer = window.setTimeout(function () { fetchResults(text); }, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (listbox.hidden) {
        if (options().length) { open(); } else { return; }
      }
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && !listbox.hidden && active >= 0) {
      var chosen = options()[active];
      if (chosen && chosen.href) {
        event.preventDefault();
        window.location.assign(chosen.href);
      }
    } else if (event.key === "Escape") {
      if (!listbox.hidden) { event.preventDefault(); close(); }
    }
  });
  input.addEventListener("focus", function () {
    if (options().length && input.value.trim().length >= MIN_LENGTH) { open(); }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("#kk-search-form")) { close(); }
  });
  document.addEventListener("keydown", function (event) {
    // "/" jumps to the search box from anywhere but a field (as in many web applications).
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey &&
        tag !== "input" && tag !== "textarea" && tag !== "select" && !event.target.isContentEditable) {
      event.preventDefault();
      input.focus();
    }
  });
})();
