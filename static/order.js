/* The order page without reloading: a live countdown to the estimated
 * completion date, a character counter on the message box, and the
 * message thread refreshed every 30 seconds. Everything works without
 * this file; it only adds. Text is set with textContent, never parsed as
 * HTML. */
(function () {
  "use strict";
  var PLACE = /%(?:1\$)?s/;
  function fill(template, value) {
    return template.replace(PLACE, function () { return value; });
  }

  /* The countdown speaks the page's language: the page gives the unit
   * phrases ("%s d", "%s h", "%s min", "%s s") and the phrase around them
   * ("%s to go") from its catalog. Without this file the server's text,
   * to the minute, stays; once the date has passed it goes. */
  var countdown = document.querySelector(".countdown[data-until][data-template]");
  function tick() {
    var left = Number(countdown.getAttribute("data-until")) * 1000 - Date.now();
    if (!(left > 0)) {
      countdown.remove();
      return false;
    }
    var secs = Math.floor(left / 1000), days = Math.floor(secs / 86400),
        hours = Math.floor((secs % 86400) / 3600), mins = Math.floor((secs % 3600) / 60),
        parts = [];
    if (days) parts.push(fill(countdown.getAttribute("data-d"), days));
    if (days || hours) parts.push(fill(countdown.getAttribute("data-h"), hours));
    parts.push(fill(countdown.getAttribute("data-min"), mins));
    parts.push(fill(countdown.getAttribute("data-s"), secs % 60));
    countdown.textContent = fill(countdown.getAttribute("data-template"), parts.join(" "));
    return true;
  }
  if (countdown && PLACE.test(countdown.getAttribute("data-template")) && tick()) {
    var timer = setInterval(function () { if (!tick()) clearInterval(timer); }, 1000);
  }

  /* Characters left in the message box, counted as its maxlength counts
   * them; the sentence comes from the page. */
  var body = document.getElementById("message-body"),
      counter = document.querySelector(".counter[data-max][data-template]");
  function count() {
    var left = Number(counter.getAttribute("data-max")) - body.value.length;
    counter.textContent = fill(counter.getAttribute("data-template"), Math.max(left, 0));
  }
  if (body && counter) {
    body.addEventListener("input", count);
    count();
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
      if (m.at) when.dateTime = m.at;
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
