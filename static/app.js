// Comfort only: every page works without this file.
(function () {
  "use strict";

  // Ask before destructive POSTs (forms marked data-confirm).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // Disable submit buttons after the first click (no double submissions).
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });

  // Focus the error summary so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // Warn before the idle timeout; "Przedłuż sesję" refreshes it without leaving the page.
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var warn = parseInt(body.getAttribute("data-warning-seconds") || "0", 10);
  var box = document.getElementById("session-warning");
  if (idle && box) {
    var timer;
    var arm = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { box.classList.remove("d-none"); },
        Math.max(idle - warn, 1) * 1000);
    };
    document.getElementById("session-extend").addEventListener("click", function () {
      fetch(body.getAttribute("data-session-url"), { credentials: "same-origin" })
        .then(function (r) { if (r.ok) { box.classList.add("d-none"); arm(); } });
    });
    arm();
  }
})();
