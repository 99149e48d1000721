/* Knowledge page: drag-and-drop uploads and live document status over a WebSocket. */
(function () {
  "use strict";

  var zone = document.querySelector("[data-dropzone]");
  if (zone) {
    var input = zone.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      input.files = event.dataTransfer.files;
      zone.submit();
    });
  }

  var table = document.querySelector("[data-documents]");
  if (!table || !window.WebSocket) return;
  var note = document.querySelector("[data-live-note]");
  var labels = { pending: "Pending", processing: "Processing", ready: "Ready", failed: "Failed" };
  var stages = {
    queued: "Queued", fetching: "Fetching", extracting: "Extracting", chunking: "Chunking",
    embedding: "Embedding", indexing: "Indexing", done: ""
  };
  var delay = 1000;

  function update(data) {
    var row = table.querySelector('[data-document="' + data.id + '"]');
    if (!row) {
      if (note) note.textContent = "New documents were added: reload the page to see them.";
      return;
    }
    var badge = row.querySelector("[data-status]");
    badge.className = "badge " + data.status;
    badge.textContent = labels[data.status] || data.status;
    row.querySelector("[data-stage]").textContent = data.status === "processing" ? (stages[data.stage] || "") : "";
    var bar = row.querySelector("[role=progressbar]");
    bar.hidden = data.status === "ready";
    bar.setAttribute("aria-valuenow", String(data.progress));
    bar.firstElementChild.style.width = data.progress + "%";
    row.querySelector("[data-error]").textContent = data.status === "failed" ? data.error : "";
    var pages = row.querySelector("[data-pages]");
    if (pages && data.page_count) pages.textContent = " · " + data.page_count + (data.page_count === 1 ? " page" : " pages");
    var chunks = row.querySelector("[data-chunks]");
    if (chunks) chunks.textContent = String(data.chunk_count);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + table.getAttribute("data-socket"));
    socket.onopen = function () {
      delay = 1000;
      // Changes made before the socket opened: ask for the current state of unfinished rows.
      var ids = [];
      table.querySelectorAll("[data-document]").forEach(function (row) {
        var badge = row.querySelector("[data-status]");
        if (!/\b(ready|failed)\b/.test(badge.className)) ids.push(row.getAttribute("data-document"));
      });
      if (ids.length) socket.send(JSON.stringify({ type: "sync", ids: ids }));
    };
    socket.onmessage = function (message) {
      var event = JSON.parse(message.data);
      if (event.type === "document") update(event.document);
    };
    socket.onclose = function () {
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
