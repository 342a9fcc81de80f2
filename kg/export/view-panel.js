// kg network view, part 1: DOM helpers and the side panel.
// All graph text reaches the page through textContent (el/text below); nothing is parsed as markup.

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

const PANEL_LIST_LIMIT = 40;

function makePanel(ctx) {
  const panel = document.getElementById("panel");
  let current = null;  // {kind: "node" | "edge", id} of what the panel shows

  function linkButton(id, text) {
    const button = el("button", text, "link");
    button.type = "button";
    button.addEventListener("click", function () { ctx.focusNode(id); });
    return button;
  }

  function row(list, key, value) {
    if (value === undefined || value === null || value === "") return;
    if (Array.isArray(value) && value.length === 0) return;
    list.appendChild(el("dt", key));
    const dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = Array.isArray(value) ? value.join(", ") : String(value);
    list.appendChild(dd);
  }

  function nodeList(ids, labelOf) {
    const ul = el("ul", undefined, "links");
    ids.slice(0, PANEL_LIST_LIMIT).forEach(function (id) {
      const li = el("li");
      li.appendChild(linkButton(id, labelOf ? labelOf(id) : ctx.labelOf(id)));
      ul.appendChild(li);
    });
    if (ids.length > PANEL_LIST_LIMIT) ul.appendChild(el("li", "… and " + (ids.length - PANEL_LIST_LIMIT) + " more", "more"));
    return ul;
  }

  function pubsOf(item, selfId) {
    return (item.kgPubs || []).filter(function (id) { return id !== selfId && ctx.nodes.get(id); });
  }

  function gradeText(n) {
    return n.kgGradeText || n.kgGrade || null;
  }

  function claimBlock(claim, withLink) {
    const box = el("div", undefined, "claim");
    const details = {};
    (claim.kgDetails || []).forEach(function (pair) { details[pair[0]] = pair[1]; });
    box.appendChild(el("p", details.text || claim.kgLabel, "claim-text"));
    if (details["exact quote"]) box.appendChild(el("blockquote", "\u201c" + details["exact quote"] + "\u201d"));
    const meta = [details.kind, claim.kgGrade ? "Admiralty " + claim.kgGrade : null].filter(Boolean).join(" · ");
    if (meta) box.appendChild(el("p", meta, "meta"));
    if (withLink) box.appendChild(linkButton(claim.id, "show this claim"));
    return box;
  }

  function connections(id) {
    // grouped by relation and direction: "said →" targets, "← about" sources, ...
    const groups = new Map();
    ctx.edgesOf(id).forEach(function (e) {
      const out = e.from === id;
      const other = out ? e.to : e.from;
      const name = out ? e.label + " \u2192" : "\u2190 " + e.label;
      if (!groups.has(name)) groups.set(name, []);
      if (groups.get(name).indexOf(other) < 0) groups.get(name).push(other);
    });
    return groups;
  }

  function start(heading, kind) {
    panel.replaceChildren();
    panel.appendChild(el("h2", heading));
    if (kind) panel.appendChild(el("p", kind, "kind"));
    const list = el("dl");
    panel.appendChild(list);
    return list;
  }

  function showNode(id) {
    const n = ctx.nodes.get(id);
    if (!n) return;
    current = { kind: "node", id: id };
    let list;
    if (n.kgType === "Claim") {
      const by = ctx.edgesOf(id).filter(function (e) { return e.to === id && e.kgRelation === "said"; })
        .map(function (e) { return ctx.labelOf(e.from); });
      list = start(by.length ? "Claim by " + by.join(" and ") : "Claim", null);
    } else {
      list = start(n.kgLabel, n.kgType + (n.kgSubtype ? " \u00b7 " + n.kgSubtype : ""));
    }
    if (n.kgType === "Claim") panel.insertBefore(claimBlock(n, false), list);
    row(list, "also known as", n.kgAliases);
    if (n.kgCommunity) row(list, "community", "#" + n.kgCommunity + " (Louvain; 1 is the biggest)");
    row(list, "Admiralty grade", gradeText(n));
    (n.kgDetails || []).forEach(function (pair) {
      if (n.kgType === "Claim" && ["text", "exact quote", "kind", "credibility"].indexOf(pair[0]) >= 0) return;
      if (pair[0] === "reliability" && n.kgGradeText) return;
      row(list, pair[0], pair[1]);
    });
    connections(id).forEach(function (others, name) { row(list, name, nodeList(others)); });
    const pubs = pubsOf(n, n.id);
    if (pubs.length) row(list, "supported by publications", nodeList(pubs));
    row(list, "source files", n.kgSources);
    row(list, "IRI", n.id);
  }

  function showEdge(id) {
    const e = ctx.edges.get(id);
    if (!e) return;
    current = { kind: "edge", id: id };
    const list = start(e.label, e.kgCollapsed ? "claims made by one about the other" : "relation");
    row(list, "from", linkButton(e.from, ctx.labelOf(e.from)));
    row(list, "to", linkButton(e.to, ctx.labelOf(e.to)));
    row(list, "role", e.kgRoles);
    if (e.kgClaims) {
      const box = el("div");
      e.kgClaims.slice(0, PANEL_LIST_LIMIT).forEach(function (claimId) {
        const claim = ctx.nodes.get(claimId);
        if (claim) box.appendChild(claimBlock(claim, true));
      });
      row(list, e.kgClaims.length === 1 ? "claim" : "claims", box);
    }
    const pubs = pubsOf(e, null);
    if (pubs.length) row(list, "supported by publications", nodeList(pubs));
    row(list, "source files", e.kgSources);
  }

  function showHint(text) {
    current = null;
    panel.replaceChildren(el("p", text, "hint"));
  }

  function follow(visibleNodes, shownEdges) {
    // after a filter: what the panel shows must still be drawn, or the panel says it is not
    if (!current) return;
    const gone = current.kind === "node" ? !visibleNodes.has(current.id) : !shownEdges.get(current.id);
    if (!gone) return;
    const name = current.kind === "node" ? ctx.labelOf(current.id) : ctx.edges.get(current.id).label;
    showHint("\u201c" + name + "\u201d is hidden by the filters now in use (type, source, time or collapsed claims). " +
      "Clear them, or search for it to bring it back.");
  }

  return { showNode: showNode, showEdge: showEdge, showHint: showHint, follow: follow };
}
