// Start NHS.UK frontend components (header menu, error summary focus, character
// counts, conditional radios...). nhsuk-frontend 10 ships as an ES module, so
// this file is loaded with <script type="module"> and imports it by static path.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();

// Content swapped in by htmx needs its components started too. Components that
// are already running refuse a second start with an InitError: ignore those.
document.addEventListener("htmx:load", (event) => {
  const element = event.detail && event.detail.elt;
  if (!element || element === document.body || !element.parentElement) {
    return;
  }
  initAll({
    scope: element.parentElement,
    onError(error) {
      if (error && error.name !== "InitError") {
        console.error(error);
      }
    },
  });
});
