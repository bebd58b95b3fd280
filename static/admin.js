/* Small helpers for the staff pages; every page works without them.
 * Copy buttons put a field's text on the clipboard; the message-texts
 * page shows a live preview and counts SMS segments as staff type. Text is
 * set with textContent, never parsed as HTML. */
(function () {
  "use strict";

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        var was = button.textContent;
        button.textContent = button.getAttribute("data-copied") || was;
        setTimeout(function () { button.textContent = was; }, 1500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          field.select();
        });
      } else {
        field.select();
        if (document.execCommand && document.execCommand("copy")) done();
      }
    });
  });

  /* Book-in: the brief and budget only for the kinds of job that take
   * them (without the script, the section's note names them). */
  document.querySelectorAll("fieldset[data-commission]").forEach(function (fs) {
    var radios = fs.form ? fs.form.querySelectorAll("input[name=workflow]") : [];
    function update() {
      var on = false;
      radios.forEach(function (r) { if (r.checked && r.hasAttribute("data-commission")) on = true; });
      fs.hidden = !on;
    }
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  });

  /* GSM 03.38: one unit each, or two for the extension table; anything
   * else sends the whole message as UCS-2 (notify.c counts the same). */
  var basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
      "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var ext = "^{}\\[~]|€\f";
  function segments(text) {
    var gsm = 0, units = 0, all = true;
    for (var ch of text) {
      if (basic.indexOf(ch) >= 0) gsm += 1;
      else if (ext.indexOf(ch) >= 0) gsm += 2;
      else all = false;
      units += ch.length;
    }
    var len = all ? gsm : units, one = all ? 160 : 70, part = all ? 153 : 67;
    return { n: len === 0 ? 0 : len <= one ? 1 : Math.ceil(len / part), ucs2: !all, len: len };
  }

  document.querySelectorAll("form.message-text").forEach(function (form) {
    var subject = form.querySelector("[name=subject]"), body = form.querySelector("[name=body]");
    var preview = form.querySelector(".live-preview"), counter = form.querySelector(".sms-count");
    var sample = JSON.parse(form.getAttribute("data-sample") || "{}");
    function fill(t) {
      return t.replace(/\{\{|\}\}|\{([a-z_]+)\}/g, function (m, name) {
        if (m === "{{") return "{";
        if (m === "}}") return "}";
        return Object.prototype.hasOwnProperty.call(sample, name) ? sample[name] : m;
      });
    }
    function update() {
      var text = fill(body.value);
      if (preview) {
        preview.querySelector(".preview-subject").textContent = fill(subject.value);
        preview.querySelector(".preview-body").textContent = text;
        preview.hidden = false;
      }
      if (counter) {
        var s = segments(text);
        /* The words come from the page, in its language. */
        counter.textContent = (counter.getAttribute("data-format") || "%1$s / %2$s")
            .replace("%1$s", s.len).replace("%2$s", s.n) +
            (s.ucs2 ? " " + (counter.getAttribute("data-ucs2") || "") : "");
        counter.hidden = false;
      }
    }
    subject.addEventListener("input", update);
    body.addEventListener("input", update);
    update();
  });
})();
