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
        const first = (c.sources || []).map((x) => x.name).filter(Boolean).join(" & ") || "(unattributed)";
        const chain = [first, ...(c.via || []).map((x) => x.name).filter(Boolean)];  // co-sources, then relays
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
    // right to left, each column ordered by where its edges land in the next one (fewer crossings);
    // nodes that pass nothing on go last
    const order = new Map();
    for (const d of [...depths].reverse()) {
      const col = columns.get(d);
      const mean = (n) => {
        const to = edges.filter((e) => e.from === n.id && order.has(e.to)).map((e) => order.get(e.to));
        return to.length ? to.reduce((x, y) => x + y, 0) / to.length : Infinity;
      };
      const keyed = col.map((n, i) => [mean(n), i, n]);
      keyed.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      columns.set(d, keyed.map((k) => k[2]));
      columns.get(d).forEach((n, j) => order.set(n.id, j));
    }
    const colWidth = 300, rowHeight = 28, pad = 20;
    const tallest = Math.max(...[...columns.values()].map((c) => c.length));
    const width = pad * 2 + colWidth * depths.length, height = pad * 2 + rowHeight * tallest;
    const at = new Map();
    depths.forEach((d, i) => columns.get(d).forEach((n, j) => at.set(n.id, { x: pad + i * colWidth, y: pad + j * rowHeight + 10, n, right: 0 })));
    const root = svg("svg", { width, height, viewBox: "0 0 " + width + " " + height, role: "img", class: "graph" });
    box.replaceChildren(root);  // in the page first: the labels are measured
    const edgeLayer = svg("g", { class: "edges" });
    root.append(edgeLayer);
    for (const spot of at.values()) {
      const { x, y, n } = spot;
      const g = svg("g", { class: "node k-" + String(n.kind || "unknown").replace(/[^a-z_]/g, ""), tabindex: 0 });
      g.dataset.node = n.id;
      g.append(svg("circle", { cx: x, cy: y, r: 4 + Math.min(8, Math.sqrt(n.claims)) }));
      const label = svg("text", { x: x + 14, y: y + 4 });
      label.textContent = n.name + " (" + n.claims + ")";
      g.append(label);
      g.addEventListener("click", () => claims(n));
      g.addEventListener("keydown", (ev) => { if (ev.key === "Enter") claims(n); });
      root.append(g);
      spot.right = x + 18 + label.getComputedTextLength();
    }
    const heaviest = Math.max(1, ...edges.map((e) => e.claims));
    for (const e of edges) {
      const a = at.get(e.from), b = at.get(e.to);
      if (!a || !b) continue;
      const x1 = a.right, x2 = b.x - 8, mid = (x1 + x2) / 2;
      const path = svg("path", {
        d: "M" + x1 + "," + a.y + " C" + mid + "," + a.y + " " + mid + "," + b.y + " " + x2 + "," + b.y,
        class: "edge", "stroke-width": 1 + (5 * e.claims) / heaviest,
      });
      const tip = svg("title");
      tip.textContent = a.n.name + " → " + b.n.name + ": " + e.claims + " claim(s)";
      path.append(tip);
      edgeLayer.append(path);
    }
  });
})();
