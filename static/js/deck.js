/*
 * The meeting deck (templates/notes/deck.html): typeset the formulas, shrink any
 * slide whose content still overflows its frame, then start reveal.js.
 *
 * Settings come from data- attributes on #deck (no inline script: CSP).
 * The server splits the write-up by a size estimate (notes/slides/); this file
 * checks the real layout. Load with `defer` after KaTeX, auto-render, reveal.js and
 * its notes plugin, and before js/math.js.
 */
(function () {
  "use strict";

  var MIN_SCALE = 0.45;

  // Speaker notes are shown in reveal.js's speaker view, a pop-up window without
  // KaTeX's stylesheet: typeset them as MathML, which the browser draws by itself.
  function typesetNotes(deck) {
    if (typeof window.renderMathInElement !== "function") return;
    Array.prototype.forEach.call(deck.querySelectorAll("aside.notes"), function (aside) {
      window.renderMathInElement(aside, {
        delimiters: [
          { left: "\\[", right: "\\]", display: true },
          { left: "\\(", right: "\\)", display: false },
        ],
        output: "mathml",
        throwOnError: false,
        strict: "ignore",
        maxSize: window.MATH_MAX_SIZE || 10, // static/js/math.js
      });
    });
  }

  // Natural size of the content when laid out at a given scale (its box made wider
  // by 1/scale, so that text reflows into the room the scaling makes), and how far
  // anything spills out of a column (or a block across both) into the next.
  function measure(fit, avail, scale) {
    fit.style.width = avail.width / scale + "px";
    var spill = 0;
    Array.prototype.forEach.call(fit.querySelectorAll(".deck-col, .deck-shared"), function (box) {
      spill = Math.max(spill, box.scrollWidth - box.clientWidth);
    });
    return {
      height: fit.scrollHeight,
      width: Math.max(fit.scrollWidth, fit.offsetWidth),
      spill: spill,
    };
  }

  function fits(size, avail, scale) {
    return (
      size.height * scale <= avail.height + 0.5 &&
      size.width * scale <= avail.width + 0.5 &&
      size.spill <= 0.5
    );
  }

  // The largest scale, down to MIN_SCALE, at which the content fits its box.
  function largestScale(fit, avail) {
    if (fits(measure(fit, avail, 1), avail, 1)) return 1;
    var low = MIN_SCALE, high = 1;
    for (var i = 0; i < 8; i++) {
      var mid = (low + high) / 2;
      if (fits(measure(fit, avail, mid), avail, mid)) low = mid;
      else high = mid;
    }
    return low;
  }

  // Tables and display formulas wider than their column (or the slide) at the smallest
  // scale: each scrolls sideways in a box of the column's width, with a mark below that
  // it goes on (a printed handout cannot scroll). Return whether there were any.
  function scrollWide(fit, avail) {
    measure(fit, avail, MIN_SCALE);
    var deck = document.getElementById("deck");
    var tables = Array.prototype.filter.call(fit.querySelectorAll("table"), function (table) {
      if (table.parentElement.classList.contains("deck-wide")) return false;
      var box = table.parentElement.closest(".deck-col, .deck-shared, .deck-fit");
      return table.getBoundingClientRect().right > box.getBoundingClientRect().right + 0.5;
    });
    // A formula is a block as wide as its box, its content set on one line: what does
    // not fit runs out past its right edge (KaTeX's line is start-aligned then), and
    // its scrollWidth says by how much. A pixel of rounding is not a wide formula.
    var formulas = Array.prototype.filter.call(fit.querySelectorAll(".katex-display"), function (el) {
      return !el.classList.contains("deck-wide-formula") && el.scrollWidth > el.clientWidth + 1;
    });
    tables.forEach(function (table) {
      var scroller = document.createElement("div");
      scroller.className = "deck-wide";
      table.parentNode.insertBefore(scroller, table);
      scroller.appendChild(table);
      markContinues(scroller, "p", deck.getAttribute("data-table-continues"));
    });
    formulas.forEach(function (formula) {
      // The formula's own box scrolls: KaTeX's markup stays as it is. It may be inside
      // a paragraph (a \[…\] in running text), so its mark is a span set as a block.
      formula.classList.add("deck-wide-formula");
      markContinues(formula, "span", deck.getAttribute("data-formula-continues"));
    });
    return tables.length + formulas.length > 0;
  }

  function markContinues(scroller, tag, text) {
    var more = document.createElement(tag);
    more.className = "deck-wide-more";
    more.textContent = text;
    scroller.parentNode.insertBefore(more, scroller.nextSibling);
  }

  // Shrink one .deck-fit box into its parent: the largest scale that fits. Where even
  // the smallest does not, because a table or a formula is too wide, that scrolls
  // instead and the rest is fitted again.
  function fitBox(fit) {
    var box = fit.parentElement;
    var avail = { width: box.clientWidth, height: box.clientHeight };
    fit.classList.remove("deck-scaled");
    fit.removeAttribute("data-scale"); // of an earlier fit (before a font arrived)
    fit.style.transform = "";
    fit.style.width = "";
    if (!avail.width || !avail.height) return 1;
    var scale = largestScale(fit, avail);
    if (scale === 1) {
      fit.style.width = "";
      return 1;
    }
    if (!fits(measure(fit, avail, MIN_SCALE), avail, MIN_SCALE) && scrollWide(fit, avail)) {
      scale = largestScale(fit, avail);
      if (scale === 1) {
        fit.style.width = "";
        return 1;
      }
    }
    scale *= 0.985; // room for sub-pixel rounding
    measure(fit, avail, scale);
    fit.style.transform = "scale(" + scale.toFixed(4) + ")";
    fit.classList.add("deck-scaled");
    fit.setAttribute("data-scale", scale.toFixed(3));
    return scale;
  }

  function fitAll(deck) {
    deck.classList.add("deck-measuring");
    Array.prototype.forEach.call(deck.querySelectorAll(".deck-fit"), fitBox);
    deck.classList.remove("deck-measuring");
  }

  // Resolve once no font is loading any more (fonts start loading only after layout
  // asks for them, so one document.fonts.ready is not enough).
  function fontsSettled() {
    if (!document.fonts || !document.fonts.ready) return Promise.resolve();
    return document.fonts.ready
      .then(function () {
        return new Promise(function (resolve) {
          requestAnimationFrame(function () {
            requestAnimationFrame(resolve);
          });
        });
      })
      .then(function () {
        return document.fonts.status === "loading" ? fontsSettled() : undefined;
      });
  }

  // A phone held upright (static/css/deck.css, html.deck-upright): a 16:9 slide would be
  // a third of the screen's height, its text 7px; the frame turned upright (720 × 1280)
  // fills the width, its text set as on a slide and fitted to the narrower box.
  var UPRIGHT = window.matchMedia("(max-width: 700px) and (orientation: portrait)");

  function setUpright(on) {
    document.documentElement.classList.toggle("deck-upright", Boolean(on));
  }

  function frame() {
    var deck = document.getElementById("deck");
    var width = Number(deck.getAttribute("data-width")) || 1280;
    var height = Number(deck.getAttribute("data-height")) || 720;
    return document.documentElement.classList.contains("deck-upright")
      ? { width: height, height: width }
      : { width: width, height: height };
  }

  function start() {
    var deck = document.getElementById("deck");
    if (!deck || typeof window.Reveal === "undefined") return;
    var params = new URLSearchParams(window.location.search);
    if (params.has("receiver")) document.documentElement.classList.add("deck-receiver");
    if (params.has("print-pdf")) document.documentElement.classList.add("deck-print");
    if (typeof window.renderMath === "function") window.renderMath(deck);
    translateSpeakerWindows();

    // A phone held upright shows the frame turned upright, and switches as it turns.
    var upright = params.has("receiver") || params.has("print-pdf") ? null : UPRIGHT;
    setUpright(upright && upright.matches);
    if (upright) {
      upright.addEventListener("change", function () {
        setUpright(upright.matches);
        fitAll(deck);
        if (window.Reveal.isReady()) {
          window.Reveal.configure({ width: frame().width, height: frame().height });
        }
      });
    }

    // Lay every slide out (hidden) so that the fonts it needs load, then measure.
    deck.classList.add("deck-measuring");
    void deck.offsetHeight;
    fontsSettled().then(function () {
      fitAll(deck);
      if (document.fonts) {
        // A font that arrives later changes the layout: measure again.
        document.fonts.addEventListener("loadingdone", function () {
          fitAll(deck);
          if (window.Reveal.isReady()) window.Reveal.layout();
        });
      }
      window.Reveal.initialize({
        width: frame().width,
        height: frame().height,
        margin: 0.04,
        center: false,
        hash: true,
        history: false,
        slideNumber: "c/t",
        showSlideNumber: "all",
        transition: "slide",
        transitionSpeed: "fast",
        // reveal.js switches narrow screens to its scroll view, and leaving it (a phone
        // turned sideways) writes style attributes the CSP refuses: keep one view, its
        // frame turned upright on a phone held upright (setUpright).
        scrollActivationWidth: null,
        pdfMaxPagesPerSlide: 1,
        pdfSeparateFragments: false,
        plugins: typeof window.RevealNotes === "function" ? [window.RevealNotes] : [],
      }).then(function () {
        if (!params.has("print-pdf")) {
          translateDeckKeys();
          // Tab reaches only the slide on screen: links on the others are out of sight.
          inertOffscreen();
          window.Reveal.on("slidechanged", inertOffscreen);
          window.Reveal.on("overviewshown", inertOffscreen);
          window.Reveal.on("overviewhidden", inertOffscreen);
          keepPlaceAcrossLanguages();
          window.Reveal.on("slidechanged", keepPlaceAcrossLanguages);
        }
        deck.setAttribute("data-ready", "true");
      });
      window.Reveal.on("pdf-ready", function () {
        deck.setAttribute("data-pdf-ready", "true");
      });
    });
  }

  // reveal.js writes its speaker view (a pop-up window), its keyboard help ("?") and its
  // jump box ("G") in English: put in the page's words for them (<template>s of
  // [data-en] spans, translated on the server).
  function templateWords(id) {
    var words = {};
    var found = document.getElementById(id);
    if (!found) return words;
    Array.prototype.forEach.call(found.content.querySelectorAll("[data-en]"), function (el) {
      var shown = el.textContent.trim();
      if (shown && shown !== el.getAttribute("data-en")) words[el.getAttribute("data-en")] = shown;
    });
    return words;
  }

  // The help ("?") is written anew each time it opens (reveal.js then says "showhelp"):
  // its heading, column heads and the descriptions of reveal.js's shortcuts and the
  // plugins' keys. The jump box ("G") is put into the deck each time it is asked for.
  function translateDeckKeys() {
    var words = templateWords("deck-words");
    if (!Object.keys(words).length) return;
    function translate(el, attribute) {
      var text = attribute ? el.getAttribute(attribute) : el.textContent.trim();
      if (!words[text]) return;
      if (attribute) el.setAttribute(attribute, words[text]);
      else el.textContent = words[text];
    }
    window.Reveal.on("showhelp", function () {
      var help = ".r-overlay-help-content :is(p.title, th, td)";
      document.querySelectorAll(help).forEach(function (el) {
        translate(el);
      });
    });
    var reveal = document.querySelector(".reveal");
    // The arrows on screen, named for a screen reader ("next slide").
    reveal.querySelectorAll(".controls button[aria-label]").forEach(function (el) {
      translate(el, "aria-label");
    });
    new MutationObserver(function () {
      var jump = reveal.querySelector(":scope > .jump-to-slide > .jump-to-slide-input");
      if (jump) translate(jump, "placeholder");
    }).observe(reveal, { childList: true });
  }

  function translateSpeakerView(view, words) {
    // The interface's colon (core.language.colon): "布局：默认".
    var colon = document.getElementById("speaker-words").getAttribute("data-colon") || ": ";
    var LAYOUT = /^Layout(?:: (.+))?$/;
    function word(text) {
      var trimmed = text.trim();
      var layout = LAYOUT.exec(trimmed);
      if (layout && words.Layout) {
        var name = layout[1] ? words[layout[1]] || layout[1] : "";
        return text.replace(trimmed, words.Layout + (name ? colon + name : ""));
      }
      return words[trimmed] ? text.replace(trimmed, words[trimmed]) : text;
    }
    // The clock as the page's language writes the time ("21:30" in Chinese), where the
    // view writes it in American English ("09:30 PM"), every second.
    var lang = document.documentElement.lang || "en";
    function clock() {
      return new Date().toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
    }
    function translate(root) {
      var walker = view.document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      var node;
      while ((node = walker.nextNode())) {
        var parent = node.parentElement;
        var shown = parent && parent.classList.contains("clock-value") ? clock() : null;
        // Not the presenter's own notes: only the view's words.
        if (shown === null && parent && parent.closest("script, style, .value")) continue;
        if (shown === null) shown = word(node.nodeValue);
        if (shown !== node.nodeValue) node.nodeValue = shown;
      }
    }
    translate(view.document.body);
    // The window's title too ("reveal.js - Speaker View"), written with the document.
    var title = view.document.title;
    if (words[title]) view.document.title = words[title];
    new view.MutationObserver(function (changes) {
      changes.forEach(function (change) {
        translate(change.type === "characterData" ? change.target.parentNode : change.target);
      });
    }).observe(view.document.body, { childList: true, characterData: true, subtree: true });
  }

  function translateSpeakerWindows() {
    var words = templateWords("speaker-words");
    if (!Object.keys(words).length) return;
    var open = window.open;
    window.open = function (url, name) {
      var view = open.apply(window, arguments);
      if (view && name === "reveal.js - Notes") {
        // The plugin writes the view's document right after opening it.
        setTimeout(function () {
          if (view.document && view.document.body) translateSpeakerView(view, words);
        }, 0);
      }
      return view;
    };
  }

  // The language links open the other deck at this slide's place in it (the server
  // names it on each slide: data-at-zh, data-at-en, data-at-both); from the cover, at
  // its cover.
  function keepPlaceAcrossLanguages() {
    var current = window.Reveal.getCurrentSlide();
    document.querySelectorAll("#deck a.deck-lang[data-lang]").forEach(function (link) {
      var anchor = current && current.getAttribute("data-at-" + link.getAttribute("data-lang"));
      link.hash = anchor ? "#/" + anchor : "";
    });
  }

  // In the overview ("O") every slide is on screen and a click on one goes to it: none is
  // inert then (an inert slide gets no click, and the overview went nowhere).
  function inertOffscreen() {
    var current = window.Reveal.getCurrentSlide();
    var overview = window.Reveal.isOverview();
    document.querySelectorAll("#deck .slides section").forEach(function (slide) {
      slide.inert = !(overview || slide === current || slide.contains(current));
    });
  }

  var deck = document.getElementById("deck");
  if (deck) typesetNotes(deck);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
