// Bilingual reading choice without a page reload; the form posts when JS is off.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".reading-switch button[data-reading]");
    if (button) {
      event.preventDefault();
      var choice = button.getAttribute("data-reading");
      document.cookie = "reading=" + choice + "; path=/; max-age=31536000; SameSite=Lax";
      document.body.classList.remove("reading-zh", "reading-en", "reading-both");
      document.body.classList.add("reading-" + choice);
      document.querySelectorAll(".reading-switch button[data-reading]").forEach(function (b) {
        b.classList.toggle("active", b.getAttribute("data-reading") === choice);
      });
      return;
    }
    var confirmForm = event.target.closest(".confirm-delete button");
    if (confirmForm && !window.confirm(document.documentElement.lang.startsWith("zh") ? "确定删除？" : "Delete this?")) {
      event.preventDefault();
    }
  });
})();
