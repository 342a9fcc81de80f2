// kg network view, search: names folded exactly as kg folds them (kg.resolve.normalize, ported), then
// ranked: exact names of entities, names that start with the text, names with a word that does (each
// tier most important first), and only then claims whose text contains it.

const APOSTROPHES = /[\u2019\u2018\u02bc`\u00b4]/g;
const SPECIAL = { "\u00f8": "o", "\u0142": "l", "\u0111": "d", "\u00f0": "d", "\u00fe": "th", "\u00e6": "ae",
  "\u0153": "oe", "\u0131": "i", "\u0127": "h", "\u0167": "t", "\u017f": "s", "\u00df": "ss", "\u03c2": "\u03c3" };
const SPECIAL_RE = /[\u00f8\u0142\u0111\u00f0\u00fe\u00e6\u0153\u0131\u0127\u0167\u017f\u00df\u03c2]/g;
const POSSESSIVE = /(?<=[\p{L}\p{N}_])'s(?![\p{L}\p{N}_])|(?<=[\p{L}\p{N}_]s)'(?=\s|$)/gu;
const NON_WORD = /[^\p{L}\p{N}_]+/gu;

function foldText(text) {
  text = String(text);
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  text = text.normalize("NFKC").toLowerCase().replace(SPECIAL_RE, function (c) { return SPECIAL[c]; });
  return text.normalize("NFKD").replace(/\p{Mn}/gu, "");
}

function nameKey(name) {
  let text = foldText(String(name).replace(APOSTROPHES, "'"));
  text = text.replace(POSSESSIVE, "").replace(/'/g, "").replace(/&/g, " and ");
  const words = text.replace(NON_WORD, " ").replace(/_/g, " ").split(/\s+/).filter(Boolean);
  while (words.length > 1 && words[0] === "the") words.shift();
  return words.join(" ");
}

const SEARCH_LIMIT = 12;

function makeSearch(records) {
  const byRank = records.slice().sort(function (a, b) { return (a.kgRank || 0) - (b.kgRank || 0); });
  const entities = byRank.filter(function (n) { return n.kgType !== "Claim"; });
  const claims = byRank.filter(function (n) { return n.kgType === "Claim"; });
  let claimText = null;  // folded claim texts, made on the first search that reaches claims

  function detail(n, key) {
    const out = {};
    (n.kgDetails || []).forEach(function (pair) { out[pair[0]] = pair[1]; });
    return out[key];
  }

  function entityEntry(n, matched) {
    const parts = [n.kgType + (n.kgSubtype ? " \u00b7 " + n.kgSubtype : "")];
    const alias = (n.kgAliases || []).find(function (a) { return nameKey(a) === matched; });
    if (alias && nameKey(n.kgLabel) !== matched) parts.push("also known as " + alias);
    if (n.kgDegree) parts.push(n.kgDegree + (n.kgDegree === 1 ? " connection" : " connections"));
    return { name: n.kgLabel, note: parts.join(" \u00b7 "), value: n.id };
  }

  function snippet(text, at, length) {
    const start = Math.max(0, at - 30), end = Math.min(text.length, at + length + 50);
    return (start > 0 ? "\u2026" : "") + text.slice(start, end).trim() + (end < text.length ? "\u2026" : "");
  }

  return function matches(typed) {
    const query = nameKey(typed);
    if (!query) return [];
    const tiers = [[], [], []];
    entities.forEach(function (n) {
      let best = 3, matched = null;
      (n.kgKeys || []).forEach(function (key) {
        const tier = key === query ? 0 : key.startsWith(query) ? 1 : key.indexOf(" " + query) >= 0 ? 2 : 3;
        if (tier < best) { best = tier; matched = key; }
      });
      if (best < 3 && tiers[best].length < SEARCH_LIMIT) tiers[best].push(entityEntry(n, matched));
    });
    const out = tiers[0].concat(tiers[1], tiers[2]).slice(0, SEARCH_LIMIT);
    if (out.length < SEARCH_LIMIT) {
      if (claimText === null) claimText = claims.map(function (n) { return nameKey(detail(n, "text") || n.kgLabel); });
      for (let i = 0; i < claims.length && out.length < SEARCH_LIMIT; i++) {
        if (claimText[i].indexOf(query) < 0) continue;
        const text = String(detail(claims[i], "text") || claims[i].kgLabel);
        const at = foldText(text).indexOf(foldText(String(typed).trim()));
        out.push({ name: snippet(text, Math.max(at, 0), String(typed).trim().length),
                   note: "Claim" + (claims[i].kgDate ? " \u00b7 " + claims[i].kgDate : ""), value: claims[i].id });
      }
    }
    return out;
  };
}
