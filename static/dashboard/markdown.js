/*! ChatSphere safe Markdown for dashboard pages, the widget's renderer: builds DOM nodes (text
 * nodes and a few elements), never parses HTML. `ChatSphereMarkdown.render(source, into)`.
 * `ChatSphereResume.tracker()` resumes the playground's answers after a dropped connection;
 * `ChatSphereSources` opens cited sources as the widget does (links, and passages in a dialog). */
// Built by `python manage.py build_widget` from static/chatsphere/src/: edit the modules there,
// not this file. Modules: i18n.js, markdown.js, resume.js, source_preview.js, dashboard_markdown.js.
(function () {
"use strict";

// --- i18n.js ---
var module_i18n = (function () {
/* The widget's visible texts, the choice of language, and the sentences shown for errors. */

// To add a language, copy the `en` block under its code; it is then chosen by `data-lang` or the
// visitor's browser language.
var STRINGS = {
  en: {
    open: "Open chat",
    close: "Close chat",
    chat: "Chat",
    log: "Conversation",
    input: "Your message",
    placeholder: "Ask a question…",
    send: "Send",
    newChat: "Start a new conversation",
    typing: "The assistant is typing…",
    sources: "Sources",
    page: "page {n}",
    sourceName: "source {n}: {title}",
    sourceNumber: "source {n}",
    closeSource: "Close the source",
    passage: "Cited passage",
    cited: "Cited:",
    loadingSource: "Loading the passage…",
    sourceUnavailable: "This source can't be shown.",
    helpful: "Helpful",
    unhelpful: "Not helpful",
    thanks: "Thanks for your feedback!",
    suggested: "Suggested questions",
    connecting: "Connecting…",
    reconnecting: "Connection lost. Reconnecting in {s} s…",
    reconnectNow: "Reconnect now",
    reconnected: "Connected again.",
    offline: "You are offline. The chat will reconnect when you are back online.",
    unavailable: "Sorry, this chat is not available on this website.",
    unreachable: "The chat service can't be reached right now. Please try again later.",
    retry: "Try again",
    rateLimited: "You're sending messages quickly. Please wait {s} seconds and try again.",
    busy: "Please wait until the current answer is finished.",
    tooLong: "Your message is too long: at most {n} characters.",
    empty: "Type a message first.",
    quota: "The assistant can't answer more questions this month. Please contact the site owner.",
    blocked: "Sorry, the assistant can't answer that question.",
    failed: "Sorry, the assistant couldn't answer just now. Please try again in a moment.",
    interrupted: "The connection was lost before the answer was finished. Please ask again.",
    charsLeft: "{n} characters left",
    you: "You",
    bot: "Assistant",
    poweredBy: "Chat powered by ChatSphere",
    handoffTitle: "Leave your details and our team will get back to you.",
    handoffRequest: "Would you like to talk to a person? Leave your details and our team will get back to you.",
    handoffSend: "Send to the team",
    handoffSending: "Sending…",
    handoffLater: "Not now",
    handoffSent: "Thank you! Your details were sent; the team will contact you soon.",
    handoffRequired: "{label}: this field is required.",
    handoffEmail: "Enter a valid e-mail address, like name@example.com.",
    handoffTooLong: "{label}: at most {n} characters.",
    handoffConsent: "Tick the box to agree before sending.",
    handoffErrors: "Please correct the highlighted fields.",
    handoffRetrying: "Could not send your details. Trying again in {s} s…",
    handoffFailed: "Could not send your details. Your answers are kept: please try again.",
    handoffLimited: "You have already sent several requests. Please wait {s} seconds before sending another.",
    handoffClosed: "The contact form is no longer available.",
    optional: "optional",
  },
  fr: {
    open: "Ouvrir la discussion",
    close: "Fermer la discussion",
    chat: "Discussion",
    log: "Conversation",
    input: "Votre message",
    placeholder: "Posez une question…",
    send: "Envoyer",
    newChat: "Commencer une nouvelle conversation",
    typing: "L’assistant écrit…",
    sources: "Sources",
    page: "page {n}",
    sourceName: "source {n} : {title}",
    sourceNumber: "source {n}",
    closeSource: "Fermer la source",
    passage: "Passage cité",
    cited: "Cité :",
    loadingSource: "Chargement du passage…",
    sourceUnavailable: "Cette source ne peut pas être affichée.",
    helpful: "Utile",
    unhelpful: "Pas utile",
    thanks: "Merci pour votre avis !",
    suggested: "Questions suggérées",
    connecting: "Connexion…",
    reconnecting: "Connexion perdue. Nouvelle tentative dans {s} s…",
    reconnectNow: "Se reconnecter",
    reconnected: "De nouveau connecté.",
    offline: "Vous êtes hors ligne. La discussion reprendra dès votre retour en ligne.",
    unavailable: "Désolé, cette discussion n’est pas disponible sur ce site.",
    unreachable: "Le service de discussion est injoignable pour le moment. Réessayez plus tard.",
    retry: "Réessayer",
    rateLimited: "Vous envoyez des messages trop vite. Patientez {s} secondes puis réessayez.",
    busy: "Veuillez attendre la fin de la réponse en cours.",
    tooLong: "Votre message est trop long : {n} caractères au maximum.",
    empty: "Écrivez d’abord un message.",
    quota: "L’assistant ne peut plus répondre ce mois-ci. Contactez le propriétaire du site.",
    blocked: "Désolé, l’assistant ne peut pas répondre à cette question.",
    failed: "Désolé, l’assistant n’a pas pu répondre. Réessayez dans un instant.",
    interrupted: "La connexion a été perdue avant la fin de la réponse. Posez la question à nouveau.",
    charsLeft: "{n} caractères restants",
    you: "Vous",
    bot: "Assistant",
    poweredBy: "Discussion propulsée par ChatSphere",
    handoffTitle: "Laissez vos coordonnées et notre équipe vous recontactera.",
    handoffRequest: "Vous souhaitez parler à une personne ? Laissez vos coordonnées et notre équipe vous recontactera.",
    handoffSend: "Envoyer à l’équipe",
    handoffSending: "Envoi…",
    handoffLater: "Plus tard",
    handoffSent: "Merci ! Vos coordonnées ont été envoyées ; l’équipe vous contactera bientôt.",
    handoffRequired: "{label} : ce champ est obligatoire.",
    handoffEmail: "Saisissez une adresse e-mail valide, comme nom@exemple.com.",
    handoffTooLong: "{label} : {n} caractères au maximum.",
    handoffConsent: "Cochez la case pour donner votre accord avant l’envoi.",
    handoffErrors: "Veuillez corriger les champs signalés.",
    handoffRetrying: "L’envoi a échoué. Nouvel essai dans {s} s…",
    handoffFailed: "L’envoi a échoué. Vos réponses sont conservées : veuillez réessayer.",
    handoffLimited: "Vous avez déjà envoyé plusieurs demandes. Veuillez patienter {s} secondes avant d’en envoyer une autre.",
    handoffClosed: "Le formulaire de contact n’est plus disponible.",
    optional: "facultatif",
  },
};

// The first of the wanted language tags (most preferred first) that has a translation, else English.
function pickLanguage(wanted) {
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i] || "").toLowerCase().split(/[-_]/)[0];
    if (Object.prototype.hasOwnProperty.call(STRINGS, code)) return code;
  }
  return "en";
}

// `s(name, {n: 3})`: the text in `lang` (English where a translation lacks it), placeholders filled.
function translator(lang) {
  return function (name, values) {
    var text = (STRINGS[lang] && STRINGS[lang][name]) || STRINGS.en[name] || name;
    return text.replace(/\{(\w+)\}/g, function (_, k) {
      return values && values[k] != null ? String(values[k]) : "";
    });
  };
}

// The sentence shown for an `error` event from the server.
function errorText(event, s, maxChars) {
  switch (event.code) {
    case "rate_limited":
      return s("rateLimited", { s: event.retry_after || 30 });
    case "busy":
      return s("busy");
    case "message_too_long":
      return s("tooLong", { n: maxChars });
    case "empty_message":
      return s("empty");
    case "quota_exceeded":
      return s("quota");
    case "answer_blocked":
      return s("blocked");
    case "bot_unavailable":
      return s("unavailable");
    default:
      return s("failed");
  }
}
return { STRINGS: STRINGS, pickLanguage: pickLanguage, translator: translator, errorText: errorText };
})();

