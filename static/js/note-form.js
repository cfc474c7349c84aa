// Markdown preview for the note editor: the server renders exactly as it will store.
(function () {
  "use strict";
  var form = document.querySelector("form.note-form");
  if (!form) return;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  function preview() {
    form.querySelectorAll(".preview[data-preview-for]").forEach(function (pane) {
      var source = document.getElementById(pane.getAttribute("data-preview-for"));
      // The field's name tells its language: a Chinese text's callouts are headed in Chinese.
      var body = new URLSearchParams({ text: source.value, field: source.name });
      fetch(form.getAttribute("data-preview-url"), {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token },
      }).then(function (r) {
        // A login page (the session ended) or an error page is no preview: say so.
        if (!r.ok || (r.headers.get("Content-Type") || "").indexOf("json") < 0) {
          throw new Error(r.status);
        }
        return r.json();
      }).then(function (data) {
        pane.innerHTML = data.html;  // sanitised on the server
        if (window.scrollTables) window.scrollTables(pane);
        if (window.renderMath) window.renderMath(pane);
      }).catch(function () {
        var said = document.createElement("p");
        said.className = "error preview-failed";
        said.setAttribute("role", "alert");
        said.textContent = form.getAttribute("data-preview-failed");
        pane.replaceChildren(said);
      });
    });
  }
  form.querySelector("[data-preview-button]").addEventListener("click", preview);
})();
