// As-you-type suggestions for any <input> or <textarea> with data-suggest="URL": answered questions that may
// already hold the answer. Without JavaScript the form still searches.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var timer = null, latest = 0;
    function show(items) {
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.url;
        a.textContent = item.title;
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }
    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < 3) { show([]); return; }
      var ticket = ++latest;
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) { if (ticket === latest) show(data.suggestions || []); })
        .catch(function () { show([]); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") show([]); });
  }
  document.querySelectorAll("[data-suggest]").forEach(attach);
})();
