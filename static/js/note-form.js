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
      }).then(function (r) { return r.json(); }).then(function (data) {
        pane.innerHTML = data.html;  // sanitised on the server
        if (window.scrollTables) window.scrollTables(pane);
        if (window.renderMath) window.renderMath(pane);
      });
    });
  }
  form.querySelector("[data-preview-button]").addEventListener("click", preview);
})();
