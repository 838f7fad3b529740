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

  // Live character counters: "Pozostało N znaków" under every textarea with a limit, and under a
  // text field once it is 80 % full. The visible count follows each key; a hidden polite live
  // region says it once typing pauses. Without JavaScript the hint "maks. N znaków" stays alone.
  function pluralPl(n, one, few, many) {  // CLDR's Polish rule, as lib/plural.py (Babel)
    var d = n % 10, h = n % 100;
    if (n === 1) { return one; }
    return d >= 2 && d <= 4 && (h < 12 || h > 14) ? few : many;
  }
  function countText(left) {
    if (left < 0) {
      return "Przekroczono limit o " + -left + " " + pluralPl(-left, "znak", "znaki", "znaków");
    }
    return pluralPl(left, "Pozostał ", "Pozostały ", "Pozostało ") + left + " " +
      pluralPl(left, "znak", "znaki", "znaków");
  }
  document.querySelectorAll("textarea[maxlength], input[maxlength]").forEach(function (field) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    var textual = field.tagName === "TEXTAREA" || ["text", "search", ""].indexOf(field.type) >= 0;
    if (!limit || !textual || !field.id) { return; }
    var after = document.getElementById(field.id + "-limit") || field;
    var shown = document.createElement("div");
    shown.className = "form-text app-counter";
    shown.id = field.id + "-counter";
    shown.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("div");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    after.insertAdjacentElement("afterend", shown);
    shown.insertAdjacentElement("afterend", spoken);
    var pause;
    var update = function (typed) {
      var left = limit - field.value.length;
      shown.textContent = countText(left);
      shown.classList.toggle("text-danger", left < 0);
      shown.hidden = field.tagName !== "TEXTAREA" && left > limit * 0.2;
      if (typed) {
        window.clearTimeout(pause);
        pause = window.setTimeout(function () { spoken.textContent = shown.textContent; }, 400);
      }
    };
    field.addEventListener("input", function () { update(true); });
    update(false);
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
