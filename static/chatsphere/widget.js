/*! ChatSphere chat widget — plain JavaScript, no dependencies, no build step.
 *
 * Embed: <script src="https://HOST/static/chatsphere/widget.js" data-bot="PUBLIC_KEY" async></script>
 * Optional attributes: data-open (start opened), data-lang ("en", "fr"), data-mode="page" (full page).
 * Docs: docs/widget.md. Everything lives in a Shadow DOM; answer and document text is only ever
 * inserted as text nodes (never as HTML), so nothing a bot says can run script in the host page.
 */
(function () {
  "use strict";

  // --- which <script> tag are we? ---------------------------------------------------------------
  var script = document.currentScript;
  if (!script || !script.getAttribute("data-bot")) {
    script = null;
    var tags = document.querySelectorAll("script[data-bot]");
    for (var t = 0; t < tags.length; t++) {
      if (/\/chatsphere\/widget[^/]*\.js/.test(tags[t].src) && !tags[t].hasAttribute("data-chatsphere-ready")) {
        script = tags[t];
        break;
      }
    }
  }
  if (!script || script.hasAttribute("data-chatsphere-ready")) return;
  script.setAttribute("data-chatsphere-ready", "");

  var KEY = script.getAttribute("data-bot") || "";
  var SRC = new URL(script.src, location.href);
  // The server is wherever this file came from (a path prefix before /static/ is kept).
  var at = SRC.pathname.indexOf("/static/chatsphere/");
  var BASE = SRC.origin + (at > 0 ? SRC.pathname.slice(0, at) : "");
  var PAGE_MODE = script.getAttribute("data-mode") === "page";
  var START_OPEN = PAGE_MODE || script.hasAttribute("data-open");
  var DEFAULT_COLOR = "#2563EB";
  var MAX_STORED = 60;

  // --- strings ----------------------------------------------------------------------------------
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
    },
  };

  function pickLanguage() {
    var wanted = [script.getAttribute("data-lang") || ""].concat(navigator.languages || [navigator.language || ""]);
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || "").toLowerCase().split(/[-_]/)[0];
      if (STRINGS[code]) return code;
    }
    return "en";
  }
  var LANG = pickLanguage();
  function s(name, values) {
    var text = STRINGS[LANG][name] || STRINGS.en[name] || name;
    return text.replace(/\{(\w+)\}/g, function (_, k) {
      return values && values[k] != null ? String(values[k]) : "";
    });
  }

  // --- storage (visitor token, conversation, transcript) -----------------------------------------
  var STORE_KEY = "chatsphere:v1:" + KEY;
  var memoryStore = {};
  function load() {
    try {
      return JSON.parse(localStorage.getItem(STORE_KEY) || "{}") || {};
    } catch (e) {
      return memoryStore;
    }
  }
  var state = load();
  if (!Array.isArray(state.messages)) state.messages = [];
  function save() {
    state.messages = state.messages.slice(-MAX_STORED);
    memoryStore = state;
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) {
      /* storage blocked or full: keep the session in memory */
    }
  }

  // --- DOM helpers -------------------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }
  function attrs(node, values) {
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
  function icon(name) {
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

  // --- colours (WCAG AA: 4.5:1 for text) ---------------------------------------------------------
  function rgb(hex) {
    var n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  function toHex(c) {
    return "#" + c.map(function (v) { return ("0" + Math.round(v).toString(16)).slice(-2); }).join("");
  }
  function luminance(c) {
    var l = c.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }
  function contrast(a, b) {
    var x = luminance(rgb(a)), y = luminance(rgb(b));
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function readableOn(bg) {
    return contrast(bg, "#ffffff") >= contrast(bg, "#111827") ? "#ffffff" : "#111827";
  }
  // The colour darkened until it reaches 4.5:1 on `bg` (for links and accents on light surfaces).
  function darkenFor(color, bg) {
    var c = rgb(color);
    for (var i = 0; i < 20 && contrast(toHex(c), bg) < 4.5; i++) c = c.map(function (v) { return v * 0.85; });
    return toHex(c);
  }

  // --- safe Markdown: builds DOM nodes, never parses HTML ----------------------------------------
  function safeHref(raw) {
    try {
      var url = new URL(raw);
      return /^(https?:|mailto:)$/.test(url.protocol) ? url.href : null;
    } catch (e) {
      return null;
    }
  }
  function link(href, label) {
    var a = el("a", null, label);
    attrs(a, { href: href, target: "_blank", rel: "noopener noreferrer nofollow" });
    return a;
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
  function inline(text, into, depth) {
    depth = depth || 0;
    var last = 0, m;
    var re = new RegExp(INLINE.source, "g");
    function plain(chunk) {
      var parts = chunk.split("\n");
      for (var i = 0; i < parts.length; i++) {
        if (i) into.appendChild(el("br"));
        if (parts[i]) into.appendChild(document.createTextNode(parts[i]));
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
        into.appendChild(el("code", null, m[2]));
      } else if (m[3] != null) {
        var href = safeHref(m[4]);
        if (href) into.appendChild(link(href, m[3]));
        else plain(m[3]);
      } else if ((m[5] != null || m[6] != null) && depth < 4) {
        var b = el("strong");
        inline(m[5] != null ? m[5] : m[6], b, depth + 1);
        into.appendChild(b);
      } else if (m[7] != null && depth < 4) {
        var i = el("em");
        inline(m[7], i, depth + 1);
        into.appendChild(i);
      } else if (m[8] != null) {
        var url = safeHref(m[8]);
        if (url) into.appendChild(link(url, m[8]));
        else plain(m[8]);
      } else if (m[9] != null) {
        into.appendChild(el("sup", "cite", "[" + m[9] + "]"));
      } else {
        plain(m[0]);
      }
    }
    if (last < text.length) plain(text.slice(last));
  }
  var LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
  function markdown(source, into) {
    var lines = String(source).replace(/\r\n?/g, "\n").split("\n");
    var para = [];
    function flush() {
      if (!para.length) return;
      var p = el("p");
      inline(para.join("\n"), p);
      into.appendChild(p);
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
        var pre = el("pre");
        pre.appendChild(el("code", null, code.join("\n")));
        attrs(pre, { tabindex: "0" });
        into.appendChild(pre);
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
        var h = el("p", "h");
        var strong = el("strong");
        inline(heading[1], strong);
        h.appendChild(strong);
        into.appendChild(h);
        i++;
        continue;
      }
      var quote = /^\s{0,3}>\s?(.*)$/.exec(line);
      if (quote) {
        flush();
        var quoted = [];
        for (; i < lines.length && (quote = /^\s{0,3}>\s?(.*)$/.exec(lines[i])); i++) quoted.push(quote[1]);
        var bq = el("blockquote");
        markdown(quoted.join("\n"), bq);
        into.appendChild(bq);
        continue;
      }
      var item = LIST_ITEM.exec(line);
      if (item) {
        flush();
        var ordered = /\d/.test(item[2]);
        var list = el(ordered ? "ol" : "ul");
        if (ordered && parseInt(item[2], 10) !== 1) list.setAttribute("start", String(parseInt(item[2], 10)));
        while (i < lines.length && (item = LIST_ITEM.exec(lines[i])) && /\d/.test(item[2]) === ordered) {
          var text = [item[3]];
          for (i++; i < lines.length && /^\s{2,}\S/.test(lines[i]) && !LIST_ITEM.test(lines[i]); i++) {
            text.push(lines[i].trim());
          }
          var li = el("li");
          inline(text.join("\n"), li);
          list.appendChild(li);
        }
        into.appendChild(list);
        continue;
      }
      para.push(line);
      i++;
    }
    flush();
  }

  // --- styles ------------------------------------------------------------------------------------
  var CSS =
    ":host{all:initial!important;display:block!important}" +
    "*,*::before,*::after{box-sizing:border-box}" +
    "[hidden]{display:none!important}" +
    ".root{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#111827;" +
    "-webkit-font-smoothing:antialiased;text-align:left;letter-spacing:normal;word-spacing:normal;text-transform:none}" +
    "button,textarea{font:inherit;color:inherit;margin:0;letter-spacing:inherit}" +
    "button{cursor:pointer}" +
    ":focus-visible{outline:3px solid var(--ring);outline-offset:2px}" +
    ".launcher{position:fixed;bottom:20px;right:20px;width:58px;height:58px;border-radius:50%;border:0;padding:0;" +
    "background:var(--primary);color:var(--on-primary);box-shadow:0 6px 20px rgba(0,0,0,.28);display:flex;" +
    "align-items:center;justify-content:center;z-index:2}" +
    ".launcher svg{width:26px;height:26px}" +
    ".left .launcher{right:auto;left:20px}" +
    ".panel{position:fixed;bottom:92px;right:20px;width:380px;max-width:calc(100vw - 40px);height:620px;" +
    "max-height:calc(100vh - 112px);background:#fff;border-radius:16px;box-shadow:0 16px 48px rgba(0,0,0,.28);" +
    "display:flex;flex-direction:column;overflow:hidden;z-index:1;border:1px solid #e5e7eb}" +
    ".left .panel{right:auto;left:20px}" +
    ".page .panel,.page.left .panel{top:0;left:0;right:0;bottom:0;width:auto;height:auto;max-width:none;max-height:none;" +
    "border-radius:0;border:0;box-shadow:none}" +
    "@media (max-width:479.98px){.panel,.left .panel{top:0;left:0;right:0;bottom:0;width:auto;height:auto;" +
    "max-width:none;max-height:none;border-radius:0;border:0}.open .launcher{display:none}}" +
    ".head{display:flex;align-items:center;gap:6px;padding:10px 8px 10px 16px;background:var(--primary);" +
    "color:var(--on-primary);flex:none}" +
    ".head h2{margin:0;font-size:16px;font-weight:600;line-height:1.3;flex:1;min-width:0;overflow:hidden;" +
    "text-overflow:ellipsis;white-space:nowrap;color:inherit}" +
    ".icon{width:40px;height:40px;border:0;border-radius:10px;background:transparent;color:inherit;display:flex;" +
    "align-items:center;justify-content:center;padding:0;flex:none}" +
    ".icon:hover{background:rgba(127,127,127,.22)}" +
    ".head :focus-visible{outline-color:var(--on-primary)}" +
    ".notice{flex:none;padding:8px 16px;background:#fffbeb;color:#78350f;font-size:13.5px;display:flex;gap:10px;" +
    "align-items:center;border-bottom:1px solid #fde68a}" +
    ".notice.bad{background:#fef2f2;color:#991b1b;border-color:#fecaca}" +
    ".notice.good{background:#ecfdf5;color:#065f46;border-color:#a7f3d0}" +
    ".notice button{border:1px solid currentColor;background:transparent;border-radius:8px;padding:3px 10px;" +
    "font-size:13px;flex:none;margin-left:auto}" +
    ".log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:12px;background:#fff;" +
    "overscroll-behavior:contain}" +
    ".msg{max-width:88%;padding:9px 13px;border-radius:16px;overflow-wrap:anywhere;word-break:break-word}" +
    ".bot{align-self:flex-start;background:#f3f4f6;color:#111827;border-bottom-left-radius:4px}" +
    ".user{align-self:flex-end;background:var(--primary);color:var(--on-primary);border-bottom-right-radius:4px;" +
    "white-space:pre-wrap}" +
    ".sys{align-self:stretch;text-align:center;color:#991b1b;background:#fef2f2;border-radius:10px;" +
    "padding:8px 12px;font-size:13.5px}" +
    ".sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;" +
    "clip:rect(0 0 0 0);white-space:nowrap;border:0}" +
    ".body>:first-child{margin-top:0}.body>:last-child{margin-bottom:0}" +
    ".body p,.body ul,.body ol,.body pre,.body blockquote{margin:0 0 8px}" +
    ".body ul,.body ol{padding-left:22px}" +
    ".body li{margin:2px 0}" +
    ".body a{color:var(--link);text-decoration:underline}" +
    ".body code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#e5e7eb;" +
    "border-radius:4px;padding:1px 4px}" +
    ".body pre{background:#111827;color:#f9fafb;border-radius:8px;padding:10px;overflow-x:auto}" +
    ".body pre code{background:none;padding:0;color:inherit;white-space:pre}" +
    ".body blockquote{border-left:3px solid #9ca3af;padding-left:10px;color:#374151}" +
    ".cite{font-size:11px;color:#4b5563;vertical-align:super;line-height:0}" +
    ".sources{margin-top:8px;padding-top:8px;border-top:1px solid #d1d5db;font-size:13px;color:#374151}" +
    ".sources h3{margin:0 0 4px;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;" +
    "color:#4b5563}" +
    ".sources ol{margin:0;padding-left:20px}" +
    ".sources li{margin:2px 0}" +
    ".tools{display:flex;gap:4px;margin-top:6px}" +
    ".rate{width:32px;height:32px;border:1px solid #d1d5db;border-radius:8px;background:#fff;color:#374151;" +
    "display:flex;align-items:center;justify-content:center;padding:0}" +
    ".rate svg{width:16px;height:16px}" +
    ".rate[aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:#fff}" +
    ".rate:disabled{opacity:.6;cursor:default}" +
    ".dots{display:inline-flex;gap:4px;padding:4px 0}" +
    ".dots i{width:7px;height:7px;border-radius:50%;background:#4b5563;animation:cs-b 1.2s infinite ease-in-out}" +
    ".dots i:nth-child(2){animation-delay:.15s}.dots i:nth-child(3){animation-delay:.3s}" +
    "@keyframes cs-b{0%,80%,100%{opacity:.3;transform:translateY(0)}40%{opacity:1;transform:translateY(-3px)}}" +
    "@media (prefers-reduced-motion:reduce){.dots i{animation:none}}" +
    ".suggest{display:flex;flex-wrap:wrap;gap:8px;padding:0 16px 10px;flex:none}" +
    ".chip{border:1px solid var(--accent);color:var(--accent);background:#fff;border-radius:999px;padding:6px 12px;" +
    "font-size:13.5px;text-align:left;line-height:1.3}" +
    ".chip:hover{background:#f3f4f6}" +
    ".form{display:flex;gap:8px;align-items:flex-end;padding:10px 12px;border-top:1px solid #e5e7eb;flex:none;" +
    "background:#fff}" +
    ".form textarea{flex:1;resize:none;min-height:42px;max-height:140px;border:1px solid #6b7280;border-radius:12px;" +
    "padding:10px 12px;background:#fff;color:#111827;line-height:1.35;display:block;width:100%}" +
    ".form textarea::placeholder{color:#6b7280;opacity:1}" +
    ".form textarea:focus-visible{outline-offset:0}" +
    ".form textarea:disabled{background:#f3f4f6}" +
    ".sendb{width:42px;height:42px;border:0;border-radius:12px;background:var(--primary);color:var(--on-primary);" +
    "display:flex;align-items:center;justify-content:center;padding:0;flex:none}" +
    ".sendb:disabled{opacity:.55;cursor:default}" +
    ".count{font-size:12px;color:#4b5563;padding:0 16px 6px;text-align:right;flex:none}" +
    ".foot{font-size:11.5px;color:#4b5563;text-align:center;padding:0 0 6px;flex:none}";

  // --- the widget --------------------------------------------------------------------------------
  function start() {
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
    host.setAttribute("data-bot", KEY);
    var shadow = host.attachShadow({ mode: "open" });
    var sheet = el("style", null, CSS);
    shadow.appendChild(sheet);

    var root = el("div", "root" + (PAGE_MODE ? " page" : ""));
    root.setAttribute("lang", LANG);
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
      role: PAGE_MODE ? "main" : "dialog",
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
    if (!PAGE_MODE) head.appendChild(closeButton);

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
    if (!PAGE_MODE) root.appendChild(launcher);
    root.appendChild(panel);
    (document.body || document.documentElement).appendChild(host);

    // --- state ---
    var config = null;
    var status = "loading"; // loading | ready | unavailable | unreachable
    var socket = null;
    var connected = false;
    var everConnected = false;
    var attempts = 0;
    var retryTimer = null;
    var countdownTimer = null;
    var pingTimer = null;
    var outbox = [];
    var current = null; // the answer being streamed
    var isOpen = false;
    var maxChars = 4000;
    var wantFocus = false;

    function applyTheme(color) {
      color = /^#[0-9a-f]{6}$/i.test(color || "") ? color : DEFAULT_COLOR;
      var vars = {
        "--primary": color,
        "--on-primary": readableOn(color),
        "--link": darkenFor(color, "#f3f4f6"),
        "--accent": darkenFor(color, "#ffffff"),
        "--ring": darkenFor(color, "#ffffff"),
      };
      for (var k in vars) root.style.setProperty(k, vars[k]);
    }
    applyTheme(DEFAULT_COLOR);

    function announce(text) {
      announcer.textContent = "";
      setTimeout(function () {
        announcer.textContent = text;
      }, 50);
    }
    function showNotice(text, kind, buttonText, onClick) {
      noticeText.textContent = text;
      notice.className = "notice" + (kind ? " " + kind : "");
      notice.hidden = false;
      noticeButton.hidden = !buttonText;
      if (buttonText) {
        noticeButton.textContent = buttonText;
        noticeButton.onclick = onClick;
      }
    }
    function hideNotice() {
      notice.hidden = true;
    }
    function scrollDown() {
      log.scrollTop = log.scrollHeight;
    }
    function canSend() {
      return status === "ready" && !current;
    }
    function refreshControls() {
      root.setAttribute("data-connection", connected ? "online" : socket ? "connecting" : "offline");
      var usable = status === "ready";
      input.disabled = !usable;
      sendButton.disabled = !usable || !!current || !input.value.trim();
      newButton.disabled = !usable || !!current;
      var showSuggestions = usable && !state.messages.length && !current && config && config.suggested_questions;
      suggest.hidden = !(showSuggestions && config.suggested_questions.length);
      var left = maxChars - input.value.length;
      count.hidden = left > Math.min(200, maxChars / 5);
      count.textContent = s("charsLeft", { n: Math.max(0, left) });
    }

    // --- messages ---
    function bubble(role) {
      var node = el("div", "msg " + role);
      var label = el("span", "sr", (role === "user" ? s("you") : s("bot")) + ": ");
      node.appendChild(label);
      var body = el("div", "body");
      node.appendChild(body);
      log.appendChild(node);
      return { node: node, body: body };
    }
    function userBubble(text) {
      var b = bubble("user");
      b.body.textContent = text;
      return b;
    }
    function systemNote(text) {
      var node = el("div", "sys", text);
      log.appendChild(node);
      scrollDown();
      return node;
    }
    function renderCitations(b, citations) {
      var old = b.node.querySelector(".sources");
      if (old) old.remove();
      if (!citations || !citations.length) return;
      var box = el("div", "sources");
      box.appendChild(el("h3", null, s("sources")));
      var list = el("ol");
      var seen = {};
      for (var i = 0; i < citations.length; i++) {
        var c = citations[i] || {};
        var label = String(c.title || "").trim() || "—";
        if (c.page != null && c.page !== "") label += " (" + s("page", { n: c.page }) + ")";
        if (seen[label]) continue;
        seen[label] = true;
        var li = el("li", null, label);
        if (c.number != null) li.setAttribute("value", String(parseInt(c.number, 10) || i + 1));
        if (c.snippet) li.setAttribute("title", String(c.snippet));
        list.appendChild(li);
      }
      box.appendChild(list);
      b.node.appendChild(box);
    }
    function renderFeedback(b, record) {
      if (!record.id || b.node.querySelector(".tools")) return;
      var tools = attrs(el("div", "tools"), { role: "group", "aria-label": s("helpful") + " / " + s("unhelpful") });
      var buttons = [];
      [
        [1, "up", "helpful"],
        [-1, "down", "unhelpful"],
      ].forEach(function (spec) {
        var button = attrs(el("button", "rate"), {
          type: "button",
          "aria-label": s(spec[2]),
          title: s(spec[2]),
          "aria-pressed": record.rating === spec[0] ? "true" : "false",
          "data-rating": String(spec[0]),
        });
        button.appendChild(icon(spec[1]));
        button.addEventListener("click", function () {
          if (!connected) return;
          send({ type: "feedback", message_id: record.id, rating: spec[0] });
        });
        buttons.push(button);
        tools.appendChild(button);
      });
      b.node.appendChild(tools);
      b.feedbackButtons = buttons;
      b.record = record;
    }
    var answerBubbles = {};
    function renderAnswer(record) {
      var b = bubble("bot");
      markdown(record.text, b.body);
      renderCitations(b, record.citations);
      if (record.id) {
        answerBubbles[record.id] = b;
        renderFeedback(b, record);
      }
      return b;
    }
    function renderTranscript() {
      log.textContent = "";
      answerBubbles = {};
      if (config && config.welcome_message) {
        var w = bubble("bot");
        markdown(config.welcome_message, w.body);
        w.node.classList.add("welcome");
      }
      for (var i = 0; i < state.messages.length; i++) {
        var m = state.messages[i];
        if (m.role === "user") userBubble(m.text);
        else if (m.role === "assistant") renderAnswer(m);
      }
      scrollDown();
      refreshControls();
    }

    // --- the answer in progress ---
    function startAnswer(question) {
      current = { question: question, text: "", bubble: null, citations: [], typing: bubble("bot"), queued: true };
      current.typing.node.classList.add("typing");
      var dots = el("span", "dots");
      dots.appendChild(el("i"));
      dots.appendChild(el("i"));
      dots.appendChild(el("i"));
      current.typing.body.appendChild(dots);
      current.typing.body.appendChild(el("span", "sr", s("typing")));
      log.setAttribute("aria-busy", "true");
      scrollDown();
      refreshControls();
    }
    var renderPending = false;
    function renderCurrent() {
      renderPending = false;
      if (!current) return;
      if (!current.bubble) {
        current.typing.node.remove();
        current.bubble = bubble("bot");
      }
      current.bubble.body.textContent = "";
      markdown(current.text, current.bubble.body);
      var nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
      if (nearBottom) scrollDown();
    }
    function endAnswer() {
      if (current && current.typing && current.typing.node.parentNode && !current.bubble) current.typing.node.remove();
      current = null;
      log.setAttribute("aria-busy", "false");
      refreshControls();
    }

    // --- errors ---
    function friendly(event) {
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

    // --- socket ---
    function send(frame) {
      if (socket && connected) socket.send(JSON.stringify(frame));
    }
    function flushOutbox() {
      while (connected && outbox.length) {
        var frame = outbox.shift();
        if (state.conversation) frame.conversation_id = state.conversation;
        frame.type = "message";
        if (current) current.sentWith = frame.conversation_id || null;
        send(frame);
        if (current) current.queued = false;
      }
    }
    function socketUrl() {
      var path = (config && config.socket_path) || "/ws/widget/" + encodeURIComponent(KEY) + "/";
      var base = new URL(BASE + "/", location.href);
      var url = (base.protocol === "https:" ? "wss://" : "ws://") + base.host + path;
      var query = [];
      if (state.token) query.push("visitor_token=" + encodeURIComponent(state.token));
      query.push("page=" + encodeURIComponent(String(location.href).slice(0, 2000)));
      return url + "?" + query.join("&");
    }
    function connect() {
      if (socket || status !== "ready") return;
      clearTimeout(retryTimer);
      clearInterval(countdownTimer);
      var ws;
      try {
        ws = new WebSocket(socketUrl());
      } catch (e) {
        scheduleReconnect();
        return;
      }
      socket = ws;
      refreshControls();
      ws.onmessage = function (message) {
        var event;
        try {
          event = JSON.parse(message.data);
        } catch (e) {
          return;
        }
        if (event && typeof event === "object") onEvent(event);
      };
      ws.onclose = function (closed) {
        if (socket !== ws) return;
        socket = null;
        connected = false;
        clearInterval(pingTimer);
        refreshControls();
        if (current && !current.queued) {
          // The server stops answering when the socket closes: what we saw is all there is.
          if (current.bubble) {
            var partial = current.text;
            endAnswer();
            if (partial) systemNote(s("interrupted"));
          } else {
            var q = current.question;
            endAnswer();
            systemNote(s("interrupted"));
            input.value = input.value || q;
          }
        }
        if (closed.code === 4404) {
          setUnavailable();
          return;
        }
        scheduleReconnect();
      };
    }
    function scheduleReconnect() {
      if (status !== "ready") return;
      attempts++;
      var delay = Math.min(30, Math.pow(2, attempts - 1)) * (0.8 + Math.random() * 0.4);
      var seconds = Math.max(1, Math.round(delay));
      if (!navigator.onLine) {
        showNotice(s("offline"), "bad");
        return; // the `online` event reconnects
      }
      var tick = function () {
        showNotice(s("reconnecting", { s: seconds }), "bad", s("reconnectNow"), function () {
          attempts = Math.max(0, attempts - 1);
          connect();
        });
        seconds--;
      };
      tick();
      clearInterval(countdownTimer);
      countdownTimer = setInterval(function () {
        if (seconds <= 0) clearInterval(countdownTimer);
        else tick();
      }, 1000);
      clearTimeout(retryTimer);
      retryTimer = setTimeout(connect, delay * 1000);
    }
    window.addEventListener("online", function () {
      if (!socket && status === "ready" && everConnected) {
        attempts = 0;
        connect();
      }
    });

    function onEvent(event) {
      switch (event.type) {
        case "session":
          connected = true;
          clearInterval(countdownTimer);
          if (typeof event.visitor_token === "string" && event.visitor_token) state.token = event.visitor_token;
          if (event.max_message_chars) setMaxChars(event.max_message_chars);
          save();
          if (attempts > 0 && everConnected) {
            showNotice(s("reconnected"), "good");
            setTimeout(function () {
              if (connected && noticeText.textContent === s("reconnected")) hideNotice();
            }, 3000);
          } else {
            hideNotice();
          }
          attempts = 0;
          everConnected = true;
          clearInterval(pingTimer);
          pingTimer = setInterval(function () {
            send({ type: "ping" });
          }, 25000);
          refreshControls();
          // Show the conversation as the server has it (another tab may have continued it).
          if (state.conversation && !current && !outbox.length) send({ type: "history", conversation_id: state.conversation });
          flushOutbox();
          break;
        case "history":
          if (current || String(event.conversation_id) !== state.conversation || !Array.isArray(event.messages)) return;
          state.messages = event.messages.map(function (m) {
            return m.role === "user"
              ? { role: "user", text: String(m.content || "") }
              : {
                  role: "assistant",
                  text: String(m.content || ""),
                  citations: Array.isArray(m.citations) ? m.citations : [],
                  id: m.id ? String(m.id) : null,
                  rating: m.feedback === 1 || m.feedback === -1 ? m.feedback : null,
                };
          });
          save();
          renderTranscript();
          break;
        case "conversation":
          if (event.id) {
            state.conversation = String(event.id);
            save();
          }
          break;
        case "token":
          if (!current || typeof event.text !== "string") return;
          current.text += event.text;
          if (!renderPending) {
            renderPending = true;
            (window.requestAnimationFrame || setTimeout)(renderCurrent);
          }
          break;
        case "sources":
          if (current) current.citations = Array.isArray(event.citations) ? event.citations : [];
          break;
        case "done":
          if (!current) return;
          renderCurrent();
          var record = {
            role: "assistant",
            text: current.text,
            citations: current.citations,
            id: event.message_id ? String(event.message_id) : null,
          };
          state.messages.push(record);
          save();
          renderCitations(current.bubble, record.citations);
          if (record.id) {
            answerBubbles[record.id] = current.bubble;
            renderFeedback(current.bubble, record);
          }
          endAnswer();
          scrollDown();
          break;
        case "feedback":
          var b = answerBubbles[event.message_id];
          if (!b || !b.feedbackButtons) return;
          b.record.rating = event.rating;
          save();
          b.feedbackButtons.forEach(function (button) {
            button.setAttribute("aria-pressed", String(Number(button.getAttribute("data-rating")) === event.rating));
          });
          announce(s("thanks"));
          break;
        case "error":
          onError(event);
          break;
      }
    }
    function onError(event) {
      if (event.request === "history") {
        if (event.code === "not_found" && !current) {
          // The conversation can no longer be continued (expired visitor token): start afresh.
          state.conversation = null;
          state.messages = [];
          save();
          renderTranscript();
        }
        return;
      }
      if (event.code === "not_found" && current && current.sentWith && !current.retried) {
        // The conversation is gone (or the visitor token expired): start a new one with the question.
        state.conversation = null;
        save();
        current.retried = true;
        current.queued = true;
        outbox.push({ text: current.question });
        flushOutbox();
        return;
      }
      if (current) {
        var hadText = !!current.text;
        if (hadText) renderCurrent();
        endAnswer();
        if (!hadText) {
          // The question was not answered: give it back to the visitor to send again.
          var last = state.messages[state.messages.length - 1];
          if (last && last.role === "user") {
            state.messages.pop();
            save();
            if (!input.value) input.value = last.text;
          }
          refreshControls();
        }
      }
      systemNote(friendly(event));
      announce(friendly(event));
      if (event.code === "bot_unavailable") setUnavailable();
    }

    function setMaxChars(n) {
      maxChars = Math.max(1, parseInt(n, 10) || 4000);
      input.setAttribute("maxlength", String(maxChars));
      refreshControls();
    }
    function setUnavailable() {
      status = "unavailable";
      if (socket) {
        var ws = socket;
        socket = null;
        ws.close();
      }
      clearTimeout(retryTimer);
      clearInterval(countdownTimer);
      showNotice(s("unavailable"), "bad");
      refreshControls();
    }

    // --- asking ---
    function ask(text) {
      text = String(text || "").trim();
      if (!text || !canSend()) return false;
      if (text.length > maxChars) {
        systemNote(s("tooLong", { n: maxChars }));
        return false;
      }
      state.messages.push({ role: "user", text: text });
      save();
      userBubble(text);
      startAnswer(text);
      outbox.push({ text: text });
      if (!connected) connect();
      flushOutbox();
      return true;
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (ask(input.value)) {
        input.value = "";
        autosize();
        refreshControls();
      }
      input.focus();
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        if (typeof form.requestSubmit === "function") form.requestSubmit();
        else form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    function autosize() {
      input.style.height = "auto";
      input.style.height = Math.min(140, input.scrollHeight + 2) + "px";
    }
    input.addEventListener("input", function () {
      autosize();
      refreshControls();
    });
    newButton.addEventListener("click", function () {
      if (current) return;
      state.conversation = null;
      state.messages = [];
      save();
      renderTranscript();
      input.focus();
    });

    // --- open / close ---
    function open(focus) {
      if (isOpen) return;
      isOpen = true;
      panel.hidden = false;
      root.classList.add("open");
      launcher.setAttribute("aria-expanded", "true");
      launcher.setAttribute("aria-label", s("close"));
      launcher.replaceChildren(icon("close"));
      if (!PAGE_MODE) {
        state.open = true;
        save();
      }
      if (status === "unreachable") loadConfig();
      if (status === "ready") connect();
      scrollDown();
      if (focus) {
        wantFocus = true;
        setTimeout(focusInput, 0);
      }
    }
    // Focus goes to the message box, or — until it is usable — to the panel's first button.
    function focusInput() {
      if (!isOpen) return;
      if (!input.disabled) {
        wantFocus = false;
        input.focus();
      } else if (!PAGE_MODE) {
        closeButton.focus();
      }
    }
    function close() {
      if (!isOpen || PAGE_MODE) return;
      isOpen = false;
      wantFocus = false;
      panel.hidden = true;
      root.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      launcher.setAttribute("aria-label", s("open"));
      launcher.replaceChildren(icon("chat"));
      state.open = false;
      save();
      launcher.focus();
    }
    launcher.addEventListener("click", function () {
      if (isOpen) close();
      else open(true);
    });
    closeButton.addEventListener("click", close);
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !PAGE_MODE) {
        e.stopPropagation();
        close();
      }
    });

    // --- configuration ---
    function configUrl() {
      return BASE + "/api/v1/widget/" + encodeURIComponent(KEY) + "/config/";
    }
    function loadConfig() {
      status = "loading";
      showNotice(s("connecting"));
      refreshControls();
      var url = configUrl();
      return fetch(url, { credentials: "omit", mode: "cors" })
        .then(
          function (response) {
            if (response.status === 404) throw new Error("unavailable");
            if (!response.ok) throw new Error("unreachable");
            return response.json();
          },
          function () {
            // A CORS refusal and a network failure look alike; a no-cors request tells them apart.
            return fetch(url, { credentials: "omit", mode: "no-cors" }).then(
              function () {
                throw new Error("unavailable");
              },
              function () {
                throw new Error("unreachable");
              }
            );
          }
        )
        .then(function (data) {
          config = data || {};
          if (!Array.isArray(config.suggested_questions)) config.suggested_questions = [];
          status = "ready";
          applyTheme(config.primary_color);
          title.textContent = config.title || s("chat");
          if (PAGE_MODE && config.title) document.title = config.title;
          root.classList.toggle("left", config.position === "left");
          if (config.max_message_chars) setMaxChars(config.max_message_chars);
          suggest.textContent = "";
          config.suggested_questions.forEach(function (question) {
            var chip = attrs(el("button", "chip", question), { type: "button" });
            chip.addEventListener("click", function () {
              if (ask(question)) input.focus();
            });
            suggest.appendChild(chip);
          });
          hideNotice();
          renderTranscript();
          if (isOpen) connect();
          var focused = shadow.activeElement;
          if (wantFocus && (!focused || focused === closeButton)) focusInput();
        })
        .catch(function (error) {
          if (error && error.message === "unavailable") {
            status = "unavailable";
            showNotice(s("unavailable"), "bad");
          } else {
            status = "unreachable";
            showNotice(s("unreachable"), "bad", s("retry"), loadConfig);
          }
          refreshControls();
        });
    }

    refreshControls();
    loadConfig();
    if (START_OPEN || state.open) open(PAGE_MODE);
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
