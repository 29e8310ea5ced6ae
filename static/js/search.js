// Progressive enhancement for the search page; everything works without it.
// Facet checkboxes and the sort menu apply at once (the buttons stay for no-JS users).
// The boxes and the menu always show what the URL asks for, also after Back and Forward: the
// forms have autocomplete="off" (no restored ticks), and a page the browser brings back from
// its back/forward cache is reset to what the server rendered for its URL.
// (The search boxes' suggestions are autocomplete.js, on every page.)
(function () {
  "use strict";

  document.querySelectorAll("form[data-facets], form[data-sort]").forEach(function (form) {
    form.addEventListener("change", function () { form.submit(); });
    var button = form.querySelector("button[type=submit]");
    if (button) { button.classList.add("visually-hidden"); }
  });

  function showWhatTheUrlAsks() {
    document.querySelectorAll("form[data-facets] input[type=checkbox]").forEach(function (box) {
      box.checked = box.defaultChecked;
    });
    document.querySelectorAll("form[data-sort] option").forEach(function (option) {
      option.selected = option.defaultSelected;
    });
  }
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { showWhatTheUrlAsks(); }
  });
})();
