// Markdown preview for the note editor: the server renders exactly as it will store.
(function () {
  "use strict";
  var form = document.querySelector("form.note-form");
  if (!form) return;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  // The previews are drawn under their texts, above the button: the first one is brought
  // into sight, its top below the sticky header (it was left above the screen).
  function reveal(pane) {
    // The sticky header covers the page's top; on a phone it is not sticky (site.css) and
    // scrolled away, its bottom far above the window: counted, it sent the preview off
    // the top of the screen.
    var header = document.querySelector(".site-header");
    var sticky = header && getComputedStyle(header).position === "sticky";
    var top = sticky ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
    var box = pane.getBoundingClientRect();
    if (box.top < top || box.top > window.innerHeight - 40) {
      window.scrollBy({ top: box.top - top - 12, behavior: "smooth" });
    }
  }
  function sourceOf(pane) {
    return document.getElementById(pane.getAttribute("data-preview-for"));
  }
  function preview() {
    var panes = Array.prototype.slice.call(form.querySelectorAll(".preview[data-preview-for]"));
    var written = panes.filter(function (pane) { return sourceOf(pane).value.trim(); });
    var first = written[0] || panes[0];
    panes.forEach(function (pane) {
      var shown = pane === first;
      var source = sourceOf(pane);
      // The field's name tells its language: a Chinese text's callouts are headed in Chinese.
      var body = new URLSearchParams({ text: source.value, field: source.name });
      fetch(form.getAttribute("data-preview-url"), {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token },
      }).then(function (r) {
        // A login page (the session ended) or an error page is no preview: say so.
        if ((r.headers.get("Content-Type") || "").indexOf("json") < 0) throw new Error(r.status);
        return r.json().then(function (data) {
          // A text the form would refuse (nested too deeply): the form's message.
          if (r.ok) return data;
          var refused = new Error(data.error || r.status);
          refused.said = Boolean(data.error);
          throw refused;
        });
      }).then(function (data) {
        pane.innerHTML = data.html;  // sanitised on the server
        if (window.renderMath) window.renderMath(pane);
        if (window.scrollBoxes) window.scrollBoxes(pane);
        if (shown) reveal(pane);
      }).catch(function (error) {
        var said = document.createElement("p");
        said.className = "error preview-failed";
        said.setAttribute("role", "alert");
        said.textContent = error.said ? error.message : form.getAttribute("data-preview-failed");
        pane.replaceChildren(said);
        if (shown) reveal(pane);
      });
    });
  }
  form.querySelector("[data-preview-button]").addEventListener("click", preview);
})();

