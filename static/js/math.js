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

  var MAX_SIZE = 10;
  window.MATH_MAX_SIZE = MAX_SIZE; // the deck's speaker notes use it too

  var OPTIONS = {
    delimiters: [
      { left: "\\[", right: "\\]", display: true },
      { left: "\\(", right: "\\)", display: false },
    ],
    // A formula KaTeX cannot read is left to typesetLeftovers(): KaTeX's own error
    // output colours it with a style attribute, which the CSP refuses.
    throwOnError: true,
    errorCallback: function () {},
    trust: false,
    strict: "ignore", // Chinese text inside \text{} is fine, do not warn
    // A size written in a formula (\rule{3000px}{3000px}, \kern, \Huge boxes) is at
    // most this many ems: a member's formula blacked out the page around it.
    maxSize: MAX_SIZE,
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

  // A formula auto-render left as text, delimiters and all: one KaTeX cannot read, or
  // one whose braces do not match (\frac{1}{2), where auto-render finds no closing
  // delimiter outside the braces. The server marked where each formula begins and ends
  // (.arithmatex): it is given to KaTeX as marked and, if KaTeX refuses it, shown as
  // its source in the error colour (.katex-error), the error as its title.
  var MARKED = /^\\([([])([\s\S]*)\\[)\]]$/;

  function typesetLeftovers(root) {
    if (!window.katex) return;
    Array.prototype.forEach.call(root.querySelectorAll(".arithmatex"), function (el) {
      if (el.querySelector(".katex") || el.classList.contains("katex-error")) return;
      var found = MARKED.exec(el.textContent.trim());
      if (!found) return;
      try {
        window.katex.render(found[2], el, Object.assign({}, OPTIONS, { displayMode: found[1] === "[" }));
      } catch (error) {
        el.textContent = found[2];
        el.classList.add("katex-error");
        el.title = String(error.message || error);
      }
    });
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
    typesetLeftovers(root === document ? document.body : root);
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
