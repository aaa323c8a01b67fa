(function () {
  "use strict";
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
  // Click a records header to sort by that column; click again to reverse.
  var table = document.getElementById("records");
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
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, col, numeric), y = key(b, col, numeric);
        var c = numeric ? (x < y ? -1 : x > y ? 1 : 0) : String(x).localeCompare(String(y), "zh");
        return c * dir;  // Array.prototype.sort is stable: ties keep their order
      });
      rows.forEach(function (r) { body.appendChild(r); });
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    });
  });
})();
