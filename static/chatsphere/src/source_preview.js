/* Opening a cited source: a web page is a link to its address (new tab), a document's passage
 * opens in a dialog over the chat with the sentences the answer relies on highlighted. The [n]
 * markers of an answer open the same source as its line in the list of sources. */
import { build } from "./markdown.js";

// A web page's address when it is http or https; anything else (javascript:, data:, relative) is no link.
export function webAddress(raw) {
  if (typeof raw !== "string" || !raw) return null;
  try {
    var url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (e) {
    return null;
  }
}

// What a citation opens: {kind: "link", href}, {kind: "preview"} (its passage) or {kind: "none"}.
export function citationTarget(citation) {
  var c = citation || {};
  var href = webAddress(c.url);
  if (href) return { kind: "link", href: href };
  if (c.preview === true && sourceNumber(c) != null) return { kind: "preview" };
  return { kind: "none" };
}

export function sourceNumber(citation) {
  var n = parseInt(citation && citation.number, 10);
  return n > 0 ? n : null;
}

// The accessible name of a source: "source 1: Ferry timetable".
export function sourceName(citation, s) {
  var title = String((citation && citation.title) || "").trim() || "—";
  return s("sourceName", { n: sourceNumber(citation) || "?", title: title });
}

// Citations by their number (as the answer's [n] markers use it); the first of a number wins.
export function citationsByNumber(citations) {
  var byNumber = {};
  for (var i = 0; i < (citations || []).length; i++) {
    var n = sourceNumber(citations[i]);
    if (n != null && !Object.prototype.hasOwnProperty.call(byNumber, n)) byNumber[n] = citations[i];
  }
  return byNumber;
}

// The address of a cited passage, read with the visitor's token.
export function passageUrl(base, botKey, messageId, number) {
  return (
    base +
    "/api/v1/widget/" +
    encodeURIComponent(botKey) +
    "/sources/" +
    encodeURIComponent(messageId) +
    "/" +
    encodeURIComponent(number) +
    "/"
  );
}

function node(tag, cls, children, attrs) {
  return { tag: tag, cls: cls || null, attrs: attrs || null, children: children || [] };
}

// The passage as a tree for `build`: one paragraph per paragraph, its cited sentences as <mark>
// (with a word for screen readers, which do not announce highlighting).
export function passageTree(passage, s) {
  var paragraphs = (passage && passage.paragraphs) || [];
  return paragraphs.map(function (sentences) {
    var children = [];
    (sentences || []).forEach(function (sentence, i) {
      if (i) children.push(" ");
      var text = String((sentence && sentence.text) || "");
      if (sentence && sentence.cited) children.push(node("mark", null, [node("span", "sr", [s("cited") + " "]), text]));
      else children.push(text);
    });
    return node("p", null, children);
  });
}

// "page 3 · source 1", under the passage's title.
export function passageDetails(passage, s) {
  var parts = [];
  if (passage && passage.page != null && passage.page !== "") parts.push(s("page", { n: passage.page }));
  if (sourceNumber(passage) != null) parts.push(s("sourceNumber", { n: sourceNumber(passage) }));
  return parts.join(" · ");
}

// A control opening the citation, showing `text`: a link for a web page, a button for a passage,
// null when there is nothing to open. `onOpen(citation, control)` opens a passage (none: no button).
export function sourceControl(doc, citation, s, text, onOpen, cls) {
  var target = citationTarget(citation);
  if (target.kind === "none" || (target.kind === "preview" && !onOpen)) return null;
  var control = doc.createElement(target.kind === "link" ? "a" : "button");
  if (cls) control.className = cls;
  control.textContent = text;
  control.setAttribute("aria-label", sourceName(citation, s));
  if (target.kind === "link") {
    control.setAttribute("href", target.href);
    control.setAttribute("target", "_blank");
    control.setAttribute("rel", "noopener noreferrer");
  } else {
    control.setAttribute("type", "button");
    control.setAttribute("aria-haspopup", "dialog");
    control.addEventListener("click", function () {
      onOpen(citation, control);
    });
  }
  return control;
}

// Reads passages of one answer: `load(citation)` for the dialog, with `fetchFn` (window.fetch) and
// the visitor's token (a function: the token may be renewed). Rejects unless the server says 200.
export function passageLoader(fetchFn, base, botKey, messageId, token) {
  return function (citation) {
    var url = passageUrl(base, botKey, messageId, sourceNumber(citation));
    return fetchFn(url, { headers: { "X-Visitor-Token": token() || "" }, credentials: "omit" }).then(function (r) {
      if (!r.ok) throw new Error("source " + r.status);
      return r.json();
    });
  };
}

// Turns the [n] markers (sup.cite) of a rendered answer into controls opening their source.
export function linkMarkers(body, citations, s, onOpen) {
  var byNumber = citationsByNumber(citations);
  var markers = body.querySelectorAll("sup.cite");
  for (var i = 0; i < markers.length; i++) {
    var n = parseInt(String(markers[i].textContent).replace(/\D/g, ""), 10);
    var citation = byNumber[n];
    if (!citation) continue;
    var control = sourceControl(body.ownerDocument, citation, s, "[" + n + "]", onOpen, "cite-link");
    if (!control) continue;
    markers[i].textContent = "";
    markers[i].appendChild(control);
  }
}

// The dialog showing a passage, inside `container` (the chat panel). `open(citation, from, load)`:
// `load(citation)` returns a Promise of the passage ({title, page, number, paragraphs}). Focus
// moves into the dialog, Tab stays in it, Escape or its close button close it, and focus returns
// to `from`, the control that opened it.
export function sourcePreview(container, s) {
  var doc = container.ownerDocument;
  var uid = "csp" + Math.random().toString(36).slice(2, 8);
  var dialog = doc.createElement("div");
  dialog.className = "preview";
  dialog.hidden = true;
  dialog.setAttribute("role", "dialog");
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-labelledby", uid + "-title");
  dialog.setAttribute("aria-describedby", uid + "-details");
  var head = doc.createElement("div");
  head.className = "preview-head";
  var title = doc.createElement("h3");
  title.id = uid + "-title";
  var closeButton = doc.createElement("button");
  closeButton.type = "button";
  closeButton.className = "preview-close";
  closeButton.textContent = "×";
  closeButton.setAttribute("aria-label", s("closeSource"));
  closeButton.setAttribute("title", s("closeSource"));
  head.appendChild(title);
  head.appendChild(closeButton);
  var details = doc.createElement("p");
  details.className = "preview-details";
  details.id = uid + "-details";
  var text = doc.createElement("div");
  text.className = "preview-text";
  text.setAttribute("tabindex", "0");
  text.setAttribute("aria-label", s("passage"));
  dialog.appendChild(head);
  dialog.appendChild(details);
  dialog.appendChild(text);
  container.appendChild(dialog);

  var opener = null;
  var request = 0;

  function close() {
    if (dialog.hidden) return;
    dialog.hidden = true;
    request++;
    var back = opener;
    opener = null;
    if (back && back.isConnected) back.focus();
  }
  function show(passage) {
    title.textContent = String(passage.title || "").trim() || "—";
    details.textContent = passageDetails(passage, s);
    text.textContent = "";
    build(passageTree(passage, s), text);
    var first = text.querySelector("mark");
    // The highlighted sentence in view: the passage may be longer than the dialog.
    if (first && first.scrollIntoView) first.scrollIntoView({ block: "nearest" });
  }
  function open(citation, from, load) {
    opener = from || null;
    var mine = ++request;
    title.textContent = String((citation && citation.title) || "").trim() || "—";
    details.textContent = passageDetails(citation, s);
    text.textContent = s("loadingSource");
    dialog.hidden = false;
    closeButton.focus();
    load(citation).then(
      function (passage) {
        if (mine === request) show(passage);
      },
      function () {
        if (mine === request) text.textContent = s("sourceUnavailable");
      }
    );
  }

  closeButton.addEventListener("click", close);
  dialog.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      e.stopPropagation(); // closes the source, not the chat
      e.preventDefault();
      close();
    } else if (e.key === "Tab") {
      var stops = [closeButton, text];
      var at = stops.indexOf(activeIn(dialog));
      e.preventDefault();
      stops[(at + (e.shiftKey ? stops.length - 1 : 1)) % stops.length].focus();
    }
  });
  return {
    open: open,
    close: close,
    isOpen: function () {
      return !dialog.hidden;
    },
    element: dialog,
  };
}

// The focused element inside `root`, also within a shadow root (where document.activeElement is the host).
function activeIn(root) {
  var holder = root.getRootNode();
  var active = holder.activeElement || root.ownerDocument.activeElement;
  return root.contains(active) ? active : null;
}
