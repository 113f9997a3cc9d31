// Marking: a bank comment goes where the teacher was last typing, and the bank changes
// without reloading the page, so nothing typed in the marking form is lost. Without
// this script the bank buttons send the marking form, which comes back filled in.
(function () {
  "use strict";
  let target = document.getElementById("id_feedback");
  const input = document.getElementById("bank-text");
  const said = document.getElementById("bank-said");

  document.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-bank-target]")) target = event.target;
  });

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const field = document.querySelector("#feedback-form input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function say(message, isError) {
    if (!said) return;
    said.textContent = message || "";
    said.classList.toggle("is-error", Boolean(isError));
    if (input) {
      if (isError) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      input.classList.toggle("is-invalid", Boolean(isError));
    }
  }

  function showBank(html) {
    const current = document.getElementById("comment-bank");
    if (!current || !html) return;
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const fresh = holder.querySelector("#comment-bank");
    if (fresh) current.replaceWith(fresh);
  }

  async function send(url, fields, button) {
    const body = new FormData();
    Object.entries(fields).forEach(([name, value]) => body.set(name, value));
    body.set("csrfmiddlewaretoken", csrfToken());
    button.disabled = true;
    try {
      const response = await fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      });
      const data = await response.json().catch(() => null);
      if (!data) {
        say(gettext("That did not work: you may have been signed out. Nothing you typed on this page is lost; log in again in a new tab, then try once more."), true);
        return null;
      }
      if (data.bank_html) showBank(data.bank_html);
      say(data.message, !response.ok);
      return response.ok ? data : null;
    } catch (error) {
      say(gettext("No connection, so your bank was not changed. Nothing you typed on this page is lost; try again when you are back online."), true);
      return null;
    } finally {
      button.disabled = false;
    }
  }

  async function keep(button) {
    const data = await send(button.dataset.bankAdd, { text: input.value }, button);
    if (data) {
      input.value = "";
      input.focus();
    } else {
      input.focus();
    }
  }

  async function remove(button) {
    const item = button.closest("li");
    const following = item && (item.nextElementSibling || item.previousElementSibling);
    const nextText = following && following.querySelector("[data-bank-comment]");
    const nextValue = nextText && nextText.dataset.bankComment;
    const data = await send(button.dataset.bankRemove, {}, button);
    if (!data) return;
    // The button pressed is gone: focus the neighbouring comment, or the new-comment box.
    const neighbour = Array.from(document.querySelectorAll("#comment-bank [data-bank-comment]")).find(
      (node) => node.dataset.bankComment === nextValue,
    );
    (neighbour || input).focus();
  }

  document.addEventListener("click", (event) => {
    const comment = event.target.closest("[data-bank-comment]");
    if (comment && target) {
      const gap = target.value && !/\s$/.test(target.value) ? " " : "";
      target.value += gap + comment.dataset.bankComment;
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.focus();
      return;
    }
    const add = event.target.closest("[data-bank-add]");
    if (add && input) {
      event.preventDefault();
      keep(add);
      return;
    }
    const drop = event.target.closest("[data-bank-remove]");
    if (drop) {
      event.preventDefault();
      remove(drop);
    }
  });

  // Enter in the new-comment box keeps the comment; it never sends the marking form.
  if (input) {
    input.addEventListener("input", () => {
      if (said && said.classList.contains("is-error")) say("", false);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.isComposing) return;
      event.preventDefault();
      const add = document.querySelector("[data-bank-add]");
      if (add && !add.disabled) keep(add);
    });
  }
})();

// Criteria marking: as a mark is typed, the band it falls in is marked (in words as well
// as colour) and the total follows. The server shows the same for the saved marks.
(function () {
  "use strict";
  const box = document.querySelector("[data-criteria]");
  if (!box) return;
  const total = box.querySelector("[data-criteria-total]");

  function markOf(input) {
    const text = input.value.trim();
    if (!/^[0-9]+$/.test(text)) return null;
    const mark = Number(text);
    return mark <= Number(input.dataset.max) ? mark : null;
  }

  function showBand(input) {
    const mark = markOf(input);
    const fieldset = input.closest("[data-criterion]");
    fieldset.querySelectorAll("[data-band-low]").forEach((band) => {
      const reached =
        mark !== null && Number(band.dataset.bandLow) <= mark && mark <= Number(band.dataset.bandHigh);
      band.classList.toggle("is-reached", reached);
      const here = band.querySelector(".band-here");
      if (here) here.hidden = !reached;
    });
  }

  function showTotal() {
    if (!total) return;
    const marks = Array.from(box.querySelectorAll("[data-criterion-mark]")).map(markOf);
    const given = marks.filter((mark) => mark !== null);
    total.textContent = given.length ? String(given.reduce((a, b) => a + b, 0)) : "–";
  }

  box.addEventListener("input", (event) => {
    if (!event.target.matches("[data-criterion-mark]")) return;
    showBand(event.target);
    showTotal();
  });
})();
