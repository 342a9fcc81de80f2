// kg network view, part 2: the controls. A picker is an input with a short list of matches that is
// rebuilt on every keystroke (at most MATCH_LIMIT items), so a 20,000-node graph adds no per-node DOM.

const MATCH_LIMIT = 12;

function substringMatcher(entries) {
  // entries: [{key: folded text, name, note, value}]; names that start with the text first
  return function (typed) {
    const query = foldText(String(typed).trim());
    const prefix = [], inside = [];
    for (let i = 0; i < entries.length && prefix.length < MATCH_LIMIT; i++) {
      const at = entries[i].key.indexOf(query);
      if (at === 0) prefix.push(entries[i]);
      else if (at > 0 && inside.length < MATCH_LIMIT) inside.push(entries[i]);
    }
    return prefix.concat(inside).slice(0, MATCH_LIMIT);
  };
}

function makePicker(input, list, matcher, onPick) {
  let shown = [];
  let active = -1;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    shown = [];
    active = -1;
  }

  function highlight(index) {
    active = index;
    Array.prototype.forEach.call(list.children, function (li, i) {
      li.classList.toggle("active", i === index);
      li.setAttribute("aria-selected", i === index ? "true" : "false");
    });
  }

  function pick(entry) {
    close();
    input.value = "";
    onPick(entry);
  }

  function update() {
    if (!input.value.trim()) { close(); return; }
    shown = matcher(input.value);
    list.replaceChildren();
    if (!shown.length) list.appendChild(el("li", "no match", "none"));
    shown.forEach(function (entry, i) {
      const li = el("li");
      li.setAttribute("role", "option");
      li.appendChild(el("span", entry.name, "name"));
      if (entry.note) li.appendChild(el("span", entry.note, "note"));
      li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(shown[i]); });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(shown.length ? 0 : -1);
  }

  input.addEventListener("input", update);
  input.addEventListener("blur", function () { setTimeout(close, 0); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && shown.length) { event.preventDefault(); highlight((active + 1) % shown.length); }
    else if (event.key === "ArrowUp" && shown.length) { event.preventDefault(); highlight((active + shown.length - 1) % shown.length); }
    else if (event.key === "Enter") { event.preventDefault(); if (active >= 0 && shown[active]) pick(shown[active]); }
    else if (event.key === "Escape") { close(); input.value = ""; }
  });
  return { update: update, close: close };
}

function sourceEntries(data) {
  const entries = data.sources.map(function (name) {
    return { key: foldText(name), name: name, note: "source file", value: "file:" + name, kind: "file", id: name };
  });
  data.publications.forEach(function (pub) {
    entries.push({ key: foldText(pub[1]), name: pub[1], note: "publication", value: "pub:" + pub[0], kind: "pub", id: pub[0] });
  });
  return entries;
}

function swatch(type) {
  const mark = el("span", undefined, "swatch shape-" + type.shape);
  mark.style.setProperty("--fill", type.fill);
  mark.style.setProperty("--border", type.border);
  return mark;
}

const SVG = "http://www.w3.org/2000/svg";

function lineSample(rel) {
  // the relation's line as drawn: colour, width, dash pattern and arrow head (an inline SVG, no markup parsed)
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", "30");
  svg.setAttribute("height", "12");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(SVG, "line");
  [["x1", "1"], ["y1", "6"], ["x2", "23"], ["y2", "6"], ["stroke", rel.color],
   ["stroke-width", String(rel.width)]].forEach(function (a) { line.setAttribute(a[0], a[1]); });
  if (rel.dashes.length) line.setAttribute("stroke-dasharray", rel.dashes.join(" "));
  const head = document.createElementNS(SVG, "path");
  const shapes = { bar: "M27 1 L27 11", circle: "M24 6 a3 3 0 1 0 6 0 a3 3 0 1 0 -6 0", box: "M23 3 h6 v6 h-6 z",
                   vee: "M23 2 L29 6 L23 10 L25 6 z", inv_triangle: "M29 2 L23 6 L29 10 z" };
  head.setAttribute("d", shapes[rel.arrow] || "M23 2 L29 6 L23 10 z");
  head.setAttribute("fill", rel.arrow === "bar" ? "none" : rel.color);
  head.setAttribute("stroke", rel.color);
  head.setAttribute("stroke-width", rel.arrow === "bar" ? "2.5" : "1");
  svg.append(line, head);
  return svg;
}

function makeControls(ctx) {
  const data = ctx.data, state = ctx.state;
  const typeBoxes = new Map();

  const types = document.getElementById("types");
  data.types.forEach(function (type) {
    if (!type.count) return;
    const label = el("label", undefined, "type");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.type = type.name;
    box.addEventListener("change", function () {
      if (box.checked) state.hiddenTypes.delete(type.name); else state.hiddenTypes.add(type.name);
      ctx.refresh();
    });
    typeBoxes.set(type.name, box);
    label.append(box, swatch(type), document.createTextNode(type.name + " (" + type.count + ")"));
    types.appendChild(label);
  });
  if (data.communities) {
    types.appendChild(el("span", "fill colour: community (" + data.communities + ", Louvain); shape: type", "note"));
  }
  const relations = document.getElementById("relations");
  data.relations.forEach(function (rel) {
    const item = el("span", undefined, "relation");
    item.dataset.relation = rel.name;
    item.append(lineSample(rel), document.createTextNode(rel.name));
    relations.appendChild(item);
  });

  makePicker(document.getElementById("search"), document.getElementById("search-list"),
    makeSearch(data.nodes), function (entry) { ctx.focusNode(entry.value); });

  const sourceActive = document.getElementById("source-active");
  function setSource(entry) {
    state.source = entry ? { kind: entry.kind, id: entry.id, name: entry.name } : null;
    sourceActive.hidden = !entry;
    document.getElementById("source-name").textContent = entry ? entry.note + ": " + entry.name : "";
    ctx.refresh();
  }
  makePicker(document.getElementById("source"), document.getElementById("source-list"),
    substringMatcher(sourceEntries(data)), setSource);
  document.getElementById("source-clear").addEventListener("click", function () { setSource(null); });

  const collapse = document.getElementById("collapse");
  collapse.checked = state.collapsed;
  collapse.disabled = !data.claims;
  collapse.addEventListener("change", function () { state.collapsed = collapse.checked; ctx.refresh(); });

  const physics = document.getElementById("physics");
  physics.addEventListener("change", function () { ctx.network.physics.setOptions(physics.checked); });
  document.getElementById("fit").addEventListener("click", function () { ctx.network.fit({ animation: false }); });

  return {
    // make a node visible again before focusing it: its type, the collapse toggle, the source filter
    reveal: function (n) {
      let changed = false;
      if (state.hiddenTypes.has(n.kgType)) {
        state.hiddenTypes.delete(n.kgType);
        const box = typeBoxes.get(n.kgType);
        if (box) box.checked = true;
        changed = true;
      }
      if (n.kgType === "Claim" && state.collapsed) { state.collapsed = false; collapse.checked = false; changed = true; }
      if (state.source && !ctx.matchesSource(n)) { setSource(null); changed = false; }
      return changed;
    },
    setPhysics: function (on) { physics.checked = on; },
    setSource: setSource,
  };
}
