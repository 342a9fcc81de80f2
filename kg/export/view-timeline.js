// kg network view, time: a strip under the network with how many claims were made when (a claim's own
// date, else its publication's). Drag across it to keep only claims and publications of that span;
// "all dates" brings everything back. Dates are YYYY-MM-DD strings from Python; the strip is a canvas.

const DAY = 86400000;

function makeTimeline(ctx, onChange) {
  const box = document.getElementById("timeline"), canvas = document.getElementById("timeline-canvas");
  const label = document.getElementById("timeline-range"), clear = document.getElementById("timeline-clear");
  const claims = ctx.data.nodes.filter(function (n) { return n.kgType === "Claim"; });
  const dated = claims.filter(function (n) { return n.kgDate; }).map(function (n) { return Date.parse(n.kgDate); });
  if (!dated.length) { box.hidden = true; return { set: function () {} }; }
  const lo = Math.min.apply(null, dated), hi = Math.max.apply(null, dated) + DAY;
  let brush = null, dragFrom = null;

  function iso(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function xOf(ms, w) { return 8 + (ms - lo) / (hi - lo) * (w - 16); }
  function msOf(x, w) { return Math.min(hi, Math.max(lo, lo + (x - 8) / (w - 16) * (hi - lo))); }

  function ticks(w) {
    // years, or months when the span is short; at most one every 60 px
    const out = [];
    const first = new Date(lo), years = (hi - lo) / (365.25 * DAY);
    const monthly = years < 3;
    let d = new Date(Date.UTC(first.getUTCFullYear(), monthly ? first.getUTCMonth() : 0, 1));
    let lastX = -1e9;
    while (d.getTime() <= hi) {
      const x = xOf(d.getTime(), w);
      if (d.getTime() >= lo && x - lastX >= 60) { out.push([x, monthly ? iso(d.getTime()).slice(0, 7) : String(d.getUTCFullYear())]); lastX = x; }
      d = monthly ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) : new Date(Date.UTC(d.getUTCFullYear() + 1, 0, 1));
    }
    return out;
  }

  function draw() {
    const ratio = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    const c = canvas.getContext("2d");
    c.setTransform(ratio, 0, 0, ratio, 0, 0);
    c.clearRect(0, 0, w, h);
    const bins = Math.max(10, Math.min(160, Math.floor((w - 16) / 6)));
    const counts = new Array(bins).fill(0);
    dated.forEach(function (ms) { counts[Math.min(bins - 1, Math.floor((ms - lo) / (hi - lo) * bins))]++; });
    const top = Math.max.apply(null, counts), barW = (w - 16) / bins, plotH = h - 18;
    for (let i = 0; i < bins; i++) {
      if (!counts[i]) continue;
      const start = lo + i * (hi - lo) / bins, end = start + (hi - lo) / bins;
      const inside = !brush || (end > Date.parse(brush[0]) && start <= Date.parse(brush[1]));
      c.fillStyle = inside ? "#cc79a7" : "#d9d3d7";
      const bh = Math.max(2, counts[i] / top * (plotH - 4));
      c.fillRect(8 + i * barW + 0.5, plotH - bh, Math.max(1, barW - 1), bh);
    }
    if (brush) {
      const x0 = xOf(Date.parse(brush[0]), w), x1 = xOf(Date.parse(brush[1]) + DAY, w);
      c.fillStyle = "rgba(0,114,178,0.12)";
      c.fillRect(x0, 0, Math.max(2, x1 - x0), plotH);
      c.strokeStyle = "#0072b2";
      c.strokeRect(x0 + 0.5, 0.5, Math.max(2, x1 - x0) - 1, plotH - 1);
    }
    c.fillStyle = "#57606a";
    c.font = "11px system-ui, sans-serif";
    ticks(w).forEach(function (t) { c.fillRect(t[0], plotH, 1, 4); c.fillText(t[1], t[0] + 2, h - 3); });
  }

  function set(range) {
    brush = range;
    const undated = claims.length - dated.length;
    label.textContent = range ? range[0] + " \u2013 " + range[1] + (undated ? " (" + undated + " undated claims hidden)" : "")
      : dated.length + " dated claims, " + iso(lo) + " \u2013 " + iso(hi - DAY) + " \u00b7 drag to filter";
    clear.hidden = !range;
    draw();
    onChange(range);
  }

  function at(event) { return event.clientX - canvas.getBoundingClientRect().left; }
  canvas.addEventListener("mousedown", function (event) { dragFrom = at(event); });
  window.addEventListener("mouseup", function (event) {
    if (dragFrom === null) return;
    const w = canvas.clientWidth, a = msOf(Math.min(dragFrom, at(event)), w), b = msOf(Math.max(dragFrom, at(event)), w);
    dragFrom = null;
    if (b - a < DAY / 2) return;
    set([iso(a), iso(Math.max(a, b - 1))]);
  });
  clear.addEventListener("click", function () { set(null); });
  window.addEventListener("resize", draw);
  set(null);
  return { set: set };
}
