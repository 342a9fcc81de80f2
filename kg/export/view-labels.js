// kg network view, labels: drawn over vis-network's canvas after each frame, at a fixed size on screen,
// most important nodes first (kgRank, from Python), each where it overlaps no label already placed
// (below its node, else above, right or left). Zoomed out, only the important ones find room; zoomed in,
// more do. The last frame's counts are kept for tests and for anyone curious (kgView.labels()).

const LABEL_LIMIT = 600;  // at most this many labels in one frame
const LABEL_CELL = 48;    // px, the collision grid

function makeLabels(ctx) {
  const order = ctx.data.nodes.slice().sort(function (a, b) { return (a.kgRank || 0) - (b.kgRank || 0); });
  const widths = new Map();
  let last = { drawn: 0, byType: {}, ids: [], edge: null };

  function font(n, rank) {
    if (n.kgType === "Claim") return "italic 11px system-ui, sans-serif";
    return (rank < 8 ? "600 13.5px" : "12px") + " system-ui, sans-serif";
  }

  function fits(grid, box) {
    const x0 = Math.floor(box[0] / LABEL_CELL), x1 = Math.floor(box[2] / LABEL_CELL);
    const y0 = Math.floor(box[1] / LABEL_CELL), y1 = Math.floor(box[3] / LABEL_CELL);
    for (let gx = x0; gx <= x1; gx++) for (let gy = y0; gy <= y1; gy++) {
      const cell = grid.get(gx * 100003 + gy);
      if (cell && cell.some(function (b) { return b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3]; }))
        return false;
    }
    return true;
  }

  function occupy(grid, box) {
    const x0 = Math.floor(box[0] / LABEL_CELL), x1 = Math.floor(box[2] / LABEL_CELL);
    const y0 = Math.floor(box[1] / LABEL_CELL), y1 = Math.floor(box[3] / LABEL_CELL);
    for (let gx = x0; gx <= x1; gx++) for (let gy = y0; gy <= y1; gy++) {
      const key = gx * 100003 + gy;
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push(box);
    }
  }

  function text(c2d, words, x, y) {
    c2d.strokeText(words, x, y);
    c2d.fillText(words, x, y);
  }

  function edgeLabel(c2d, grid, scale, tr) {
    // the selected edge's relation, on the middle of its line (views too big for vis-network's edge labels)
    const selected = ctx.network.getSelectedEdges();
    if (!selected.length || ctx.network.getSelectedNodes().length) return null;  // an edge picked on its own
    const e = ctx.edges.get(selected[0]);
    const a = ctx.network.body.nodes[e.from], b = ctx.network.body.nodes[e.to];
    if (!e || !a || !b) return null;
    const x = (a.x + b.x) / 2 * scale + tr.x, y = (a.y + b.y) / 2 * scale + tr.y;
    c2d.font = "600 12px system-ui, sans-serif";
    const w = c2d.measureText(e.label).width;
    c2d.fillStyle = "rgba(255,255,255,0.92)";
    c2d.fillRect(x - w / 2 - 4, y - 9, w + 8, 18);
    c2d.fillStyle = "#111";
    c2d.fillText(e.label, x - w / 2, y + 4);
    occupy(grid, [x - w / 2 - 4, y - 9, x + w / 2 + 4, y + 9]);
    return { id: e.id, x: x, y: y };
  }

  function draw(c2d) {
    const network = ctx.network, scale = network.getScale(), tr = network.body.view.translation;
    const ratio = network.canvas.pixelRatio || 1;
    const width = c2d.canvas.width / ratio, height = c2d.canvas.height / ratio;
    const grid = new Map(), byType = {}, ids = [];
    c2d.save();
    c2d.setTransform(ratio, 0, 0, ratio, 0, 0);
    c2d.lineJoin = "round";
    c2d.strokeStyle = "rgba(255,255,255,0.9)";
    c2d.lineWidth = 3;
    const edge = ctx.data.edgeLabels ? null : edgeLabel(c2d, grid, scale, tr);
    let currentFont = null;
    for (let i = 0; i < order.length && ids.length < LABEL_LIMIT; i++) {
      const n = order[i];
      if (!ctx.isVisible(n.id)) continue;
      const body = network.body.nodes[n.id];
      if (!body) continue;
      const x = body.x * scale + tr.x, y = body.y * scale + tr.y;
      if (x < -200 || y < -40 || x > width + 200 || y > height + 40) continue;
      const f = font(n, i);
      if (f !== currentFont) { c2d.font = f; currentFont = f; }
      let w = widths.get(n.id);
      if (w === undefined) { w = c2d.measureText(n.kgShort).width; widths.set(n.id, w); }
      const h = n.kgType === "Claim" ? 13 : i < 8 ? 16 : 14;
      const r = Math.max((n.size || 9) * scale, 2) + 2;
      const spots = [[x - w / 2, y + r], [x - w / 2, y - r - h], [x + r + 2, y - h / 2], [x - r - 2 - w, y - h / 2],
                     [x + r * 0.7, y + r * 0.7], [x - w - r * 0.7, y + r * 0.7], [x + r * 0.7, y - r * 0.7 - h],
                     [x - w - r * 0.7, y - r * 0.7 - h], [x - w / 2, y + r + h], [x - w / 2, y - r - 2 * h]];
      for (let s = 0; s < spots.length; s++) {
        const box = [spots[s][0] - 1, spots[s][1], spots[s][0] + w + 1, spots[s][1] + h];
        if (box[0] < 0 || box[1] < 0 || box[2] > width || box[3] > height || !fits(grid, box)) continue;
        occupy(grid, box);
        c2d.fillStyle = n.kgType === "Claim" ? "#4a2340" : "#1b1f24";
        text(c2d, n.kgShort, spots[s][0], spots[s][1] + h - 4);
        ids.push(n.id);
        byType[n.kgType] = (byType[n.kgType] || 0) + 1;
        break;
      }
    }
    c2d.restore();
    last = { drawn: ids.length, byType: byType, ids: ids, edge: edge };
  }

  return { draw: draw, stats: function () { return last; } };
}
