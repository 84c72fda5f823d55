// Upload progress: the bar follows the bytes sent, then says the rows are being checked and stored.
(function () {
  "use strict";
  function parts(event) {
    var form = event.target && event.target.closest ? event.target.closest("form.upload") : null;
    if (!form) return null;
    return {
      box: form.querySelector(".upload-progress"),
      bar: form.querySelector(".upload-progress progress"),
      status: form.querySelector(".upload-status"),
      button: form.querySelector("button[type=submit]")
    };
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var p = parts(event);
    if (!p) return;
    p.box.hidden = false;
    p.bar.value = 0;
    p.status.textContent = "Uploading ...";
    p.button.disabled = true;
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    var p = parts(event);
    if (!p || !event.detail.lengthComputable || !event.detail.total) return;
    var percent = Math.round((100 * event.detail.loaded) / event.detail.total);
    p.bar.value = percent;
    p.bar.textContent = percent + " %";
    p.status.textContent = percent < 100
      ? "Uploading: " + percent + " % of " + Math.round(event.detail.total / 1024) + " KB"
      : "Uploaded; checking and storing the rows ...";
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var p = parts(event);
    if (!p) return;
    p.button.disabled = false;
    if (!event.detail.successful) {
      var xhr = event.detail.xhr;
      var text = xhr && xhr.responseText ? xhr.responseText : "";
      var found = new DOMParser().parseFromString(text, "text/html").querySelector("p.alert");
      p.status.textContent = "Not stored: " + (found ? found.textContent.trim() : "the server refused the file");
      p.status.setAttribute("role", "alert");
    }
  });
})();
