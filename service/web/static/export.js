// The export page's live progress: polls the status URL and updates the bar and the text
// without reloading; without JavaScript the page's "Refresh" link does the same.
(function () {
  "use strict";
  var box = document.getElementById("export");
  if (!box || !window.fetch) {
    return;
  }
  var POLL_MS = 1000;
  var FINAL = ["done", "failed", "expired"];
  var bar = document.getElementById("export-progress");
  var text = document.getElementById("export-text");
  var state = document.getElementById("export-state");
  var download = document.getElementById("export-download");
  var link = document.getElementById("export-download-link");
  var refresh = document.getElementById("export-refresh");

  if (FINAL.indexOf(box.dataset.status) !== -1) {
    return;
  }
  if (refresh) {
    refresh.hidden = true;
  }

  function show(status) {
    bar.max = status.total;
    bar.value = status.done;
    bar.textContent = status.percent + "%";
    // The words come with the status, written by the server in the page's language.
    text.textContent = status.progress;
    if (status.state) {
      state.textContent = status.state;
    }
    if (status.status === "done") {
      link.href = status.download_url;
      download.hidden = false;
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (FINAL.indexOf(status.status) === -1) {
          window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () {
        // Signed out or offline: offer the plain link again rather than polling forever.
        if (refresh) {
          refresh.hidden = false;
        }
      });
  }

  window.setTimeout(poll, POLL_MS);
})();
