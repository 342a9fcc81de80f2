"use strict";
// kg network view. Graph text is data: it only ever reaches the page through textContent,
// vis-network's string tooltips (rendered as text) and canvas labels.
(function () {
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges.map((e, i) => Object.assign({ id: "e" + i }, e)));
  const container = document.getElementById("network");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.kgNetwork = network;

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  const legend = document.getElementById("legend");
  Object.keys(data.legend).forEach(function (type) {
    const item = el("span", undefined, "item");
    const swatch = el("span", undefined, "swatch");
    swatch.style.background = data.legend[type];
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(type));
    legend.appendChild(item);
  });
  document.getElementById("counts").textContent = data.nodes.length + " nodes, " + data.edges.length + " edges";

  const names = document.getElementById("names");
  const byName = new Map();
  data.nodes.forEach(function (n) {
    [n.label].concat(n.kgAliases || []).forEach(function (name) {
      const key = String(name).toLowerCase();
      if (!byName.has(key)) {
        byName.set(key, n.id);
        const option = document.createElement("option");
        option.value = name;
        names.appendChild(option);
      }
    });
  });

  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: false });
    showNode(id);
  }
  window.kgFocus = focusNode;
  document.getElementById("search").addEventListener("change", function (event) {
    const wanted = String(event.target.value).trim().toLowerCase();
    if (!wanted) return;
    let id = byName.get(wanted);
    if (id === undefined) {
      for (const [name, nodeId] of byName) { if (name.includes(wanted)) { id = nodeId; break; } }
    }
    if (id !== undefined) focusNode(id);
  });

  const panel = document.getElementById("panel");
  function showEntries(heading, entries) {
    panel.replaceChildren();
    panel.appendChild(el("h2", heading));
    const list = el("dl");
    entries.forEach(function (entry) {
      if (entry[1] === undefined || entry[1] === "" || (Array.isArray(entry[1]) && entry[1].length === 0)) return;
      list.appendChild(el("dt", entry[0]));
      list.appendChild(el("dd", Array.isArray(entry[1]) ? entry[1].join(", ") : String(entry[1])));
    });
    panel.appendChild(list);
  }
  function showNode(id) {
    const n = nodes.get(id);
    if (!n) return;
    const entries = [["type", n.kgType], ["aliases", n.kgAliases]];
    Object.keys(n.kgDetails || {}).forEach(function (k) { entries.push([k, n.kgDetails[k]]); });
    entries.push(["sources", n.kgSources], ["IRI", n.id]);
    showEntries(n.kgType === "Claim" ? "Claim" : n.label, entries);
  }
  function showEdge(id) {
    const e = edges.get(id);
    if (!e) return;
    const from = nodes.get(e.from), to = nodes.get(e.to);
    showEntries(e.label, [["from", from ? from.label : e.from], ["to", to ? to.label : e.to], ["sources", e.kgSources]]);
  }
  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    document.body.dataset.stabilized = "true";
  });
})();
