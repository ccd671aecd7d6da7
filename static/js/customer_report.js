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
