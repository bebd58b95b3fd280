/* The order page without reloading: a live countdown to the estimated
 * completion date, and the message thread refreshed every 30 seconds.
 * Everything works without this file; it only adds. Text is set with
 * textContent, never parsed as HTML. */
(function () {
  "use strict";

  var countdown = document.querySelector(".countdown[data-until]");
  function tick() {
    var left = Number(countdown.getAttribute("data-until")) * 1000 - Date.now();
    if (!(left > 0)) {
      countdown.remove();
      return false;
    }
    var mins = Math.floor(left / 60000), days = Math.floor(mins / 1440),
        hours = Math.floor((mins % 1440) / 60), m = mins % 60, parts = [];
    if (days) parts.push(days + (days === 1 ? " day" : " days"));
    if (hours || days) parts.push(hours + (hours === 1 ? " hour" : " hours"));
    if (!days) parts.push(m + (m === 1 ? " minute" : " minutes"));
    countdown.textContent = parts.join(", ") + " to go";
    countdown.hidden = false;
    return true;
  }
  if (countdown && tick()) {
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
