// Wide tables on narrow screens: every table in the page's main part scrolls sideways inside its
// own box (div.table-scroll) instead of widening the page. A box that really scrolls becomes a
// labelled region that takes the keyboard focus (tabindex=0), so it can be scrolled with the
// arrow keys (WCAG 2.1.1); a box that fits is left plain. The templates' own boxes
// (.table-responsive) are treated alike unless they carry their own role and label.
(function () {
  "use strict";
  var script = document.currentScript;
  var suffix = (script && script.dataset.labelSuffix) || "";
  var fallback = (script && script.dataset.labelFallback) || "";

  function labelFor(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim();
    }
    var node = table;
    while (node && node.tagName !== "MAIN") {
      var previous = node.previousElementSibling;
      while (previous) {
        if (/^H[1-6]$/.test(previous.tagName)) {
          return previous.textContent.trim();
        }
        var inner = previous.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inner.length) {
          return inner[inner.length - 1].textContent.trim();
        }
        previous = previous.previousElementSibling;
      }
      node = node.parentElement;
    }
    return fallback;
  }

  var boxes = [];
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.closest(".table-scroll, .table-responsive")) {
      return;
    }
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.dataset.label = labelFor(table) + suffix;
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    boxes.push(box);
  });

  document.querySelectorAll("main .table-responsive:not([role])").forEach(function (box) {
    var table = box.querySelector("table");
    box.dataset.label = (table ? labelFor(table) : fallback) + suffix;
    boxes.push(box);
  });

  function update() {
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", box.dataset.label);
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  update();
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 100);
  });
  window.addEventListener("beforeprint", update);
})();
