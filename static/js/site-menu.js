// The header's menu button on narrow screens (templates/base.html): a disclosure that shows and
// hides the site links. Loaded in <head> so the "js" class is set before the header is drawn:
// without JavaScript there is no button and the links simply stay in view.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    const button = document.querySelector(".site-menu-toggle");
    const menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    function setOpen(open) {
      button.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the menu and returns to its button, as with any disclosure.
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  });
})();
