// The skills page: on a wide screen the competency picker sits beside the results, so it is
// unfolded there; on a phone it stays folded once skills are chosen, and the results come first.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 801px)");
  document.querySelectorAll("details[data-unfold-when-wide]").forEach(function (details) {
    if (wide.matches) { details.open = true; }
  });
})();
