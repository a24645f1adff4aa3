// wirewatch map: events as clustered markers (coloured by PLOVER type, sized by the story's independent
// origins) over country outlines from the gazetteer (or a tile server, when the map_tiles setting names one);
// a timeline of events per day whose brushed range filters the map and the list below it; a popup per
// marker with the event, its source chains, their certainty and a link to the evidence.
// Every value from the database is inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  // the page's filters, without the fields left empty (an empty field is no filter)
  const params = new URLSearchParams(el.dataset.query || "");
  for (const [k, v] of [...params]) if (!v.trim()) params.delete(k);
  const query = params.toString();

  function make(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  const map = L.map(el, { preferCanvas: true, worldCopyJump: true, zoomSnap: 0.5, minZoom: 2, maxZoom: el.dataset.tiles ? 18 : 12 }).setView([49, 31], 5);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "map tiles: " + new URL(el.dataset.tiles.replace(/[{}]/g, "")).host }).addTo(map);
  } else {
    fetch("/api/outlines").then((r) => r.json()).then((shapes) => {
      L.geoJSON(shapes, {
        interactive: false,
        style: { color: "#8a8a8a", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1 },
      }).addTo(map).bringToBack();
      map.attributionControl.addAttribution("outlines: Natural Earth");
      el.dataset.outlines = String((shapes.features || []).length);
    });
  }

  let all = [];        // {feature, marker, day}
  let pending = 0;     // addLayers calls not finished yet
  let firstDrawn = false;

  const clusters = L.markerClusterGroup({
    chunkedLoading: true,
    chunkProgress: (done, total) => { if (done === total) settled(); },
    maxClusterRadius: 50,
    spiderfyOnMaxZoom: true,
  });
  map.addLayer(clusters);

  function settled() {
    if (!pending) return;  // the cluster group's own empty load, when it joins the map
    pending -= 1;
    if (pending) return;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (!firstDrawn) {
        firstDrawn = true;
        el.dataset.readyMs = String(Math.round(performance.now()));  // from the navigation's start
      }
      el.dataset.ready = "1";
    }));
  }

  function size(origins) {
    const o = Number(origins) || 0;
    return o >= 5 ? 4 : o >= 3 ? 3 : o === 2 ? 2 : o === 1 ? 1 : 0;
  }

  function popup(props, owner) {
    const box = make("div", "popup");
    box.append(make("strong", null, props.type || "event"), make("span", "meta", " " + (props.date || "undated")));
    box.append(make("div", "place", props.name || ""));
    const body = make("div", "detail", "loading…");
    box.append(body);
    fetch("/api/events/" + encodeURIComponent(props.event)).then((r) => r.json()).then((res) => {
      body.replaceChildren();
      if (!res.ok) { body.textContent = res.error; return; }
      const e = res.item;
      const actors = (e.actors || []).map((a) => a.name + (a.country ? " (" + a.country + ")" : ""));
      if (actors.length) body.append(make("div", "actors", actors.join(", ")));
      if (e.trigger) body.append(make("div", "trigger", "“" + e.trigger.text + "”"));
      const list = make("ul", "chains");
      for (const c of e.chains || []) {
        const li = make("li");
        li.append(make("span", "chain", c.chain.join(" → ")));
        const sure = [c.evidential, c.term, c.strength && c.strength !== "unknown" ? c.strength : null].filter(Boolean);
        if (sure.length) li.append(make("span", "certainty", " · " + sure.join(", ")));
        list.append(li);
      }
      if (list.children.length) body.append(list);
      const link = make("a", null, "evidence");
      link.href = "/articles/" + encodeURIComponent(props.article) + "#" + encodeURIComponent(props.event);
      body.append(link);
      if (owner.isPopupOpen()) owner.getPopup().update();  // re-measure and pan: the content grew
    }).catch(() => { body.textContent = "could not load the event"; });
    return box;
  }

  function marker(f) {
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    const s = size(p.origins);
    const px = 12 + 4 * s;
    const m = L.marker([lat, lon], {
      icon: L.divIcon({ className: "ev t-" + String(p.type || "none").replace(/[^A-Z]/g, "") + " o" + s, iconSize: [px, px] }),
      title: (p.type || "event") + " · " + (p.name || "") + " · " + (p.date || "undated"),
      keyboard: true,
    });
    let content = null;  // built once per opening: Leaflet asks again on every update()
    m.bindPopup(() => content || (content = popup(p, m)), { maxWidth: 360, maxHeight: 320 });
    m.on("popupclose", () => { content = null; });
    m.on("add", () => { if (m.getElement()) m.getElement().dataset.event = p.event; });
    return m;
  }

  // --- the list of what is shown ---
  const tbody = document.querySelector("#shown tbody");
  const counts = document.getElementById("counts");
  function list(rows) {
    if (!tbody) return;
    tbody.replaceChildren();
    for (const r of rows.slice(0, 300)) {
      const p = r.feature.properties;
      const tr = make("tr");
      tr.dataset.event = p.event;
      tr.append(make("td", null, p.date || ""), make("td", null, p.type || ""), make("td", null, p.name || ""), make("td", null, p.origins || 0));
      const td = make("td");
      const a = make("a", null, String(p.article).slice(0, 8));
      a.href = "/articles/" + encodeURIComponent(p.article);
      td.append(a);
      tr.append(td);
      tr.addEventListener("click", (ev) => {
        if (ev.target.closest("a")) return;
        el.scrollIntoView({ block: "center" });
        clusters.zoomToShowLayer(r.marker, () => r.marker.openPopup());
      });
      tbody.append(tr);
    }
  }

  function show(range) {
    const rows = range ? all.filter((r) => r.day !== null && r.day >= range[0] && r.day <= range[1]) : all;
    pending += 1;
    clusters.clearLayers();
    clusters.addLayers(rows.map((r) => r.marker));
    el.dataset.shown = String(rows.length);
    el.dataset.range = range ? dayName(range[0]) + ".." + dayName(range[1]) : "";
    if (counts) counts.textContent = rows.length + " of " + all.length + " points" + (range ? " · " + el.dataset.range : "");
    // the export links take the page's filters and the brushed range
    for (const a of document.querySelectorAll("#exports a[data-format]")) {
      const wanted = new URLSearchParams(params);
      wanted.set("format", a.dataset.format);
      if (range) { wanted.set("since", dayName(range[0])); wanted.set("until", dayName(range[1])); }
      a.href = "/api/export?" + wanted.toString();
    }
    list(rows);
  }

  // --- the timeline, with a brush ---
  const DAY = 86400000;
  function dayOf(text) {
    if (!text || !/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
    return Math.floor(Date.parse(text.slice(0, 10) + "T00:00:00Z") / DAY);
  }
  function dayName(d) { return new Date(d * DAY).toISOString().slice(0, 10); }

  const NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }

  function timeline(days) {
    const box = document.getElementById("timeline");
    if (!box || !days.length) return;
    let lo = Math.min(...days), hi = Math.max(...days);
    if (hi - lo < 6) { lo -= 3; hi += 3; }
    const width = box.clientWidth || 800, height = 90, pad = 24;
    const n = hi - lo + 1;
    const counts = new Map();
    for (const d of days) counts.set(d, (counts.get(d) || 0) + 1);
    const peak = Math.max(...counts.values());
    const x = (d) => pad + ((d - lo) / n) * (width - 2 * pad);
    const dayAt = (px) => Math.min(hi, Math.max(lo, lo + Math.floor(((px - pad) / (width - 2 * pad)) * n)));
    const root = svg("svg", { width, height, viewBox: "0 0 " + width + " " + height, role: "img" });
    const bw = Math.max(1, (width - 2 * pad) / n - 0.5);
    for (const [d, c] of counts) {
      const h = Math.max(2, ((height - 30) * c) / peak);
      const bar = svg("rect", { x: x(d), y: height - 18 - h, width: bw, height: h, class: "bar" });
      const tip = svg("title");
      tip.textContent = dayName(d) + ": " + c;
      bar.append(tip);
      root.append(bar);
    }
    for (const [d, anchor] of [[lo, "start"], [hi, "end"]]) {
      const t = svg("text", { x: anchor === "start" ? pad : width - pad, y: height - 4, "text-anchor": anchor, class: "axis" });
      t.textContent = dayName(d);
      root.append(t);
    }
    const brush = svg("rect", { x: 0, y: 0, width: 0, height: height - 18, class: "brush", visibility: "hidden" });
    root.append(brush);
    box.replaceChildren(root);

    let from = null;
    const px = (ev) => ev.clientX - root.getBoundingClientRect().left;
    function draw(a, b) {
      const [l, r] = a <= b ? [a, b] : [b, a];
      brush.setAttribute("x", String(x(l)));
      brush.setAttribute("width", String(Math.max(2, x(r + 1) - x(l))));
      brush.setAttribute("visibility", "visible");
      return [l, r];
    }
    root.addEventListener("pointerdown", (ev) => {
      from = dayAt(px(ev));
      root.setPointerCapture(ev.pointerId);
      draw(from, from);
    });
    root.addEventListener("pointermove", (ev) => { if (from !== null) draw(from, dayAt(px(ev))); });
    root.addEventListener("pointerup", (ev) => {
      if (from === null) return;
      const range = draw(from, dayAt(px(ev)));
      from = null;
      show(range);
    });
    root.addEventListener("dblclick", () => { brush.setAttribute("visibility", "hidden"); show(null); });
  }

  // --- the legend ---
  function legend(types) {
    const box = document.getElementById("legend");
    if (!box) return;
    box.replaceChildren(make("span", "meta", "type: "));
    for (const t of types) {
      const key = make("span", "key");
      key.append(make("i", "swatch ev t-" + t.replace(/[^A-Z]/g, "")), document.createTextNode(t));
      box.append(key);
    }
    box.append(make("span", "meta", " · larger: more independent origins"));
  }

  const mark = (name) => { el.dataset[name] = String(Math.round(performance.now())); };
  fetch("/api/map" + (query ? "?" + query : "")).then((r) => { mark("responseMs"); return r.json(); }).then((data) => {
    mark("parsedMs");
    if (!data.features) {
      if (counts) counts.textContent = data.error || "could not load the map";
      el.dataset.ready = "1";
      return;
    }
    all = data.features.map((f) => ({ feature: f, marker: marker(f), day: dayOf(f.properties.date) }));
    mark("markersMs");
    legend([...new Set(all.map((r) => r.feature.properties.type).filter(Boolean))].sort());
    timeline(all.map((r) => r.day).filter((d) => d !== null));
    if (all.length) {
      const bounds = L.latLngBounds(all.map((r) => r.marker.getLatLng()));
      map.fitBounds(bounds.pad(0.2), { maxZoom: 8 });
    }
    show(null);
  });
})();
