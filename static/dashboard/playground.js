/* Playground: chat with a bot over its playground socket; answers and passages are text only. */
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
  var correctUrl = root.getAttribute("data-correct-url");
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
    body.textContent = text;
    li.appendChild(who);
    li.appendChild(body);
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
    return body;
  }

  function showSources(body, citations) {
    passages.textContent = "";
    debugEmpty.hidden = citations.length > 0;
    if (!citations.length) return;
    var list = document.createElement("ul");
    list.className = "sources";
    citations.forEach(function (c) {
      var where = "[" + c.number + "] " + c.title + (c.page ? ", page " + c.page : "");
      var li = document.createElement("li");
      li.textContent = where;
      list.appendChild(li);
      var passage = document.createElement("li");
      var head = document.createElement("strong");
      head.textContent = where + " — score " + Number(c.score).toFixed(3);
      var snippet = document.createElement("p");
      snippet.textContent = c.snippet;
      passage.appendChild(head);
      passage.appendChild(snippet);
      passages.appendChild(passage);
    });
    body.parentNode.appendChild(list);
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
        setBusy(false);
        break;
      case "conversation":
        conversation = event.id;
        break;
      case "token":
        if (current) current.textContent += event.text;
        break;
      case "sources":
        if (current) showSources(current, event.citations || []);
        break;
      case "done":
        if (current && correctUrl && event.message_id) addCorrectLink(current, event.message_id);
        current = null;
        setBusy(false);
        break;
      case "error":
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
    socket.onmessage = function (message) { onEvent(JSON.parse(message.data)); };
    socket.onclose = function () {
      status.hidden = false;
      status.textContent = "Connection lost; reconnecting…";
      current = null;
      setBusy(false);
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
    debugEmpty.hidden = false;
    input.focus();
  });
  setBusy(false);
  connect();
})();