// --- markdown.js ---
var module_markdown = (function () {
/* Safe Markdown for answers, in the widget and on dashboard pages. `parse` turns the text into a
 * small tree of plain objects ({tag, cls, attrs, children}; text is a string); `render` builds it
 * as DOM elements and text nodes. HTML in the source is never parsed: it stays text. */

// Only these schemes become clickable; anything else (javascript:, data:, relative) stays text.
function safeHref(raw) {
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
function parse(source) {
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
function build(nodes, into) {
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

function render(source, into) {
  return build(parse(source), into);
}
return { safeHref: safeHref, parse: parse, build: build, render: render };
})();

// --- resume.js ---
var module_resume = (function () {
/* Resuming an answer after the connection dropped (docs/chat.md, "Resuming an answer"): each event
 * of an answer carries its stream's id and its number (`stream_id`, `seq`). The tracker remembers
 * the last number applied of the answer in progress, tells the client what to ask for once it is
 * connected again, and lets each event through once, however often it arrives. */

var FINAL = { done: true, error: true };

function resumeTracker() {
  var stream = null; // the answer in progress
  var last = 0; // the number of its last event applied

  return {
    // Whether to apply `event`: false for one of the answer in progress already applied.
    // Events without numbers (a server before resuming existed, or not part of an answer) pass.
    accept: function (event) {
      if (!event || typeof event.stream_id !== "string" || typeof event.seq !== "number") return true;
      if (event.stream_id === stream) {
        if (event.seq <= last) return false;
      } else if (event.request === "resume") {
        return true; // a refusal of a resume names the stream but is not part of it
      } else {
        stream = event.stream_id; // a new answer
      }
      last = event.seq;
      if (FINAL[event.type]) stream = null;
      return true;
    },
    // The frame to send once connected again, or null when no answer is in progress.
    frame: function () {
      return stream ? { type: "resume", stream_id: stream, after: last } : null;
    },
    // Whether an answer is in progress (events of it were received, but not its end).
    inProgress: function () {
      return stream !== null;
    },
    // Forget the answer in progress (it cannot be resumed, or the client gave up on it).
    reset: function () {
      stream = null;
      last = 0;
    },
  };
}

// Whether `event` says the answer can no longer be resumed: load the conversation's history instead.
function resumeRefused(event) {
  return !!event && event.type === "error" && event.request === "resume";
}
return { resumeTracker: resumeTracker, resumeRefused: resumeRefused };
})();

// --- source_preview.js ---
var module_source_preview = (function () {
var build = module_markdown.build;
/* Opening a cited source: a web page is a link to its address (new tab), a document's passage
 * opens in a dialog over the chat with the sentences the answer relies on highlighted. The [n]
 * markers of an answer open the same source as its line in the list of sources. */

// A web page's address when it is http or https; anything else (javascript:, data:, relative) is no link.
function webAddress(raw) {
  if (typeof raw !== "string" || !raw) return null;
  try {
    var url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (e) {
    return null;
  }
}

// What a citation opens: {kind: "link", href}, {kind: "preview"} (its passage) or {kind: "none"}.
function citationTarget(citation) {
  var c = citation || {};
  var href = webAddress(c.url);
  if (href) return { kind: "link", href: href };
  if (c.preview === true && sourceNumber(c) != null) return { kind: "preview" };
  return { kind: "none" };
}

function sourceNumber(citation) {
  var n = parseInt(citation && citation.number, 10);
  return n > 0 ? n : null;
}

// The accessible name of a source: "source 1: Ferry timetable".
function sourceName(citation, s) {
  var title = String((citation && citation.title) || "").trim() || "—";
  return s("sourceName", { n: sourceNumber(citation) || "?", title: title });
}

// Citations by their number (as the answer's [n] markers use it); the first of a number wins.
function citationsByNumber(citations) {
  var byNumber = {};
  for (var i = 0; i < (citations || []).length; i++) {
    var n = sourceNumber(citations[i]);
    if (n != null && !Object.prototype.hasOwnProperty.call(byNumber, n)) byNumber[n] = citations[i];
  }
  return byNumber;
}

// The address of a cited passage, read with the visitor's token.
function passageUrl(base, botKey, messageId, number) {
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
function passageTree(passage, s) {
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
function passageDetails(passage, s) {
  var parts = [];
  if (passage && passage.page != null && passage.page !== "") parts.push(s("page", { n: passage.page }));
  if (sourceNumber(passage) != null) parts.push(s("sourceNumber", { n: sourceNumber(passage) }));
  return parts.join(" · ");
}

// A control opening the citation, showing `text`: a link for a web page, a button for a passage,
// null when there is nothing to open. `onOpen(citation, control)` opens a passage (none: no button).
function sourceControl(doc, citation, s, text, onOpen, cls) {
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
function passageLoader(fetchFn, base, botKey, messageId, token) {
  return function (citation) {
    var url = passageUrl(base, botKey, messageId, sourceNumber(citation));
    return fetchFn(url, { headers: { "X-Visitor-Token": token() || "" }, credentials: "omit" }).then(function (r) {
      if (!r.ok) throw new Error("source " + r.status);
      return r.json();
    });
  };
}

// Turns the [n] markers (sup.cite) of a rendered answer into controls opening their source.
function linkMarkers(body, citations, s, onOpen) {
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
function sourcePreview(container, s) {
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
return { webAddress: webAddress, citationTarget: citationTarget, sourceNumber: sourceNumber, sourceName: sourceName, citationsByNumber: citationsByNumber, passageUrl: passageUrl, passageTree: passageTree, passageDetails: passageDetails, sourceControl: sourceControl, passageLoader: passageLoader, linkMarkers: linkMarkers, sourcePreview: sourcePreview };
})();

// --- dashboard_markdown.js ---
var translator = module_i18n.translator;
var render = module_markdown.render;
var resumeRefused = module_resume.resumeRefused;
var resumeTracker = module_resume.resumeTracker;
var citationsByNumber = module_source_preview.citationsByNumber;
var linkMarkers = module_source_preview.linkMarkers;
var sourceControl = module_source_preview.sourceControl;
var sourceNumber = module_source_preview.sourceNumber;
var sourcePreview = module_source_preview.sourcePreview;
window.ChatSphereMarkdown = { render: render };
window.ChatSphereResume = { tracker: resumeTracker, refused: resumeRefused };
window.ChatSphereSources = {
  s: translator("en"),
  citationsByNumber: citationsByNumber,
  linkMarkers: linkMarkers,
  sourceControl: sourceControl,
  sourceNumber: sourceNumber,
  sourcePreview: sourcePreview,
};
})();
