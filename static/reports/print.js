// The print view's "In" button (no inline handler: the Content-Security-Policy allows only
// scripts served by the site).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
