// kg network view, part 3: data, network, filters and wiring.
// Graph text is data: it reaches the page only through textContent, vis-network's canvas labels
// and vis-network's tooltips (which it sets with innerText). Nothing is ever parsed as HTML.

const data = JSON.parse(document.getElementById("kg-data").textContent);
const timing = { parsed: null, created: null, firstDraw: null, stabilized: null };
timing.parsed = performance.now();  // all timings: ms since navigation started

// vis-network gets only what it draws; the kg* fields stay in plain records (vis deep-copies every
// field it is given, which at 20,000 nodes costs seconds)
const VIS_NODE = ["id", "title", "group", "size", "x", "y", "color"];  // color: only with --communities  // labels: view-labels.js
const VIS_EDGE = ["id", "from", "to", "title", "color", "dashes", "width", "arrows"].concat(data.edgeLabels ? ["label"] : []);
function pick(item, keys) {
  const out = {};
  keys.forEach(function (key) { if (item[key] !== undefined && item[key] !== null) out[key] = item[key]; });
  return out;
}
const nodeRecords = new Map(data.nodes.map(function (n) { return [n.id, n]; }));
const edgeRecords = new Map(data.edges.map(function (e) { return [e.id, e]; }));
const nodes = new vis.DataSet(data.nodes.map(function (n) { return pick(n, VIS_NODE); }));
const edges = new vis.DataSet(data.edges.map(function (e) { return pick(e, VIS_EDGE); }));
const state = { hiddenTypes: new Set(), source: null, collapsed: !data.claims || data.collapsed, range: null };
let visible = new Set();
let stabilized = false;

function matchesSource(item) {
  const source = state.source;
  if (!source) return true;
  if (source.kind === "file") return (item.kgSources || []).indexOf(source.id) >= 0;
  return item.id === source.id || (item.kgPubs || []).indexOf(source.id) >= 0;
}

function inRange(n) {
  // while a time range is set, claims and publications show only when dated inside it
  if (!state.range || (n.kgType !== "Claim" && n.kgType !== "Publication")) return true;
  return Boolean(n.kgDate) && n.kgDate >= state.range[0] && n.kgDate <= state.range[1];
}

function nodeShown(n) {
  if (state.hiddenTypes.has(n.kgType)) return false;
  if (state.collapsed && n.kgType === "Claim") return false;
  return inRange(n) && matchesSource(n);
}

function computeVisible() {
  visible = new Set();
  data.nodes.forEach(function (n) { if (nodeShown(n)) visible.add(n.id); });
}
computeVisible();

const nodesView = new vis.DataView(nodes, { filter: function (n) { return visible.has(n.id); } });
const edgesView = new vis.DataView(edges, {
  filter: function (item) {
    const e = edgeRecords.get(item.id);
    if (e.kgCollapsed && !state.collapsed) return false;
    if (e.kgCollapsed && state.range && !e.kgClaims.some(function (c) { return inRange(nodeRecords.get(c)); })) return false;
    return visible.has(e.from) && visible.has(e.to) && matchesSource(e);
  },
});

document.getElementById("title").textContent = data.title;
document.getElementById("subtitle").textContent = data.subtitle || "";
const container = document.getElementById("network");
const network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, data.options);
timing.created = performance.now();

const adjacency = new Map();
data.edges.forEach(function (e) {
  if (e.kgCollapsed && data.claims) return;  // computed claimant -> subject edges: listed via their claims
  [e.from, e.to].forEach(function (id) {
    if (!adjacency.has(id)) adjacency.set(id, []);
    adjacency.get(id).push(e);
  });
});

const ctx = {
  data: data, nodes: nodeRecords, edges: edgeRecords, state: state, network: network, matchesSource: matchesSource,
  inRange: inRange, isVisible: function (id) { return visible.has(id); },
  labelOf: function (id) { const n = nodeRecords.get(id); return n ? n.kgLabel : id; },
  edgesOf: function (id) { return adjacency.get(id) || []; },
};
const panel = makePanel(ctx);
ctx.focusNode = focusNode;

function updateCounts() {
  const shownEdges = edgesView.length, totalEdges = data.edges.filter(function (e) { return !e.kgCollapsed || !data.claims; }).length;
  document.getElementById("counts").textContent = nodesView.length + " of " + data.nodes.length + " nodes \u00b7 " +
    shownEdges + " of " + totalEdges + " edges";
}

