// Search boxes with data-autocomplete-url (the header's, the home page's, the search page's)
// suggest credentials and competencies as a WAI-ARIA combobox: arrow keys move, Enter opens,
// Escape closes. Progressive enhancement: without it each box is a plain search form.
(function () {
  "use strict";

  document.querySelectorAll("input[data-autocomplete-url]").forEach(function (input, index) {
    // The suggestions hang below the box, positioned against a wrapper: the header's and the
    // home page's boxes have none in their markup, so one is added around them here.
    if (!input.parentNode.classList.contains("autocomplete")) {
      var wrapper = document.createElement("div");
      wrapper.className = "autocomplete";
      input.parentNode.insertBefore(wrapper, input);
      wrapper.appendChild(input);
    }
    var listId = "autocomplete-list-" + index;
    var list = document.createElement("ul");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.className = "autocomplete__list";
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var active = -1, timer = null, items = [];

    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(next) {
      if (!items.length) { return; }
      active = (next + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    }
    function render(results) {
      list.innerHTML = ""; items = [];
      results.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.url = result.url;
        var kind = document.createElement("span");
        kind.className = "autocomplete__kind";
        kind.textContent = result.type === "competency" ? "Skill" : "Credential";
        option.appendChild(kind);
        option.appendChild(document.createTextNode(" " + result.label));
        option.addEventListener("mousedown", function (event) { event.preventDefault(); window.location = result.url; });
        list.appendChild(option); items.push(option);
      });
      list.hidden = !items.length;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(input.dataset.autocompleteUrl + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { if (input.value.trim() === text) { render(data.results); } })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0 && !list.hidden) {
        event.preventDefault(); window.location = items[active].dataset.url;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  });
})();
