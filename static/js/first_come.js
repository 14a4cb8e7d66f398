// First come, first served: the countdown to a pool's opening, and the place in line until the outcome.
// The server's clock decides (data-server-now): a phone whose clock is wrong still counts down right.
(function () {
  "use strict";
  var offset = 0;
  var now = document.querySelector("[data-server-now]");
  if (now) { offset = Date.parse(now.getAttribute("data-server-now")) - Date.now(); }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  document.querySelectorAll("[data-opens-at]").forEach(function (el) {
    var opens = Date.parse(el.getAttribute("data-opens-at"));
    var out = el.querySelector(".countdown");
    function tick() {
      var left = Math.max(0, Math.round((opens - (Date.now() + offset)) / 1000));
      if (left === 0) { out.textContent = el.getAttribute("data-open-text"); return; }
      var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60);
      out.textContent = (d ? d + " 天 " : "") + pad(h) + ":" + pad(m) + ":" + pad(left % 60);
      setTimeout(tick, 250);
    }
    tick();
  });

  var ticket = document.querySelector("[data-status-url]");
  if (!ticket) { return; }
  var message = ticket.querySelector(".queue-message");
  var link = ticket.querySelector(".queue-link");
  function poll(delay) {
    setTimeout(function () {
      fetch(ticket.getAttribute("data-status-url"), {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.message) { message.textContent = s.message; }
          ticket.setAttribute("data-state", s.state);
          if (s.state === "queued") { poll(s.poll_ms || 3000); return; }
          if (s.url && link) { link.href = s.url; link.hidden = false; }
        })
        .catch(function () { poll(5000); });
    }, delay + Math.floor(Math.random() * 1000));
  }
  if (ticket.getAttribute("data-state") === "queued") { poll(2000); }
})();
