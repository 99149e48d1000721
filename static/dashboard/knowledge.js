/* Knowledge page: drag-and-drop uploads and live document status over a WebSocket. */
(function () {
  "use strict";

  var zone = document.querySelector("[data-dropzone]");
  if (zone) {
    var input = zone.querySelector("input[type=file]");
    var button = zone.querySelector("[data-upload-button]");
    var bar = zone.querySelector("[data-upload-progress]");
    var progress = bar && bar.querySelector("progress");
    var statusLine = zone.querySelector("[data-upload-status]");
    var errors = zone.querySelector("[data-upload-errors]");
    var maxBytes = Number(zone.getAttribute("data-max-bytes")) || 0;
    var maxMb = zone.getAttribute("data-max-mb");
    // The types the server accepts, by extension; the server still reads each file to be sure.
    var extensions = (input.getAttribute("accept") || "").split(",").filter(function (part) {
      return part.charAt(0) === ".";
    });

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
      zone.requestSubmit();
    });

    function showErrors(messages) {
      errors.textContent = "";
      messages.forEach(function (text) {
        var li = document.createElement("li");
        li.textContent = text;
        errors.appendChild(li);
      });
    }

    function refusals(files) {
      var found = [];
      Array.prototype.forEach.call(files, function (file) {
        var name = file.name.toLowerCase();
        var known = !extensions.length || extensions.some(function (ext) { return name.slice(-ext.length) === ext; });
        if (!known) {
          found.push(file.name + ": this type of file is not accepted. Upload PDF, Word (.docx), HTML, Markdown, CSV or text.");
        } else if (maxBytes && file.size > maxBytes) {
          found.push(file.name + ": this file is " + (file.size / 1048576).toFixed(1) + " MB; files up to " + maxMb + " MB are accepted.");
        }
      });
      return found;
    }

    function setBusy(busy) {
      button.disabled = busy;
      button.textContent = busy ? "Uploading…" : "Upload";
      zone.setAttribute("aria-busy", busy ? "true" : "false");
      bar.hidden = !busy;
    }

    zone.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest || !input.files.length) return; // the plain form
      event.preventDefault();
      if (button.disabled) return;
      var refused = refusals(input.files);
      showErrors(refused);
      if (refused.length) {
        statusLine.textContent = "Nothing was sent.";
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", zone.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (step) {
        if (!step.lengthComputable) return;
        var percent = Math.round((step.loaded / step.total) * 100);
        progress.value = percent;
        statusLine.textContent = "Uploading… " + percent + "%";
      };
      xhr.upload.onload = function () {
        progress.value = 100;
        statusLine.textContent = "Uploaded; checking the files…";
      };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (ignored) { body = null; }
        if (xhr.status === 200 && body && body.location) {
          statusLine.textContent = "Added. Loading the document list…";
          window.location.assign(body.location);
          return;
        }
        if (!body && xhr.status === 200 && xhr.responseURL) {
          window.location.assign(xhr.responseURL); // e.g. the session ended: the log-in page
          return;
        }
        setBusy(false);
        statusLine.textContent = "No file was added.";
        showErrors(body && body.errors ? body.errors : ["The upload failed (" + xhr.status + "). Please try again."]);
      };
      xhr.onerror = function () {
        setBusy(false);
        statusLine.textContent = "";
        showErrors(["The upload did not reach the server. Check your connection and try again."]);
      };
      progress.value = 0;
      setBusy(true);
      statusLine.textContent = "Uploading…";
      xhr.send(new FormData(zone));
    });
  }

  // Bulk actions: "Select all on this page" and how many rows are selected.
  var bulk = document.getElementById("bulk-form");
  if (bulk) {
    var boxes = document.querySelectorAll("[data-select-row]");
    var all = bulk.querySelector("[data-select-all-box]");
    var count = bulk.querySelector("[data-selected-count]");
    var refresh = function () {
      var selected = Array.prototype.filter.call(boxes, function (box) { return box.checked; }).length;
      count.textContent = selected ? selected + " selected" : "";
      all.checked = selected > 0 && selected === boxes.length;
      all.indeterminate = selected > 0 && selected < boxes.length;
    };
    bulk.querySelector("[data-select-all]").hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      refresh();
    });
    boxes.forEach(function (box) { box.addEventListener("change", refresh); });
    refresh();
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
    socket.onclose = function (closed) {
      if (closed.code === 4403) return; // access to the organization ended: no more live updates
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
