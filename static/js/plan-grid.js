// Live sums for the financing plan grid. The server checks everything again; this only helps.
(function () {
  const table = document.getElementById("plan-grid");
  if (!table) return;
  const live = document.getElementById("plan-live");

  function parse(text) {
    let v = (text || "").replace(/[\s\u00a0€]/g, "");
    if (!v) return 0;
    if (v.includes(",")) v = v.replace(/\./g, "").replace(",", ".");
    else if (/^\d{1,3}(\.\d{3})+$/.test(v)) v = v.replace(/\./g, "");
    const n = Number(v);
    return Number.isFinite(n) ? Math.round(n * 100) : NaN;
  }
  function fmt(cents) {
    if (Number.isNaN(cents)) return "–";
    const sign = cents < 0 ? "-" : "";
    const abs = Math.abs(cents);
    const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return sign + whole + "," + String(abs % 100).padStart(2, "0") + " €";
  }
  function recalc() {
    const years = table.querySelectorAll("thead th").length - 2;
    const sums = { expenditure: Array(years).fill(0), financing: Array(years).fill(0) };
    table.querySelectorAll("tbody tr[data-kind]").forEach((row) => {
      const kind = row.dataset.kind;
      if (kind === "positions") return;
      let rowSum = 0;
      row.querySelectorAll("input").forEach((input, i) => {
        const cents = parse(input.value);
        rowSum += cents;
        sums[kind][i] += cents;
      });
      const cell = row.querySelector("[data-row-sum]");
      if (cell) cell.textContent = fmt(rowSum);
    });
    let unbalanced = [];
    const heads = table.querySelectorAll("thead th");
    ["expenditure", "financing", "difference"].forEach((kind) => {
      let total = 0;
      for (let i = 0; i < years; i++) {
        const value = kind === "difference" ? sums.expenditure[i] - sums.financing[i] : sums[kind][i];
        total += value;
        const cell = table.querySelector(`[data-sum="${kind}"][data-year="${i}"]`);
        if (cell) cell.textContent = fmt(value);
        if (kind === "difference" && value !== 0 && !Number.isNaN(value)) unbalanced.push(heads[i + 1].textContent);
      }
      const cell = table.querySelector(`[data-sum="${kind}"][data-year="all"]`);
      if (cell) cell.textContent = fmt(total);
    });
    if (live) live.textContent = unbalanced.length ? live.dataset.unbalanced + " " + unbalanced.join(", ") : live.dataset.balanced;
  }
  table.addEventListener("input", recalc);
  recalc();
})();
