// The recommendation form (templates/grants/review_recommend.html): progressive enhancement that keeps
// the total in step with the typed amounts (German format).
(function () {
  const inputs = document.querySelectorAll('input[data-amount="recommended"]');
  const output = document.getElementById("empfohlen-summe");
  // Integer cents throughout; no floating point near an amount.
  const parse = (text) => {
    let v = text.replace(/[\s\u00a0€]/g, "");
    if (v.includes(",")) v = v.replace(/\./g, "").replace(",", ".");
    else if (/^\d{1,3}(\.\d{3})+$/.test(v)) v = v.replace(/\./g, "");
    const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(v);
    return m ? Number(m[1]) * 100 + Number((m[2] || "").padEnd(2, "0")) : NaN;
  };
  const format = (cents) => {
    const whole = String(Math.trunc(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return whole + "," + String(cents % 100).padStart(2, "0") + " €";
  };
  const update = () => {
    let sum = 0;
    for (const input of inputs) { const c = parse(input.value); if (isNaN(c)) { output.textContent = "–"; return; } sum += c; }
    output.textContent = format(sum);
  };
  inputs.forEach((input) => input.addEventListener("input", update));
})();
