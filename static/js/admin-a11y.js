"use strict";
// Names for what Django's admin scripts draw after the page has loaded: the autocomplete
// boxes (select2), the filter icons of the two-list choosers, the date and time shortcuts
// and the +/✎ links beside a related field. Each is named after the field it serves
// ("Choose a Date for Assignment 2: Opens"), so a screen reader can tell rows apart.
// templates/admin/edit_inline/tabular.html labels the fields; this renumbers rows that
// "Add another" makes. Everything here is idempotent: it runs again whenever nodes appear.
{
    // A label's text without its colon: "Due:", or "Échéance :" in French.
    const clean = (text) => text.replace(/\s+/g, " ").trim().replace(/\s*:$/, "");

    const labelsOf = (field) => Array.from((field && field.labels) || []);

    const nameOf = (field) =>
        labelsOf(field)
            .map((label) => clean(label.textContent))
            .filter(Boolean)
            .join(", ");

    // A box of a field drawn as several (a date and a time) is labelled "Date"; the field's
    // name is on the group around it: a <legend>, or a tabular row's role="group".
    const groupNameOf = (field) => {
        const group = field && field.closest("[role=group][aria-labelledby], fieldset");
        if (!group) {
            return "";
        }
        if (group.matches("fieldset")) {
            const legend = group.querySelector(":scope > legend");
            return legend ? clean(legend.textContent) : "";
        }
        return group
            .getAttribute("aria-labelledby")
            .split(" ")
            .map((id) => clean((document.getElementById(id) || {}).textContent || ""))
            .join(" ");
    };

    const labelIds = (field) =>
        labelsOf(field).map((label, index) => {
            if (!label.id) {
                label.id = `${field.id}-label${index ? `-${index}` : ""}`;
            }
            return label.id;
        });

    const selectFor = (container) => {
        const select = container && container.previousElementSibling;
        return select && select.tagName === "SELECT" ? select : null;
    };

    const nameAutocompletes = (root) => {
        root.querySelectorAll(".select2-container").forEach((container) => {
            const select = selectFor(container);
            const ids = labelIds(select);
            if (!ids.length) {
                return;
            }
            const box = container.querySelector(".select2-selection[role=combobox]");
            if (box && box.classList.contains("select2-selection--single")) {
                // The box reads "<label> <choice>"; the choice inside, a read-only textbox,
                // is named by the label too, so it has a name while nothing is chosen.
                const rendered = box.querySelector(".select2-selection__rendered");
                box.setAttribute("aria-labelledby", [...ids, rendered.id].join(" "));
                rendered.setAttribute("aria-labelledby", ids.join(" "));
            }
            const typed = container.querySelector(".select2-search__field");
            if (typed) {
                typed.setAttribute("aria-labelledby", ids.join(" "));
            }
            // The chosen items, plus select2's "clear" cross, which is not a list item.
            container.querySelectorAll("ul.select2-selection__rendered").forEach((list) => {
                list.setAttribute("role", "list");
            });
        });
    };

    const nameFilterIcons = (root) => {
        // SelectFilter2.js says what its search box does with an aria-label on a bare
        // <span>, which no role allows; as an image it is the box's label.
        root.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach((icon) => {
            icon.setAttribute("role", "img");
        });
    };

    const nameShortcuts = (root) => {
        root.querySelectorAll(".datetimeshortcuts").forEach((shortcuts) => {
            const field = shortcuts.previousElementSibling;
            const name = [groupNameOf(field), nameOf(field)].filter(Boolean).join(", ");
            if (!name) {
                return;
            }
            shortcuts.querySelectorAll("a, button").forEach((control) => {
                if (control.dataset.a11yName === undefined) {
                    const icon = control.querySelector("[title]");
                    control.dataset.a11yName =
                        control.getAttribute("aria-label") ||
                        (icon ? icon.title : clean(control.textContent));
                }
                control.removeAttribute("aria-labelledby");
                control.setAttribute(
                    "aria-label",
                    // Translators: a date or time shortcut ("Today", "Choose a Date") and the field it fills.
                    interpolate(gettext("%(control)s for %(field)s"), { control: control.dataset.a11yName, field: name }, true),
                );
            });
        });
    };

    const nameRelatedLinks = (root) => {
        root.querySelectorAll(".related-widget-wrapper-link[title]").forEach((link) => {
            const wrapper = link.closest(".related-widget-wrapper");
            const name = nameOf(wrapper && wrapper.querySelector("select, input"));
            let text = link.querySelector(".visually-hidden");
            if (!text) {
                text = document.createElement("span");
                text.className = "visually-hidden";
                link.append(text);
            }
            // "Add another author (Author or other credit 2: Author)"; a field named as the
            // model already is ("Add another lesson" beside "Lesson") needs no more.
            const said = link.title.toLowerCase().endsWith(name.toLowerCase());
            const wanted = name && !said ? `${link.title} (${name})` : link.title;
            if (text.textContent !== wanted) {
                text.textContent = wanted; // only when changed: the observer sees this
            }
        });
    };

    const name = (root) => {
        nameAutocompletes(root);
        nameFilterIcons(root);
        nameShortcuts(root);
        nameRelatedLinks(root);
    };

    const renumber = (group) => {
        group.querySelectorAll("tr.form-row[id]").forEach((row) => {
            const found = row.id.match(/^(.+)-(\d+)$/);
            if (!found) {
                return;
            }
            const [, prefix, index] = found;
            row.querySelectorAll("[data-row-number]").forEach((number) => {
                number.textContent = String(Number(index) + 1);
            });
            // inlines.js renumbers ids, not the references to them.
            const reference = new RegExp(`${prefix}-(\\d+|__prefix__)-`, "g");
            row.querySelectorAll("[aria-labelledby]").forEach((element) => {
                const ids = element.getAttribute("aria-labelledby");
                element.setAttribute("aria-labelledby", ids.replace(reference, `${prefix}-${index}-`));
            });
        });
        name(group);
    };

    document.addEventListener("formset:added", (event) => {
        const group = event.target.closest(".inline-group");
        if (group) {
            renumber(group);
        }
    });
    document.addEventListener("formset:removed", (event) => {
        const group = document.getElementById(`${event.detail.formsetName}-group`);
        if (group) {
            renumber(group);
        }
    });

    // Called once per batch of changes; what `name` changes itself settles at once.
    const observer = new MutationObserver(() => name(document));
    document.addEventListener("DOMContentLoaded", () => {
        name(document);
        observer.observe(document.body, { childList: true, subtree: true });
    });
}
