// The payments queue (templates/grants/payment_queue.html): a checkbox in the table head selects or
// clears every row's checkbox of the same form. Progressive enhancement: without JavaScript the rows
// are ticked one by one.
(function () {
  for (const master of document.querySelectorAll("input[data-select-all]")) {
    const form = master.getAttribute("data-select-all");
    const boxes = () => document.querySelectorAll('input[type="checkbox"][form="' + form + '"]');
    master.hidden = false;
    master.addEventListener("change", () => { for (const box of boxes()) box.checked = master.checked; });
    for (const box of boxes()) {
      box.addEventListener("change", () => {
        const all = Array.from(boxes());
        master.checked = all.every((b) => b.checked);
        master.indeterminate = !master.checked && all.some((b) => b.checked);
      });
    }
  }
})();
