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
import { citationItems } from "./citations.js";
import { openConnection } from "./connection.js";
import { DEFAULT_COLOR, isDark, themeFor } from "./contrast.js";
import { createHandoff, leadUrl } from "./handoff.js";
import { errorText, pickLanguage, translator } from "./i18n.js";
import { identifyFrame, identityFromScript, identityPlan, installApi } from "./identity.js";
import { render as markdown } from "./markdown.js";
import { resumeRefused, resumeTracker } from "./resume.js";
import { citationsByNumber, linkMarkers, passageLoader, sourceControl, sourcePreview } from "./source_preview.js";
import { historyRecords, openStore } from "./store.js";
import { configUrl, serverBase, socketUrl } from "./transport.js";
import { attrs, buildWidget, el, icon } from "./view.js";

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
