/* The list of sources under an answer: one line per document and page, in the answer's numbering. */

// Items `{label, value, title}` for the citations of an answer; `s` is the widget's translator.
// `value` is the citation's number (as the [n] markers in the answer use it) or null.
export function citationItems(citations, s) {
  var items = [];
  var seen = {};
  for (var i = 0; i < (citations || []).length; i++) {
    var c = citations[i] || {};
    var label = String(c.title || "").trim() || "—";
    if (c.page != null && c.page !== "") label += " (" + s("page", { n: c.page }) + ")";
    if (Object.prototype.hasOwnProperty.call(seen, label)) continue;
    seen[label] = true;
    items.push({
      label: label,
      value: c.number != null ? String(parseInt(c.number, 10) || i + 1) : null,
      title: c.snippet ? String(c.snippet) : null,
    });
  }
  return items;
}
