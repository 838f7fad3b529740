// Comfort only: the job's page refreshes itself without this file (<noscript> meta refresh).
// Here: the progress bar and the counts follow the job every second; the page reloads once
// the job has ended (to show the download link or the message).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");

  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return "—"; }
    return seconds < 60 ? seconds + " s" : Math.floor(seconds / 60) + " min " + (seconds % 60) + " s";
  }

  function set(name, value) {
    var el = box.querySelector('[data-job="' + name + '"]');
    if (el && el.textContent !== value) { el.textContent = value; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (s) {
        if (!s) { return; }
        // queued → running, or the job ended: the page shows something else now
        if (s.state !== box.getAttribute("data-state")) { window.location.reload(); return; }
        if (bar) { bar.max = s.total || 1; bar.value = s.done; bar.textContent = s.done + " z " + s.total; }
        set("done", String(s.done));
        set("total", String(s.total));
        set("elapsed", duration(s.elapsed));
        set("left", duration(s.left));
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1000);
})();
