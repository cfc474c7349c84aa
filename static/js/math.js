/*
 * Typeset TeX with the vendored KaTeX (static/vendor/katex/).
 *
 * The server's Markdown renderer leaves math as escaped text inside
 * span.arithmatex / div.arithmatex, wrapped in \( \) (inline) or \[ \] (display).
 * Load after katex.min.js and contrib/auto-render.min.js, with `defer`:
 *
 *   <script defer src="{% static 'vendor/katex/katex.min.js' %}"></script>
 *   <script defer src="{% static 'vendor/katex/contrib/auto-render.min.js' %}"></script>
 *   <script defer src="{% static 'js/math.js' %}"></script>
 *
 * Plain texts written as arXiv writes abstracts (a paper's summary) are marked
 * .tex-text: there $…$ and $$…$$ are TeX too.
 *
 * Other scripts (the slide deck) can call window.renderMath(element) again after
 * they insert content.
 */
(function () {
  "use strict";

  var OPTIONS = {
    delimiters: [
      { left: "\\[", right: "\\]", display: true },
      { left: "\\(", right: "\\)", display: false },
    ],
    throwOnError: false,
    trust: false,
    strict: "ignore", // Chinese text inside \text{} is fine, do not warn
  };

  var DOLLARS = Object.assign({}, OPTIONS, {
    delimiters: OPTIONS.delimiters.concat([
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
    ]),
  });

  function typeset(element) {
    window.renderMathInElement(element, element.closest(".tex-text") ? DOLLARS : OPTIONS);
  }

  // Typeset every .markdown block in root (or root itself), then any .arithmatex
  // outside them. Typeset output keeps no delimiters, so running twice is harmless.
  function renderMath(root) {
    if (typeof window.renderMathInElement !== "function") return;
    root = root || document;
    var isMarkdown = root.classList && root.classList.contains("markdown");
    var scopes = isMarkdown ? [root] : Array.prototype.slice.call(root.querySelectorAll(".markdown"));
    if (!scopes.length) scopes = [root === document ? document.body : root];
    scopes.forEach(typeset);
    Array.prototype.forEach.call(root.querySelectorAll(".arithmatex"), function (el) {
      if (!el.closest(".markdown") && !el.querySelector(".katex")) typeset(el);
    });
  }

  window.renderMath = renderMath;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      renderMath(document);
    });
  } else {
    renderMath(document);
  }
})();
