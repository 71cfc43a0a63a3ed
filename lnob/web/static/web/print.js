// A "Print" button without inline script (the Content-Security-Policy allows
// scripts from this site only). Without JavaScript the button stays hidden and
// the browser's own Print works as ever.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
