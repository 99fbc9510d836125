// The SMART app's one script (served from the module's jar; the page allows no inline script).
// The overlay toggle: a real button, so keyboard and screen readers work without more code.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("overlay-toggle");
  var overlay = document.getElementById("key-overlay");
  var image = document.getElementById("key-image");
  if (!button || !overlay || !image) {
    return;
  }
  button.addEventListener("click", function () {
    var show = overlay.hidden;
    overlay.hidden = !show;
    image.hidden = show;
    button.setAttribute("aria-pressed", show ? "true" : "false");
    button.textContent = show ? "Hide the explanation overlay" : "Show the explanation overlay";
  });
});
