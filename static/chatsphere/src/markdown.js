/* Safe Markdown for answers, in the widget and on dashboard pages. `parse` turns the text into a
 * small tree of plain objects ({tag, cls, attrs, children}; text is a string); `render` builds it
 * as DOM elements and text nodes. HTML in the source is never parsed: it stays text. */

// Only these schemes become clickable; anything else (javascript:, data:, relative) stays text.
export function safeHref(raw) {
  try {
    var url = new URL(raw);
    return /^(https?:|mailto:)$/.test(url.protocol) ? url.href : null;
  } catch (e) {
    return null;
  }
}

function node(tag, cls, children, attrs) {
  return { tag: tag, cls: cls || null, attrs: attrs || null, children: children || [] };
}
function link(href, label) {
  return node("a", null, [label], { href: href, target: "_blank", rel: "noopener noreferrer nofollow" });
}

var INLINE = new RegExp(
  [
    "(`+)([^`][\\s\\S]*?)\\1(?!`)", // 1,2 code
    "\\[([^\\]\\n]+)\\]\\(\\s*<?([^\\s<>()]+(?:\\([^\\s<>()]*\\)[^\\s<>()]*)*)>?(?:\\s+\"[^\"\\n]*\")?\\s*\\)", // 3,4 link
    "\\*\\*(?=\\S)([\\s\\S]*?\\S)\\*\\*", // 5 bold
    "__(?=\\S)([\\s\\S]*?\\S)__", // 6 bold
    "\\*(?=[^\\s*])([\\s\\S]*?[^\\s*])\\*", // 7 italic
    "(https?:\\/\\/[^\\s<>\"'`]*[^\\s<>\"'`.,;:!?)\\]])", // 8 bare URL
    "\\[(\\d{1,3})\\]", // 9 citation marker
  ].join("|"),
  "g"
);

// Inline Markdown of `text` appended to the `into` list of children.
function inline(text, into, depth) {
  depth = depth || 0;
  var last = 0, m;
  var re = new RegExp(INLINE.source, "g");
  function plain(chunk) {
    var parts = chunk.split("\n");
    for (var i = 0; i < parts.length; i++) {
      if (i) into.push(node("br"));
      if (parts[i]) into.push(parts[i]);
    }
  }
  while ((m = re.exec(text))) {
    if (m[6] != null && (/\w/.test(text.charAt(m.index - 1)) || /\w/.test(text.charAt(re.lastIndex)))) {
      re.lastIndex = m.index + 2; // `__` inside a word (snake__case, __init__) is not emphasis
      continue;
    }
    if (m.index > last) plain(text.slice(last, m.index));
    last = re.lastIndex;
    if (m[2] != null) {
      into.push(node("code", null, [m[2]]));
    } else if (m[3] != null) {
      var href = safeHref(m[4]);
      if (href) into.push(link(href, m[3]));
      else plain(m[3]);
    } else if ((m[5] != null || m[6] != null) && depth < 4) {
      var b = node("strong");
      inline(m[5] != null ? m[5] : m[6], b.children, depth + 1);
      into.push(b);
    } else if (m[7] != null && depth < 4) {
      var i = node("em");
      inline(m[7], i.children, depth + 1);
      into.push(i);
    } else if (m[8] != null) {
      var url = safeHref(m[8]);
      if (url) into.push(link(url, m[8]));
      else plain(m[8]);
    } else if (m[9] != null) {
      into.push(node("sup", "cite", ["[" + m[9] + "]"]));
    } else {
      plain(m[0]);
    }
  }
  if (last < text.length) plain(text.slice(last));
  return into;
}

var LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
var QUOTE = /^\s{0,3}>\s?(.*)$/;

// The block-level tree of a Markdown text: paragraphs, headings, quotes, lists and code blocks.
export function parse(source) {
  var lines = String(source).replace(/\r\n?/g, "\n").split("\n");
  var blocks = [];
  var para = [];
  function flush() {
    if (!para.length) return;
    blocks.push(node("p", null, inline(para.join("\n"), [])));
    para = [];
  }
  for (var i = 0; i < lines.length; ) {
    var line = lines[i];
    var fence = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence) {
      flush();
      var code = [];
      for (i++; i < lines.length && lines[i].trim().indexOf(fence[1]) !== 0; i++) code.push(lines[i]);
      i++;
      blocks.push(node("pre", null, [node("code", null, [code.join("\n")])], { tabindex: "0" }));
      continue;
    }
    if (!line.trim()) {
      flush();
      i++;
      continue;
    }
    var heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      blocks.push(node("p", "h", [node("strong", null, inline(heading[1], []))]));
      i++;
      continue;
    }
    var quote = QUOTE.exec(line);
    if (quote) {
      flush();
      var quoted = [];
      for (; i < lines.length && (quote = QUOTE.exec(lines[i])); i++) quoted.push(quote[1]);
      blocks.push(node("blockquote", null, parse(quoted.join("\n"))));
      continue;
    }
    var item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      var ordered = /\d/.test(item[2]);
      var start = parseInt(item[2], 10);
      var list = node(ordered ? "ol" : "ul", null, [], ordered && start !== 1 ? { start: String(start) } : null);
      while (i < lines.length && (item = LIST_ITEM.exec(lines[i])) && /\d/.test(item[2]) === ordered) {
        var text = [item[3]];
        for (i++; i < lines.length && /^\s{2,}\S/.test(lines[i]) && !LIST_ITEM.test(lines[i]); i++) {
          text.push(lines[i].trim());
        }
        list.children.push(node("li", null, inline(text.join("\n"), [])));
      }
      blocks.push(list);
      continue;
    }
    para.push(line);
    i++;
  }
  flush();
  return blocks;
}

// Appends the tree to a DOM element: elements and text nodes only, never HTML.
export function build(nodes, into) {
  var doc = into.ownerDocument;
  for (var i = 0; i < nodes.length; i++) {
    var n = nodes[i];
    if (typeof n === "string") {
      into.appendChild(doc.createTextNode(n));
      continue;
    }
    var element = doc.createElement(n.tag);
    if (n.cls) element.className = n.cls;
    for (var name in n.attrs) {
      if (Object.prototype.hasOwnProperty.call(n.attrs, name)) element.setAttribute(name, n.attrs[name]);
    }
    build(n.children, element);
    into.appendChild(element);
  }
  return into;
}

export function render(source, into) {
  return build(parse(source), into);
}
