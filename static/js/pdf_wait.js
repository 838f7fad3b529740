// Comfort only: without this file the wait page reloads itself (<noscript> meta refresh) and
// the reload brings the PDF once it is ready. Here: the state is asked for every 1.5 s (the same
// address with ?stan=1, so the same permission checks) and read out in the status line; once the
// PDF is ready the page goes to its address, which starts the download.
(function () {
  "use strict";
  var box = document.getElementById("pdf-wait");
  if (!box) { return; }
  var url = box.getAttribute("data-url");
  var live = document.getElementById("pdf-live");
  var statusUrl = url + (url.indexOf("?") < 0 ? "?" : "&") + "stan=1";

  function say(text) {
    if (live.textContent !== text) { live.textContent = text; }
  }

  function poll() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (s) {
        if (!s) { window.setTimeout(poll, 3000); return; }
        if (s.state === "done") {
          say("Plik PDF jest gotowy — pobieranie się rozpoczyna.");
          window.location.href = url;
          return;
        }
        if (s.state !== box.getAttribute("data-state")) { window.location.reload(); return; }
        if (s.state === "running") { say("Trwa tworzenie pliku PDF (" + s.elapsed + " s)."); }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1500);
})();
