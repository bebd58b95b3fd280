/* The order page without reloading: a live countdown to the estimated
 * completion date, and the message thread refreshed every 30 seconds.
 * Everything works without this file; it only adds. Text is set with
 * textContent, never parsed as HTML. */
(function () {
  "use strict";

  /* The countdown speaks the page's language: the browser's Intl writes
   * "3 days" and joins the parts; the phrase around them comes from the
   * catalog (data-template, with %s where they go). A browser without
   * those Intl parts keeps the countdown hidden: the date is beside it. */
  var countdown = document.querySelector(".countdown[data-until][data-template]");
  var units = null, list = null, PLACE = /%(?:1\$)?s/;
  if (countdown) {
    try {
      var lang = document.documentElement.lang || undefined;
      units = ["day", "hour", "minute"].map(function (u) {
        return new Intl.NumberFormat(lang, { style: "unit", unit: u, unitDisplay: "long" });
      });
      list = new Intl.ListFormat(lang, { style: "long", type: "unit" });
      /* One that ignores "unit" would write bare numbers; a phrase with
       * nowhere to put them would say nothing. */
      if (units[0].resolvedOptions().style !== "unit" ||
          !PLACE.test(countdown.getAttribute("data-template")))
        units = null;
    } catch (e) {
      units = null;     /* no Intl, or one without units or lists */
    }
  }
  function tick() {
    var left = Number(countdown.getAttribute("data-until")) * 1000 - Date.now();
    if (!(left > 0)) {
      countdown.remove();
      return false;
    }
    var mins = Math.floor(left / 60000), days = Math.floor(mins / 1440),
        hours = Math.floor((mins % 1440) / 60), m = mins % 60, parts = [];
    if (days) parts.push(units[0].format(days));
    if (hours || days) parts.push(units[1].format(hours));
    if (!days) parts.push(units[2].format(m));
    countdown.textContent = countdown.getAttribute("data-template")
      .replace(PLACE, function () { return list.format(parts); });
    countdown.hidden = false;
    return true;
  }
  if (countdown && units && tick()) {
    var timer = setInterval(function () { if (!tick()) clearInterval(timer); }, 30000);
  }

  var thread = document.querySelector("ol.thread[data-src]");
  function render(messages) {
    var items = messages.map(function (m) {
      var li = document.createElement("li"), meta = document.createElement("p"),
          who = document.createElement("strong"), when = document.createElement("time"),
          body = document.createElement("p");
      li.className = "msg " + (m.from_customer ? "mine" : "theirs");
      meta.className = "meta";
      who.textContent = m.who;
      when.textContent = m.when;
      meta.append(who, " ", when);
      body.className = "text";
      body.textContent = m.body;
      li.append(meta, body);
      return li;
    });
    thread.replaceChildren.apply(thread, items);
    var empty = document.querySelector(".empty-thread");
    if (empty && items.length) empty.remove();
  }
  function refresh() {
    if (document.hidden) return;
    fetch(thread.getAttribute("data-src"), { cache: "no-store", credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j && Array.isArray(j.messages)) render(j.messages); })
      .catch(function () {});
  }
  if (thread && window.fetch) setInterval(refresh, 30000);
})();
