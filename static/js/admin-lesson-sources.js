/* A lesson's sources in the admin, reordered by drag or by the Move up / Move down
   buttons (templates/admin/lessons/lesson/lessonsource_inline.html).

   The page's order is what is saved: each move writes the rows' hidden `order` fields
   (0, 1, 2… over the rows that hold a source), and so does submitting. Without this
   script the order fields show as numbers to type. Focus stays on the button pressed,
   and a polite status line says where the source went. */
"use strict";
{
  const ROWS = ".inline-related:not(.empty-form)";

  const field = (row, name) => row.querySelector(`[name$="-${name}"]`);
  const saved = (row) => Boolean(field(row, "id") && field(row, "id").value);
  // A row counts once it is saved or has a source chosen; an empty extra row does not.
  const counts = (row) => saved(row) || Boolean(field(row, "source") && field(row, "source").value);

  function rows(group) {
    return Array.from(group.querySelectorAll(ROWS));
  }

  function renumber(group) {
    rows(group)
      .filter(counts)
      .forEach((row, position) => {
        const order = field(row, "order");
        if (order) order.value = String(position);
      });
    const all = rows(group);
    all.forEach((row, i) => {
      row.querySelector(".ls-up")?.setAttribute("aria-disabled", String(i === 0));
      row.querySelector(".ls-down")?.setAttribute("aria-disabled", String(i === all.length - 1));
    });
  }

  function announce(group, text) {
    const status = group.querySelector('[role="status"]');
    status.textContent = "";
    // A fresh text node after a pause, so the same words are read out again.
    window.setTimeout(() => {
      status.textContent = text;
    }, 50);
  }

  function movedTo(name, position) {
    // Translators: said by a screen reader after a source is moved: "Source C moved to position 2."
    return interpolate(gettext("%(name)s moved to position %(position)s."), { name, position }, true);
  }

  // Its place among the lesson's sources (an empty extra row is not one yet).
  function placeOf(group, row) {
    const among = counts(row) ? rows(group).filter(counts) : rows(group);
    return among.indexOf(row) + 1;
  }

  function move(group, row, step, button) {
    const all = rows(group);
    const here = all.indexOf(row);
    const there = here + step;
    const name = row.dataset.name;
    if (there < 0 || there >= all.length) {
      const text = step < 0 ? gettext("%(name)s is already first.") : gettext("%(name)s is already last.");
      announce(group, interpolate(text, { name }, true));
      return;
    }
    const other = all[there];
    other.parentNode.insertBefore(row, step < 0 ? other : other.nextSibling);
    renumber(group);
    button.focus();
    announce(group, movedTo(name, placeOf(group, row)));
  }

  /* Saved rows first in the form's numbering, as Django expects of a formset; Django's
     own script renumbers rows in page order when an unsaved one is removed. */
  function reindex(group, prefix) {
    const all = rows(group);
    const ordered = [...all.filter(saved), ...all.filter((row) => !saved(row))];
    const pattern = new RegExp(`${prefix}-(\\d+|__prefix__)(?=-|$)`);
    ordered.forEach((row, index) => {
      const replacement = `${prefix}-${index}`;
      for (const el of [row, ...row.querySelectorAll("*")]) {
        for (const attr of ["id", "name", "for", "aria-describedby"]) {
          const value = el.getAttribute(attr);
          if (value && pattern.test(value)) el.setAttribute(attr, value.replace(pattern, replacement));
        }
      }
    });
  }

  /* After a refused save the rows come back in the form's numbering: put them back in
     the order the teacher chose (rows without a source stay at the end). */
  function sortByOrder(group) {
    const all = rows(group);
    const counted = all.filter(counts);
    const sorted = [...counted]
      .map((row, i) => ({ row, i, order: Number(field(row, "order")?.value) || 0 }))
      .sort((a, b) => a.order - b.order || a.i - b.i)
      .map((entry) => entry.row);
    const wanted = [...sorted, ...all.filter((row) => !counts(row))];
    if (wanted.every((row, i) => row === all[i])) return;
    const anchor = group.querySelector(".empty-form") || null;
    const parent = all[0].parentNode;
    wanted.forEach((row) => parent.insertBefore(row, anchor));
  }

  function enableDrag(group) {
    let dragged = null;
    group.querySelectorAll(".ls-handle").forEach((handle) => {
      handle.draggable = true;
    });
    group.addEventListener("dragstart", (event) => {
      const handle = event.target.closest?.(".ls-handle");
      if (!handle) return;
      dragged = handle.closest(".inline-related");
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.name);
      event.dataTransfer.setDragImage(dragged, 0, 0);
    });
    group.addEventListener("dragover", (event) => {
      if (!dragged) return;
      const over = event.target.closest(ROWS);
      event.preventDefault();
      if (!over || over === dragged) return;
      const box = over.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
    });
    group.addEventListener("drop", (event) => {
      if (dragged) event.preventDefault();
    });
    group.addEventListener("dragend", () => {
      if (!dragged) return;
      const row = dragged;
      dragged = null;
      row.classList.remove("dragging");
      renumber(group);
      announce(group, movedTo(row.dataset.name, placeOf(group, row)));
    });
  }

  function init(group) {
    const prefix = group.id.replace(/-group$/, "");
    group.classList.add("js-reorder");
    group.querySelectorAll(".ls-move").forEach((span) => {
      span.hidden = false;
    });
    sortByOrder(group);
    renumber(group);
    group.addEventListener("click", (event) => {
      const button = event.target.closest(".ls-up, .ls-down");
      if (!button) return;
      move(group, button.closest(".inline-related"), button.classList.contains("ls-up") ? -1 : 1, button);
    });
    enableDrag(group);
    document.addEventListener("formset:added", (event) => {
      if (event.detail?.formsetName === prefix) renumber(group);
    });
    document.addEventListener("formset:removed", (event) => {
      if (event.detail?.formsetName === prefix) renumber(group);
    });
    group.closest("form")?.addEventListener("submit", () => {
      renumber(group);
      reindex(group, prefix);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".lesson-sources[data-reorder]").forEach(init);
  });
}
