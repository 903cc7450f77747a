// The page of a background job that still waits or runs reloads itself every two seconds,
// so the progress moves and the download appears when the job is done.
(function () {
  "use strict";
  var marker = document.querySelector("[data-job-active]");
  if (marker) {
    window.setTimeout(function () { window.location.reload(); }, 2000);
  }
})();
