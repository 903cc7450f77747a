// The print header (templates/base.html, shown only in print) names the page as its title does –
// on a case's pages the file reference – before the print date.
(function () {
  "use strict";
  var header = document.querySelector("[data-print-title]");
  if (header) {
    var title = document.title.split(" · ").slice(0, -1).join(" · ") || document.title;
    header.textContent = title + " – " + header.textContent;
  }
})();
