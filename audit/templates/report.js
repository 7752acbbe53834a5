/* claims-audit report: filters, search and jumps between findings and text.
   Plain DOM only. It reads data- attributes and text content, never builds markup from them,
   and never evaluates strings, so text from audited documents stays text. */
(function () {
  "use strict";
  var bar = document.getElementById("filters");
  if (!bar) { return; }
  bar.hidden = false;  // without JavaScript the filters would do nothing, so they stay hidden

  var category = document.getElementById("filter-category");
  var severity = document.getElementById("filter-severity");
  var docFilter = document.getElementById("filter-document");
  var search = document.getElementById("filter-search");
  var status = document.getElementById("filter-status");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  var docs = Array.prototype.slice.call(document.querySelectorAll(".doc"));
  var pieces = Array.prototype.slice.call(document.querySelectorAll(".src [data-f]"));
  var haystack = new Map();
  cards.forEach(function (card) {
    var text = card.textContent + " " + (card.getAttribute("data-sentence") || "");
    haystack.set(card, text.toLowerCase());
  });

  function ids(el) { return el.getAttribute("data-f").split(" "); }

  function apply() {
    var cat = category.value, sev = severity.value, doc = docFilter.value;
    var query = search.value.trim().toLowerCase();
    var visible = new Set();
    cards.forEach(function (card) {
      var ok = (!cat || card.getAttribute("data-category") === cat) &&
        (!sev || card.getAttribute("data-severity") === sev) &&
        (!doc || card.getAttribute("data-doc") === doc) &&
        (!query || haystack.get(card).indexOf(query) !== -1);
      card.classList.toggle("filtered-out", !ok);
      if (ok) { visible.add(card.id); }
    });
    pieces.forEach(function (piece) {
      piece.classList.toggle("off", !ids(piece).some(function (id) { return visible.has(id); }));
    });
    var narrowed = Boolean(cat || sev || query);
    docs.forEach(function (section) {
      var other = Boolean(doc) && section.getAttribute("data-doc") !== doc;
      var empty = narrowed && !section.querySelector(".finding:not(.filtered-out)");
      section.classList.toggle("filtered-out", other || empty);
    });
    status.textContent = visible.size === cards.length
      ? "Showing all " + cards.length + " findings"
      : "Showing " + visible.size + " of " + cards.length + " findings";
  }

  [category, severity, docFilter].forEach(function (el) { el.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  document.getElementById("filter-reset").addEventListener("click", function () {
    category.value = ""; severity.value = ""; docFilter.value = ""; search.value = "";
    apply();
    search.focus();
  });
  document.getElementById("print").addEventListener("click", function () { window.print(); });

  // "/" focuses the search box, as on many sites; not while typing in a text field.
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target.tagName || "").toLowerCase();
    if (ev.key === "/" && tag !== "input" && tag !== "textarea" && !ev.target.isContentEditable) {
      ev.preventDefault();
      search.focus();
    }
  });

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest("button[data-show]");
    if (button) {  // from a finding to its sentence in the text
      var id = button.getAttribute("data-show");
      var hits = pieces.filter(function (p) { return ids(p).indexOf(id) !== -1; });
      if (hits.length) {
        hits[0].scrollIntoView({block: "center"});
        hits.forEach(function (p) { p.classList.add("flash"); });
        window.setTimeout(function () {
          hits.forEach(function (p) { p.classList.remove("flash"); });
        }, 1600);
      }
      return;
    }
    var piece = ev.target.closest(".src [data-f]");
    if (piece && !piece.classList.contains("off")) {  // from highlighted text to its finding
      var card = ids(piece).map(function (i) { return document.getElementById(i); })
        .filter(function (c) { return c && !c.classList.contains("filtered-out"); })[0];
      if (card) { card.scrollIntoView({block: "nearest"}); card.focus({preventScroll: true}); }
    }
  });

  // The page arrives unfiltered; filter only if the browser restored earlier choices.
  if (category.value || severity.value || docFilter.value || search.value) {
    apply();
  } else {
    status.textContent = "Showing all " + cards.length + " findings";
  }
}());
