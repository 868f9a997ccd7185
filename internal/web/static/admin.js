// Live preview of the article body while typing; without JavaScript the
// Preview button does the same through a form post.
document.addEventListener("DOMContentLoaded", function () {
  var body = document.getElementById("body"), out = document.getElementById("preview");
  if (!body || !out) return;
  var timer;
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var data = new URLSearchParams();
      data.set("body", body.value);
      var section = document.getElementById("section");
      if (section) data.set("section", section.value); // the edition's language sets the typography
      fetch("/admin/preview", { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (html) out.innerHTML = html; }); // sanitised by the server
    }, 400);
  });
});

// Upload an image without leaving the editor and insert its Markdown at the
// cursor; without JavaScript the form posts and shows the line to paste.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("upload"), body = document.getElementById("body");
  if (!form || !body) return;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, text: t }; }); })
      .then(function (res) {
        var doc = new DOMParser().parseFromString(res.text, "text/html");
        var snippet = doc.getElementById("snippet");
        if (!res.ok || !snippet) {
          var err = doc.querySelector(".error");
          alert(err ? err.textContent : "The upload failed.");
          return;
        }
        var at = body.selectionStart || body.value.length;
        body.value = body.value.slice(0, at) + "\n\n" + snippet.textContent + "\n\n" + body.value.slice(at);
        body.dispatchEvent(new Event("input"));
        form.reset();
      });
  });
});
