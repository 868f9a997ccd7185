// Keyboard shortcuts for the moderation queue. Each action is a plain form
// in the page (it works without JavaScript); here the same form is posted
// with fetch and the page stays where it is.
document.addEventListener("DOMContentLoaded", function () {
  var queue = document.getElementById("mod-queue"), live = document.getElementById("mod-live");
  if (!queue) return;
  var items = function () { return Array.prototype.slice.call(queue.querySelectorAll(".mod-item")); };
  var current = null;

  function select(item) {
    if (current) current.classList.remove("is-current");
    current = item;
    if (!item) return;
    item.classList.add("is-current");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var list = items(), i = list.indexOf(current);
    if (!list.length) return;
    if (i < 0) { select(list[0]); return; }
    select(list[Math.max(0, Math.min(list.length - 1, i + step))]);
  }
  function say(text, error) {
    live.textContent = text;
    live.classList.toggle("is-error", !!error);
  }
  function post(form) {
    var item = form.closest(".mod-item");
    var data = new URLSearchParams(new FormData(form));
    return fetch(form.action, { method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        if (!res.ok) { say(res.body.error || "That did not work.", true); return; }
        say("Comment " + item.dataset.id + ": " + res.body.done + ".");
        item.classList.add("is-done");
        item.dataset.done = "1";
        var st = item.querySelector(".mod-status");
        if (st && res.body.status) st.textContent = res.body.status;
        var badge = document.getElementById("queue-count");
        if (badge) { badge.textContent = res.body.count; badge.hidden = !res.body.count; }
        var list = items(), i = list.indexOf(item);
        for (var k = i + 1; k < list.length; k++) {
          if (!list[k].dataset.done) { select(list[k]); return; }
        }
      })
      .catch(function () { say("The server did not answer; nothing was changed here.", true); });
  }

  // Clicking a button works the same way, without a reload.
  queue.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.closest(".actions") && !form.closest("details")) return;
    ev.preventDefault();
    select(form.closest(".mod-item"));
    post(form);
  });
  queue.addEventListener("click", function (ev) {
    var item = ev.target.closest(".mod-item");
    if (item && item !== current && !ev.target.closest("a, button, input, textarea, select, summary")) select(item);
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) {
      if (ev.key === "Escape") { t.blur(); if (current) current.focus(); }
      return;
    }
    var key = ev.key;
    if (key === "j") { move(1); ev.preventDefault(); return; }
    if (key === "k") { move(-1); ev.preventDefault(); return; }
    if (!current) return;
    var target = current.querySelector('[data-key="' + key + '"]');
    if (!target) return;
    ev.preventDefault();
    if (target.tagName === "FORM") { post(target); return; }
    if (target.tagName === "A") { window.open(target.href, "_blank", "noopener"); return; }
    if (target.tagName === "DETAILS") {
      target.open = true;
      var field = target.querySelector("textarea, input[name=reason]");
      if (field) field.focus();
    }
  });

  // Start on the comment named in the address (#c12), else the first.
  var start = location.hash && document.getElementById(location.hash.slice(1));
  select(start && start.classList.contains("mod-item") ? start : items()[0] || null);
});
