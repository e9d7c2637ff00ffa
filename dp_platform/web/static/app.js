// Progressive enhancement only: every page works without this file.
import DS from "/static/sgds/design-system.js";

DS.initAll();
document.body.addEventListener("htmx:afterSwap", (event) => DS.initAll(event.target));
