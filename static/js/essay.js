// An answer in sections: live word counts, the citation tool (button and Ctrl+Alt+F /
// ⌘+Option+F), starting drafts from the student's own analysis, and the notes the server
// numbers after each save. Everything here only helps: markers typed by hand work without
// it, and the form saves as plain HTML.
(function () {
  "use strict";

  // The same marker as lessons/services/citing.py: [@C], [@C, 12], [@C, 12 #3fa9c2d1].
  const MARKER_SOURCE = String.raw`\[@\s*[A-Za-z0-9]{1,4}\s*(?:,\s*[^\[\]#\n]{0,40}?)?\s*(?:#[A-Za-z0-9_-]{1,40})?\s*\]`;
  const MARKER = new RegExp(MARKER_SOURCE, "gu");
  // A marker with punctuation (or nothing) after it goes with the space before it, so
  // "coexistence [@C]." counts one word, as the server counts it.
  const BEFORE_PUNCTUATION = new RegExp(String.raw`\s*(?:${MARKER_SOURCE})(?=[^\p{L}\p{N}_\s]|$)`, "gu");

  function words(text) {
    const bare = text.replace(BEFORE_PUNCTUATION, "").replace(MARKER, " ").trim();
    return bare ? bare.split(/\s+/).length : 0;
  }

  const lang = document.documentElement.lang || undefined;

  function number(n) {
    return n.toLocaleString(lang);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("answer-form");
    const boxes = Array.from(document.querySelectorAll("[data-section-box]"));
    if (!form || !boxes.length) return;
    const said = document.querySelector("[data-cite-said]");
    const announce = (message) => {
      if (!said) return;
      said.textContent = "";
      window.setTimeout(() => {
        said.textContent = message;
      }, 50);
    };

    // Word counts, per section and in all, counted as the server counts them.
    const total = document.querySelector("[data-essay-total]");
    const totalWords = document.querySelector("[data-essay-total-words]");
    function countAll() {
      let sum = 0;
      boxes.forEach((box) => {
        const n = words(box.value);
        sum += n;
        const counter = document.getElementById(`count-${box.name.replace(/^section_/, "")}`);
        if (!counter) return;
        const parts = [interpolate(ngettext("%(count)s word", "%(count)s words", n), { count: number(n) }, true)];
        const limit = Number(counter.dataset.limit || 0);
        const suggested = Number(counter.dataset.suggested || 0);
        if (limit) parts.push(interpolate(gettext("at most %(limit)s"), { limit: number(limit) }, true));
        else if (suggested) parts.push(interpolate(gettext("suggested about %(suggested)s"), { suggested: number(suggested) }, true));
        counter.textContent = parts.join(" · ");
        counter.classList.toggle("text-danger", Boolean(limit && n > limit));
      });
      if (totalWords && total) {
        const limit = Number(total.dataset.limit || 0);
        totalWords.textContent = number(sum);
        total.classList.toggle("over-limit", Boolean(limit && sum > limit));
      }
    }
    boxes.forEach((box) => box.addEventListener("input", countAll));
    form.addEventListener("coexist:filled", countAll);

    // The citation tool: it inserts a marker where the cursor was in the last section used.
    const tool = document.querySelector("[data-cite-tool]");
    let lastBox = boxes[0];
    let lastRange = null;
    boxes.forEach((box) => {
      const remember = () => {
        lastBox = box;
        lastRange = [box.selectionStart, box.selectionEnd];
      };
      ["focus", "keyup", "mouseup", "select", "input"].forEach((type) => box.addEventListener(type, remember));
    });
    if (tool) {
      tool.hidden = false;
      const source = tool.querySelector("[data-cite-source]");
      const locator = tool.querySelector("[data-cite-locator]");
      const evidence = tool.querySelector("[data-cite-evidence]");
      const insert = tool.querySelector("[data-cite-insert]");
      const filterEvidence = () => {
        Array.from(evidence.options).forEach((option) => {
          if (!option.value) return;
          const mine = option.dataset.source === source.value;
          option.hidden = !mine;
          option.disabled = !mine;
        });
        if (evidence.selectedOptions[0] && evidence.selectedOptions[0].disabled) evidence.value = "";
      };
      source.addEventListener("change", filterEvidence);
      filterEvidence();
      insert.addEventListener("click", () => {
        const box = lastBox;
        // As the server reads a marker: at most 40 characters, no brackets or "#".
        const place = (locator.value || "").replace(/[\]#\[\n]/g, "").trim().slice(0, 40);
        let marker = `[@${source.value}`;
        if (place) marker += `, ${place}`;
        if (evidence.value) marker += ` #${evidence.value}`;
        marker += "]";
        const [from, to] = lastRange || [box.value.length, box.value.length];
        box.value = box.value.slice(0, from) + marker + box.value.slice(to);
        const caret = from + marker.length;
        box.focus();
        box.setSelectionRange(caret, caret);
        lastRange = [caret, caret];
        box.dispatchEvent(new Event("input", { bubbles: true }));
        locator.value = "";
        evidence.value = "";
        announce(interpolate(gettext("Citation to Source %(label)s inserted. Its note is numbered when your answer saves."), { label: source.value }, true));
      });
      document.addEventListener("keydown", (event) => {
        const shortcut = (event.ctrlKey || event.metaKey) && event.altKey && event.code === "KeyF";
        if (shortcut) {
          event.preventDefault();
          tool.scrollIntoView({ block: "nearest" });
          source.focus();
        } else if (event.key === "Escape" && tool.contains(document.activeElement)) {
          lastBox.focus();
        }
      });
    }

    // Starting drafts: the student's own analysis of a source they chose to evaluate,
    // added to the section only when they press the button.
    const drafts = Array.from(document.querySelectorAll("[data-draft-for]"));
    function showDrafts() {
      drafts.forEach((draft) => {
        const box = form.querySelector(`input[name=evaluated][value="${draft.dataset.draftFor}"]`);
        draft.hidden = box ? !box.checked : false;
      });
    }
    drafts.forEach((draft) => {
      const button = draft.querySelector("[data-draft-insert]");
      const raw = draft.querySelector("template[data-draft-raw]");
      if (!button || !raw) return;
      button.hidden = false;
      button.addEventListener("click", () => {
        const box = document.getElementById(button.dataset.draftTarget);
        const text = raw.content.textContent.trim();
        box.value = box.value.trim() ? `${box.value.replace(/\s+$/, "")}\n\n${text}` : text;
        box.dispatchEvent(new Event("input", { bubbles: true }));
        box.focus();
        box.setSelectionRange(box.value.length, box.value.length);
        announce(
          interpolate(
            gettext("Your analysis of Source %(label)s was added to the section. Edit it into your own evaluation."),
            { label: button.dataset.draftSource },
            true,
          ),
        );
      });
    });
    form.querySelectorAll("input[name=evaluated]").forEach((box) => box.addEventListener("change", showDrafts));
    showDrafts();

    // The notes, numbered by the server after each save.
    const notes = document.querySelector("[data-essay-notes]");
    form.addEventListener("coexist:saved", (event) => {
      if (notes && event.detail && typeof event.detail.notes_html === "string") {
        notes.innerHTML = event.detail.notes_html;
      }
    });
    countAll();
  });
})();
