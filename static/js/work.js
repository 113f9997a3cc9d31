// Students' work pages: autosave, a copy in this browser, conflicts, highlights.
// Every form here also works as a plain POST without this script.
(function () {
  "use strict";

  const SAVE_DELAY = 1200; // ms after typing stops; the brief promises within 2 s
  const RETRY_DELAY = 5000;

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body) {
    body.set("csrfmiddlewaretoken", csrfToken());
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    });
  }

  function timeText(date) {
    const lang = document.documentElement.lang || undefined;
    return date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  // A translated sentence with an element in it, where "%(time)s" marks its place.
  function around(text, node) {
    const [before, after = ""] = text.split("%(time)s");
    return [before, node, after];
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    });
    children.forEach((child) => node.append(child));
    return node;
  }

  // --- Autosaving forms -------------------------------------------------------------

  function fieldValues(form) {
    const values = {};
    form.querySelectorAll("textarea[name], input[name], select[name]").forEach((field) => {
      const name = field.name;
      if (name === "csrfmiddlewaretoken" || name === "version") return;
      if (field.type === "radio") {
        if (!(name in values)) values[name] = "";
        if (field.checked) values[name] = field.value;
      } else if (field.type === "checkbox" && form.querySelectorAll(`input[type=checkbox][name="${CSS.escape(name)}"]`).length > 1) {
        // A group of boxes (the sources a student evaluates): the values ticked.
        if (!(name in values)) values[name] = [];
        if (field.checked) values[name].push(field.value);
      } else if (field.type === "checkbox") {
        values[name] = field.checked;
      } else {
        values[name] = field.value;
      }
    });
    return values;
  }

  function setFieldValues(form, values) {
    Object.entries(values).forEach(([name, value]) => {
      form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((field) => {
        if (field.type === "radio") field.checked = String(value) === field.value;
        else if (field.type === "checkbox" && Array.isArray(value)) field.checked = value.map(String).includes(field.value);
        else if (field.type === "checkbox") field.checked = Boolean(value);
        else field.value = value == null ? "" : value;
      });
    });
    form.dispatchEvent(new Event("coexist:filled"));
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  class Autosave {
    constructor(form) {
      this.form = form;
      // A copy of unsaved text in this browser, kept per signed-in person (drafts.js).
      this.draftName = form.dataset.draftKey;
      this.status = form.querySelector("[data-save-status]");
      this.versionInput = form.querySelector("input[name=version]");
      this.timer = null;
      this.inFlight = false;
      this.again = false;
      this.blocked = false; // a conflict waits for the student's choice
      this.lastSaved = fieldValues(form);
      this.waitingToRetry = false;
      form.addEventListener("input", () => this.changed());
      form.addEventListener("change", () => this.changed());
      form.addEventListener("coexist:filled", () => this.changed());
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.saveNow({ explicit: true });
      });
      window.addEventListener("online", () => this.retry());
      window.addEventListener("focus", () => this.retry());
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible") this.retry();
      });
      // Text not saved yet (waiting, in flight, or refused): ask before leaving, and keep
      // a copy in this browser in case the student leaves anyway.
      window.addEventListener("beforeunload", (event) => {
        if (!this.dirty()) return;
        event.preventDefault();
        event.returnValue = "";
      });
      window.addEventListener("pagehide", () => {
        if (this.dirty()) this.keepDraft();
      });
      this.doneBox = form.querySelector("input[name=done]");
      this.doneReason = form.querySelector("[data-done-reason]");
      if (this.doneBox) {
        this.doneBox.addEventListener("change", () => {
          if (!this.doneBox.checked) this.refuseDone("");
        });
      }
      this.offerDraft();
    }

    // "Finished" was refused (or no longer is): say why beside the box, in words.
    refuseDone(reason) {
      if (this.doneReason) this.doneReason.textContent = reason;
    }

    dirty() {
      return !same(fieldValues(this.form), this.lastSaved);
    }

    show(text, state, extra) {
      if (!this.status) return;
      this.status.replaceChildren(text);
      if (extra) this.status.append(" ", extra);
      this.status.dataset.state = state;
    }

    // A save the student asked for (the Save button) that failed: the focus goes to the
    // message, so it is read and found. An autosave never takes the focus from typing.
    focusStatus(options) {
      if (options.explicit && this.status) focusOn(this.status);
    }

    keepDraft() {
      window.coexistDrafts.save(this.draftName, {
        fields: fieldValues(this.form),
        version: Number(this.versionInput.value),
        at: Date.now(),
      });
    }

    dropDraft() {
      window.coexistDrafts.drop(this.draftName);
    }

    changed() {
      if (!this.dirty()) return;
      this.keepDraft();
      if (this.blocked) return;
      this.show(gettext("Unsaved changes…"), "pending");
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.saveNow(), SAVE_DELAY);
    }

    retry() {
      if (this.waitingToRetry && !this.blocked && this.dirty()) this.saveNow();
    }

    scheduleRetry() {
      this.waitingToRetry = true;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.retry(), RETRY_DELAY);
    }

    async saveNow(options = {}) {
      clearTimeout(this.timer);
      if (this.inFlight) {
        this.again = true;
        return;
      }
      if (this.blocked && !options.force) return;
      this.inFlight = true;
      this.waitingToRetry = false;
      const sent = fieldValues(this.form);
      this.show(gettext("Saving…"), "saving");
      let response;
      let data = {};
      try {
        response = await post(this.form.action || window.location.href, new FormData(this.form));
        data = await response.json().catch(() => ({}));
      } catch (error) {
        this.inFlight = false;
        this.show(
          gettext("Not saved: no connection. Your text is kept in this browser and will be saved when you are back online."),
          "error",
        );
        this.focusStatus(options);
        this.scheduleRetry();
        return;
      }
      this.inFlight = false;
      if (response.ok && data.status === "saved") {
        this.versionInput.value = data.version;
        const at = new Date(data.saved_at);
        const time = el("time", { datetime: data.saved_at }, timeText(at));
        const refused = data.refused && data.refused.done;
        if (refused) {
          // Saved, but not as finished: the box shows what the server holds.
          sent.done = false;
          if (this.doneBox && this.doneBox.checked && same(fieldValues(this.form), { ...sent, done: true })) {
            this.doneBox.checked = false;
          }
          this.refuseDone(refused);
          const said = document.createDocumentFragment();
          said.append(time, " — " + refused.charAt(0).toLowerCase() + refused.slice(1));
          this.show(gettext("Saved at"), "refused", said);
        } else {
          if (sent.done) this.refuseDone("");
          this.show(gettext("Saved at"), "saved", time);
        }
        this.lastSaved = sent;
        // Whatever else the page shows from a save (an answer's notes) listens for this.
        this.form.dispatchEvent(new CustomEvent("coexist:saved", { detail: data }));
        if (same(fieldValues(this.form), sent)) this.dropDraft();
        else this.changed();
      } else if (response.status === 409 && data.status === "conflict") {
        this.conflict(data);
      } else if (response.status === 401) {
        const link = el(
          "a",
          { href: data.login_url || "/accounts/login/", target: "_blank", rel: "noopener" },
          gettext("Log in again (opens a new tab)"),
        );
        this.show(data.message || gettext("You have been signed out. Your text is kept here."), "error", link);
        this.focusStatus(options);
        this.scheduleRetry();
      } else if (response.status === 403 && data.status === "csrf" && !options.csrfRetried) {
        // A login in another tab gives a new token; the cookie already has it.
        this.again = false;
        return this.saveNow({ ...options, csrfRetried: true });
      } else if (response.status === 403 && data.status === "csrf") {
        this.show(data.message, "error");
        this.focusStatus(options);
        this.scheduleRetry();
      } else {
        this.show(data.message || gettext("Not saved: something went wrong. Your text is kept here."), "error");
        this.focusStatus(options);
        if (response.status >= 500) this.scheduleRetry();
      }
      if (this.again && !this.blocked) {
        this.again = false;
        this.saveNow();
      }
    }

    conflict(data) {
      this.blocked = true;
      this.show(gettext("Not saved: changed elsewhere. Choose a version below."), "error");
      const slot = this.form.querySelector("[data-conflict-slot]");
      const mine = fieldValues(this.form);
      const rows = el("dl", { class: "conflict-versions small mb-2" });
      Object.keys(data.saved).forEach((name) => {
        if (name.endsWith("_label")) return;
        const theirs = data.saved[name];
        const ours = mine[name];
        if (ours === undefined || String(theirs ?? "") === String(ours ?? "")) return;
        const shownOurs = Array.isArray(ours)
          ? ours.map((value) => labelFor(this.form.querySelector(`[name="${CSS.escape(name)}"][value="${CSS.escape(value)}"]`))).join(", ")
          : ours;
        const field = this.form.querySelector(`[name="${CSS.escape(name)}"]`);
        const legend = Array.isArray(ours) && field && field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
        const label = legend ? legend.textContent.trim() : field ? labelFor(field) : name;
        const shownTheirs = data.saved[name + "_label"] || theirs;
        rows.append(
          el("dt", {}, label),
          el("dd", {}, el("span", { class: "version-tag" }, `${gettext("Saved elsewhere:")} `), el("span", { class: "saved-version" }, String(shownTheirs || gettext("(empty)")))),
          el(
            "dd",
            {},
            el("span", { class: "version-tag" }, `${gettext("On this page:")} `),
            el("span", { class: "page-version" }, typeof ours === "boolean" ? (ours ? gettext("yes") : gettext("no")) : String(shownOurs || gettext("(empty)"))),
          ),
        );
      });
      const keepMine = el("button", { type: "button", class: "btn btn-sm btn-primary" }, gettext("Keep this page’s version"));
      const useTheirs = el("button", { type: "button", class: "btn btn-sm btn-outline-secondary" }, gettext("Use the saved version"));
      const panel = el(
        "div",
        { class: "alert alert-warning conflict", role: "alert" },
        el("h3", { class: "h6" }, gettext("Changed somewhere else")),
        el("p", { class: "mb-2" }, data.message),
        rows,
        el("div", { class: "d-flex flex-wrap gap-2" }, keepMine, useTheirs),
      );
      slot.replaceChildren(panel);
      keepMine.addEventListener("click", () => {
        this.versionInput.value = data.version;
        this.blocked = false;
        slot.replaceChildren();
        this.saveNow();
      });
      useTheirs.addEventListener("click", () => {
        this.versionInput.value = data.version;
        const values = {};
        Object.entries(data.saved).forEach(([name, value]) => {
          if (!name.endsWith("_label")) values[name] = value;
        });
        Object.keys(mine).forEach((name) => {
          if (name.startsWith("cite_") && !(name in values)) values[name] = "";
        });
        this.blocked = false;
        setFieldValues(this.form, values);
        this.lastSaved = fieldValues(this.form);
        this.dropDraft();
        slot.replaceChildren();
        this.show(gettext("Showing the saved version."), "saved");
      });
      panel.querySelector("button").focus();
    }

    offerDraft() {
      const draft = window.coexistDrafts.load(this.draftName);
      if (!draft || !draft.fields) return;
      const current = fieldValues(this.form);
      const differs = Object.keys(draft.fields).some(
        (name) => name in current && String(draft.fields[name] ?? "") !== String(current[name] ?? ""),
      );
      if (!differs) {
        this.dropDraft();
        return;
      }
      const slot = this.form.querySelector("[data-restore-slot]");
      if (!slot) return;
      const restore = el("button", { type: "button", class: "btn btn-sm btn-primary" }, gettext("Restore my unsaved text"));
      const discard = el("button", { type: "button", class: "btn btn-sm btn-outline-secondary" }, gettext("Discard it"));
      const when = new Date(draft.at);
      slot.replaceChildren(
        el(
          "div",
          { class: "alert alert-info restore", role: "alert" },
          el(
            "p",
            { class: "mb-2" },
            ...around(
              gettext("This browser kept text you typed at %(time)s that was not saved (a reload, a crash or a lost connection)."),
              el("time", { datetime: when.toISOString() }, timeText(when)),
            ),
          ),
          el("div", { class: "d-flex flex-wrap gap-2" }, restore, discard),
        ),
      );
      restore.addEventListener("click", () => {
        slot.replaceChildren();
        setFieldValues(this.form, draft.fields);
        this.saveNow();
      });
      discard.addEventListener("click", () => {
        slot.replaceChildren();
        this.dropDraft();
      });
    }

    // Save what is typed, then go on (to submit, or to log out). A save already on its
    // way is waited for; a refused or failed one stops here, its status saying why.
    async saveBefore(callback) {
      for (let attempts = 0; attempts < 2; attempts += 1) {
        while (this.inFlight) await new Promise((resolve) => setTimeout(resolve, 100));
        if (!this.dirty()) {
          callback();
          return;
        }
        if (this.blocked) return;
        await this.saveNow();
      }
      while (this.inFlight) await new Promise((resolve) => setTimeout(resolve, 100));
      if (!this.dirty()) callback();
    }
  }

  function labelFor(field) {
    if (field.type === "radio") {
      const legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
      return legend ? legend.textContent.trim() : field.name;
    }
    const label = document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
    return label ? label.textContent.trim() : field.name;
  }

  // --- Small helpers on the forms ---------------------------------------------------------

  function wireStarters(root) {
    root.querySelectorAll("[data-starter]").forEach((button) => {
      button.addEventListener("click", () => {
        const target = document.getElementById(button.dataset.target);
        if (!target) return;
        const gap = target.value && !/\s$/.test(target.value) ? " " : "";
        target.value += gap + button.dataset.starter + " ";
        target.focus();
        target.setSelectionRange(target.value.length, target.value.length);
        target.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  }

  function wireWordCount() {
    const box = document.getElementById("id_answer");
    const counter = document.querySelector("[data-word-count]");
    if (!box || !counter) return;
    // The limit is the box's own maxlength, which the server reads from the model.
    const lang = document.documentElement.lang || undefined;
    const limit = box.maxLength > 0 ? box.maxLength : 0;
    const update = () => {
      const words = box.value.trim() ? box.value.trim().split(/\s+/).length : 0;
      const count = box.value.length.toLocaleString(lang);
      const wordsText = interpolate(ngettext("%(count)s word", "%(count)s words", words), { count: words }, true);
      const charactersText = limit
        ? interpolate(
            ngettext("%(count)s of %(limit)s character", "%(count)s of %(limit)s characters", limit),
            { count, limit: limit.toLocaleString(lang) },
            true,
          )
        : interpolate(ngettext("%(count)s character", "%(count)s characters", box.value.length), { count }, true);
      counter.textContent = `${wordsText} · ${charactersText}`;
    };
    box.addEventListener("input", update);
    update();
  }

  // --- Highlights ----------------------------------------------------------------------

  // The page's text with whitespace runs collapsed, and where each character lives:
  // the same measure the server uses for offsets.
  function textMap(root) {
    const chars = [];
    const nodes = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    let text = "";
    while ((node = walker.nextNode())) {
      const value = node.nodeValue;
      for (let i = 0; i < value.length; i += 1) {
        const ch = value[i];
        if (/\s/.test(ch)) {
          if (!text.length || text[text.length - 1] === " ") continue;
          text += " ";
        } else {
          text += ch;
        }
        chars.push(node);
        nodes.push(i);
      }
    }
    return { text, nodeAt: chars, offsetAt: nodes };
  }

  function collapse(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  function locate(map, quote, start) {
    // Matched in the text itself (case-insensitively), never a lower-cased copy, whose
    // length can differ ("İ"), so offsets stay the server's.
    const needle = collapse(quote);
    if (!needle) return null;
    const pattern = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi");
    let best = null;
    let match;
    while ((match = pattern.exec(map.text))) {
      if (best === null || Math.abs(match.index - start) < Math.abs(best - start)) best = match.index;
      pattern.lastIndex = match.index + 1;
    }
    return best;
  }

  function unmark(root) {
    root.querySelectorAll("mark.hl").forEach((mark) => {
      mark.replaceWith(...mark.childNodes);
    });
    root.normalize();
  }

  function markRange(map, from, to, tag, title) {
    // Wrap each text node's part of [from, to) separately, last first so offsets hold.
    const pieces = [];
    for (let i = from; i < to; i += 1) {
      const node = map.nodeAt[i];
      const last = pieces[pieces.length - 1];
      if (last && last.node === node) last.end = map.offsetAt[i] + 1;
      else pieces.push({ node, start: map.offsetAt[i], end: map.offsetAt[i] + 1 });
    }
    pieces.reverse().forEach(({ node, start, end }) => {
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, end);
      const mark = el("mark", { class: `hl tag-${tag}`, title: title });
      range.surroundContents(mark);
    });
  }

  function renderHighlights() {
    const root = document.getElementById("source-text");
    if (!root) return;
    unmark(root);
    const items = Array.from(document.querySelectorAll("[data-highlight]"));
    // Later marks split text nodes; place them from the end of the text backwards.
    const placed = items
      .map((item) => {
        const map = textMap(root);
        const start = locate(map, item.dataset.quote, Number(item.dataset.start));
        return start === null ? null : { item, start, length: collapse(item.dataset.quote).length };
      })
      .filter(Boolean)
      .sort((a, b) => b.start - a.start);
    placed.forEach(({ item, start, length }) => {
      const map = textMap(root);
      const note = item.querySelector("p");
      // The tag as the list names it, in the page's language (data-tag is its key).
      const badge = item.querySelector(".highlight-tag");
      const lang = document.documentElement.lang || undefined;
      const tagName = badge ? badge.textContent.trim().toLocaleLowerCase(lang) : item.dataset.tag;
      const title = note ? interpolate(gettext("%(tag)s: %(note)s"), { tag: tagName, note: note.textContent }, true) : tagName;
      markRange(map, start, start + length, item.dataset.tag, title);
    });
  }

  function wireSelection() {
    const root = document.getElementById("source-text");
    const form = document.querySelector("[data-highlight-form]");
    if (!root || !form) return;
    const button = el("button", { type: "button", class: "btn btn-sm btn-dark highlight-popover", hidden: "" }, gettext("Highlight selection"));
    document.body.append(button);
    let pending = null;
    const check = () => {
      const selection = window.getSelection();
      if (!selection.rangeCount || selection.isCollapsed) {
        button.hidden = true;
        return;
      }
      const range = selection.getRangeAt(0);
      if (!root.contains(range.commonAncestorContainer)) {
        button.hidden = true;
        return;
      }
      const before = document.createRange();
      before.setStart(root, 0);
      before.setEnd(range.startContainer, range.startOffset);
      const prefix = before.toString().replace(/\s+/g, " ").replace(/^ /, "");
      const raw = range.toString();
      const leading = /^\s/.test(raw) && prefix && !prefix.endsWith(" ") ? 1 : 0;
      pending = { quote: collapse(raw), start: prefix.length + leading };
      if (!pending.quote) {
        button.hidden = true;
        return;
      }
      const box = range.getBoundingClientRect();
      button.style.top = `${window.scrollY + box.bottom + 6}px`;
      button.style.left = `${window.scrollX + Math.max(box.left, 8)}px`;
      button.hidden = false;
    };
    root.addEventListener("mouseup", () => setTimeout(check, 0));
    root.addEventListener("keyup", () => setTimeout(check, 0));
    document.addEventListener("selectionchange", () => {
      const selection = window.getSelection();
      if (selection.isCollapsed) button.hidden = true;
    });
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", () => {
      if (!pending) return;
      const live = document.querySelector("[data-highlight-form]");
      live.querySelector("[name=quote]").value = pending.quote;
      live.querySelector("[name=start]").value = pending.start;
      button.hidden = true;
      window.getSelection().removeAllRanges();
      live.querySelector("[name=note]").focus();
    });
  }

  function wireMarksForms(autosave) {
    document.querySelectorAll("[data-marks-form]").forEach((form) => {
      if (form.dataset.wired) return;
      form.dataset.wired = "1";
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const submit = form.querySelector("[type=submit]");
        const section = form.closest("section[id]");
        const removing = Boolean(form.closest("li"));
        const before = itemKeys(section);
        submit.disabled = true;
        let response;
        let data = {};
        try {
          response = await post(form.action, new FormData(form));
          data = await response.json().catch(() => ({}));
        } catch (error) {
          submit.disabled = false;
          say(form, gettext("Not saved: no connection. Try again when you are back online; what you typed is still here."));
          return;
        }
        submit.disabled = false;
        if (response.ok && data.highlights_html) {
          replaceSection("highlights", data.highlights_html);
          replaceSection("links", data.links_html);
          renderHighlights();
          wireMarksForms(autosave);
          announce(data.message);
          if (section) focusAfterChange(document.getElementById(section.id), before, removing);
        } else if (response.status === 401) {
          say(form, data.message + " ");
        } else if (response.status === 403 && data.status === "csrf") {
          say(form, data.message);
        } else {
          say(form, data.message || gettext("That did not work. Check what you typed and try again."));
        }
      });
    });
  }

  function replaceSection(id, html) {
    const current = document.getElementById(id);
    if (!current || !html) return;
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const fresh = holder.querySelector(`#${id}`);
    if (fresh) current.replaceWith(fresh);
  }

  function say(form, message) {
    let box = form.querySelector("[data-form-message]");
    if (!box) {
      box = el("div", { class: "alert alert-danger py-2 small", role: "alert", "data-form-message": "" });
      form.prepend(box);
    }
    box.textContent = message;
    focusOn(box);
  }

  // --- Where the focus goes -----------------------------------------------------------
  // After a highlight, region or link is added or removed, the part of the page that held
  // the focus is replaced: without this the focus falls to the page itself, and a keyboard
  // user starts again from the top.

  function focusOn(node) {
    if (!node) return;
    if (!node.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
      node.setAttribute("tabindex", "-1");
      node.classList.add("focus-target");
    }
    node.focus();
  }

  function itemKey(item) {
    return collapse(item.textContent);
  }

  function itemKeys(section) {
    return new Set(section ? Array.from(section.querySelectorAll("li"), itemKey) : []);
  }

  function firstField(section) {
    const form = Array.from(section.querySelectorAll("form")).find((f) => !f.closest("li"));
    if (!form) return null;
    return Array.from(form.querySelectorAll("input, select, textarea, button")).find(
      (field) => field.type !== "hidden" && !field.disabled && !field.closest("[hidden]"),
    );
  }

  function focusAfterChange(section, before, removing) {
    if (!section) return;
    const fresh = removing ? null : Array.from(section.querySelectorAll("li")).find((item) => !before.has(itemKey(item)));
    focusOn(fresh || firstField(section) || section.querySelector("h2, h3"));
  }

  // A polite live region, on the page from the start: one added with its words already
  // in it is often not read out.
  function liveRegion() {
    let region = document.getElementById("marks-announcer");
    if (!region) {
      region = el("p", { id: "marks-announcer", class: "visually-hidden", role: "status", "aria-live": "polite" });
      document.body.append(region);
    }
    return region;
  }

  function announce(message) {
    const region = liveRegion();
    // Emptied first, so the same words twice ("Highlight removed.") are read twice.
    region.textContent = "";
    setTimeout(() => {
      region.textContent = message || "";
    }, 50);
  }

  // A region is added or removed by an ordinary form: the page comes back at #regions.
  // What the list held before is kept for that moment, to find the one just added.
  const REGION_KEY = "coexist:regions";

  function wireRegionFocus() {
    const section = document.getElementById("regions");
    if (!section) return;
    section.addEventListener("submit", (event) => {
      const form = event.target;
      try {
        window.sessionStorage.setItem(
          REGION_KEY,
          JSON.stringify({ at: Date.now(), removing: Boolean(form.closest("li")), before: Array.from(itemKeys(section)) }),
        );
      } catch (error) {
        // No session storage: the page still works, the focus just starts at the top.
      }
    });
  }

  function restoreRegionFocus(apply) {
    let saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(REGION_KEY) || "null");
      window.sessionStorage.removeItem(REGION_KEY);
    } catch (error) {
      return false;
    }
    const section = document.getElementById("regions");
    const fresh = saved && Date.now() - saved.at < 120000 && window.location.hash === "#regions";
    if (!apply || !fresh || !section) return false;
    const message = document.querySelector(".messages");
    if (message) announce(collapse(message.textContent));
    focusAfterChange(section, new Set(saved.before), saved.removing);
    return true;
  }

  // A page opened at a #part: the browser goes there once the page has loaded, putting the
  // focus back on the page itself; the focus is placed after that.
  function afterArrival(callback) {
    if (window.location.hash) window.addEventListener("load", () => setTimeout(callback, 0));
    else callback();
  }

  // A page sent back with a form's mistakes: the focus goes to the first of them, and
  // each box with a mistake is tied to its message, which screen readers then read.
  function focusFirstError() {
    document.querySelectorAll(".invalid-feedback").forEach((message, index) => {
      const holder = message.parentElement;
      const field = holder && holder.querySelector(".is-invalid");
      if (!field) return;
      if (!message.id) message.id = `error-${index + 1}`;
      const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (!described.includes(message.id)) field.setAttribute("aria-describedby", [...described, message.id].join(" "));
      field.setAttribute("aria-invalid", "true");
    });
    const first = document.querySelector(
      "main .messages .alert-danger, main form .alert-danger[role=alert], main .is-invalid, main .invalid-feedback.d-block",
    );
    if (!first) return false;
    if (first.matches(".invalid-feedback")) {
      const group = first.closest("fieldset") || first.parentElement;
      const field = group.querySelector("input:not([type=hidden]):checked, input:not([type=hidden]), select, textarea");
      focusOn(field || first);
    } else {
      focusOn(first);
    }
    return true;
  }

  // --- Glossary words in a source -------------------------------------------------------
  // Each explained word shows its meaning on focus; together they are one stop for the
  // Tab key, and the arrow keys go from one to the next. Escape hides a meaning.

  function wireGlossary() {
    const words = Array.from(document.querySelectorAll("#source-text .gloss"));
    if (!words.length) return;
    words.forEach((word, index) => {
      word.tabIndex = index === 0 ? 0 : -1;
      word.addEventListener("keydown", (event) => {
        if (event.key === "Escape") {
          word.classList.add("gloss-quiet");
          return;
        }
        const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -Infinity, End: Infinity };
        if (!(event.key in moves) || event.altKey || event.ctrlKey || event.metaKey) return;
        event.preventDefault();
        const step = moves[event.key];
        const to = Math.min(Math.max(Number.isFinite(step) ? index + step : step < 0 ? 0 : words.length - 1, 0), words.length - 1);
        words.forEach((other) => {
          other.tabIndex = -1;
        });
        words[to].tabIndex = 0;
        words[to].focus();
      });
      word.addEventListener("blur", () => word.classList.remove("gloss-quiet"));
    });
  }

  // --- Start ------------------------------------------------------------------------------

  // --- A prediction's copy in this browser ---------------------------------------------
  // A prediction is sent once, on purpose, so it is not autosaved; but until the page
  // shows it kept, this browser holds a copy. A send lost to a dropped connection finds
  // the words back in the box on the next visit. Once kept, the page says so and the copy
  // goes.

  function wireKeptCopies() {
    document.querySelectorAll("[data-drop-copy]").forEach((kept) => {
      window.coexistDrafts.drop(kept.dataset.dropCopy);
    });
    document.querySelectorAll("form[data-keep-copy]").forEach((form) => {
      const name = form.dataset.keepCopy;
      const box = form.querySelector("textarea");
      if (!box) return;
      const copy = window.coexistDrafts.load(name);
      if (copy && copy.text && !box.value.trim()) {
        box.value = copy.text;
        const note = el("p", { class: "small text-muted-strong mt-1 mb-0", role: "status" },
          gettext("Your words from last time were not sent; they were kept in this browser and are back in the box."));
        box.after(note);
      }
      box.addEventListener("input", () => {
        if (box.value.trim()) window.coexistDrafts.save(name, { text: box.value });
        else window.coexistDrafts.drop(name);
      });
    });
  }

  // --- Drawing a region on an image ------------------------------------------------------
  // The form's four numbers (percent of the image) are what is sent; drawing fills them in.
  // By mouse or touch: drag across the image. By keyboard: a box on the image that the
  // arrow keys move and Shift with the arrow keys resizes.

  function wireRegionDrawing() {
    const form = document.querySelector("form[data-region-form]");
    const frame = document.querySelector(".region-frame");
    if (!form || !frame) return;
    const field = (name) => form.querySelector(`[name="region-${name}"]`);
    const controls = form.querySelector("[data-region-draw-controls]");
    const toggle = form.querySelector("[data-region-draw]");
    const said = form.querySelector("[data-region-said]");
    controls.hidden = false;
    form.querySelector(".region-draw-help").hidden = false;

    const box = el("div", {
      class: "region-box",
      tabindex: "0",
      role: "application",
      "aria-label": gettext("Region to mark: arrow keys move it, Shift and the arrow keys resize it, Enter goes on to the note"),
    });
    box.hidden = true;
    frame.append(box);
    let rect = { x: 25, y: 25, w: 50, h: 50 };
    let drawing = false;
    let start = null;

    const round = (value) => Math.round(value * 2) / 2;
    function show() {
      rect = {
        x: Math.min(Math.max(rect.x, 0), 99),
        y: Math.min(Math.max(rect.y, 0), 99),
        w: Math.max(rect.w, 1),
        h: Math.max(rect.h, 1),
      };
      rect.w = Math.min(rect.w, 100 - rect.x);
      rect.h = Math.min(rect.h, 100 - rect.y);
      box.style.left = `${rect.x}%`;
      box.style.top = `${rect.y}%`;
      box.style.width = `${rect.w}%`;
      box.style.height = `${rect.h}%`;
      ["x", "y", "w", "h"].forEach((name) => {
        field(name).value = round(rect[name]);
      });
      const lang = document.documentElement.lang || undefined;
      const shown = (name) => round(rect[name]).toLocaleString(lang);
      said.textContent = interpolate(
        gettext("%(w)s% wide by %(h)s% high, %(x)s% from the left and %(y)s% from the top."),
        { w: shown("w"), h: shown("h"), x: shown("x"), y: shown("y") },
        true,
      );
    }

    function setDrawing(on) {
      drawing = on;
      toggle.setAttribute("aria-pressed", String(on));
      toggle.textContent = on ? gettext("Stop drawing") : gettext("Draw on the image");
      frame.classList.toggle("region-drawing", on);
      box.hidden = !on;
      if (on) {
        show();
        box.focus();
      }
    }
    toggle.addEventListener("click", () => setDrawing(!drawing));

    // While drawing, the image is a canvas: not a link to the full-size picture, and not
    // something the browser drags away.
    frame.addEventListener("click", (event) => {
      if (drawing) event.preventDefault();
    });
    frame.addEventListener("dragstart", (event) => {
      if (drawing) event.preventDefault();
    });

    function percent(event) {
      const area = frame.querySelector("img").getBoundingClientRect();
      return {
        x: Math.min(Math.max(((event.clientX - area.left) / area.width) * 100, 0), 100),
        y: Math.min(Math.max(((event.clientY - area.top) / area.height) * 100, 0), 100),
      };
    }
    frame.addEventListener("pointerdown", (event) => {
      if (!drawing) return;
      event.preventDefault();
      start = percent(event);
      frame.setPointerCapture(event.pointerId);
    });
    frame.addEventListener("pointermove", (event) => {
      if (!drawing || !start) return;
      const now = percent(event);
      rect = {
        x: Math.min(start.x, now.x),
        y: Math.min(start.y, now.y),
        w: Math.abs(now.x - start.x),
        h: Math.abs(now.y - start.y),
      };
      show();
    });
    frame.addEventListener("pointerup", () => {
      if (!drawing || !start) return;
      start = null;
      form.querySelector(`[name="region-note"]`).focus();
    });

    box.addEventListener("keydown", (event) => {
      const moves = { ArrowLeft: [-2, 0], ArrowRight: [2, 0], ArrowUp: [0, -2], ArrowDown: [0, 2] };
      const move = moves[event.key];
      if (!move) {
        if (event.key === "Enter") {
          event.preventDefault();
          form.querySelector(`[name="region-note"]`).focus();
        }
        return;
      }
      event.preventDefault();
      if (event.shiftKey) {
        rect.w += move[0];
        rect.h += move[1];
      } else {
        rect.x += move[0];
        rect.y += move[1];
      }
      show();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    let autosave = null;
    liveRegion();
    wireKeptCopies();
    wireRegionDrawing();
    wireRegionFocus();
    wireGlossary();
    document.querySelectorAll("form[data-autosave]").forEach((form) => {
      autosave = new Autosave(form);
      window.coexistAutosave = autosave;
    });
    // On a phone the guiding questions start folded, so the answer boxes are in reach.
    if (window.matchMedia("(max-width: 575.98px)").matches) {
      document.querySelectorAll("details[data-fold-on-phone]").forEach((box) => {
        box.open = false;
      });
    }
    wireStarters(document);
    wireWordCount();
    renderHighlights();
    wireSelection();
    wireMarksForms(autosave);
    afterArrival(() => restoreRegionFocus(!focusFirstError()));
    // Logging out clears this browser's drafts, so text not saved yet is saved first.
    const logout = document.querySelector("form[data-logout]");
    if (logout && autosave) {
      let triedSaving = false;
      logout.addEventListener("submit", (event) => {
        if (triedSaving || autosave.blocked || !autosave.dirty()) return;
        triedSaving = true;
        event.preventDefault();
        autosave.saveBefore(() => logout.requestSubmit());
      });
    }
    const submitLink = document.querySelector("[data-submit-link]");
    if (submitLink && autosave) {
      submitLink.addEventListener("click", (event) => {
        event.preventDefault();
        autosave.saveBefore(() => {
          window.location.href = submitLink.href;
        });
      });
    }
  });
})();
