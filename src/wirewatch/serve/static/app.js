// wirewatch article view: clicking a highlighted span shows the records behind it (fetched from the API),
// their alternatives (a place's other candidates) and, for analysts, corrections: reject, another candidate,
// an event's type or date. Every value is inserted as text (textContent), never as HTML; every write sends
// the session's CSRF token.
(function () {
  "use strict";
  const article = document.getElementById("article");
  const panel = document.getElementById("record");
  if (!article || !panel) return;
  const meta = (name) => (document.querySelector('meta[name="' + name + '"]') || {}).content || "";
  const canCorrect = ["analyst", "admin"].includes(meta("role"));
  const TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
  let analysis = null;
  const loaded = fetch("/api/articles/" + encodeURIComponent(article.dataset.article))
    .then((r) => r.json())
    .then((body) => { analysis = body.ok ? body.item : null; });

  function make(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function find(id) {
    if (!analysis) return [null, null];
    for (const key of ["claims", "places", "events"]) {
      const hit = (analysis[key] || []).find((r) => r.id === id);
      if (hit) return [key, hit];
    }
    return [null, null];
  }

  function correct(target, action, value, why, status) {
    status.textContent = "saving…";
    fetch("/api/corrections", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": meta("csrf-token") },
      body: JSON.stringify({ target, action, value: value || null, why: why || null }),
    }).then((r) => r.json()).then((res) => {
      status.textContent = res.ok
        ? "saved: " + action + (value ? " " + value : "") + " by " + res.item.who + " (kept with the machine's record; see the exports)"
        : "refused: " + res.error;
      status.className = "status " + (res.ok ? "saved" : "error");
    }).catch(() => { status.textContent = "could not reach the server"; });
  }

  function tools(key, record) {
    const box = make("form", "correct");
    box.addEventListener("submit", (ev) => ev.preventDefault());
    const why = make("input");
    why.name = "why";
    why.placeholder = "why (kept in the audit log)";
    const status = make("p", "status");
    const button = (label, action, value) => {
      const b = make("button", null, label);
      b.type = "button";
      b.dataset.action = action;
      b.addEventListener("click", () => correct(record.id, action, typeof value === "function" ? value() : value, why.value, status));
      return b;
    };
    box.append(why, button("reject", "reject"));
    if (key === "events") {
      const type = make("select");
      type.name = "type";
      for (const t of TYPES) {
        const o = make("option", null, t);
        o.selected = t === record.type;
        type.append(o);
      }
      const day = make("input");
      day.name = "date";
      day.type = "date";
      day.value = ((record.when || {}).start || (record.when || {}).end || "").slice(0, 10);
      box.append(type, button("set type", "set_type", () => type.value), day, button("set date", "set_date", () => day.value));
    }
    box.append(status);
    return box;
  }

  function describe(key, r) {
    const box = make("div", "summary");
    if (key === "claims") {
      const first = (r.sources || []).map((s) => s.name).filter(Boolean).join(" & ") || "(unattributed)";
      const chain = [first, ...(r.via || []).map((s) => s.name).filter(Boolean)];  // co-sources, then relays
      box.append(make("p", "chain", chain.join(" → ")));
      const c = r.certainty || {};
      box.append(make("p", "meta", [r.kind, c.evidential, c.term, c.strength].filter(Boolean).join(" · ")));
    } else if (key === "events") {
      box.append(make("p", null, [r.type, r.mode, (r.when || {}).start || (r.when || {}).end].filter(Boolean).join(" · ")));
      if ((r.actors || []).length) box.append(make("p", "meta", r.actors.map((a) => a.name).join(", ")));
    } else if (key === "places") {
      box.append(make("p", null, [r.name, r.admin1, r.country, r.level].filter(Boolean).join(", ")));
      const alts = (r.candidates || []).filter((c) => c.geonameid !== r.geonameid);
      if (alts.length) {
        box.append(make("p", "meta", "other candidates:"));
        const ul = make("ul", "candidates");
        for (const c of alts) {
          const li = make("li", null, [c.name, c.admin1, c.country, c.level].filter(Boolean).join(", ") + " (" + c.score + ") ");
          if (canCorrect && c.geonameid) {
            const status = make("span", "status");
            const b = make("button", null, "pick this one");
            b.type = "button";
            b.dataset.action = "pick_candidate";
            b.addEventListener("click", () => correct(r.id, "pick_candidate", String(c.geonameid), null, status));
            li.append(b, status);
          }
          ul.append(li);
        }
        box.append(ul);
      }
    }
    return box;
  }

  function show(ids) {
    panel.replaceChildren();
    for (const id of ids) {
      const [key, record] = find(id);
      const section = make("section", "rec");
      section.dataset.record = id;
      section.append(make("h3", null, id));
      panel.append(section);
      if (!record) continue;
      section.append(describe(key, record));
      if (canCorrect) section.append(tools(key, record));
      const details = make("details");
      details.append(make("summary", null, "the whole record"));
      details.append(make("pre", null, JSON.stringify(record, null, 2)));
      section.append(details);
    }
  }
  article.addEventListener("click", (ev) => {
    const span = ev.target.closest("[data-ids]");
    if (span) loaded.then(() => show(span.dataset.ids.split(" ")));
  });
  article.addEventListener("keydown", (ev) => {
    const span = ev.target.closest("[data-ids]");
    if (span && ev.key === "Enter") loaded.then(() => show(span.dataset.ids.split(" ")));
  });
})();

// ingest job page: follow a background ingest until it ends.
(function () {
  "use strict";
  const job = document.getElementById("job");
  if (!job || !["queued", "running"].includes(job.dataset.status)) return;
  const timer = setInterval(() => {
    fetch("/api/jobs/" + encodeURIComponent(job.dataset.job)).then((r) => r.json()).then((res) => {
      if (!res.ok) return;
      const j = res.item;
      job.dataset.status = j.status;
      job.querySelector(".status").textContent = j.status;
      job.querySelector(".result").textContent = j.result ? "(" + j.result + ")" : "";
      job.querySelector(".error").textContent = j.error || "";
      const link = job.querySelector(".article");
      if (j.article) { link.href = "/articles/" + encodeURIComponent(j.article); link.hidden = false; }
      if (!["queued", "running"].includes(j.status)) clearInterval(timer);
    });
  }, 1000);
})();
