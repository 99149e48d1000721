/* Website crawls: while a crawl runs, its group refreshes its progress every two seconds. */
(function () {
  "use strict";

  function describe(progress) {
    var text = progress.summary;
    if (progress.failed) text += " · " + progress.failed + " failed";
    if (progress.skipped) text += " · " + progress.skipped + " skipped";
    return text;
  }

  function follow(group) {
    var url = group.getAttribute("data-website-progress");
    var badge = group.querySelector("[data-website-status]");
    var summary = group.querySelector("[data-website-summary]");
    var bar = group.querySelector("[role=progressbar]");

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (progress) {
          if (!progress) return;
          badge.textContent = progress.status_label;
          badge.className = "badge " + progress.status;
          var baseline = summary.textContent.split(" · re-crawl")[1];
          summary.textContent = describe(progress) + (baseline ? " · re-crawl" + baseline : "");
          bar.setAttribute("aria-valuemax", String(progress.found));
          bar.setAttribute("aria-valuenow", String(progress.done));
          bar.firstElementChild.style.width = (progress.found ? Math.round((100 * progress.done) / progress.found) : 0) + "%";
          if (progress.running) {
            setTimeout(poll, 2000);
          } else if (group.hasAttribute("data-reload-when-done")) {
            window.location.reload(); // the pages table and the actions as they are now
          }
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 1000);
  }

  document.querySelectorAll("[data-website-progress][data-running='1']").forEach(follow);
})();
