// Comfort only: warn before leaving a form marked data-warn-unsaved whose fields were changed
// and not sent. Without JavaScript the step buttons still save what was typed (save-and-go).
(function () {
  "use strict";

  function snapshot(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token") { parts.push(name + "=" + value); }
    });
    return parts.join("&");
  }

  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-warn-unsaved]"));
  if (!forms.length) { return; }
  var saved = forms.map(snapshot);
  var leaving = false;

  forms.forEach(function (form) {
    form.addEventListener("submit", function () { leaving = true; });
  });

  window.addEventListener("beforeunload", function (event) {
    if (leaving) { return; }
    var changed = forms.some(function (form, i) { return snapshot(form) !== saved[i]; });
    if (changed) {
      event.preventDefault();
      event.returnValue = "";  // older browsers show their own question only when it is set
    }
  });
})();
