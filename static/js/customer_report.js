// The customer report: "tick all on this page" for the bulk actions (no inline script: CSP).
(function () {
  "use strict";
  document.querySelectorAll("input[data-kk-check-all]").forEach(function (master) {
    var name = master.dataset.kkCheckAll;
    master.addEventListener("change", function () {
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = master.checked;
      });
    });
  });
})();

// The filter column can be hidden to give the table the page's width; the choice is kept.
(function () {
  "use strict";
  var button = document.getElementById("report-filter-toggle");
  var layout = document.getElementById("report-layout");
  if (!button || !layout) { return; }
  var KEY = "kundkort.report.filtersHidden";
  function apply(hidden) {
    layout.classList.toggle("kk-filters-hidden", hidden);
    button.setAttribute("aria-expanded", hidden ? "false" : "true");
    button.querySelector("span").textContent = hidden ? button.dataset.labelShow : button.dataset.labelHide;
  }
  var stored = false;
  try { stored = window.localStorage.getItem(KEY) === "1"; } catch (e) { stored = false; }
  apply(stored);
  button.hidden = false;
  button.addEventListener("click", function () {
    var hidden = !layout.classList.contains("kk-filters-hidden");
    apply(hidden);
    try { window.localStorage.setItem(KEY, hidden ? "1" : "0"); } catch (e) { /* private mode */ }
  });
})();
