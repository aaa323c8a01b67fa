(function () {
  "use strict";
  var text = document.getElementById("text");
  // Open the text at its first figure, not at the blank lines a PDF may start with.
  var first = text.querySelector("mark.pe-ent[data-value]");
  if (first) { text.scrollTop = Math.max(0, first.offsetTop - 40); }

  // Hovering a value or a link outlines the value and its indicator.
  function marks(el) {
    var ids = [el.getAttribute("data-value"), el.getAttribute("data-indicator")];
    return ids.filter(Boolean).map(function (id) { return document.getElementById(id); }).filter(Boolean);
  }
  function toggle(el, on) {
    marks(el).forEach(function (m) { m.classList.toggle("pe-active", on); });
  }
  document.querySelectorAll("[data-indicator]").forEach(function (el) {
    el.addEventListener("mouseenter", function () { toggle(el, true); });
    el.addEventListener("mouseleave", function () { toggle(el, false); });
  });

  // A click on anything with data-target (a record row, a link, a finding's span) scrolls the
  // text to that mark and flashes it.
  function show(id) {
    var mark = document.getElementById(id);
    if (!mark) { return; }
    mark.scrollIntoView({ block: "center" });
    mark.classList.remove("pe-flash");
    void mark.offsetWidth;  // restart the animation
    mark.classList.add("pe-flash");
  }
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-target]");
    if (el) { event.preventDefault(); show(el.getAttribute("data-target")); }
  });
  text.addEventListener("animationend", function (event) { event.target.classList.remove("pe-flash"); });

  // Filter the records by type and by a piece of their indicator.
  var table = document.getElementById("records");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var byType = document.getElementById("filter-type");
  var byIndicator = document.getElementById("filter-indicator");
  var count = document.getElementById("filter-count");
  var indicatorColumn = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent; }).indexOf("indicator");
  function filter() {
    var type = byType.value, part = byIndicator.value.trim(), shown = 0;
    rows.forEach(function (row) {
      var keep = (!type || row.getAttribute("data-label") === type) &&
        (!part || row.cells[indicatorColumn].textContent.indexOf(part) >= 0);
      row.hidden = !keep;
      shown += keep ? 1 : 0;
    });
    count.textContent = shown + " of " + rows.length + " records";
  }
  byType.addEventListener("change", filter);
  byIndicator.addEventListener("input", filter);
  filter();

  // Click a records header to sort by that column; click again to reverse.
  var headers = table.querySelectorAll("thead th");
  function key(row, col, numeric) {
    var raw = row.cells[col].getAttribute("data-sort");
    if (!numeric) { return raw; }
    return raw === "" ? -Infinity : parseFloat(raw);
  }
  headers.forEach(function (th, col) {
    th.addEventListener("click", function () {
      var numeric = th.getAttribute("data-type") === "number";
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      var body = table.tBodies[0];
      var sorted = Array.prototype.slice.call(body.rows);
      sorted.sort(function (a, b) {
        var x = key(a, col, numeric), y = key(b, col, numeric);
        var c = numeric ? (x < y ? -1 : x > y ? 1 : 0) : String(x).localeCompare(String(y), "zh");
        return c * dir;  // Array.prototype.sort is stable: ties keep their order
      });
      sorted.forEach(function (r) { body.appendChild(r); });
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    });
  });
})();
