// Applies the remembered theme, or the system's, before the app loads, so the page never
// flashes the wrong colours. The app's theme module changes it afterwards.
(function () {
  var theme = null;
  try {
    theme = window.localStorage.getItem("berth-theme");
  } catch (error) {
    // Storage can be disabled; fall back to the system preference.
  }
  if (theme !== "light" && theme !== "dark") {
    theme = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  document.documentElement.setAttribute("data-theme", theme);
})();
