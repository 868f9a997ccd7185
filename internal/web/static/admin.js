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
      fetch("/admin/preview", { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (html) out.innerHTML = html; }); // sanitised by the server
    }, 400);
  });
});
