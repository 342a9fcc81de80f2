// kg network view, part 2: the controls. A picker is an input with a short list of matches that is
// rebuilt on every keystroke (at most MATCH_LIMIT items), so a 20,000-node graph adds no per-node DOM.

const MATCH_LIMIT = 12;

function makePicker(input, list, entries, onPick) {
  // entries: [{key: lowercased text, name, note, value}]
  let shown = [];
  let active = -1;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    shown = [];
    active = -1;
  }

  function matches(query) {
    const prefix = [], inside = [];
    for (let i = 0; i < entries.length && prefix.length < MATCH_LIMIT; i++) {
      const at = entries[i].key.indexOf(query);
      if (at === 0) prefix.push(entries[i]);
      else if (at > 0 && inside.length < MATCH_LIMIT) inside.push(entries[i]);
    }
    const seen = new Set();
    return prefix.concat(inside).filter(function (entry) {
      if (seen.has(entry.value)) return false;
      seen.add(entry.value);
      return true;
    }).slice(0, MATCH_LIMIT);
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
    const query = input.value.trim().toLowerCase();
    if (!query) { close(); return; }
    shown = matches(query);
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

function searchEntries(nodes) {
  const entries = [];
  nodes.forEach(function (n) {
    const type = n.kgType === "Claim" ? "Claim" : n.kgType;
    entries.push({ key: String(n.kgLabel).toLowerCase(), name: n.kgLabel, note: type, value: n.id });
    (n.kgAliases || []).forEach(function (alias) {
      entries.push({ key: String(alias).toLowerCase(), name: alias, note: type + " \u00b7 " + n.kgLabel, value: n.id });
    });
  });
  return entries;
}

function sourceEntries(data) {
  const entries = data.sources.map(function (name) {
    return { key: String(name).toLowerCase(), name: name, note: "source file", value: "file:" + name, kind: "file", id: name };
  });
  data.publications.forEach(function (pub) {
    entries.push({ key: String(pub[1]).toLowerCase(), name: pub[1], note: "publication", value: "pub:" + pub[0], kind: "pub", id: pub[0] });
  });
  return entries;
}

function swatch(type) {
  const mark = el("span", undefined, "swatch shape-" + type.shape);
  mark.style.setProperty("--fill", type.fill);
  mark.style.setProperty("--border", type.border);
  return mark;
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
  const relations = document.getElementById("relations");
  data.relations.forEach(function (rel) {
    const item = el("span", undefined, "relation");
    const line = el("span", undefined, "line");
    line.style.setProperty("--color", rel[1]);
    item.append(line, document.createTextNode(rel[0]));
    relations.appendChild(item);
  });

  makePicker(document.getElementById("search"), document.getElementById("search-list"),
    searchEntries(data.nodes), function (entry) { ctx.focusNode(entry.value); });

  const sourceActive = document.getElementById("source-active");
  function setSource(entry) {
    state.source = entry ? { kind: entry.kind, id: entry.id, name: entry.name } : null;
    sourceActive.hidden = !entry;
    document.getElementById("source-name").textContent = entry ? entry.note + ": " + entry.name : "";
    ctx.refresh();
  }
  makePicker(document.getElementById("source"), document.getElementById("source-list"), sourceEntries(data), setSource);
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
