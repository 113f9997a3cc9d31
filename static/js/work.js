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
        this.saveNow();
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
      this.show("Unsaved changes…", "pending");
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
      this.show("Saving…", "saving");
      let response;
      let data = {};
      try {
        response = await post(this.form.action || window.location.href, new FormData(this.form));
        data = await response.json().catch(() => ({}));
      } catch (error) {
        this.inFlight = false;
        this.show(
          "Not saved: no connection. Your text is kept in this browser and will be saved when you are back online.",
          "error",
        );
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
          this.show("Saved at", "refused", said);
        } else {
          if (sent.done) this.refuseDone("");
          this.show("Saved at", "saved", time);
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
          "Log in again (opens a new tab)",
        );
        this.show(data.message || "You have been signed out. Your text is kept here.", "error", link);
        this.scheduleRetry();
      } else if (response.status === 403 && data.status === "csrf" && !options.csrfRetried) {
        // A login in another tab gives a new token; the cookie already has it.
        this.again = false;
        return this.saveNow({ ...options, csrfRetried: true });
      } else if (response.status === 403 && data.status === "csrf") {
        this.show(data.message, "error");
        this.scheduleRetry();
      } else {
        this.show(data.message || "Not saved: something went wrong. Your text is kept here.", "error");
        if (response.status >= 500) this.scheduleRetry();
      }
      if (this.again && !this.blocked) {
        this.again = false;
        this.saveNow();
      }
    }

    conflict(data) {
      this.blocked = true;
      this.show("Not saved: changed elsewhere. Choose a version below.", "error");
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
          el("dd", {}, el("span", { class: "version-tag" }, "Saved elsewhere: "), el("span", { class: "saved-version" }, String(shownTheirs || "(empty)"))),
          el("dd", {}, el("span", { class: "version-tag" }, "On this page: "), el("span", { class: "page-version" }, typeof ours === "boolean" ? (ours ? "yes" : "no") : String(shownOurs || "(empty)"))),
        );
      });
      const keepMine = el("button", { type: "button", class: "btn btn-sm btn-primary" }, "Keep this page’s version");
      const useTheirs = el("button", { type: "button", class: "btn btn-sm btn-outline-secondary" }, "Use the saved version");
      const panel = el(
        "div",
        { class: "alert alert-warning conflict", role: "alert" },
        el("h3", { class: "h6" }, "Changed somewhere else"),
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
        this.show("Showing the saved version.", "saved");
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
      const restore = el("button", { type: "button", class: "btn btn-sm btn-primary" }, "Restore my unsaved text");
      const discard = el("button", { type: "button", class: "btn btn-sm btn-outline-secondary" }, "Discard it");
      const when = new Date(draft.at);
      slot.replaceChildren(
        el(
          "div",
          { class: "alert alert-info restore", role: "alert" },
          el("p", { class: "mb-2" }, "This browser kept text you typed at ", el("time", { datetime: when.toISOString() }, timeText(when)), " that was not saved (a reload, a crash or a lost connection)."),
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
    const limit = box.maxLength > 0 ? ` of ${box.maxLength.toLocaleString()}` : "";
    const update = () => {
      const words = box.value.trim() ? box.value.trim().split(/\s+/).length : 0;
      counter.textContent = `${words} word${words === 1 ? "" : "s"} · ${box.value.length.toLocaleString()}${limit} characters`;
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
      markRange(map, start, start + length, item.dataset.tag, `${item.dataset.tag}${note ? ": " + note.textContent : ""}`);
    });
  }

  function wireSelection() {
    const root = document.getElementById("source-text");
    const form = document.querySelector("[data-highlight-form]");
    if (!root || !form) return;
    const button = el("button", { type: "button", class: "btn btn-sm btn-dark highlight-popover", hidden: "" }, "Highlight selection");
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
        submit.disabled = true;
        let response;
        let data = {};
        try {
          response = await post(form.action, new FormData(form));
          data = await response.json().catch(() => ({}));
        } catch (error) {
          submit.disabled = false;
          say(form, "Not saved: no connection. Try again when you are back online; what you typed is still here.");
          return;
        }
        submit.disabled = false;
        if (response.ok && data.highlights_html) {
          replaceSection("highlights", data.highlights_html);
          replaceSection("links", data.links_html);
          renderHighlights();
          wireMarksForms(autosave);
          announce(data.message);
        } else if (response.status === 401) {
          say(form, data.message + " ");
        } else if (response.status === 403 && data.status === "csrf") {
          say(form, data.message);
        } else {
          say(form, data.message || "That did not work. Check what you typed and try again.");
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
  }

  function announce(message) {
    let region = document.getElementById("marks-announcer");
    if (!region) {
      region = el("p", { id: "marks-announcer", class: "visually-hidden", role: "status" });
      document.body.append(region);
    }
    region.textContent = message || "";
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
          "Your words from last time were not sent; they were kept in this browser and are back in the box.");
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
      "aria-label": "Region to mark: arrow keys move it, Shift and the arrow keys resize it, Enter goes on to the note",
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
      said.textContent = `${round(rect.w)}% wide by ${round(rect.h)}% high, ${round(rect.x)}% from the left and ${round(rect.y)}% from the top.`;
    }

    function setDrawing(on) {
      drawing = on;
      toggle.setAttribute("aria-pressed", String(on));
      toggle.textContent = on ? "Stop drawing" : "Draw on the image";
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
    wireKeptCopies();
    wireRegionDrawing();
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
