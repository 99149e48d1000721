/*! ChatSphere chat widget — plain JavaScript, no dependencies.
 *
 * Embed: <script src="https://HOST/static/chatsphere/widget.js" data-bot="PUBLIC_KEY" async></script>
 * Optional attributes: data-open (start opened; ="wide": only on screens wider than a phone),
 * data-lang ("en", "fr"), data-mode="page" (full page),
 * data-preview (the dashboard's live preview: always fresh settings, unsaved edits shown as typed),
 * data-user-id, data-user-hash, data-user-email, data-user-name (a verified visitor: identity.js).
 * Docs: docs/widget.md. Everything lives in a Shadow DOM; answer and document text is only ever
 * inserted as text nodes (never as HTML), so nothing a bot says can run script in the host page.
 */
// Built by `python manage.py build_widget` from static/chatsphere/src/: edit the modules there,
// not this file. Modules: citations.js, transport.js, connection.js, contrast.js, styles.js, view.js, handoff.js, i18n.js, identity.js, markdown.js, resume.js, source_preview.js, store.js, main.js.
(function () {
"use strict";

// --- citations.js ---
var module_citations = (function () {
/* The list of sources under an answer: one line per document and page, in the answer's numbering. */

// Items `{label, value, title}` for the citations of an answer; `s` is the widget's translator.
// `value` is the citation's number (as the [n] markers in the answer use it) or null.
function citationItems(citations, s) {
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
return { citationItems: citationItems };
})();

// --- transport.js ---
var module_transport = (function () {
/* Where the widget's server is and how it is reached: addresses, reconnection pauses, frames. */

// The server is wherever this script came from (a path prefix before /static/ is kept).
function serverBase(scriptSrc, pageHref) {
  var src = new URL(scriptSrc, pageHref);
  var at = src.pathname.indexOf("/static/chatsphere/");
  return src.origin + (at > 0 ? src.pathname.slice(0, at) : "");
}

function configUrl(base, botKey) {
  return base + "/api/v1/widget/" + encodeURIComponent(botKey) + "/config/";
}

// The WebSocket address: the bot's socket path (as its settings give it) on the server's host,
// with the visitor token and the page the visitor is on (at most 2000 characters of it).
function socketUrl(base, botKey, socketPath, visitorToken, pageHref) {
  var path = socketPath || "/ws/widget/" + encodeURIComponent(botKey) + "/";
  var server = new URL(base + "/", pageHref);
  var url = (server.protocol === "https:" ? "wss://" : "ws://") + server.host + path;
  var query = [];
  if (visitorToken) query.push("visitor_token=" + encodeURIComponent(visitorToken));
  query.push("page=" + encodeURIComponent(String(pageHref).slice(0, 2000)));
  return url + "?" + query.join("&");
}

// The pause before reconnection attempt number `attempt` (1, 2, …): 1 s, 2 s, 4 s … up to 30 s,
// each ±20 % so that visitors cut off together do not all come back at once. `random` is
// Math.random. `seconds` is the whole number shown in the countdown (at least 1).
function reconnectDelay(attempt, random) {
  var delay = Math.min(30, Math.pow(2, attempt - 1)) * (0.8 + random() * 0.4);
  return { delay: delay, seconds: Math.max(1, Math.round(delay)) };
}

// A server event from a socket frame, or null for anything that is not a JSON object.
function parseEvent(data) {
  var event;
  try {
    event = JSON.parse(data);
  } catch (e) {
    return null;
  }
  return event && typeof event === "object" && !Array.isArray(event) ? event : null;
}
return { serverBase: serverBase, configUrl: configUrl, socketUrl: socketUrl, reconnectDelay: reconnectDelay, parseEvent: parseEvent };
})();

// --- connection.js ---
var module_connection = (function () {
var parseEvent = module_transport.parseEvent;
var reconnectDelay = module_transport.reconnectDelay;
/* The widget's WebSocket: connects, reconnects after growing pauses (with a countdown the visitor
 * can cut short), keeps the connection alive with pings, and tells the widget what happens. */

var PING_INTERVAL = 25000;

// `env` is what the browser provides (WebSocket, setTimeout, clearTimeout, setInterval,
// clearInterval, random, online()); `on` holds the widget's side:
// - url(): the address to connect to; canConnect(): whether connecting makes sense now;
// - session(event, reconnected): the server accepted the connection (again, after a drop);
// - event(event): any other server event; closed(code): the connection dropped;
// - countdown(seconds, reconnectNow): a reconnection is due in `seconds`; offline(): the browser
//   is offline (`onlineAgain` reconnects); change(): the connection's state changed.
function openConnection(env, on) {
  var socket = null;
  var connected = false;
  var everConnected = false;
  var attempts = 0;
  var retryTimer = null;
  var countdownTimer = null;
  var pingTimer = null;

  function send(frame) {
    if (socket && connected) socket.send(JSON.stringify(frame));
  }
  function connect() {
    if (socket || !on.canConnect()) return;
    env.clearTimeout(retryTimer);
    env.clearInterval(countdownTimer);
    var ws;
    try {
      ws = new env.WebSocket(on.url());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket = ws;
    on.change();
    ws.onmessage = function (message) {
      var event = parseEvent(message.data);
      if (!event) return;
      if (event.type === "session") started(event);
      else on.event(event);
    };
    ws.onclose = function (closed) {
      if (socket !== ws) return; // closed by `stop`
      socket = null;
      connected = false;
      env.clearInterval(pingTimer);
      on.change();
      on.closed(closed.code);
      scheduleReconnect();
    };
  }
  function started(event) {
    connected = true;
    env.clearInterval(countdownTimer);
    var reconnected = attempts > 0 && everConnected;
    attempts = 0;
    everConnected = true;
    env.clearInterval(pingTimer);
    pingTimer = env.setInterval(function () {
      send({ type: "ping" });
    }, PING_INTERVAL);
    on.session(event, reconnected);
  }
  function reconnectNow() {
    attempts = Math.max(0, attempts - 1);
    connect();
  }
  function scheduleReconnect() {
    if (!on.canConnect()) return;
    attempts++;
    var pause = reconnectDelay(attempts, env.random);
    var seconds = pause.seconds;
    if (!env.online()) {
      on.offline();
      return; // `onlineAgain` reconnects
    }
    var tick = function () {
      on.countdown(seconds, reconnectNow);
      seconds--;
    };
    tick();
    env.clearInterval(countdownTimer);
    countdownTimer = env.setInterval(function () {
      if (seconds <= 0) env.clearInterval(countdownTimer);
      else tick();
    }, 1000);
    env.clearTimeout(retryTimer);
    retryTimer = env.setTimeout(connect, pause.delay * 1000);
  }
  return {
    connect: connect,
    send: send,
    // The browser is back online: reconnect at once (if a connection was ever made).
    onlineAgain: function () {
      if (!socket && on.canConnect() && everConnected) {
        attempts = 0;
        connect();
      }
    },
    // Close for good (the chat became unavailable): no reconnection.
    stop: function () {
      if (socket) {
        var ws = socket;
        socket = null;
        ws.close();
      }
      env.clearTimeout(retryTimer);
      env.clearInterval(countdownTimer);
    },
    isConnected: function () {
      return connected;
    },
    // "online", "connecting" or "offline".
    state: function () {
      return connected ? "online" : socket ? "connecting" : "offline";
    },
  };
}
return { PING_INTERVAL: PING_INTERVAL, openConnection: openConnection };
})();

// --- contrast.js ---
var module_contrast = (function () {
/* Colours derived from the bot's primary colour, keeping WCAG AA contrast (4.5:1 for text). */

var DEFAULT_COLOR = "#2563EB";
var LIGHT_TEXT = "#ffffff";
var DARK_TEXT = "#111827";

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

// The WCAG contrast ratio of two `#rrggbb` colours, from 1 to 21.
function contrast(a, b) {
  var x = luminance(rgb(a)), y = luminance(rgb(b));
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

// White or near-black, whichever reads better on `bg`.
function readableOn(bg) {
  return contrast(bg, LIGHT_TEXT) >= contrast(bg, DARK_TEXT) ? LIGHT_TEXT : DARK_TEXT;
}

// The colour darkened until it reaches 4.5:1 on `bg` (for links and accents on light surfaces).
function darkenFor(color, bg) {
  var c = rgb(color);
  for (var i = 0; i < 20 && contrast(toHex(c), bg) < 4.5; i++) c = c.map(function (v) { return v * 0.85; });
  return toHex(c);
}

// The colour mixed towards white until it reaches 4.5:1 on `bg` (for accents on dark surfaces).
function lightenFor(color, bg) {
  var c = rgb(color);
  for (var i = 0; i < 20 && contrast(toHex(c), bg) < 4.5; i++) c = c.map(function (v) { return v + (255 - v) * 0.2; });
  return toHex(c);
}

// The surfaces links and accents sit on: the panel and the bot's message bubbles, light and dark.
var SURFACES = {
  light: { panel: "#ffffff", bubble: "#f3f4f6" },
  dark: { panel: "#111827", bubble: "#1f2937" },
};

// The widget's CSS custom properties for a primary colour (the default one when it is not `#rrggbb`),
// on the light surfaces, or on the dark ones when `dark` is true.
function themeFor(color, dark) {
  color = /^#[0-9a-f]{6}$/i.test(color || "") ? color : DEFAULT_COLOR;
  var surface = dark ? SURFACES.dark : SURFACES.light;
  var adjust = dark ? lightenFor : darkenFor;
  var accent = adjust(color, surface.panel);
  return {
    "--primary": color,
    "--on-primary": readableOn(color),
    "--link": adjust(color, surface.bubble),
    "--accent": accent,
    "--on-accent": readableOn(accent),
    "--ring": accent,
  };
}

// Whether the widget shows dark colours: the bot's `theme` (light, dark, auto), where auto follows
// the visitor's system setting (`prefersDark`).
function isDark(theme, prefersDark) {
  if (theme === "dark") return true;
  if (theme === "light") return false;
  return !!prefersDark;
}
return { DEFAULT_COLOR: DEFAULT_COLOR, contrast: contrast, readableOn: readableOn, darkenFor: darkenFor, lightenFor: lightenFor, SURFACES: SURFACES, themeFor: themeFor, isDark: isDark };
})();

// --- styles.js ---
var module_styles = (function () {
/* The widget's styles, inside its Shadow DOM: the host page's CSS cannot reach them, nor they the page. */

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
  ".waiting .launcher{display:none}" +
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
  ".sources a,.sources li>button{color:var(--link);text-decoration:underline;background:none;border:0;padding:0;" +
  "font:inherit;text-align:left;cursor:pointer}" +
  ".cite-link{font:inherit;color:var(--link);background:none;border:0;padding:0 1px;text-decoration:underline;" +
  "cursor:pointer;line-height:1}" +
  // The source dialog covers the panel (the panel fills the screen on phones, so does the dialog).
  ".preview{position:absolute;inset:0;z-index:3;background:#fff;color:#111827;display:flex;flex-direction:column}" +
  ".preview-head{display:flex;align-items:center;gap:8px;padding:10px 8px 6px 16px;" +
  "border-bottom:1px solid #e5e7eb;flex:none}" +
  ".preview-head h3{margin:0;font-size:16px;font-weight:600;line-height:1.3;flex:1;min-width:0;" +
  "overflow-wrap:anywhere}" +
  ".preview-close{width:40px;height:40px;border:0;border-radius:10px;background:transparent;font-size:26px;" +
  "line-height:1;flex:none}" +
  ".preview-close:hover{background:rgba(127,127,127,.22)}" +
  ".preview-details{margin:0;padding:6px 16px;font-size:13px;color:#4b5563;flex:none}" +
  ".preview-details:empty{display:none}" +
  ".preview-text{flex:1;overflow-y:auto;padding:8px 16px 16px;overflow-wrap:anywhere;overscroll-behavior:contain}" +
  ".preview-text p{margin:0 0 10px}" +
  ".preview-text mark{background:#fde68a;color:#111827;border-radius:3px;padding:0 2px}" +
  ".tools{display:flex;gap:4px;margin-top:6px}" +
  ".rate{width:32px;height:32px;border:1px solid #d1d5db;border-radius:8px;background:#fff;color:#374151;" +
  "display:flex;align-items:center;justify-content:center;padding:0}" +
  ".rate svg{width:16px;height:16px}" +
  ".rate[aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}" +
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
  ".handoff{display:flex;flex-direction:column;gap:8px;width:88%}" +
  ".htitle{margin:0;font-weight:600}" +
  ".hfield{display:flex;flex-direction:column;gap:3px}" +
  ".hfield label{font-size:13.5px;font-weight:600}" +
  ".hopt{font-weight:400;color:#4b5563}" +
  ".hfield input[type=text],.hfield input[type=email],.hfield textarea{font:inherit;width:100%;border:1px solid #6b7280;" +
  "border-radius:8px;padding:8px 10px;background:#fff;color:#111827;resize:vertical}" +
  ".hfield [aria-invalid=true]{border-color:#b91c1c;border-width:2px}" +
  ".hconsent label{font-weight:400;display:flex;gap:8px;align-items:flex-start}" +
  ".hconsent input{margin-top:3px;width:18px;height:18px;flex:none}" +
  ".herr,.hstatus{margin:0;font-size:13px;color:#991b1b}" +
  ".hactions{display:flex;gap:8px;flex-wrap:wrap}" +
  ".hsend,.hlater{border-radius:10px;padding:8px 14px;font-size:14px;min-height:40px}" +
  ".hsend{border:0;background:var(--primary);color:var(--on-primary)}" +
  ".hsend:disabled{opacity:.6;cursor:default}" +
  ".hlater{border:1px solid #6b7280;background:transparent}" +
  ".hdone{color:#065f46;background:#ecfdf5}" +
  ".count{font-size:12px;color:#4b5563;padding:0 16px 6px;text-align:right;flex:none}" +
  ".foot{font-size:11.5px;color:#4b5563;text-align:center;padding:0 0 6px;flex:none}" +
  // Dark colours (the bot's theme, or its system setting under "auto"): every text pair at 4.5:1 or more.
  ".dark{color:#f3f4f6}" +
  ".dark .panel,.dark .log,.dark .form{background:#111827;border-color:#374151}" +
  ".dark .notice{background:#422006;color:#fde68a;border-color:#713f12}" +
  ".dark .notice.bad,.dark .sys{background:#450a0a;color:#fecaca;border-color:#7f1d1d}" +
  ".dark .notice.good{background:#022c22;color:#a7f3d0;border-color:#065f46}" +
  ".dark .bot{background:#1f2937;color:#f3f4f6}" +
  ".dark .body code{background:#374151}" +
  ".dark .body pre{background:#030712;border:1px solid #374151}" +
  ".dark .body blockquote{border-color:#6b7280;color:#d1d5db}" +
  ".dark .cite,.dark .sources,.dark .sources h3{color:#d1d5db}" +
  ".dark .sources{border-color:#4b5563}" +
  ".dark .preview{background:#111827;color:#f3f4f6}" +
  ".dark .preview-head{border-color:#374151}" +
  ".dark .preview-details{color:#9ca3af}" +
  ".dark .preview-text mark{background:#854d0e;color:#fefce8}" +
  ".dark .rate{background:#1f2937;border-color:#6b7280;color:#e5e7eb}" +
  ".dark .dots i{background:#9ca3af}" +
  ".dark .chip{background:#111827}.dark .chip:hover{background:#1f2937}" +
  ".dark .form textarea{background:#030712;color:#f3f4f6;border-color:#9ca3af}" +
  ".dark .form textarea::placeholder{color:#9ca3af}" +
  ".dark .form textarea:disabled{background:#1f2937}" +
  ".dark .count,.dark .foot{color:#9ca3af}" +
  ".dark .hfield input[type=text],.dark .hfield input[type=email],.dark .hfield textarea{background:#030712;" +
  "color:#f3f4f6;border-color:#9ca3af}" +
  ".dark .hopt{color:#d1d5db}.dark .herr,.dark .hstatus{color:#fecaca}" +
  ".dark .hlater{border-color:#9ca3af}.dark .hdone{background:#022c22;color:#a7f3d0}";
return { CSS: CSS };
})();

// --- view.js ---
var module_view = (function () {
var CSS = module_styles.CSS;
/* Building the widget's DOM: elements with a class and text, attributes, its icons and its panel. */

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

// The widget's elements, built once: a <chatsphere-widget> host with the launcher and the panel
// in its Shadow DOM. `s` is the translator; nothing is attached to the page yet.
function buildWidget(botKey, lang, pageMode, s) {
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
return { el: el, attrs: attrs, icon: icon, buildWidget: buildWidget };
})();

// --- handoff.js ---
var module_handoff = (function () {
var attrs = module_view.attrs;
var el = module_view.el;
/* Human handoff: the contact form the server offers in the chat (a `handoff` event), its checks,
 * and its sending over HTTPS, kept filled and tried again when the network or the server fails. */

// Pauses (seconds) before the automatic tries after a network or server failure; then the visitor
// sends again by hand, with everything still filled in.
var RETRY_DELAYS = [2, 5, 10];

var EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function leadUrl(base, botKey) {
  return base + "/api/v1/widget/" + encodeURIComponent(botKey) + "/leads/";
}

// The form's values checked as the server will: {field: sentence} (empty when all is well).
// `form` is the event's `form`: {fields: [{name, label, required, max_length}], consent_text}.
function validateLead(form, values, s) {
  var errors = {};
  (form.fields || []).forEach(function (field) {
    var value = String(values[field.name] || "").trim();
    if (!value) {
      if (field.required) errors[field.name] = s("handoffRequired", { label: field.label });
    } else if (field.max_length && value.length > field.max_length) {
      errors[field.name] = s("handoffTooLong", { label: field.label, n: field.max_length });
    } else if (field.name === "email" && !EMAIL.test(value)) {
      errors[field.name] = s("handoffEmail");
    }
  });
  if (form.consent_text && values.consent !== true) errors.consent = s("handoffConsent");
  return errors;
}

// What the sender does with an answer: sent, wrong fields, too many, refused, or worth retrying.
function outcome(status, body, s) {
  if (status === 201) return { kind: "sent", lead: body };
  if (status === 429) {
    var wait = (body && body.retry_after) || 60;
    return { kind: "limited", seconds: wait, message: s("handoffLimited", { s: wait }) };
  }
  if (status === 400 && body && body.errors && typeof body.errors === "object") {
    var errors = {};
    for (var name in body.errors) {
      var list = body.errors[name];
      errors[name] = Array.isArray(list) ? String(list[0]) : String(list);
    }
    return { kind: "invalid", errors: errors };
  }
  if (status === 403 || status === 404) {
    return { kind: "closed", message: (body && body.detail) || s("handoffClosed") };
  }
  return { kind: "retry" };
}

// Sends the form; `deps` holds fetch, setTimeout and clearTimeout; `onState` hears every step:
// sending, sent, invalid, limited, closed, retrying ({seconds}) and failed (tries spent).
function createLeadSender(deps, url, onState) {
  var attempt = 0;
  var timer = null;
  var busy = false;
  var lastBody = null;

  function fail() {
    if (attempt < RETRY_DELAYS.length) {
      var seconds = RETRY_DELAYS[attempt];
      attempt += 1;
      onState({ kind: "retrying", seconds: seconds });
      timer = deps.setTimeout(function () {
        timer = null;
        post();
      }, seconds * 1000);
    } else {
      attempt = 0;
      onState({ kind: "failed" });
    }
  }

  function post() {
    busy = true;
    onState({ kind: "sending" });
    deps
      .fetch(url, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(lastBody),
      })
      .then(
        function (response) {
          return response.json().then(
            function (body) {
              return { status: response.status, body: body };
            },
            function () {
              return { status: response.status, body: null };
            }
          );
        },
        function () {
          return { status: 0, body: null };
        }
      )
      .then(function (answer) {
        busy = false;
        var result = outcome(answer.status, answer.body, deps.s);
        if (result.kind === "retry") fail();
        else {
          attempt = 0;
          onState(result);
        }
      });
  }

  return {
    // Send these values (a new press of the button starts the tries afresh).
    send: function (body) {
      if (busy) return false;
      if (timer !== null) deps.clearTimeout(timer);
      timer = null;
      attempt = 0;
      lastBody = body;
      post();
      return true;
    },
    stop: function () {
      if (timer !== null) deps.clearTimeout(timer);
      timer = null;
    },
  };
}

var AUTOCOMPLETE = { name: "name", email: "email", message: "off" };

// The form in the chat log. `ctx`: s, uid, offer (the event), values (kept from an earlier
// rendering), onSubmit(values), onDismiss(). Returns the node and what the sender's states need.
function buildHandoffForm(ctx) {
  var s = ctx.s;
  var offer = ctx.offer;
  var values = ctx.values || {};
  var id = ctx.uid + "-handoff";
  var node = attrs(el("form", "handoff msg bot"), { novalidate: "", "aria-labelledby": id + "-title" });
  var intro = offer.reason === "request" ? s("handoffRequest") : s("handoffTitle");
  node.appendChild(attrs(el("p", "htitle", intro), { id: id + "-title" }));
  var inputs = {};
  var errorNodes = {};

  function errorNode(name) {
    var p = attrs(el("p", "herr"), { id: id + "-" + name + "-error" });
    p.hidden = true;
    errorNodes[name] = p;
    return p;
  }

  (offer.form.fields || []).forEach(function (field) {
    var wrap = el("div", "hfield");
    var label = attrs(el("label", null, field.label), { for: id + "-" + field.name });
    if (!field.required) label.appendChild(el("span", "hopt", " (" + s("optional") + ")"));
    var input =
      field.name === "message"
        ? attrs(el("textarea"), { rows: "3" })
        : attrs(el("input"), { type: field.name === "email" ? "email" : "text" });
    attrs(input, {
      id: id + "-" + field.name,
      name: field.name,
      autocomplete: AUTOCOMPLETE[field.name] || "off",
      "aria-describedby": id + "-" + field.name + "-error",
    });
    if (field.required) input.setAttribute("aria-required", "true");
    if (field.max_length) input.setAttribute("maxlength", String(field.max_length));
    if (values[field.name]) input.value = values[field.name];
    inputs[field.name] = input;
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(errorNode(field.name));
    node.appendChild(wrap);
  });

  var consent = null;
  if (offer.form.consent_text) {
    var consentWrap = el("div", "hfield hconsent");
    consent = attrs(el("input"), {
      type: "checkbox",
      id: id + "-consent",
      name: "consent",
      "aria-describedby": id + "-consent-error",
    });
    consent.checked = values.consent === true;
    inputs.consent = consent;
    var consentLabel = attrs(el("label"), { for: id + "-consent" });
    consentLabel.appendChild(consent);
    consentLabel.appendChild(document.createTextNode(" " + offer.form.consent_text));
    consentWrap.appendChild(consentLabel);
    consentWrap.appendChild(errorNode("consent"));
    node.appendChild(consentWrap);
  }

  var statusLine = attrs(el("p", "hstatus"), { role: "status" });
  statusLine.hidden = true;
  node.appendChild(statusLine);
  var actions = el("div", "hactions");
  var submit = attrs(el("button", "hsend", s("handoffSend")), { type: "submit" });
  var later = attrs(el("button", "hlater", s("handoffLater")), { type: "button" });
  actions.appendChild(submit);
  actions.appendChild(later);
  node.appendChild(actions);

  function read() {
    var out = {};
    for (var name in inputs) {
      out[name] = name === "consent" ? inputs[name].checked : inputs[name].value;
    }
    return out;
  }

  function showErrors(errors) {
    var first = null;
    for (var name in errorNodes) {
      var message = errors[name];
      errorNodes[name].textContent = message || "";
      errorNodes[name].hidden = !message;
      if (inputs[name]) inputs[name].setAttribute("aria-invalid", message ? "true" : "false");
      if (message && !first) first = inputs[name];
    }
    var other = [];
    for (var key in errors) if (!(key in errorNodes)) other.push(errors[key]);
    setStatus(other.length ? other.join(" ") : first ? s("handoffErrors") : "", "bad");
    if (first) first.focus();
  }

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "hstatus" + (kind ? " " + kind : "");
    statusLine.hidden = !text;
  }

  function setBusy(isBusy) {
    submit.disabled = isBusy;
    submit.textContent = isBusy ? s("handoffSending") : s("handoffSend");
    node.setAttribute("aria-busy", isBusy ? "true" : "false");
  }

  node.addEventListener("submit", function (e) {
    e.preventDefault();
    ctx.onSubmit(read());
  });
  later.addEventListener("click", function () {
    ctx.onDismiss(read());
  });

  return {
    node: node,
    read: read,
    showErrors: showErrors,
    setStatus: setStatus,
    setBusy: setBusy,
    focus: function () {
      var first = node.querySelector("input,textarea");
      if (first) first.focus();
    },
  };
}

// The whole handoff in the widget: shows the offered form, sends it, says how it went. `env`:
// s, uid, url, fetch/setTimeout/clearTimeout, log, announce(text), scrollDown(), token(),
// conversation(), sentFor(conversationId) and markSent(conversationId) (kept in the browser).
function createHandoff(env) {
  var active = null; // {offer, view, values}
  var sender = createLeadSender(
    { fetch: env.fetch, setTimeout: env.setTimeout, clearTimeout: env.clearTimeout, s: env.s },
    env.url,
    onState
  );

  function onState(state) {
    if (!active) return;
    var view = active.view;
    var s = env.s;
    view.setBusy(state.kind === "sending");
    if (state.kind === "sent") {
      env.markSent(active.offer.conversation_id);
      var done = attrs(el("div", "msg bot hdone", s("handoffSent")), { tabindex: "-1" });
      active.view.node.replaceWith(done);
      active = null;
      env.announce(s("handoffSent"));
      done.focus();
      env.scrollDown();
    } else if (state.kind === "invalid") {
      view.showErrors(state.errors);
      env.announce(s("handoffErrors"));
    } else if (state.kind === "limited" || state.kind === "closed") {
      view.showErrors({});
      view.setStatus(state.message, "bad");
      env.announce(state.message);
    } else if (state.kind === "retrying") {
      view.setStatus(s("handoffRetrying", { s: state.seconds }), "bad");
      if (state.seconds === 2) env.announce(s("handoffRetrying", { s: state.seconds }));
    } else if (state.kind === "failed") {
      view.setStatus(s("handoffFailed"), "bad");
      env.announce(s("handoffFailed"));
    }
  }

  function submit(values) {
    active.values = values;
    var errors = validateLead(active.offer.form, values, env.s);
    if (Object.keys(errors).length) {
      active.view.showErrors(errors);
      env.announce(env.s("handoffErrors"));
      return;
    }
    active.view.showErrors({});
    var body = {
      visitor_token: env.token(),
      conversation_id: active.offer.conversation_id || null,
      reason: active.offer.reason || "",
    };
    for (var name in values) body[name] = values[name];
    sender.send(body);
  }

  function render() {
    active.view = buildHandoffForm({
      s: env.s,
      uid: env.uid,
      offer: active.offer,
      values: active.values,
      onSubmit: submit,
      onDismiss: function () {
        sender.stop();
        active.view.node.remove();
        active = null;
      },
    });
    env.log.appendChild(active.view.node);
    env.scrollDown();
  }

  return {
    // A `handoff` event: show the form, unless it is showing or was sent in this conversation.
    offer: function (event) {
      if (!event || !event.form || !Array.isArray(event.form.fields)) return;
      if (active || env.sentFor(event.conversation_id)) return;
      active = { offer: event, values: {} };
      render();
      env.announce(event.reason === "request" ? env.s("handoffRequest") : env.s("handoffTitle"));
      active.view.focus();
    },
    // The transcript was drawn again: put the open form (as filled) back under it.
    reattach: function () {
      if (!active) return;
      active.values = active.view.read();
      render();
    },
    // A new conversation: the form belonged to the old one.
    reset: function () {
      sender.stop();
      if (active) active.view.node.remove();
      active = null;
    },
  };
}
return { RETRY_DELAYS: RETRY_DELAYS, leadUrl: leadUrl, validateLead: validateLead, outcome: outcome, createLeadSender: createLeadSender, buildHandoffForm: buildHandoffForm, createHandoff: createHandoff };
})();

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

// --- identity.js ---
var module_identity = (function () {
/* Verified visitor identity (docs/identity.md): the page passes its signed-in user's id, the
 * signature its server made of it with the bot's identity secret, and optionally the e-mail and
 * name it signed too; the widget hands them to the server in an `identify` frame. The server alone
 * decides: a verified visitor's conversations follow them to every browser, anything else stays
 * anonymous. The page gives the identity with data-user-id, data-user-hash, data-user-email and
 * data-user-name on the script tag, with `window.ChatSphere = { identity: {…} }` before the script
 * loads, or with `ChatSphere.identify({…})` at any time (`ChatSphere.identify(null)` signs out). */

function text(value) {
  return value == null ? "" : String(value);
}

// The identity as the page gave it ({user_id, user_hash, email, name}), or null without a user id
// and a signature. The values are kept exactly as given: the signature covers those bytes.
function normalizeIdentity(value) {
  if (!value || typeof value !== "object") return null;
  var userId = text(value.user_id != null ? value.user_id : value.userId);
  var hash = text(value.user_hash != null ? value.user_hash : value.userHash).trim();
  if (!userId || !hash) return null;
  return { user_id: userId, user_hash: hash, email: text(value.email), name: text(value.name) };
}

// The identity in the widget's script tag, or null.
function identityFromScript(script) {
  return normalizeIdentity({
    user_id: script.getAttribute("data-user-id"),
    user_hash: script.getAttribute("data-user-hash"),
    email: script.getAttribute("data-user-email"),
    name: script.getAttribute("data-user-name"),
  });
}

// The frame that tells the server who the visitor is; without an identity, that they are anonymous.
function identifyFrame(identity) {
  if (!identity) return { type: "identify" };
  return {
    type: "identify",
    user_id: identity.user_id,
    user_hash: identity.user_hash,
    email: identity.email,
    name: identity.name,
  };
}

// What to do with the browser's copy when the server says who the visitor is (an `identity`
// event). `owner` is the verified user id the stored conversation belongs to ("" for anonymous).
// Another owner's conversation is forgotten; a verified visitor with nothing open here resumes
// their newest conversation from any browser.
function identityPlan(stored, event) {
  var owner = event.verified ? text(event.user_id) : "";
  var reset = text(stored.owner) !== owner;
  var conversation = reset ? null : stored.conversation || null;
  var list = Array.isArray(event.conversations) ? event.conversations : [];
  var resume = !conversation && owner && list.length && list[0] && list[0].id ? text(list[0].id) : null;
  return { owner: owner, reset: reset, conversation: resume || conversation, resumed: !!resume };
}

// `window.ChatSphere`: keeps what the page set there (an `identity` given before the script loaded)
// and adds `identify(identity)`, which reaches every widget on the page. Returns the page's
// identity given before the script loaded, or null.
function installApi(win, onIdentify) {
  var api = win.ChatSphere && typeof win.ChatSphere === "object" ? win.ChatSphere : {};
  if (!Array.isArray(api._widgets)) {
    Object.defineProperty(api, "_widgets", { value: [], enumerable: false });
    api.identify = function (identity) {
      api.identity = identity || null;
      var normal = normalizeIdentity(identity);
      api._widgets.forEach(function (listener) {
        listener(normal);
      });
    };
  }
  api._widgets.push(onIdentify);
  win.ChatSphere = api;
  return normalizeIdentity(api.identity);
}
return { normalizeIdentity: normalizeIdentity, identityFromScript: identityFromScript, identifyFrame: identifyFrame, identityPlan: identityPlan, installApi: installApi };
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

// --- store.js ---
var module_store = (function () {
/* What the widget keeps in the browser per bot: the visitor token, the current conversation, the
 * transcript (its newest messages) and whether the panel was open. */

var MAX_STORED = 60;

function storageKey(botKey) {
  return "chatsphere:v1:" + botKey;
}

// `getStorage` returns localStorage; reaching it can throw (storage blocked), so it is called late.
// Where storage is blocked or full, the session is kept in memory for this page view.
function openStore(botKey, getStorage) {
  var key = storageKey(botKey);
  var memory = {};
  function load() {
    try {
      return JSON.parse(getStorage().getItem(key) || "{}") || {};
    } catch (e) {
      return memory;
    }
  }
  var state = load();
  if (!Array.isArray(state.messages)) state.messages = [];
  function save() {
    state.messages = state.messages.slice(-MAX_STORED);
    memory = state;
    try {
      getStorage().setItem(key, JSON.stringify(state));
    } catch (e) {
      /* storage blocked or full: keep the session in memory */
    }
  }
  return { state: state, save: save };
}

// The transcript records for the messages of a `history` event (as the server has them).
function historyRecords(messages) {
  return messages.map(function (m) {
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
}
return { MAX_STORED: MAX_STORED, storageKey: storageKey, openStore: openStore, historyRecords: historyRecords };
})();

// --- main.js ---
var citationItems = module_citations.citationItems;
var openConnection = module_connection.openConnection;
var DEFAULT_COLOR = module_contrast.DEFAULT_COLOR;
var isDark = module_contrast.isDark;
var themeFor = module_contrast.themeFor;
var createHandoff = module_handoff.createHandoff;
var leadUrl = module_handoff.leadUrl;
var errorText = module_i18n.errorText;
var pickLanguage = module_i18n.pickLanguage;
var translator = module_i18n.translator;
var identifyFrame = module_identity.identifyFrame;
var identityFromScript = module_identity.identityFromScript;
var identityPlan = module_identity.identityPlan;
var installApi = module_identity.installApi;
var markdown = module_markdown.render;
var resumeRefused = module_resume.resumeRefused;
var resumeTracker = module_resume.resumeTracker;
var citationsByNumber = module_source_preview.citationsByNumber;
var linkMarkers = module_source_preview.linkMarkers;
var passageLoader = module_source_preview.passageLoader;
var sourceControl = module_source_preview.sourceControl;
var sourcePreview = module_source_preview.sourcePreview;
var historyRecords = module_store.historyRecords;
var openStore = module_store.openStore;
var configUrl = module_transport.configUrl;
var serverBase = module_transport.serverBase;
var socketUrl = module_transport.socketUrl;
var attrs = module_view.attrs;
var buildWidget = module_view.buildWidget;
var el = module_view.el;
var icon = module_view.icon;
// --- which <script> tag are we? ---------------------------------------------------------------
// `document.currentScript` while this script runs; where a page hides it, the first widget tag not
// started yet. A tag already started (the same snippet pasted twice) starts nothing.
function ownScriptTag() {
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
  return script && !script.hasAttribute("data-chatsphere-ready") ? script : null;
}

var ownScript = ownScriptTag();
if (ownScript) {
  ownScript.setAttribute("data-chatsphere-ready", "");
  if (document.body) start(ownScript);
  else
    document.addEventListener("DOMContentLoaded", function () {
      start(ownScript);
    });
}

// --- the widget --------------------------------------------------------------------------------
function start(script) {
  var KEY = script.getAttribute("data-bot") || "";
  var BASE = serverBase(script.src, location.href);
  var PAGE_MODE = script.getAttribute("data-mode") === "page";
  // data-open="wide" opens on load only where the open panel leaves the page visible (not on phones).
  var OPEN_ATTRIBUTE = script.getAttribute("data-open");
  var START_OPEN =
    PAGE_MODE ||
    (OPEN_ATTRIBUTE !== null && (OPEN_ATTRIBUTE !== "wide" || window.matchMedia("(min-width: 641px)").matches));
  var PREVIEW = script.hasAttribute("data-preview");

  var wantedLanguages = [script.getAttribute("data-lang") || ""];
  var LANG = pickLanguage(wantedLanguages.concat(navigator.languages || [navigator.language || ""]));
  var s = translator(LANG);

  // Visitor token, conversation and transcript, kept per bot in the browser.
  var store = openStore(KEY, function () {
    return localStorage;
  });
  var state = store.state;
  var save = store.save;
  // Who the page says the visitor is (the server verifies it); `state.owner` is whom the stored
  // conversation belongs to. An identity the server answers while an answer streams waits for it.
  var identity = null;
  var pendingIdentity = null;
  // An identify frame was sent and its reply has not come yet: a question sent now is answered as
  // the identity that reply names.
  var identifyUnanswered = false;

  var ui = buildWidget(KEY, LANG, PAGE_MODE, s);
  var host = ui.host;
  var shadow = ui.shadow;
  var root = ui.root;
  var launcher = ui.launcher;
  var panel = ui.panel;
  var title = ui.title;
  var newButton = ui.newButton;
  var closeButton = ui.closeButton;
  var notice = ui.notice;
  var noticeText = ui.noticeText;
  var noticeButton = ui.noticeButton;
  var log = ui.log;
  var suggest = ui.suggest;
  var form = ui.form;
  var input = ui.input;
  var sendButton = ui.sendButton;
  var count = ui.count;
  var announcer = ui.announcer;
  (document.body || document.documentElement).appendChild(host);

  // --- state ---
  var config = null;
  var status = "loading"; // loading | ready | unavailable | unreachable
  var outbox = [];
  var current = null; // the answer being streamed
  var resume = resumeTracker(); // where the answer being streamed is, to resume it after a drop
  var isOpen = false;
  var maxChars = 4000;
  var wantFocus = false;

  // Dark colours follow the bot's theme; under "auto", the visitor's system setting, live.
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function applyTheme(color, theme) {
    var dark = isDark(theme, darkQuery && darkQuery.matches);
    var vars = themeFor(color, dark);
    for (var k in vars) root.style.setProperty(k, vars[k]);
    root.classList.toggle("dark", dark);
  }
  applyTheme(DEFAULT_COLOR, "auto");
  if (darkQuery && darkQuery.addEventListener) {
    darkQuery.addEventListener("change", function () {
      if (config) applyTheme(config.primary_color, config.theme);
      else applyTheme(DEFAULT_COLOR, "auto");
    });
  }

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
    root.setAttribute("data-connection", connection.state());
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
  // A passage opens in a dialog over the chat; `opener(messageId)` opens those of one answer.
  var preview = sourcePreview(panel, s);
  function opener(messageId) {
    if (!messageId) return null;
    var load = passageLoader(window.fetch.bind(window), BASE, KEY, messageId, function () {
      return state.token;
    });
    return function (citation, control) {
      preview.open(citation, control, load);
    };
  }
  function renderCitations(b, citations, messageId) {
    var old = b.node.querySelector(".sources");
    if (old) old.remove();
    if (!citations || !citations.length) return;
    var onOpen = opener(messageId);
    linkMarkers(b.body, citations, s, onOpen);
    var byNumber = citationsByNumber(citations);
    var box = el("div", "sources");
    box.appendChild(el("h3", null, s("sources")));
    var list = el("ol");
    citationItems(citations, s).forEach(function (item) {
      var control = sourceControl(document, byNumber[item.value], s, item.label, onOpen);
      var li = control ? el("li") : el("li", null, item.label);
      if (control) li.appendChild(control);
      if (item.value != null) li.setAttribute("value", item.value);
      if (item.title != null) li.setAttribute("title", item.title);
      list.appendChild(li);
    });
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
        if (!connection.isConnected()) return;
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
    renderCitations(b, record.citations, record.id);
    if (record.id) {
      answerBubbles[record.id] = b;
      renderFeedback(b, record);
    }
    return b;
  }
  function renderTranscript() {
    preview.close();
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
    if (handoff) handoff.reattach();
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
    var answeredAsIdentified = Boolean(current && current.afterIdentify);
    current = null;
    log.setAttribute("aria-busy", "false");
    refreshControls();
    if (pendingIdentity) onIdentity(pendingIdentity, answeredAsIdentified);
  }

  // --- socket ---
  var connection = openConnection(
    {
      WebSocket: WebSocket,
      setTimeout: setTimeout.bind(window),
      clearTimeout: clearTimeout.bind(window),
      setInterval: setInterval.bind(window),
      clearInterval: clearInterval.bind(window),
      random: Math.random,
      online: function () {
        return navigator.onLine;
      },
    },
    {
      url: function () {
        return socketUrl(BASE, KEY, config && config.socket_path, state.token, location.href);
      },
      canConnect: function () {
        return status === "ready";
      },
      session: onSession,
      event: function (event) {
        if (resume.accept(event)) onEvent(event); // each event once, also when replayed
      },
      closed: onClosed,
      countdown: function (seconds, reconnectNow) {
        showNotice(s("reconnecting", { s: seconds }), "bad", s("reconnectNow"), reconnectNow);
      },
      offline: function () {
        showNotice(s("offline"), "bad");
      },
      change: function () {
        refreshControls();
      },
    }
  );
  var send = connection.send;
  var connect = connection.connect;
  window.addEventListener("online", connection.onlineAgain);

  // The contact form, when the server offers it (docs/widget.md, "Human handoff").
  var handoff = createHandoff({
    s: s,
    uid: "cs" + Math.random().toString(36).slice(2, 8),
    url: leadUrl(BASE, KEY),
    fetch: window.fetch.bind(window),
    setTimeout: setTimeout.bind(window),
    clearTimeout: clearTimeout.bind(window),
    log: log,
    announce: announce,
    scrollDown: scrollDown,
    token: function () {
      return state.token;
    },
    sentFor: function (id) {
      return !!id && (state.handoffSent || []).indexOf(id) >= 0;
    },
    markSent: function (id) {
      state.handoffSent = (state.handoffSent || []).concat([id]).slice(-20);
      save();
    },
  });

  function flushOutbox() {
    while (connection.isConnected() && outbox.length) {
      var frame = outbox.shift();
      if (state.conversation) frame.conversation_id = state.conversation;
      frame.type = "message";
      if (current) current.sentWith = frame.conversation_id || null;
      if (current && identifyUnanswered) current.afterIdentify = true;
      send(frame);
      if (current) current.queued = false;
    }
  }
  function onClosed(code) {
    // An answer whose events were arriving goes on at the server; it is resumed on reconnection.
    var resumable = resume.inProgress() && code !== 4404;
    if (current && !current.queued && !resumable) {
      // An answer not started yet (or a server that does not resume): what we saw is all there is.
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
    if (code === 4404) {
      resume.reset();
      setUnavailable();
    }
  }
  function onSession(event, reconnected) {
    if (typeof event.visitor_token === "string" && event.visitor_token) state.token = event.visitor_token;
    if (event.max_message_chars) setMaxChars(event.max_message_chars);
    save();
    if (reconnected) {
      showNotice(s("reconnected"), "good");
      setTimeout(function () {
        if (connection.isConnected() && noticeText.textContent === s("reconnected")) hideNotice();
      }, 3000);
    } else {
      hideNotice();
    }
    refreshControls();
    // Say who the visitor is first: the server then tells which conversation to show (after the
    // answer in progress, if any).
    var identifying = Boolean(identity || state.owner);
    if (identifying) sendIdentify();
    // The rest of the answer in progress; else the conversation as the server has it (another tab may
    // have continued it).
    var rest = current && resume.frame();
    if (rest) send(rest);
    else if (!identifying && state.conversation && !current && !outbox.length)
      send({ type: "history", conversation_id: state.conversation });
    flushOutbox();
  }
  function sendIdentify() {
    send(identifyFrame(identity));
    identifyUnanswered = true;
  }
  function onIdentity(event, answeredAsIdentified) {
    pendingIdentity = current ? event : null;
    if (current) return;
    if (answeredAsIdentified) state.owner = event.verified ? String(event.user_id) : "";
    var plan = identityPlan(state, event);
    state.owner = plan.owner;
    state.conversation = plan.conversation;
    if (plan.reset) state.messages = [];
    save();
    if (plan.reset) renderTranscript();
    if (state.conversation && !outbox.length) send({ type: "history", conversation_id: state.conversation });
  }

  function onEvent(event) {
    switch (event.type) {
      case "history":
        if (current || String(event.conversation_id) !== state.conversation || !Array.isArray(event.messages)) return;
        state.messages = historyRecords(event.messages);
        save();
        renderTranscript();
        break;
      case "identity":
        identifyUnanswered = false;
        onIdentity(event);
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
        renderCitations(current.bubble, record.citations, record.id);
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
      case "handoff":
        handoff.offer(event);
        break;
      case "error":
        onError(event);
        break;
    }
  }
  function onError(event) {
    if (resumeRefused(event)) {
      // The answer can no longer be resumed (kept too long ago): show the conversation as saved.
      resume.reset();
      if (current) {
        if (current.text) renderCurrent();
        endAnswer();
      }
      if (state.conversation) send({ type: "history", conversation_id: state.conversation });
      return;
    }
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
    systemNote(errorText(event, s, maxChars));
    announce(errorText(event, s, maxChars));
    if (event.code === "bot_unavailable") setUnavailable();
  }

  function setMaxChars(n) {
    maxChars = Math.max(1, parseInt(n, 10) || 4000);
    input.setAttribute("maxlength", String(maxChars));
    refreshControls();
  }
  function setUnavailable() {
    status = "unavailable";
    connection.stop();
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
    if (!connection.isConnected()) connect();
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
    handoff.reset();
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
  function applyConfig() {
    if (!Array.isArray(config.suggested_questions)) config.suggested_questions = [];
    applyTheme(config.primary_color, config.theme);
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
    if (!current) renderTranscript(); // never while an answer streams into its bubble
  }
  // The dashboard's live preview (a script tag with data-preview) shows unsaved settings as they
  // are typed; a page embedding the widget cannot send these to anyone but itself.
  if (PREVIEW) {
    window.addEventListener("chatsphere:preview", function (event) {
      if (!config || !event.detail) return;
      ["title", "primary_color", "position", "theme", "welcome_message", "suggested_questions"].forEach(function (name) {
        if (name in event.detail) config[name] = event.detail[name];
      });
      applyConfig();
    });
  }
  function loadConfig() {
    status = "loading";
    showNotice(s("connecting"));
    refreshControls();
    var url = configUrl(BASE, KEY);
    // The preview must show what was just saved; visitors may use a cached copy for a minute.
    return fetch(url, { credentials: "omit", mode: "cors", cache: PREVIEW ? "no-store" : "default" })
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
              throw new Error("refused");
            },
            function () {
              throw new Error("unreachable");
            }
          );
        }
      )
      .then(function (data) {
        config = data || {};
        status = "ready";
        root.classList.remove("waiting");
        applyConfig();
        hideNotice();
        if (isOpen) connect();
        var focused = shadow.activeElement;
        if (wantFocus && (!focused || focused === closeButton)) focusInput();
      })
      .catch(function (error) {
        if (error && (error.message === "unavailable" || error.message === "refused")) {
          status = "unavailable";
          if (!PAGE_MODE && !PREVIEW) {
            // Visitors never see a chat that cannot work on this page; the site owner finds why here.
            host.remove();
            // An unknown key answers without CORS headers, so it reads as a refusal: name both causes.
            console.warn(
              "ChatSphere: the chat with the key " + KEY + " is not available on " + location.origin + ". " +
                "On the bot's Widget page in the ChatSphere dashboard, add this origin to the allowed " +
                "origins, and check that the widget is switched on and the snippet has the current key."
            );
            return;
          }
          root.classList.remove("waiting");
          showNotice(s("unavailable"), "bad");
        } else {
          root.classList.remove("waiting");
          status = "unreachable";
          showNotice(s("unreachable"), "bad", s("retry"), loadConfig);
        }
        refreshControls();
      });
  }

  var presetIdentity = installApi(window, function (next) {
    identity = next;
    if (connection.isConnected()) sendIdentify();
  });
  identity = identityFromScript(script) || presetIdentity;
  refreshControls();
  loadConfig();
  if (START_OPEN || state.open) open(PAGE_MODE);
}
})();
