// A visible busy state for forms whose action takes seconds (rendering a notice as PDF, starting a
// document job): mark the form `data-busy="Bescheid wird erzeugt …"`. On submit its button is
// disabled and shows a spinner, and the text is announced in the form's live region. A second click
// sends nothing (the one-time form token would refuse it anyway). Loaded by base.html; no inline
// code or style (strict CSP); without JavaScript the form works as before.
(function () {
  "use strict";
  const RESET_AFTER_MS = 30000; // a download keeps the page: give the button back

  const statusOf = (form) => {
    let status = form.querySelector("[data-busy-status]");
    if (!status) {
      status = document.createElement("span");
      status.setAttribute("data-busy-status", "");
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      status.className = "busy-status small";
      form.appendChild(status);
    }
    return status;
  };

  const reset = (form) => {
    delete form.dataset.busyActive;
    form.querySelectorAll("[data-busy-copy]").forEach((input) => input.remove());
    form.querySelectorAll("[data-busy-spinner]").forEach((spinner) => spinner.remove());
    form.querySelectorAll("[data-busy-disabled]").forEach((button) => {
      button.disabled = false;
      button.removeAttribute("data-busy-disabled");
      button.removeAttribute("aria-busy");
    });
    statusOf(form).textContent = "";
  };

  const prepare = () => document.querySelectorAll("form[data-busy]").forEach(statusOf);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", prepare);
  else prepare();

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy") || event.defaultPrevented) return;
    if (form.dataset.busyActive) { event.preventDefault(); return; }
    form.dataset.busyActive = "1";
    const submitter = event.submitter || form.querySelector('button[type="submit"], input[type="submit"]');
    if (submitter && submitter.name) {
      // A disabled button is not sent: keep its name and value in the request.
      const copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = submitter.name;
      copy.value = submitter.value;
      copy.setAttribute("data-busy-copy", "");
      form.appendChild(copy);
    }
    form.querySelectorAll('button[type="submit"], input[type="submit"]').forEach((button) => {
      if (button.disabled) return;
      button.disabled = true;
      button.setAttribute("data-busy-disabled", "");
      button.setAttribute("aria-busy", "true");
    });
    if (submitter) {
      const spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-2";
      spinner.setAttribute("aria-hidden", "true");
      spinner.setAttribute("data-busy-spinner", "");
      submitter.prepend(spinner);
    }
    statusOf(form).textContent = form.getAttribute("data-busy") || "";
    window.setTimeout(() => reset(form), RESET_AFTER_MS);
  });

  // Back to a page from the browser's cache: its forms are ready again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) document.querySelectorAll("form[data-busy]").forEach(reset);
  });
})();