// Figures: a button under each text, or an image pasted or dropped into it, uploads the
// image (notes:figure_upload) and puts its Markdown where the cursor is. The text is never
// touched by a failed upload: the reason is said under the field.
(function () {
  "use strict";
  var form = document.querySelector("form.note-form[data-figure-upload-url]");
  if (!form) return;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var said = form.dataset;
  var TYPES = "image/png,image/jpeg,image/gif,image/webp";

  function two(n) { return (n < 10 ? "0" : "") + n; }

  // A pasted image has no name of its own ("image.png"): name it as Obsidian does, so
  // that its Markdown reads like the group's notes.
  function pastedName(file) {
    var d = new Date();
    var stamp = "" + d.getFullYear() + two(d.getMonth() + 1) + two(d.getDate()) +
      two(d.getHours()) + two(d.getMinutes()) + two(d.getSeconds());
    var ext = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
    return "Pasted image " + stamp + "." + ext;
  }

  function insert(textarea, markdown) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, text = textarea.value;
    var before = text.slice(0, start), after = text.slice(end);
    // A paragraph of its own: a blank line before and after it, and no more.
    var lead = before ? "\n\n".slice(/\n*$/.exec(before)[0].length) : "";
    var tail = after ? "\n\n".slice(/^\n*/.exec(after)[0].length) : "\n";
    textarea.value = before + lead + markdown + tail + after;
    var cursor = (before + lead + markdown + tail).length;
    textarea.setSelectionRange(cursor, cursor);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Whether the text embeds the figure of this name: ![[name]] or ![[name|…]].
  function embeds(text, name) {
    return text.indexOf("![[" + name + "]]") >= 0 || text.indexOf("![[" + name + "|") >= 0;
  }

  // state: "uploading", "added" or "failed".
  function tell(status, text, state) {
    status.textContent = text;
    status.dataset.state = state;
    status.classList.toggle("error", state === "failed");
    status.setAttribute("role", state === "failed" ? "alert" : "status");
  }

  function upload(textarea, status, files) {
    var queue = Array.prototype.slice.call(files);
    function next() {
      var file = queue.shift();
      if (!file) return;
      var name = file.name && file.name !== "image.png" ? file.name : pastedName(file);
      tell(status, said.figureUploading.replace("%(name)s", name), "uploading");
      var body = new FormData();
      body.append("file", file, name);
      fetch(said.figureUploadUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      }).then(function (r) {
        var json = (r.headers.get("Content-Type") || "").indexOf("json") >= 0;
        if (!json) throw new Error(r.status);  // a login page: the session ended
        return r.json().then(function (data) {
          if (!r.ok) throw new Error(data.error || r.status);
          return data;
        });
      }).then(function (data) {
        if (embeds(textarea.value, data.name)) {
          // The text embeds it by name already (a note from an Obsidian vault): shown there.
          tell(status, said.figureEmbedded.split("%(name)s").join(data.name), "added");
          var button = form.querySelector("[data-preview-button]");
          if (button && form.querySelector(".preview:not(:empty)")) button.click();
        } else {
          insert(textarea, data.markdown);
          tell(status, said.figureAdded.replace("%(name)s", data.name), "added");
        }
        next();
      }).catch(function (error) {
        var reason = /^\d*$/.test(error.message) ? said.figureFailed : error.message;
        // The interface's colon (core.language.colon): "：" in Chinese.
        tell(status, name + (document.body.getAttribute("data-colon") || ": ") + reason, "failed");
      });
    }
    next();
  }

  function images(list) {
    return Array.prototype.filter.call(list || [], function (f) {
      return f.kind ? f.kind === "file" : true;
    }).map(function (f) { return f.getAsFile ? f.getAsFile() : f; }).filter(Boolean);
  }

  form.querySelectorAll(".editor textarea").forEach(function (textarea) {
    var tools = document.createElement("p");
    tools.className = "figure-tools";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = said.figureAdd;
    var input = document.createElement("input");
    input.type = "file";
    input.accept = TYPES;
    input.multiple = true;
    input.hidden = true;
    var hint = document.createElement("span");
    hint.className = "help";
    hint.textContent = said.figureHint;
    var status = document.createElement("span");
    status.className = "figure-status";
    status.setAttribute("role", "status");
    tools.append(button, " ", hint, input, status);
    var label = textarea.closest(".editor").querySelector("label");
    button.setAttribute("aria-label", said.figureAdd + " · " + (label ? label.textContent : ""));
    textarea.insertAdjacentElement("afterend", tools);

    button.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      if (input.files.length) upload(textarea, status, input.files);
      input.value = "";
    });
    textarea.addEventListener("paste", function (event) {
      var files = images(event.clipboardData && event.clipboardData.items);
      if (!files.length) return;  // text: pasted as always
      event.preventDefault();
      upload(textarea, status, files);
    });
    textarea.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
      }
    });
    textarea.addEventListener("drop", function (event) {
      var files = images(event.dataTransfer && event.dataTransfer.files);
      if (!files.length) return;
      event.preventDefault();
      textarea.focus();
      upload(textarea, status, files);
    });
  });
})();

// Typed text is not thrown away unseen: leaving the page with changes not sent (a link,
// the language switch, "Log out", closing the tab) asks first; sending the form does not.
// A page the server sent back refused (its text not saved) asks in any case. The editors
// of notes and meeting pages, and the page of a comment's form.
(function () {
  "use strict";
  var form = document.querySelector("form.note-form, form.comment-form");
  if (!form) return;
  var fields = form.querySelectorAll("textarea, input:not([type=hidden]), select");
  function state() {
    return Array.prototype.map.call(fields, function (field) {
      return field.type === "checkbox" || field.type === "radio" ? field.checked : field.value;
    }).join("\u0000");
  }
  var opened = state();
  var refused = form.hasAttribute("data-refused") ||
    Boolean(form.querySelector("[role=alert], .errorlist"));
  var sent = false;
  // Not when the page held it back (site.js: the member was logged out meanwhile).
  form.addEventListener("submit", function (event) { sent = sent || !event.defaultPrevented; });
  window.addEventListener("beforeunload", function (event) {
    if (sent || (!refused && state() === opened)) return;
    event.preventDefault();
    event.returnValue = "";  // the browser's own words: pages may not choose them
  });
})();
