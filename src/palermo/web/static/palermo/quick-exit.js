// Quick exit: leave for a neutral site at once, and forget what this page kept in the browser.
// Escape pressed twice, or the button, does it; replace() keeps this page out of the Back history.
(function () {
  "use strict";
  var NEUTRAL = "https://www.wikipedia.org/";
  var lastEscape = 0;
  function leave(event) {
    if (event) { event.preventDefault(); }
    try { window.sessionStorage.clear(); window.localStorage.clear(); } catch (e) { /* storage blocked */ }
    document.body.innerHTML = "";
    document.title = "Wikipedia";
    window.location.replace(NEUTRAL);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("quick-exit");
    if (button) { button.addEventListener("click", leave); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { leave(event); }
    lastEscape = now;
  });
}());
