// Bilingual reading choice without a page reload; the form posts when JS is off.
// Tables in notes (and the admin's change lists and inline tables:
// templates/admin/base_site.html loads this too) scroll sideways in a box that says
// when there is more to see; a display formula wider than its column scrolls in its
// own box, faded at the edge.
(function () {
  "use strict";
  var hint = document.documentElement.lang.startsWith("zh")
    ? "⇆ 表格较宽，可左右滑动查看"
    : "⇆ Wide table: scroll sideways for more columns";
  // Mark a box that scrolls sideways (is-scrollable) and whether it is scrolled to its
  // end (at-end): the CSS fades its right edge while there is more to the right.
  function edges(box, changed) {
    function update() {
      var more = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("is-scrollable", more);
      box.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
      if (changed) changed(more);
    }
    box.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    document.addEventListener("reading-changed", update);
    if (document.fonts) document.fonts.ready.then(update);  // KaTeX's fonts widen formulas
    update();
  }
  function watch(box) {
    var note = document.createElement("p");
    note.className = "table-hint";
    note.textContent = hint;
    note.lang = document.documentElement.lang;  // the interface's, inside either side's text
    box.parentNode.insertBefore(note, box);
    edges(box, function (more) {
      note.classList.toggle("is-shown", more);
    });
  }
  // Also for what is drawn later: the note editor's preview (note-form.js), after its
  // formulas are typeset.
  window.scrollBoxes = function (root) {
    root.querySelectorAll(".markdown table").forEach(function (table) {
      if (table.parentNode.classList.contains("table-scroll")) return;
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
      watch(box);
    });
    root.querySelectorAll(".markdown .katex-display").forEach(function (formula) {
      if (formula.hasAttribute("data-edges")) return;
      formula.setAttribute("data-edges", "");
      edges(formula);
    });
  };
  window.scrollBoxes(document);  // math.js, before this script, has typeset the page
  // The site's wide tables, and the admin's change lists and inline tables (a group's
  // members on a phone), which Django's admin scrolls in their box with no word of
  // more columns.
  document
    .querySelectorAll(".table-wrap, #changelist .results, .inline-group:has(> .tabular)")
    .forEach(watch);
  if (window.matchMedia("(max-width: 800px)").matches) {
    document.querySelectorAll("details.toc-fold[open]").forEach(function (fold) {
      fold.open = false;
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".reading-switch button[data-reading]");
    if (button) {
      event.preventDefault();
      var choice = button.getAttribute("data-reading");
      document.cookie = "reading=" + choice + "; path=/; max-age=31536000; SameSite=Lax";
      document.body.classList.remove("reading-zh", "reading-en", "reading-both");
      document.body.classList.add("reading-" + choice);
      document.querySelectorAll(".reading-switch button[data-reading]").forEach(function (b) {
        var chosen = b.getAttribute("data-reading") === choice;
        b.classList.toggle("active", chosen);
        b.setAttribute("aria-pressed", chosen ? "true" : "false");
      });
      document.dispatchEvent(new Event("reading-changed"));
      return;
    }
    var copy = event.target.closest("[data-copy-target]");
    if (copy && navigator.clipboard) {
      var source = document.getElementById(copy.getAttribute("data-copy-target"));
      navigator.clipboard.writeText(source.textContent).then(function () {
        copy.textContent = copy.getAttribute("data-copied");
      });
      return;
    }
    // A form that destroys or gives up something asks first: its data-confirm (what
    // will happen), or "Delete this?".
    var confirmButton = event.target.closest(".confirm-delete button");
    if (confirmButton) {
      var question = confirmButton.form.getAttribute("data-confirm") ||
        (document.documentElement.lang.startsWith("zh") ? "确定删除？" : "Delete this?");
      if (!window.confirm(question)) event.preventDefault();
    }
  });
})();

// A form sent back with a field wrong: the focus goes to what says so (its links lead to
// each field), so that a screen reader reads it and a phone shows it at the top.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();

// A comment or a note sent after the session ended (written for longer than a session
// lasts, or logged out in another tab) went to the login page, and the text was lost.
// Before it is sent, the page asks whether the member is still logged in; if not, the
// text stays, with a link to log in in a new tab; sent again, it carries the new login's
// CSRF secret (a login changes it; the cookie holds it, and Django takes it unmasked).
(function () {
  "use strict";
  var body = document.body;
  var checkUrl = body.getAttribute("data-session-check");
  if (!checkUrl || !window.fetch) return;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form.comment-form, form.note-form") || form.hasAttribute("data-checked")) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    var said = form.querySelector(".session-ended");
    if (said) said.remove();
    function send() {
      var cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
      var field = form.querySelector("input[name=csrfmiddlewaretoken]");
      if (cookie && field) field.value = decodeURIComponent(cookie[1]);
      form.setAttribute("data-checked", "");
      form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      form.removeAttribute("data-checked");
    }
    fetch(checkUrl, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (r) {
        if (r.status === 200) return send();
        var note = document.createElement("p");
        note.className = "error session-ended";
        note.setAttribute("role", "alert");
        note.textContent = body.getAttribute("data-session-ended") + " ";
        var link = document.createElement("a");
        link.href = body.getAttribute("data-login");
        link.target = "_blank";
        link.textContent = body.getAttribute("data-login-text");
        note.appendChild(link);
        var button = submitter || form.querySelector("[type=submit]");
        (button ? button.parentNode : form).insertBefore(note, button || null);
      })
      .catch(send);  // unreachable: sent as before, the server says what happened
  }, true);  // before the form's own listeners: they see it was not sent (defaultPrevented)
})();
