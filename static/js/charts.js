// The drawings (family trees, timeline) are drawn on the server at a readable size and
// scroll sideways in their box when wider than it. Say so, shade the edge that hides
// more, and bring the model the page is about into the middle of the box; a timeline
// opens on its latest months, where most models are (its early years hold a few). A
// family tree a little wider than its box is shrunk to fit instead: scrolling to see its
// last few pixels, under a hint and a shaded edge, is worse than text a little smaller.
(function () {
  "use strict";
  var SHRINK = 0.9; // the least a tree is shrunk to, to fit its box
  function setUp(box) {
    var frame = box.parentElement;
    var hint = box.closest(".chart").querySelector(".scroll-hint");
    var svg = box.querySelector("svg.family-tree"); // a timeline is fluid (site.css)
    var drawn = svg ? svg.width.baseVal.value : 0; // its width as drawn (px)
    function fit() {
      var style = getComputedStyle(box);
      var room =
        box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      var shrink = drawn > room && room >= drawn * SHRINK;
      svg.style.width = shrink ? room + "px" : "";
      svg.style.height = shrink ? "auto" : "";
    }
    function update() {
      var hidden = box.scrollWidth - box.clientWidth;
      var wide = hidden > 1;
      if (hint) {
        hint.hidden = !wide;
      }
      frame.classList.toggle("more-left", wide && box.scrollLeft > 1);
      frame.classList.toggle("more-right", wide && box.scrollLeft < hidden - 1);
    }
    if (drawn) {
      fit();
      window.addEventListener("resize", fit);
    }
    var current = box.querySelector(".current");
    if (current) {
      var outer = box.getBoundingClientRect();
      var node = current.getBoundingClientRect();
      box.scrollLeft += node.left + node.width / 2 - (outer.left + outer.width / 2);
    } else if (box.querySelector("svg.timeline")) {
      box.scrollLeft = box.scrollWidth - box.clientWidth;
    }
    update();
    box.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    var axis = box.querySelector("svg.timeline .y-axis");
    if (axis) {
      // The timeline's parameters axis stays at the box's left edge as it scrolls: the
      // points keep their scale in sight (in the drawing's units, as it is drawn).
      var timeline = axis.ownerSVGElement;
      var padding = parseFloat(getComputedStyle(box).paddingLeft);
      var pin = function () {
        var scale = timeline.viewBox.baseVal.width / timeline.getBoundingClientRect().width;
        var shift = Math.max(0, box.scrollLeft - padding); // from the box's inner edge
        axis.setAttribute("transform", "translate(" + shift * scale + " 0)");
      };
      pin();
      box.addEventListener("scroll", pin, { passive: true });
      window.addEventListener("resize", pin);
    }
  }
  document.querySelectorAll(".chart .svg-scroll").forEach(setUp);
})();
