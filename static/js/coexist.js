// Small progressive enhancements; every page works without them.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// A form that changes something hard to undo asks first (a new join code, a new password).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A form marked data-warn-unsaved asks before the page is left with typed text in it that
// was never sent. data-warn-unsaved="always": the page came back from a send that saved
// nothing (a mistake to correct), so its text counts as unsaved from the start.
(function () {
  "use strict";
  const sending = new WeakSet();

  const TYPED = ["text", "number", "search", "email", "url", "tel"];

  function textBoxes(form) {
    return Array.from(form.elements).filter(
      (field) =>
        !field.disabled &&
        (field.tagName === "TEXTAREA" || (field.tagName === "INPUT" && TYPED.includes(field.type))),
    );
  }

  function unsaved(form) {
    if (sending.has(form)) return false;
    const boxes = textBoxes(form);
    if (form.dataset.warnUnsaved === "always") return boxes.length > 0;
    return boxes.some((field) => field.value !== field.defaultValue);
  }

  // Listening on window runs after every handler on the form and the document, so a
  // submission another script cancelled (and sends itself) is not taken for leaving.
  window.addEventListener("submit", (event) => {
    if (!event.defaultPrevented && event.target.matches("[data-warn-unsaved]")) {
      sending.add(event.target);
    }
  });

  window.addEventListener("beforeunload", (event) => {
    const forms = document.querySelectorAll("form[data-warn-unsaved]");
    if (!Array.from(forms).some(unsaved)) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // Back from the browser's page cache: the form is on screen again, not being sent.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      document.querySelectorAll("form[data-warn-unsaved]").forEach((form) => sending.delete(form));
    }
  });
})();
