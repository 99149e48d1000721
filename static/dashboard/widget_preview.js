/* Widget page: the preview in the corner shows the appearance fields as they are typed, before saving. */
(function () {
  "use strict";
  var form = document.querySelector("[data-widget-form]");
  if (!form) return;
  var botName = form.getAttribute("data-bot-name") || "";

  function value(name) {
    var field = form.elements[name];
    return field ? field.value : "";
  }

  function send() {
    var lines = value("suggested_questions").split("\n").map(function (line) { return line.trim(); });
    window.dispatchEvent(new CustomEvent("chatsphere:preview", {
      detail: {
        title: value("widget_title").trim() || botName,
        primary_color: value("primary_color"),
        position: value("position"),
        theme: value("theme"),
        welcome_message: value("welcome_message"),
        suggested_questions: lines.filter(Boolean).slice(0, 6),
      },
    }));
  }

  form.addEventListener("input", send);
  form.addEventListener("change", send);
})();