// vis-network forgets a node's position when a filter removes it: remember it, and give it back
// (in the data, for just those nodes) when the node returns, so it reappears where it was
const parked = new Map();

function refresh() {
  const before = visible;
  computeVisible();
  if (stabilized) {
    const leaving = [], returning = [];
    before.forEach(function (id) { if (!visible.has(id)) leaving.push(id); });
    visible.forEach(function (id) { if (!before.has(id) && parked.has(id)) returning.push(id); });
    const positions = leaving.length ? network.getPositions(leaving) : {};
    Object.keys(positions).forEach(function (id) { parked.set(id, positions[id]); });
    if (returning.length) nodes.update(returning.map(function (id) { return { id: id, x: parked.get(id).x, y: parked.get(id).y }; }));
  }
  nodesView.refresh();
  edgesView.refresh();
  updateCounts();
  panel.follow(visible, edgesView);
  document.body.dataset.collapsed = String(state.collapsed);
}
ctx.refresh = refresh;
const controls = makeControls(ctx);
const labels = makeLabels(ctx);
network.on("afterDrawing", labels.draw);
const timeline = makeTimeline(ctx, function (range) {
  if (String(range) === String(state.range)) return;
  state.range = range;
  refresh();
});

function focusNode(id) {
  const n = nodeRecords.get(id);
  if (!n) return false;
  if (!visible.has(id)) {
    if (state.range && !inRange(n)) timeline.set(null);
    controls.reveal(n);
    refresh();
  }
  network.selectNodes([id]);
  network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: false });
  panel.showNode(id);
  document.body.dataset.focused = id;
  return true;
}

network.on("click", function (params) {
  if (params.nodes.length) panel.showNode(params.nodes[0]);
  else if (params.edges.length) panel.showEdge(params.edges[0]);
});

const loading = document.getElementById("loading");
network.on("stabilizationProgress", function (p) {
  loading.textContent = "Laying out the network\u2026 " + Math.round(100 * p.iterations / p.total) + "%";
});
network.once("afterDrawing", function () {
  timing.firstDraw = performance.now();
  if (!network.physics.physicsEnabled) done();  // a layout given in advance: nothing to stabilise
});

function done() {
  if (stabilized) return;
  stabilized = true;
  // the physics module's own switch: Network.setOptions would re-process every node (seconds at 20k)
  network.physics.setOptions(false);
  controls.setPhysics(false);
  loading.hidden = true;
  if (data.nodes.length) {  // leave room for labels that stick out of their nodes
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.92, animation: false });
  }
  timing.stabilized = performance.now();
  document.body.dataset.stabilized = "true";
}
network.once("stabilizationIterationsDone", done);
network.once("stabilized", done);
if (!data.nodes.length) { done(); panel.showHint("This view is empty: nothing matched."); }
else panel.showHint("Click a node or an edge to see who said what, where it was published and how it is graded. " +
  "Search by name or alias above; untick a type to hide it; \u201ccollapse claims\u201d draws one edge per claimant and " +
  "subject; drag across the timeline below to keep one period. Labels show the most connected nodes first: zoom in for more.");

// a picture of what is drawn: the canvas on white, with the title, as a PNG download
document.getElementById("picture").addEventListener("click", function () {
  const source = container.querySelector("canvas");
  const out = document.createElement("canvas");
  out.width = source.width;
  out.height = source.height + 36;
  const c = out.getContext("2d");
  c.fillStyle = "#ffffff";
  c.fillRect(0, 0, out.width, out.height);
  c.fillStyle = "#1f2328";
  c.font = "600 18px system-ui, sans-serif";
  c.fillText(data.title + (data.subtitle ? " \u2014 " + data.subtitle : ""), 12, 24);
  c.drawImage(source, 0, 36);
  out.toBlob(function (blob) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "kg-view.png";
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }, "image/png");
});
updateCounts();
document.body.dataset.collapsed = String(state.collapsed);

// for tests and for people poking at the page from the console
window.kgView = {
  network: network, nodes: nodeRecords, edges: edgeRecords, state: state, refresh: refresh, focusNode: focusNode, timing: timing,
  rendered: function () { return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length }; },
  labels: function () { return labels.stats(); },  // read-only: what the last frame labelled
  setRange: function (from, to) { timeline.set(from ? [from, to] : null); },
  nameKey: nameKey,  // the search's name folding, compared with Python's by the tests
};
