/* Building the widget's DOM: elements with a class and text, attributes, its icons and its panel. */
import { CSS } from "./styles.js";

export function el(tag, cls, text) {
  var node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text != null) node.textContent = text;
  return node;
}
export function attrs(node, values) {
  for (var k in values) if (Object.prototype.hasOwnProperty.call(values, k)) node.setAttribute(k, values[k]);
  return node;
}
var ICONS = {
  chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
  close: "M6 6l12 12M18 6L6 18",
  send: "M3 11l18-8-8 18-2-8-8-2z",
  plus: "M12 5v14M5 12h14",
  up: "M7 11v9H4v-9h3zm0 0l4-8a2 2 0 0 1 3 2l-1 5h6a2 2 0 0 1 2 2l-2 7a2 2 0 0 1-2 1H7",
  down: "M7 13V4H4v9h3zm0 0l4 8a2 2 0 0 0 3-2l-1-5h6a2 2 0 0 0 2-2l-2-7a2 2 0 0 0-2-1H7",
};
export function icon(name) {
  var ns = "http://www.w3.org/2000/svg";
  var svg = document.createElementNS(ns, "svg");
  attrs(svg, {
    viewBox: "0 0 24 24",
    width: "22",
    height: "22",
    fill: "none",
    stroke: "currentColor",
    "stroke-width": "2",
    "stroke-linecap": "round",
    "stroke-linejoin": "round",
    "aria-hidden": "true",
    focusable: "false",
  });
  var path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name]);
  svg.appendChild(path);
  return svg;
}

// The widget's elements, built once: a <chatsphere-widget> host with the launcher and the panel
// in its Shadow DOM. `s` is the translator; nothing is attached to the page yet.
export function buildWidget(botKey, lang, pageMode, s) {
  var host = document.createElement("chatsphere-widget");
  // Host-page rules such as `* {…}` reach this element: inline !important declarations win.
  var hostStyle = {
    all: "initial",
    position: "static",
    display: "block",
    width: "0",
    height: "0",
    margin: "0",
    padding: "0",
    border: "0",
    transform: "none",
    filter: "none",
    contain: "none",
    visibility: "visible",
    opacity: "1",
    "z-index": "2147483000",
  };
  for (var p in hostStyle) host.style.setProperty(p, hostStyle[p], "important");
  host.setAttribute("data-bot", botKey);
  var shadow = host.attachShadow({ mode: "open" });
  var sheet = el("style", null, CSS);
  shadow.appendChild(sheet);

  // The launcher waits for the bot's settings: a page where the chat cannot run never shows it.
  var root = el("div", "root" + (pageMode ? " page" : " waiting"));
  root.setAttribute("lang", lang);
  shadow.appendChild(root);

  var uid = "cs" + Math.random().toString(36).slice(2, 8);
  var launcher = attrs(el("button", "launcher"), {
    type: "button",
    "aria-label": s("open"),
    "aria-expanded": "false",
    "aria-controls": uid + "-panel",
  });
  launcher.appendChild(icon("chat"));

  var panel = attrs(el("div", "panel"), {
    id: uid + "-panel",
    role: pageMode ? "main" : "dialog",
    "aria-labelledby": uid + "-title",
  });
  panel.hidden = true;
  var head = el("div", "head");
  var title = attrs(el("h2", null, s("chat")), { id: uid + "-title" });
  var newButton = attrs(el("button", "icon"), { type: "button", "aria-label": s("newChat"), title: s("newChat") });
  newButton.appendChild(icon("plus"));
  var closeButton = attrs(el("button", "icon"), { type: "button", "aria-label": s("close"), title: s("close") });
  closeButton.appendChild(icon("close"));
  head.appendChild(title);
  head.appendChild(newButton);
  if (!pageMode) head.appendChild(closeButton);

  var notice = attrs(el("div", "notice"), { role: "status" });
  notice.hidden = true;
  var noticeText = el("span");
  var noticeButton = attrs(el("button"), { type: "button" });
  noticeButton.hidden = true;
  notice.appendChild(noticeText);
  notice.appendChild(noticeButton);

  var log = attrs(el("div", "log"), { role: "log", "aria-live": "polite", "aria-label": s("log"), tabindex: "0" });
  var suggest = attrs(el("div", "suggest"), { role: "group", "aria-label": s("suggested") });
  suggest.hidden = true;

  var form = el("form", "form");
  form.setAttribute("novalidate", "");
  var inputLabel = attrs(el("label", "sr", s("input")), { for: uid + "-input" });
  var input = attrs(el("textarea"), {
    id: uid + "-input",
    rows: "1",
    placeholder: s("placeholder"),
    "aria-describedby": uid + "-count",
    autocomplete: "off",
    enterkeyhint: "send",
  });
  var sendButton = attrs(el("button", "sendb"), { type: "submit", "aria-label": s("send"), title: s("send") });
  sendButton.appendChild(icon("send"));
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendButton);
  var count = attrs(el("div", "count"), { id: uid + "-count", "aria-live": "polite" });
  count.hidden = true;
  var foot = el("div", "foot", s("poweredBy"));
  var announcer = attrs(el("div", "sr"), { role: "status", "aria-live": "polite" });

  panel.appendChild(head);
  panel.appendChild(notice);
  panel.appendChild(log);
  panel.appendChild(suggest);
  panel.appendChild(form);
  panel.appendChild(count);
  panel.appendChild(foot);
  panel.appendChild(announcer);
  if (!pageMode) root.appendChild(launcher);
  root.appendChild(panel);
  return {
    host: host,
    shadow: shadow,
    root: root,
    launcher: launcher,
    panel: panel,
    title: title,
    newButton: newButton,
    closeButton: closeButton,
    notice: notice,
    noticeText: noticeText,
    noticeButton: noticeButton,
    log: log,
    suggest: suggest,
    form: form,
    input: input,
    sendButton: sendButton,
    count: count,
    announcer: announcer,
  };
}
