/* Playground: chat with a bot over its playground socket. Answers are rendered as the widget
   renders them (safe Markdown, DOM nodes only); the side panel shows what the bot was given. */
(function () {
  "use strict";
  var root = document.querySelector("[data-playground]");
  if (!root || !window.WebSocket) return;
  var log = root.querySelector("[data-log]");
  var form = root.querySelector("[data-form]");
  var input = form.querySelector("textarea");
  var status = root.querySelector("[data-status]");
  var passages = root.querySelector("[data-passages]");
  var debugEmpty = root.querySelector("[data-debug-empty]");
  var debugReason = root.querySelector("[data-debug-reason]");
  var render = window.ChatSphereMarkdown ? window.ChatSphereMarkdown.render : function (text, into) {
    into.textContent = text;
  };
  var correctUrl = root.getAttribute("data-correct-url");
  // Where the answer in progress is, to receive the rest of it after the socket dropped.
  var resume = window.ChatSphereResume ? window.ChatSphereResume.tracker() : null;
  var socket = null;
  var conversation = null;
  var current = null;
  var delay = 1000;

  function item(role, label, text) {
    var li = document.createElement("li");
    li.className = "chat-msg " + role;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = label;
    var body = document.createElement("div");
    body.className = "text";
    body.raw = text;
    if (role === "bot") render(text, body);
    else body.textContent = text;
    li.appendChild(who);
    li.appendChild(body);
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
    return body;
  }

  function where(passage) {
    return "[" + passage.number + "] " + passage.title + (passage.page ? ", page " + passage.page : "");
  }

  // Cited passages open as in the widget, read through the API with the member's session.
  var sources = window.ChatSphereSources;
  var preview = sources ? sources.sourcePreview(document.body, sources.s) : null;
  function opener(messageId) {
    if (!preview || !messageId) return null;
    return function (citation, control) {
      preview.open(citation, control, function () {
        var url = "/api/v1/messages/" + encodeURIComponent(messageId) + "/sources/" +
          sources.sourceNumber(citation) + "/";
        return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
          if (!r.ok) throw new Error("source " + r.status);
          return r.json();
        });
      });
    };
  }

  // Under the answer: the sources it cites; they and the answer's [n] markers open each source.
  function showSources(body, citations, messageId) {
    if (!citations.length) return;
    var onOpen = opener(messageId);
    var byNumber = sources ? sources.citationsByNumber(citations) : {};
    if (sources) sources.linkMarkers(body, citations, sources.s, onOpen);
    var list = document.createElement("ul");
    list.className = "sources";
    citations.forEach(function (c) {
      var li = document.createElement("li");
      var control = sources ? sources.sourceControl(document, byNumber[c.number] || c, sources.s, where(c), onOpen) : null;
      if (control) li.appendChild(control);
      else li.textContent = where(c);
      list.appendChild(li);
    });
    body.parentNode.appendChild(list);
  }

  function score(value) {
    return Number(value).toFixed(2);
  }

  // The side panel: every passage given to the bot (numbered as the answer cites them) with its
  // score, or after a fallback why: the best passage found and the bar it fell below.
  function showRetrieval(event) {
    var list = event.passages || [];
    passages.textContent = "";
    debugEmpty.hidden = true;
    var reason = "";
    if (event.fallback === "below_bar") {
      reason = list.length
        ? "The bot gave its fallback: the best passage, " + where(list[0]) + ", gave a confidence of " +
          score(event.confidence) + ", below the bar of " + score(event.bar) + " set by its strictness. " +
          "The passages below were found but not given to it."
        : "The bot gave its fallback: no passage of its documents matched the question (the bar set by its strictness is " +
          score(event.bar) + ").";
    } else if (event.fallback === "no_answer") {
      reason = "The bot gave its fallback: it was given the passages below, but none of them answers the question.";
    }
    debugReason.textContent = reason;
    debugReason.hidden = !reason;
    debugReason.className = reason ? "notice" : "";
    list.forEach(function (passage) {
      var li = document.createElement("li");
      if (passage.cited) li.className = "cited";
      var head = document.createElement("strong");
      head.textContent = where(passage) + " — score " + score(passage.score) + (passage.cited ? " · cited" : "");
      var snippet = document.createElement("p");
      snippet.textContent = passage.snippet;
      li.appendChild(head);
      li.appendChild(snippet);
      passages.appendChild(li);
    });
  }

  // Owners and admins get a link to write the right answer to what the bot just said.
  function addCorrectLink(body, messageId) {
    var link = document.createElement("a");
    link.className = "correct";
    link.href = correctUrl + "?source=" + encodeURIComponent(messageId);
    link.textContent = "Correct this answer";
    body.parentNode.appendChild(link);
  }

  function setBusy(busy) {
    form.querySelector("button").disabled = busy || !socket || socket.readyState !== 1;
    log.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function onEvent(event) {
    switch (event.type) {
      case "session":
        status.textContent = "";
        status.hidden = true;
        var rest = current && resume && resume.frame();
        if (rest) socket.send(JSON.stringify(rest));
        setBusy(!!rest);
        break;
      case "conversation":
        conversation = event.id;
        break;
      case "token":
        if (current) {
          current.raw += event.text;
          current.textContent = "";
          render(current.raw, current);
        }
        break;
      case "retrieval":
        showRetrieval(event);
        break;
      case "sources":
        if (current) current.citations = event.citations || [];
        break;
      case "done":
        if (current) showSources(current, current.citations || [], event.message_id);
        if (current && correctUrl && event.message_id) addCorrectLink(current, event.message_id);
        current = null;
        setBusy(false);
        break;
      case "error":
        if (resume && window.ChatSphereResume.refused(event)) resume.reset();
        if (current && !current.textContent) current.parentNode.remove();
        item("error", "Error", event.message);
        current = null;
        setBusy(false);
        break;
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-socket"));
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (message) {
      var event = JSON.parse(message.data);
      if (!resume || resume.accept(event)) onEvent(event); // each event once, also when replayed
    };
    socket.onclose = function (closed) {
      status.hidden = false;
      // An answer whose events were arriving goes on at the server: it is resumed on reconnection.
      if (!(resume && resume.inProgress())) current = null;
      setBusy(false);
      // 4403: access to the organization ended; 4404: the bot is gone. Reconnecting cannot help.
      if (closed.code === 4403 || closed.code === 4404) {
        current = null;
        if (resume) resume.reset();
        status.textContent = closed.code === 4403
          ? "You no longer have access to this organization. Reload the page to sign in again."
          : "This bot is no longer available.";
        return;
      }
      status.textContent = "Connection lost; reconnecting…";
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || current || !socket || socket.readyState !== 1) return;
    item("user", "You", text);
    current = item("bot", "Bot", "");
    var frame = { type: "message", text: text };
    if (conversation) frame.conversation_id = conversation;
    socket.send(JSON.stringify(frame));
    input.value = "";
    setBusy(true);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  root.querySelector("[data-new]").addEventListener("click", function () {
    conversation = null;
    log.querySelectorAll(".chat-msg:not(:first-child)").forEach(function (node) { node.remove(); });
    passages.textContent = "";
    debugReason.hidden = true;
    debugEmpty.hidden = false;
    input.focus();
  });
  setBusy(false);
  connect();
})();
