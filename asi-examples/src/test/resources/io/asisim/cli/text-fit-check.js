// Injected only into the test copy of report.html (ReportBrowserTest): measures every SVG <text>
// as the browser laid it out and writes what does not fit into the DOM, which --dump-dom shows.
// A text must lie inside its SVG's viewBox and inside the clip path it is drawn with.
(function () {
  var slack = 0.5;
  var texts = 0;
  var bad = [];
  function screenRect(el, box) {
    var m = el.getScreenCTM();
    var xs = [], ys = [];
    [[box.x, box.y], [box.x + box.width, box.y], [box.x, box.y + box.height],
     [box.x + box.width, box.y + box.height]].forEach(function (p) {
      var q = new DOMPoint(p[0], p[1]).matrixTransform(m);
      xs.push(q.x);
      ys.push(q.y);
    });
    return {x0: Math.min.apply(null, xs), y0: Math.min.apply(null, ys),
            x1: Math.max.apply(null, xs), y1: Math.max.apply(null, ys)};
  }
  function inside(a, b) {
    return a.x0 >= b.x0 - slack && a.y0 >= b.y0 - slack && a.x1 <= b.x1 + slack && a.y1 <= b.y1 + slack;
  }
  function fmt(r) {
    return [r.x0, r.y0, r.x1, r.y1].map(function (v) { return v.toFixed(1); }).join(',');
  }
  document.querySelectorAll('svg').forEach(function (svg) {
    var vb = screenRect(svg, svg.viewBox.baseVal);
    svg.querySelectorAll('text').forEach(function (t) {
      if (!t.textContent.trim()) {
        return;
      }
      texts++;
      var r = screenRect(t, t.getBBox());
      if (!inside(r, vb)) {
        bad.push(svg.id + ': "' + t.textContent + '" at ' + fmt(r) + ' outside the viewBox ' + fmt(vb));
      }
      var owner = t.closest('[clip-path]');
      var ref = owner && /url\(#([^)]+)\)/.exec(owner.getAttribute('clip-path'));
      var clip = ref && document.getElementById(ref[1]);
      if (clip && clip.firstElementChild) {
        var shape = clip.firstElementChild;
        var c = screenRect(owner, shape.getBBox());
        if (!inside(r, c)) {
          bad.push(svg.id + ': "' + t.textContent + '" at ' + fmt(r) + ' cut by its clip ' + fmt(c));
        }
      }
    });
  });
  var out = document.createElement('pre');
  out.id = 'text-fit-check';
  out.setAttribute('data-texts', String(texts));
  out.setAttribute('data-misfits', String(bad.length));
  out.textContent = bad.join('\n');
  document.body.appendChild(out);
})();
