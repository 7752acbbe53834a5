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
  var newOnly = document.getElementById("filter-new");  // only when a baseline was used
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
        (!query || haystack.get(card).indexOf(query) !== -1) &&
        !(newOnly && newOnly.checked && card.getAttribute("data-baseline") === "unchanged");
      card.classList.toggle("filtered-out", !ok);
      if (ok) { visible.add(card.id); }
    });
    pieces.forEach(function (piece) {
      piece.classList.toggle("off", !ids(piece).some(function (id) { return visible.has(id); }));
    });
    var narrowed = Boolean(cat || sev || query || (newOnly && newOnly.checked));
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
  if (newOnly) { newOnly.addEventListener("change", apply); }
  document.getElementById("filter-reset").addEventListener("click", function () {
    category.value = ""; severity.value = ""; docFilter.value = ""; search.value = "";
    if (newOnly) { newOnly.checked = false; }
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
      // An HTML document shows its readable text, its source folded: jump to what is shown.
      var shown = hits.filter(function (p) { return p.offsetParent !== null; });
      if (shown.length) { hits = shown; }
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

  // A pane cut by its height says there is more below (a line and a shadow), until the end.
  var panes = Array.prototype.slice.call(document.querySelectorAll(".src-pane, .findings"));
  function markMore(pane) {
    var more = pane.scrollHeight - pane.scrollTop - pane.clientHeight > 4;
    pane.classList.toggle("more-below", more);
  }
  panes.forEach(function (pane) {
    pane.addEventListener("scroll", function () { markMore(pane); }, {passive: true});
    markMore(pane);
  });
  window.addEventListener("resize", function () { panes.forEach(markMore); });
  bar.addEventListener("change", function () { panes.forEach(markMore); });
  bar.addEventListener("input", function () { panes.forEach(markMore); });
  document.addEventListener("toggle", function () { panes.forEach(markMore); }, true);

  // The page arrives unfiltered; filter only if the browser restored earlier choices.
  if (category.value || severity.value || docFilter.value || search.value) {
    apply();
  } else {
    status.textContent = "Showing all " + cards.length + " findings";
  }

  // --- Review decisions ------------------------------------------------------------------
  // One decision per finding card, kept in localStorage under the report id (so reopening
  // this report finds them) and exported as a decisions file for `--decisions FILE`.
  // A card that arrived with a decision (data-decision) starts from it.
  var FIELDS = ["reason", "reference", "reviewer", "comment"];

  function isoNow() { return new Date().toISOString().replace(/\.\d{3}Z$/, "Z"); }

  function decisionStore(reportId) {
    var key = "claims-audit:decisions:" + reportId;
    var saved = {};
    try {
      var data = JSON.parse(window.localStorage.getItem(key) || "{}");
      saved = data && typeof data === "object" ? data : {};
    } catch (e) { saved = {}; }
    return {
      get: function (card) {
        var fp = card.getAttribute("data-fingerprint");
        if (Object.prototype.hasOwnProperty.call(saved, fp)) { return saved[fp]; }
        var d = card.getAttribute("data-decision");
        if (!d) { return null; }
        var out = {decision: d, time: card.getAttribute("data-time") || ""};
        FIELDS.forEach(function (f) { out[f] = card.getAttribute("data-" + f) || ""; });
        return out;
      },
      put: function (card, entry) {
        saved[card.getAttribute("data-fingerprint")] = entry;
        try { window.localStorage.setItem(key, JSON.stringify(saved)); } catch (e) { /* full */ }
      }
    };
  }

  function addControls(card, template) {
    var box = card.querySelector(".decide");
    box.appendChild(template.content.cloneNode(true));
    box.querySelectorAll("input[type=radio]").forEach(function (r) {
      r.name = card.id + "-decision";
    });
    box.querySelectorAll("[data-field]").forEach(function (el) {
      el.id = card.id + "-" + el.getAttribute("data-field");
    });
    box.querySelectorAll("label[data-for]").forEach(function (label) {
      label.htmlFor = card.id + "-" + label.getAttribute("data-for");
    });
  }

  function field(card, name) { return card.querySelector("[data-field=" + name + "]"); }

  function describe(entry) {
    if (!entry || !entry.decision) { return "\u2610 accepted \u2610 needs edit \u2610 dismissed"; }
    var text = entry.decision + (entry.reason ? ": " + entry.reason : "");
    if (entry.reference) { text += " [" + entry.reference + "]"; }
    text += " (" + (entry.reviewer || "no reviewer") + ", " + (entry.time || "") + ")";
    return text + (entry.comment ? " \u2014 " + entry.comment : "");
  }

  function showState(card, entry) {
    var decision = entry ? entry.decision : "";
    card.querySelector(".decision-state").textContent = decision || "none";
    card.querySelector(".decision-text").textContent = describe(entry);
    card.classList.toggle("decided", Boolean(decision));
  }

  function fillControls(card, entry) {
    var decision = entry ? entry.decision : "";
    card.querySelectorAll("input[type=radio]").forEach(function (r) {
      r.checked = r.value === decision;
    });
    FIELDS.forEach(function (f) { field(card, f).value = entry ? entry[f] || "" : ""; });
    showState(card, entry);
  }

  function readControls(card, name) {
    var checked = card.querySelector("input[type=radio]:checked");
    var entry = {decision: checked ? checked.value : ""};
    var reviewer = field(card, "reviewer");
    if (entry.decision && !reviewer.value.trim()) { reviewer.value = name; }
    FIELDS.forEach(function (f) { entry[f] = field(card, f).value.trim(); });
    entry.time = isoNow();
    return entry;
  }

  function decisionsFile(cards, store, name) {
    var decisions = [], unnamed = 0;
    cards.forEach(function (card) {
      var entry = store.get(card);
      if (!entry || !entry.decision) { return; }
      var reviewer = entry.reviewer || name;
      if (!reviewer) { unnamed += 1; return; }
      decisions.push({
        fingerprint: card.getAttribute("data-fingerprint"),
        rule: card.getAttribute("data-rule"),
        path: card.getAttribute("data-path"),
        sentence: card.getAttribute("data-sentence"),
        decision: entry.decision,
        reason: entry.reason || "",
        reference: entry.reference || "",
        reviewer: reviewer,
        time: entry.time || isoNow(),
        comment: entry.comment || ""
      });
    });
    return {decisions: decisions, unnamed: unnamed};
  }

  function download(name, text) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], {type: "application/json"}));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
  }

  function review(cards) {
    var root = document.documentElement;
    var reportId = root.getAttribute("data-report-id") || "";
    var store = decisionStore(reportId);
    var nameBox = document.getElementById("review-name");
    var reviewStatus = document.getElementById("review-status");
    function name() { return nameBox.value.trim(); }

    nameBox.value = window.localStorage.getItem("claims-audit:reviewer") || "";
    nameBox.addEventListener("input", function () {
      try { window.localStorage.setItem("claims-audit:reviewer", name()); } catch (e) { /* full */ }
    });
    var template = document.getElementById("decide-template");
    cards.forEach(function (card) {
      addControls(card, template);
      fillControls(card, store.get(card));
      var box = card.querySelector(".decide");
      function record() {
        var entry = readControls(card, name());
        store.put(card, entry);
        showState(card, entry);
      }
      box.addEventListener("change", record);
      box.addEventListener("input", function (ev) {
        if (ev.target.matches("input[type=text], textarea")) { record(); }
      });
    });
    document.getElementById("export-decisions").addEventListener("click", function () {
      var out = decisionsFile(cards, store, name());
      if (out.unnamed) {
        reviewStatus.textContent = out.unnamed + " decision(s) have no reviewer: " +
          "type your name in the Reviewer box, then export again.";
        nameBox.focus();
        return;
      }
      var file = {
        schema_version: 1,
        tool: {name: "claims-audit", version: root.getAttribute("data-version") || ""},
        report_id: reportId,
        decisions: out.decisions
      };
      var fileName = "decisions-" + reportId + ".json";
      download(fileName, JSON.stringify(file, null, 2) + "\n");
      reviewStatus.textContent = "Exported " + out.decisions.length + " decision(s) to " +
        fileName + ".";
    });
  }

  review(cards);
}());
