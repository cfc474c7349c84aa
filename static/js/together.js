// Reading status in one click without a page reload: the form posts as it would without
// JavaScript, asks for JSON, and presses the chosen button (pressing it again clears it).
(function () {
  "use strict";
  function show(form, status) {
    form.setAttribute("data-status", status);
    form.querySelectorAll("button[data-value]").forEach(function (button) {
      var value = button.getAttribute("data-value");
      var pressed = value === status;
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
      button.value = pressed ? "" : value;
      // "Click again to clear" goes with the pressed button, as the page was made.
      if (pressed && form.hasAttribute("data-clear")) {
        button.title = form.getAttribute("data-clear");
      } else {
        button.removeAttribute("title");
      }
    });
  }
  // What went wrong with a click, said after its control ("" takes it away).
  function said(form, text) {
    var note = form.nextElementSibling;
    if (!note || !note.classList.contains("status-failed")) {
      if (!text) {
        return;
      }
      note = document.createElement("span");
      note.className = "status-failed error";
      note.setAttribute("role", "alert");
      form.parentNode.insertBefore(note, form.nextSibling);
    }
    note.textContent = text;
    note.hidden = !text;
  }
  // The counts of who has read the paper beside its controls (one per group shown).
  function progressNotes(action) {
    var found = [];
    document.querySelectorAll("form.status-control").forEach(function (form) {
      var note = form.action === action && form.parentNode.querySelector(".progress-note[data-group]");
      if (note && found.indexOf(note) < 0) {
        found.push(note);
      }
    });
    return found;
  }
  // Each control is named after its paper ("My reading status: <title>"): a list shows
  // one per row, and a screen reader's list of forms, or a member tabbing from one to the
  // next, heard the same name on every row. The title is the row's (its .paper-title, or
  // its first link), or on a paper's own page the page's heading. Named here, not on the
  // server: the controls are made once per status and language, and filled in per member
  // into pages kept for many.
  function titleOf(form) {
    var row = form.closest("li");
    var title = row ? row.querySelector(".paper-title") || row.querySelector("a[href]") : null;
    title = title || document.querySelector("main h1") || document.querySelector("h1");
    return title ? title.textContent.replace(/\s+/g, " ").trim() : "";
  }
  function name(form) {
    var base = form.getAttribute("data-label") || form.getAttribute("aria-label") || "";
    var title = titleOf(form);
    if (!base || !title) {
      return;
    }
    form.setAttribute("data-label", base);
    // The interface's colon (core.language.colon): "：" in Chinese.
    form.setAttribute("aria-label", base + (document.body.getAttribute("data-colon") || ": ") + title);
  }
  function nameAll() {
    document.querySelectorAll("form.status-control").forEach(name);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", nameAll);
  } else {
    nameAll();
  }
  var clicked = null; // for browsers without SubmitEvent.submitter
  document.addEventListener("click", function (event) {
    clicked = event.target.closest("form.status-control button[data-value]");
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form.status-control");
    if (!form || !window.fetch) {
      return;
    }
    event.preventDefault();
    var button = event.submitter || clicked;
    var data = new FormData(form);
    data.set("status", button ? button.value : "");
    // The group's count beside the paper (a meeting page) changes with the status: ask
    // for it again, for each group the page shows it of.
    var notes = progressNotes(form.action);
    notes.forEach(function (note) {
      data.append("progress", note.getAttribute("data-group"));
    });
    // So does how far the group has read a reading list (the list's page).
    var listProgress = document.querySelector(".group-progress[data-list]");
    if (listProgress) {
      data.append("list", listProgress.getAttribute("data-list"));
    }
    form.classList.add("is-busy");
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        // The same paper may be on the page twice (a meeting's paper, a list): all agree.
        document.querySelectorAll("form.status-control").forEach(function (other) {
          if (other.action === form.action) {
            show(other, answer.status);
          }
        });
        notes.forEach(function (note) {
          var text = (answer.progress || {})[note.getAttribute("data-group")];
          if (text) {
            note.textContent = text;
          }
        });
        if (listProgress && answer.list_progress) {
          listProgress.innerHTML = answer.list_progress;
        }
        // "since <date>" told of the status before the click.
        var since = form.parentNode.querySelector(".status-since");
        if (since) {
          since.hidden = true;
        }
        form.classList.remove("is-busy", "is-failed");
        said(form, "");
      })
      .catch(function () {
        // A login page (the session ended elsewhere) or an error: say so beside it.
        form.classList.remove("is-busy");
        form.classList.add("is-failed");
        said(form, document.body.getAttribute("data-status-failed") || "");
      });
  });
})();
