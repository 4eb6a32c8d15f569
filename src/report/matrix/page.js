// Sorting, filtering and search for the compliance matrix. The page is
// complete without it: the controls stay hidden when scripts are off.
(function () {
  "use strict";
  var table = document.getElementById("matrix");
  if (!table) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var planText = [], allText = [], states = [];
  rows.forEach(function (r, i) {
    planText[i] = r.cells[0].textContent.toLowerCase();
    allText[i] = r.textContent.toLowerCase();
    var s = {};
    r.querySelectorAll("td[data-state]").forEach(function (td) { s[td.getAttribute("data-p")] = td.getAttribute("data-state"); });
    states[i] = s;
  });
  var form = document.getElementById("controls");
  var fp = document.getElementById("f-principle");
  var fplan = document.getElementById("f-plan");
  var fstate = document.getElementById("f-state");
  var fsearch = document.getElementById("f-search");
  var count = document.getElementById("f-count");
  var filterStyle = document.createElement("style");
  document.head.appendChild(filterStyle);
  form.hidden = false;

  function apply() {
    var p = fp.value;
    filterStyle.textContent = p
      ? "[data-p]:not([data-p=\"" + CSS.escape(p) + "\"]){display:none}"
      : "";
    var q = fplan.value.trim().toLowerCase();
    var st = fstate.value;
    var s = fsearch.value.trim().toLowerCase();
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = (!q || planText[i].indexOf(q) >= 0) && (!s || allText[i].indexOf(s) >= 0);
      if (ok && st) {
        var cellStates = states[i];
        if (p) {
          ok = cellStates[p] === st;
        } else {
          ok = false;
          for (var k in cellStates) { if (cellStates[k] === st) { ok = true; break; } }
        }
      }
      rows[i].hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = shown === rows.length
      ? rows.length + " plans"
      : "Showing " + shown + " of " + rows.length + " plans";
  }
  [fp, fstate].forEach(function (el) { el.addEventListener("change", apply); });
  [fplan, fsearch].forEach(function (el) { el.addEventListener("input", apply); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });

  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      Array.prototype.forEach.call(heads, function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir);
      var numeric = th.getAttribute("data-type") === "num";
      var keyed = rows.map(function (r) {
        var c = r.cells[col];
        var k = c ? c.getAttribute("data-key") || "" : "";
        return { r: r, k: numeric ? parseFloat(k) || 0 : k, i: +r.getAttribute("data-i") };
      });
      keyed.sort(function (a, b) {
        var c = numeric ? a.k - b.k : a.k.localeCompare(b.k, undefined, { numeric: true });
        if (dir === "descending") c = -c;
        return c || a.i - b.i;
      });
      var frag = document.createDocumentFragment();
      keyed.forEach(function (x) { frag.appendChild(x.r); });
      tbody.appendChild(frag);
    });
  });

  // Print with every cell open; restore afterwards.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) { d.open = true; return true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  apply();
})();
