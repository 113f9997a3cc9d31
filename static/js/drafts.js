// Copies of unsaved work kept in this browser (localStorage): one set per signed-in
// person, all removed when they log out, so the next pupil at a shared school computer
// is never offered, and cannot read, someone else's text. work.js keeps and offers them.
(function () {
  "use strict";

  // Everything Coexist keeps in the browser starts with this; all of it is drafts.
  const PREFIX = "coexist:";
  let closed = false; // logging out: keep nothing more, even from a page being left

  function signedIn() {
    const form = document.querySelector("form[data-logout]");
    return form && form.dataset.user ? form.dataset.user : "";
  }

  const drafts = {
    // A page's draft is stored under the person's id, so another person's is never found.
    key(name) {
      const user = signedIn();
      return user && name ? `${PREFIX}draft:${user}:${name}` : null;
    },

    load(name) {
      const key = drafts.key(name);
      if (!key) return null;
      try {
        return JSON.parse(localStorage.getItem(key) || "null");
      } catch (error) {
        return null;
      }
    },

    save(name, value) {
      const key = drafts.key(name);
      if (!key || closed) return;
      try {
        localStorage.setItem(key, JSON.stringify(value));
      } catch (error) {
        // Storage full or disabled: the server copy and the open page still hold the text.
      }
    },

    drop(name) {
      const key = drafts.key(name);
      if (!key) return;
      try {
        localStorage.removeItem(key);
      } catch (error) {
        /* nothing to drop */
      }
    },

    clearAll() {
      try {
        for (let i = localStorage.length - 1; i >= 0; i -= 1) {
          const key = localStorage.key(i);
          if (key && key.startsWith(PREFIX)) localStorage.removeItem(key);
        }
      } catch (error) {
        /* storage disabled: nothing was kept */
      }
    },
  };

  window.coexistDrafts = drafts;

  // A page with unsaved text saves it first and sends the form again (work.js); only
  // the logout that really goes ahead clears the drafts.
  document.addEventListener("submit", (event) => {
    if (event.defaultPrevented || !event.target.matches("form[data-logout]")) return;
    closed = true;
    drafts.clearAll();
  });
})();
