// Marking: a bank comment goes where the teacher was last typing. Works without it too.
(function () {
  "use strict";
  let target = document.getElementById("id_feedback");
  document.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-bank-target]")) target = event.target;
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-bank-comment]");
    if (!button || !target) return;
    const gap = target.value && !/\s$/.test(target.value) ? " " : "";
    target.value += gap + button.dataset.bankComment;
    target.focus();
  });
})();
