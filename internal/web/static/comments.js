// Comments with JavaScript: the cached article page is the same for every
// reader; this file asks who the reader is (me.json, mine.json), shows the
// form in place and posts with fetch. Without it, every link and form
// leads to the private pages under /{ed}/comments/ and works the same.
(function () {
  "use strict";
  var root = document.querySelector(".comments[data-article]");
  if (!root || !window.fetch) return;
  var open = root.getAttribute("data-open") === "true";
  var me = null;
  var formTpl = root.querySelector("template.comment-form-template");
  var flagTpl = root.querySelector("template.comment-flag-template");
  var labels = {
    edit: root.getAttribute("data-label-edit"), save: root.getAttribute("data-label-save"),
    cancel: root.getAttribute("data-label-cancel"), del: root.getAttribute("data-label-delete"),
    confirm: root.getAttribute("data-label-confirm")
  };

  function request(url, data) {
    var opts = { credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (data) {
      opts.method = "POST";
      opts.headers["X-CSRF-Token"] = me.csrf;
      data.set("csrf", me.csrf);
      opts.body = new URLSearchParams(data);
    }
    return fetch(url, opts).then(function (r) {
      return r.json().then(function (b) { b.httpStatus = r.status; return b; },
        function () { return { ok: false, httpStatus: r.status, message: "" }; });
    });
  }

  // fromHTML turns the server's rendered, sanitised HTML into an element.
  function fromHTML(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content.firstElementChild;
  }

  function canWrite() { return me && me.signedIn && me.verified && open; }

  function newForm(parent) {
    var form = formTpl.content.firstElementChild.cloneNode(true);
    form.querySelector("input[name=parent]").value = parent || "";
    var area = form.querySelector("textarea");
    area.id = area.id + "-js" + (parent || "");
    form.querySelector("label[for]").setAttribute("for", area.id);
    setConduct(form);
    if (parent) form.querySelector(".comment-cancel").hidden = false;
    return form;
  }

  function setConduct(form) {
    var p = form.querySelector(".comment-conduct");
    if (!p) return;
    p.hidden = me.conductAccepted;
    var box = p.querySelector("input[type=checkbox]");
    box.required = !me.conductAccepted;
  }

  function showError(where, msg) {
    var p = where.querySelector(".comment-form-error");
    if (!p) {
      p = document.createElement("p");
      p.className = "comment-form-error";
      p.setAttribute("role", "alert");
      where.appendChild(p);
    }
    p.textContent = msg;
    p.hidden = !msg;
  }

  function submitComment(form) {
    var data = new FormData(form);
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    request(form.getAttribute("action"), data).then(function (res) {
      button.disabled = false;
      if (!res.ok) { showError(form, res.message || String(res.httpStatus)); return; }
      showError(form, "");
      if (data.get("conduct")) {
        me.conductAccepted = true;
        root.querySelectorAll(".comment-form").forEach(setConduct);
      }
      var node = fromHTML(res.html);
      var list = root.querySelector(".comment-list");
      if (res.parent) {
        var parent = document.getElementById("c" + res.parent);
        if (parent) list = parent.querySelector(".comment-replies");
      }
      list.appendChild(node);
      bodies[res.id] = data.get("body");
      if (res.status === "approved") markOwn(node, true);
      if (data.get("parent")) form.remove();
      else form.querySelector("textarea").value = "";
    }, function () {
      button.disabled = false;
      showError(form, "…");
    });
  }

  function comment(el) { return el.closest("li.comment"); }
  function actionsURL(li) { return li.querySelector("a.comment-like").getAttribute("href"); }

  var bodies = {}; // the reader's own comments as written, for editing

  function markOwn(li, editable) {
    var actions = li.querySelector(":scope > .comment-actions") || li.querySelector(":scope > .comment-note");
    if (!actions || li.querySelector(":scope > .comment-own")) return;
    var own = document.createElement("p");
    own.className = "comment-own";
    if (editable) own.appendChild(button(labels.edit, "comment-edit"));
    own.appendChild(button(labels.del, "comment-delete"));
    actions.after(own);
  }

  function button(text, cls) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    return b;
  }

  function base(li) { return "/" + root.getAttribute("data-edition") + "/comments/" + li.getAttribute("data-id"); }

  root.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!me || !me.signedIn) return;
    if (form.classList.contains("comment-form")) {
      ev.preventDefault();
      submitComment(form);
    } else if (form.classList.contains("comment-flag-form")) {
      ev.preventDefault();
      var li = comment(form);
      request(base(li) + "/flag", new FormData(form)).then(function (res) {
        var p = document.createElement("p");
        p.className = "comment-note";
        p.textContent = res.message;
        form.replaceWith(p);
      });
    } else if (form.classList.contains("comment-edit-form")) {
      ev.preventDefault();
      var eli = comment(form);
      request(base(eli) + "/edit", new FormData(form)).then(function (res) {
        if (!res.ok) { showError(form, res.message); return; }
        bodies[res.id] = form.querySelector("textarea").value;
        var body = eli.querySelector(":scope > .comment-body");
        body.replaceWith(fromHTML(res.html));
        form.remove();
        eli.querySelector(":scope > .comment-body").hidden = false;
      });
    }
  });

  root.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var li = comment(t);
    if (t.classList.contains("comment-cancel")) {
      var f = t.closest("form");
      if (!f || !li) return; // the top-level form stays
      if (f.classList.contains("comment-edit-form")) li.querySelector(":scope > .comment-body").hidden = false;
      f.remove();
      return;
    }
    if (!me || !me.signedIn || !li) return;
    if (t.classList.contains("comment-reply") && canWrite()) {
      ev.preventDefault();
      var old = li.querySelector(":scope > .comment-form");
      if (old) { old.querySelector("textarea").focus(); return; }
      var form = newForm(li.getAttribute("data-id"));
      li.querySelector(":scope > .comment-actions").after(form);
      form.querySelector("textarea").focus();
    } else if (t.classList.contains("comment-like") && me.verified) {
      ev.preventDefault();
      request(actionsURL(li) + "/like", new FormData()).then(function (res) {
        var span = li.querySelector(":scope > .comment-actions .comment-likes");
        span.textContent = res.message;
        if (res.ok) span.setAttribute("data-likes", res.likes);
      });
    } else if (t.classList.contains("comment-flag") && me.verified) {
      ev.preventDefault();
      if (li.querySelector(":scope > .comment-flag-form")) return;
      var ff = flagTpl.content.firstElementChild.cloneNode(true);
      li.querySelector(":scope > .comment-actions").after(ff);
    } else if (t.classList.contains("comment-edit")) {
      if (li.querySelector(":scope > .comment-edit-form")) return;
      var body = li.querySelector(":scope > .comment-body");
      var ef = document.createElement("form");
      ef.className = "comment-edit-form";
      var area = document.createElement("textarea");
      area.name = "body";
      area.rows = 6;
      area.required = true;
      ef.appendChild(area);
      var p = document.createElement("p");
      var save = button(labels.save, "comment-save");
      save.type = "submit";
      p.appendChild(save);
      p.appendChild(document.createTextNode(" "));
      p.appendChild(button(labels.cancel, "comment-cancel"));
      ef.appendChild(p);
      var id = li.getAttribute("data-id");
      area.value = id in bodies ? bodies[id] : body.textContent.trim();
      body.hidden = true;
      body.after(ef);
      area.focus();
    } else if (t.classList.contains("comment-delete")) {
      if (!window.confirm(labels.confirm)) return;
      request(base(li) + "/delete", new FormData()).then(function (res) {
        if (!res.ok) return;
        var p = document.createElement("p");
        p.className = "comment-note";
        p.textContent = res.message;
        li.querySelectorAll(":scope > .comment-body, :scope > .comment-actions, :scope > .comment-own, :scope > .comment-meta").forEach(function (x) { x.remove(); });
        li.prepend(p);
      });
    }
  });

  fetch(root.getAttribute("data-me"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (m) {
      me = m;
      if (!me || !me.signedIn) return;
      root.classList.add("signed-in");
      if (canWrite() && formTpl) {
        var start = root.querySelector(".comment-start");
        if (start) start.replaceWith(newForm(""));
      }
      return fetch(root.getAttribute("data-mine"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (mine) {
          (mine.mine || []).forEach(function (o) {
            bodies[o.id] = o.body;
            var li = document.getElementById("c" + o.id);
            if (li) markOwn(li, o.editable);
          });
        });
    })
    .catch(function () {});
})();
