// wirewatch source graph: sources, relays and outlets as nodes in columns (first sources on the left, one
// column further per relay), `via` relays as edges weighted by the claims they carried. Clicking a node lists
// its claims. Every name is inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  const box = document.getElementById("graph");
  if (!box) return;
  const NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }
  function make(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function claims(node) {
    const title = document.getElementById("claims-title");
    const out = document.getElementById("claims");
    title.textContent = node.name + " (" + (node.kind || "source") + "): " + node.claims + " claim(s)";
    out.replaceChildren(make("li", "meta", "loading…"));
    fetch("/api/claims?limit=100&source=" + encodeURIComponent(node.name)).then((r) => r.json()).then((res) => {
      out.replaceChildren();
      if (!res.ok) { out.append(make("li", "error", res.error)); return; }
      for (const c of res.items) {
        const li = make("li");
        const chain = [...(c.sources || []).map((x) => x.name), ...(c.via || []).map((x) => x.name)].filter(Boolean);
        li.append(make("span", "chain", chain.join(" → ") + ": "));
        li.append(make("span", "content", (c.content || {}).text || ""));
        const cert = c.certainty || {};
        if (cert.evidential) li.append(make("span", "meta", " · " + cert.evidential + (cert.term ? " (" + cert.term + ")" : "")));
        const a = make("a", null, " evidence");
        a.href = "/articles/" + encodeURIComponent(c.article) + "#" + encodeURIComponent(c.id);
        li.append(a);
        out.append(li);
      }
      if (!res.items.length) out.append(make("li", "meta", "no claims name it as their source (it may only relay)"));
    });
  }

  fetch("/api/graph").then((r) => r.json()).then((res) => {
    if (!res.ok) { box.textContent = res.error; return; }
    const { nodes, edges } = res.item;
    if (!nodes.length) { box.textContent = "No claims with named sources yet."; return; }
    const columns = new Map();
    for (const n of nodes.sort((a, b) => b.claims - a.claims || a.name.localeCompare(b.name))) {
      if (!columns.has(n.depth)) columns.set(n.depth, []);
      columns.get(n.depth).push(n);
    }
    const depths = [...columns.keys()].sort((a, b) => a - b);
    const colWidth = 260, rowHeight = 28, pad = 20;
    const tallest = Math.max(...[...columns.values()].map((c) => c.length));
    const width = pad * 2 + colWidth * depths.length, height = pad * 2 + rowHeight * tallest;
    const at = new Map();
    depths.forEach((d, i) => columns.get(d).forEach((n, j) => at.set(n.id, { x: pad + i * colWidth, y: pad + j * rowHeight + 10, n })));
    const root = svg("svg", { width, height, viewBox: "0 0 " + width + " " + height, role: "img", class: "graph" });
    const heaviest = Math.max(1, ...edges.map((e) => e.claims));
    for (const e of edges) {
      const a = at.get(e.from), b = at.get(e.to);
      if (!a || !b) continue;
      const x1 = a.x + 8, x2 = b.x - 4, mid = (x1 + x2) / 2;
      const path = svg("path", {
        d: "M" + x1 + "," + a.y + " C" + mid + "," + a.y + " " + mid + "," + b.y + " " + x2 + "," + b.y,
        class: "edge", "stroke-width": 1 + (5 * e.claims) / heaviest,
      });
      const tip = svg("title");
      tip.textContent = a.n.name + " → " + b.n.name + ": " + e.claims + " claim(s)";
      path.append(tip);
      root.append(path);
    }
    for (const { x, y, n } of at.values()) {
      const g = svg("g", { class: "node k-" + String(n.kind || "unknown").replace(/[^a-z_]/g, ""), tabindex: 0 });
      g.append(svg("circle", { cx: x, cy: y, r: 4 + Math.min(8, Math.sqrt(n.claims)) }));
      const label = svg("text", { x: x + 14, y: y + 4 });
      label.textContent = n.name + " (" + n.claims + ")";
      g.append(label);
      g.addEventListener("click", () => claims(n));
      g.addEventListener("keydown", (ev) => { if (ev.key === "Enter") claims(n); });
      root.append(g);
    }
    box.replaceChildren(root);
  });
})();
