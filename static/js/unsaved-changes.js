// Warn before leaving a page whose form holds changes that are not saved yet.
// Opt in with the attribute data-unsaved-warning on a <form>; data-unsaved-warning="unsaved" marks a
// form shown again with values the server could not save. Fields outside the <form> element that
// belong to it (form="…") count too. Sending the form itself is no leaving.
(function () {
  const forms = Array.from(document.querySelectorAll("form[data-unsaved-warning]"));
  if (!forms.length) return;
  const dirty = new Set(forms.filter((form) => form.dataset.unsavedWarning === "unsaved"));

  function mark(event) {
    const owner = event.target && event.target.form;
    if (owner && forms.includes(owner)) dirty.add(owner);
  }
  document.addEventListener("input", mark, true);
  document.addEventListener("change", mark, true);
  forms.forEach((form) => form.addEventListener("submit", () => dirty.delete(form)));

  window.addEventListener("beforeunload", (event) => {
    if (!dirty.size) return;
    event.preventDefault();
    // Older browsers show the dialog only when returnValue is set; the text itself is not shown.
    event.returnValue = "";
  });
})();
