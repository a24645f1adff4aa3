// wirewatch article view: clicking a highlighted span shows the records behind it, fetched from the API.
// Every value is inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  const article = document.getElementById("article");
  const panel = document.getElementById("record");
  if (!article || !panel) return;
  let analysis = null;
  fetch("/api/articles/" + encodeURIComponent(article.dataset.article))
    .then((r) => r.json())
    .then((body) => { analysis = body.ok ? body.item : null; });
  function find(id) {
    if (!analysis) return null;
    for (const key of ["claims", "places", "events"]) {
      const hit = (analysis[key] || []).find((r) => r.id === id);
      if (hit) return hit;
    }
    return null;
  }
  function show(ids) {
    panel.replaceChildren();
    for (const id of ids) {
      const h = document.createElement("h3");
      h.textContent = id;
      const pre = document.createElement("pre");
      pre.textContent = JSON.stringify(find(id), null, 2);
      panel.append(h, pre);
    }
  }
  article.addEventListener("click", (ev) => {
    const span = ev.target.closest("[data-ids]");
    if (span) show(span.dataset.ids.split(" "));
  });
})();
