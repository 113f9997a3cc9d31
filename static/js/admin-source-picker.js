// The library picker on a lesson's admin page: search titles, authors and text, filter by
// theme, kind, primary or secondary and decade, and tick sources; the ticked ones are sent
// with the lesson's form (`add_sources`) and added after its own sources when it is saved.
// Results are built with textContent only: nothing from the library is parsed as HTML.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", () => {
    const picker = document.querySelector("[data-source-picker]");
    if (!picker) return;
    picker.hidden = false;
    const fallback = document.querySelector("[data-source-picker-fallback]");
    if (fallback) fallback.hidden = true;
    const url = picker.dataset.searchUrl;
    const filters = Array.from(picker.querySelectorAll("[data-picker-filter]"));
    const results = picker.querySelector("[data-picker-results]");
    const chosenList = picker.querySelector("[data-picker-chosen]");
    const said = picker.querySelector("[data-picker-said]");
    const chosen = new Map(); // id → label, in the order ticked
    let timer = null;
    let asked = 0;

    function say(text) {
      said.textContent = text;
    }

    function renderChosen() {
      chosenList.replaceChildren();
      chosen.forEach((label, id) => {
        const item = document.createElement("li");
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = "add_sources";
        input.value = id;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "picker-remove";
        remove.textContent = gettext("Remove");
        remove.setAttribute("aria-label", interpolate(gettext("Remove %(source)s from the sources to add"), { source: label }, true));
        remove.addEventListener("click", () => {
          chosen.delete(id);
          const box = results.querySelector(`input[value="${CSS.escape(id)}"]`);
          if (box) box.checked = false;
          renderChosen();
          say(interpolate(gettext("%(source)s will not be added."), { source: label }, true));
        });
        item.append(input, document.createTextNode(label + " "), remove);
        chosenList.append(item);
      });
      picker.querySelector("[data-picker-chosen-heading]").hidden = chosen.size === 0;
    }

    function renderResults(data) {
      results.replaceChildren();
      if (!data.results.length) {
        const none = document.createElement("li");
        none.textContent = gettext("No source in the library matches. Try fewer words or other filters.");
        results.append(none);
      }
      data.results.forEach((source) => {
        const item = document.createElement("li");
        const id = String(source.id);
        const box = document.createElement("input");
        box.type = "checkbox";
        box.id = `picker-source-${id}`;
        box.value = id;
        box.checked = chosen.has(id);
        const label = document.createElement("label");
        label.htmlFor = box.id;
        const title = document.createElement("span");
        title.className = "picker-title";
        title.textContent = source.label;
        const details = document.createElement("span");
        details.className = "picker-details";
        details.textContent = ` · ${source.details}`;
        label.append(title, details);
        if (source.in_lesson) {
          box.disabled = true;
          box.checked = true;
          const note = document.createElement("span");
          note.className = "picker-in-lesson";
          note.textContent = ` · ${interpolate(gettext("already Source %(label)s"), { label: source.in_lesson }, true)}`;
          label.append(note);
        }
        box.addEventListener("change", () => {
          if (box.checked) chosen.set(id, source.label);
          else chosen.delete(id);
          renderChosen();
          const text = box.checked ? gettext("%(source)s will be added when you save.") : gettext("%(source)s will not be added.");
          say(interpolate(text, { source: source.label }, true));
        });
        item.append(box, label);
        results.append(item);
      });
      if (data.more) {
        const more = document.createElement("li");
        const shown = data.results.length;
        more.textContent = interpolate(
          ngettext(
            "Showing the first %(count)s; narrow the search to see the rest.",
            "Showing the first %(count)s; narrow the search to see the rest.",
            shown,
          ),
          { count: shown.toLocaleString(document.documentElement.lang || undefined) },
          true,
        );
        results.append(more);
      }
    }

    async function search() {
      const params = new URLSearchParams();
      filters.forEach((field) => {
        if (field.value) params.set(field.dataset.pickerFilter, field.value);
      });
      const mine = ++asked;
      say(gettext("Searching the library…"));
      try {
        const response = await fetch(`${url}?${params}`, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        const data = await response.json();
        if (mine !== asked) return; // a newer search is on its way
        if (!response.ok) {
          say(data.message || gettext("The search could not be run."));
          return;
        }
        renderResults(data);
        const found = data.results.length;
        const count = found.toLocaleString(document.documentElement.lang || undefined);
        say(
          interpolate(
            data.more
              ? // Translators: "100+ sources found": at least this many, and more not shown.
                ngettext("%(count)s+ source found.", "%(count)s+ sources found.", found)
              : ngettext("%(count)s source found.", "%(count)s sources found.", found),
            { count },
            true,
          ),
        );
      } catch (error) {
        if (mine === asked) say(gettext("The library could not be searched: no connection."));
      }
    }

    filters.forEach((field) => {
      field.addEventListener(field.tagName === "SELECT" ? "change" : "input", () => {
        clearTimeout(timer);
        timer = setTimeout(search, field.tagName === "SELECT" ? 0 : 250);
      });
      // Enter in the search box searches; it never submits the lesson's form.
      field.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          clearTimeout(timer);
          search();
        }
      });
    });
    search();
  });
})();
