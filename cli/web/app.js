"use strict";
// The review page: the queue (GET /api/queue) and one item (GET /api/items/N), with the
// actions of `assay queue` (POST, carrying the session's CSRF token). No framework, no
// network beyond this server. docs/review.md lists the API.

const $ = (id) => document.getElementById(id);
let session = { user: "", csrf: null, read_only: false };
let page = 1;
let current = null;  // the item view shown

function say(message, isError) {
  const s = $("status");
  s.textContent = message;
  s.className = isError ? "error" : "";
}

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

async function api(method, url, body) {
  const headers = {};
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    if (session.csrf) headers["X-CSRF-Token"] = session.csrf;
  }
  const res = await fetch(url, { method, headers, credentials: "same-origin",
                                 body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) { location.href = "/login"; throw new Error("sign in"); }
  let data = {};
  try { data = await res.json(); } catch (e) { data = { error: res.statusText }; }
  return { status: res.status, data };
}

function filterParams() {
  const p = new URLSearchParams();
  for (const k of ["state", "rule", "modality", "run", "assignee"]) {
    const v = $("f-" + k).value.trim();
    if (v && !(k === "state" && v === "active")) p.set(k, v);
  }
  return p;
}

function reasonText(r) {
  if (r.rule) return r.rule;
  if (r.stage) return "error in " + r.stage;
  return r.message || "?";
}

// The first screen's queue request, sent with the session's (not after it) by start().
let prefetched = null;

function queueUrl() {
  const p = filterParams();
  p.set("page", page);
  return "/api/queue?" + p.toString();
}

async function loadQueue() {
  const p = filterParams();
  p.set("page", page);
  const url = queueUrl();
  const pending = prefetched && prefetched.url === url ? prefetched.answer : api("GET", url);
  prefetched = null;
  const { status, data } = await pending;
  if (status !== 200) return say(data.error || "the queue did not load", true);
  const body = $("items").tBodies[0];
  body.replaceChildren();
  for (const it of data.items) {
    const tr = el("tr", null, { "data-item": it.item_id });
    const td = el("td");
    td.append(el("a", "#" + it.item_id, { href: "#item/" + it.item_id }));
    tr.append(td, el("td", it.state), el("td", it.kind), el("td", it.modality),
              el("td", it.reasons.map(reasonText).join(", ")), el("td", it.assignee || ""),
              el("td", it.path.split("/").pop(), { title: it.path }));
    body.append(tr);
  }
  const pages = Math.max(1, Math.ceil(data.total / data.per_page));
  $("total").textContent = data.total + " item" + (data.total === 1 ? "" : "s") + " match";
  $("page-of").textContent = "page " + data.page + " of " + pages;
  $("prev").disabled = page <= 1;
  $("next").disabled = page >= pages;
  $("bulk").hidden = session.read_only || !$("f-rule").value.trim();
  $("bulk-confirm").hidden = true;
  // When the first screen of rows is in the page (bench/serve_bench.py reads it).
  if (!performance.getEntriesByName("assay:first-rows").length) {
    performance.mark("assay:first-rows");
  }
  loadCounts(p);
}

// The counts come after the first screen (GET /api/queue/counts).
async function loadCounts(p) {
  p.delete("page");
  const { status, data } = await api("GET", "/api/queue/counts?" + p.toString());
  if (status !== 200) return;
  const counts = $("counts");
  counts.replaceChildren();
  counts.className = "counts";
  const list = $("rule-list");
  list.replaceChildren();
  for (const [name, title] of [["rule", "Items by first failed rule"], ["modality", "by modality"],
                               ["state", "by state"]]) {
    const box = el("div");
    box.append(el("h3", title));
    const ul = el("ul");
    for (const [k, n] of Object.entries(data[name] || {})) {
      ul.append(el("li", k + ": " + n));
      if (name === "rule") list.append(el("option", null, { value: k }));
    }
    box.append(ul);
    counts.append(box);
  }
}

// Bulk: first ask the server how many active items the filter hits, then act on exactly that.
let bulkPending = null;
async function bulkAsk(action) {
  const p = filterParams();
  p.delete("state");
  p.delete("assignee");
  const { status, data } = await api("GET", "/api/queue?per_page=1&" + p.toString());
  if (status !== 200) return say(data.error, true);
  bulkPending = { action, expected: data.total };
  $("bulk-question").textContent = action + " " + data.total + " active item" +
      (data.total === 1 ? "" : "s") + " of rule " + $("f-rule").value.trim() + "?";
  $("bulk-confirm").hidden = false;
  $("bulk-yes").focus();
}

async function bulkDo() {
  if (!bulkPending) return;
  const body = { rule: $("f-rule").value.trim(), note: $("bulk-note").value,
                 expected: bulkPending.expected };
  const m = $("f-modality").value.trim();
  if (m) body.modality = m;
  const run = $("f-run").value.trim();
  if (run) body.run = Number(run);
  const action = bulkPending.action;
  if (action === "reprocess") {
    reprocessSettings("bulk", body);
    say("reprocessing " + bulkPending.expected + " item(s)…", false);
  }
  bulkPending = null;
  $("bulk-confirm").hidden = true;
  const { status, data } = await api("POST", "/api/bulk/" + action, body);
  if (status !== 200) return say(data.error || "refused", true);
  if (action === "reprocess") {
    const resolved = data.results.filter((r) => r.item && r.item.state === "resolved").length;
    say(data.acted + " item(s) reprocessed; " + resolved + " now pass (resolved)", false);
  } else {
    say(data.acted.length + " item(s) done" +
        (data.refused.length ? "; refused: " + data.refused.join("; ") : ""), false);
  }
  loadQueue();
}

function drawBoxes() {
  const svg = $("page-boxes");
  svg.replaceChildren();
  if (!current) return;
  const pg = current.document.pages[Number($("page-no").value) - 1];
  if (!pg) return;
  svg.setAttribute("viewBox", "0 0 " + pg.width + " " + pg.height);
  const ns = "http://www.w3.org/2000/svg";
  const add = (cls, b) => {
    const r = document.createElementNS(ns, "rect");
    r.setAttribute("class", cls);
    r.setAttribute("x", b[0]); r.setAttribute("y", b[1]);
    r.setAttribute("width", Math.max(0, b[2] - b[0]));
    r.setAttribute("height", Math.max(0, b[3] - b[1]));
    svg.append(r);
  };
  if ($("show-words").checked) pg.words.forEach((b) => add("word", b));
  if ($("show-blocks").checked) pg.blocks.forEach((b) => add("block", b.bbox));
  if ($("show-tables").checked) pg.tables.forEach((t) => add("table", t.bbox));
  if ($("show-figures").checked) pg.figures.forEach((f) => add("figure", f.bbox));
}

function showPage() {
  const n = Number($("page-no").value);
  const img = $("page-image");
  img.alt = "page " + n + " of " + current.item.path.split("/").pop();
  img.src = "/api/items/" + current.item.item_id + "/pages/" + n + ".png?dpi=100";
  drawBoxes();
  const tables = $("tables");
  tables.replaceChildren();
  const pg = current.document.pages[n - 1];
  (pg ? pg.tables : []).forEach((t, i) => {
    const table = el("table");
    table.append(el("caption", "Table " + (i + 1) + " of page " + n + " (" + t.n_rows + " x " +
                    t.n_cols + ")"));
    const body = el("tbody");
    for (const row of t.rows) {
      const tr = el("tr");
      row.forEach((c) => tr.append(el("td", c)));
      body.append(tr);
    }
    table.append(body);
    tables.append(table);
  });
  if (!tables.children.length) tables.append(el("p", "No table on this page."));
}

function showItemState() {
  const it = current.item;
  $("item-state").textContent = "State: " + it.state +
      (it.assignee ? " (" + (it.state === "claimed" ? "claimed by " : "by ") + it.assignee + ")" : "");
  const active = it.state === "open" || it.state === "claimed";
  const mine = it.state === "claimed" && it.assignee === session.user;
  const ro = session.read_only;
  $("claim").disabled = ro || it.state !== "open";
  $("release").disabled = ro || !mine;
  for (const id of ["resolve", "waive", "reject", "rp-go"]) {
    $(id).disabled = ro || !active || (it.state === "claimed" && !mine);
  }
}

async function loadItem(id) {
  const { status, data } = await api("GET", "/api/items/" + id);
  if (status !== 200) return say(data.error || "no such item", true);
  current = data;
  const it = data.item;
  $("item-title").textContent = "Item " + it.item_id + ": " + it.path.split("/").pop() +
      " (" + it.modality + ", " + it.kind + ")";
  showItemState();
  const rules = $("rules").tBodies[0];
  rules.replaceChildren();
  for (const r of data.rules) {
    const tr = el("tr");
    const value = r.value === undefined ? (r.message || "") : r.value;
    const threshold = r.threshold === undefined ? "" : JSON.stringify(r.threshold);
    tr.append(el("td", reasonText(r)), el("td", r.metric || r.stage || ""), el("td", value),
              el("td", threshold), el("td", r.severity || r.reason || ""));
    rules.append(tr);
  }
  const sel = $("page-no");
  sel.replaceChildren();
  data.document.pages.forEach((p) => sel.append(el("option", p.page, { value: p.page })));
  $("page-frame").hidden = data.document.pages.length === 0;
  if (data.document.pages.length) showPage();
  $("text").textContent = data.document.text || "(no text)";
  showVideoFacts(data.document.video);
  showTranscriptFacts(data.document.transcript);
  const events = $("events").tBodies[0];
  events.replaceChildren();
  for (const e of data.events) {
    const tr = el("tr");
    tr.append(el("td", e.at), el("td", e.actor), el("td", e.action),
              el("td", (e.from_state ? e.from_state + " → " : "") + e.to_state), el("td", e.note));
    events.append(tr);
  }
  $("lineage").textContent = JSON.stringify(data.lineage, null, 2);
}

// A video's stretches, cuts and sampled frames (read-only lists); hidden for other documents.
function showVideoFacts(video) {
  $("video-facts").hidden = !video;
  if (!video) return;
  const stretches = $("video-stretches").tBodies[0];
  stretches.replaceChildren();
  for (const s of video.stretches) {
    const tr = el("tr");
    tr.append(el("td", s.kind), el("td", s.start), el("td", s.end));
    stretches.append(tr);
  }
  if (!video.stretches.length) {
    const tr = el("tr");
    tr.append(el("td", "none", { colspan: 3 }));
    stretches.append(tr);
  }
  $("video-cuts").textContent = "Scene cuts (s): " +
      (video.scene_cuts.length ? video.scene_cuts.join(", ") : "none");
  const frames = $("video-frames").tBodies[0];
  frames.replaceChildren();
  for (const f of video.frames) {
    const tr = el("tr");
    tr.append(el("td", f.index), el("td", f.time), el("td", f.scene_start ? "yes" : "no"),
              el("td", f.passes ? "yes" : "no"),
              el("td", f.near_duplicate_of === null ? "" : f.near_duplicate_of));
    frames.append(tr);
  }
}

// A transcript's cues with what was found at each (read-only); hidden for other documents.
function showTranscriptFacts(transcript) {
  $("transcript-facts").hidden = !transcript;
  if (!transcript) return;
  const found = {};
  for (const f of transcript.findings) (found[f.cue] = found[f.cue] || []).push(f.kind + ": " + f.detail);
  const cues = $("transcript-cues").tBodies[0];
  cues.replaceChildren();
  for (const c of transcript.segments) {
    const tr = el("tr");
    tr.append(el("td", c.cue), el("td", c.start), el("td", c.end), el("td", c.speaker || ""),
              el("td", c.text), el("td", (found[c.cue] || []).join("; ")));
    cues.append(tr);
  }
}

async function act(action) {
  const body = { note: $("note").value };
  const { status, data } = await api("POST", "/api/items/" + current.item.item_id + "/" + action, body);
  if (status !== 200) {
    // Show the item as the store has it now (who holds it), whatever the refusal carried.
    if (data.item) { current.item = data.item; showItemState(); }
    else await loadItem(current.item.item_id);
    say(data.error || "refused", true);
    return;
  }
  say("item " + data.item.item_id + " is " + data.item.state, false);
  await loadItem(data.item.item_id);
}

// The reprocess parameters of a form whose fields are PREFIX-dpi, -lang and -orientation.
function reprocessSettings(prefix, body) {
  if ($(prefix + "-dpi").value) body.dpi = Number($(prefix + "-dpi").value);
  if ($(prefix + "-lang").value.trim()) body.lang = $(prefix + "-lang").value.trim();
  if ($(prefix + "-orientation").value) {
    body.orientation = $(prefix + "-orientation").value === "true";
  }
  return body;
}

async function reprocess(ev) {
  ev.preventDefault();
  const body = reprocessSettings("rp", {});
  say("reprocessing…", false);
  $("rp-go").disabled = true;
  const { status, data } = await api("POST", "/api/items/" + current.item.item_id + "/reprocess", body);
  if (status !== 200) {
    say(data.error || "reprocess refused", true);
    showItemState();
    return;
  }
  say("reprocessed: the document is " + data.outcome + "; item " +
      (data.item ? data.item.state : "?"), false);
  await loadItem(current.item.item_id);
}

// The annotation adjudication queue: per task, the page, the votes side by side (one column
// per annotator) and the specialist's decision (POST /api/adjudication/N).
let adjPage = 1;
async function loadAdjudication() {
  const p = new URLSearchParams();
  if ($("adj-pool").value) p.set("pool", $("adj-pool").value);
  p.set("page", adjPage);
  const { status, data } = await api("GET", "/api/adjudication?" + p.toString());
  if (status !== 200) return say(data.error || "the adjudication queue did not load", true);
  const pools = $("adj-pool");
  pools.replaceChildren();
  for (const [name, n] of Object.entries(data.pools)) {
    pools.append(el("option", name + " (" + n + ")", { value: name }));
  }
  pools.value = data.pool;
  $("adj-total").textContent = data.total + " task" + (data.total === 1 ? "" : "s") +
      " in adjudication" + (data.pool ? " for pool " + data.pool : "");
  const pages = Math.max(1, Math.ceil(data.total / data.per_page));
  $("adj-page-of").textContent = "page " + data.page + " of " + pages;
  $("adj-prev").disabled = adjPage <= 1;
  $("adj-next").disabled = adjPage >= pages;
  const box = $("adj-tasks");
  box.replaceChildren();
  for (const t of data.tasks) box.append(taskCard(t));
}

function taskCard(t) {
  const card = el("article", null, { class: "task", "data-task": t.task_id });
  const name = t.path.split("/").pop();
  card.append(el("h3", "Task " + t.task_id + ": " + t.task_type + ", " + name + " (" +
                 t.region + ")"));
  const cols = el("div", null, { class: "columns" });
  const left = el("div");
  left.append(el("img", null, { src: "/api/tasks/" + t.task_id + "/pages/" + t.page + ".png?dpi=72",
                                alt: "page " + t.page + " of " + name, loading: "lazy" }));
  const right = el("div");
  right.append(el("p", t.question));
  if (t.alt_text !== null) right.append(el("p", "Alt-text: " + t.alt_text));
  const agreement = t.agreement === null ? "no votes" :
      Math.round(t.agreement * 100) + "% agree (needs " + Math.round(t.agreement_required * 100) + "%)";
  right.append(el("p", "Agreement: " + agreement));
  // The votes side by side: one column per annotator; a vote that differs from the leading
  // label is marked.
  const lead = Object.entries(t.tally).sort((a, b) => b[1] - a[1])[0];
  const votes = el("table", null, { class: "votes" });
  votes.append(el("caption", "Votes"));
  const head = el("tr");
  const row = el("tr");
  for (const v of t.votes) {
    head.append(el("th", v.annotator, { scope: "col" }));
    row.append(el("td", v.label, lead && v.label !== lead[0] ? { class: "disagrees" } : {}));
  }
  const thead = el("thead"); thead.append(head);
  const tbody = el("tbody"); tbody.append(row);
  votes.append(thead, tbody);
  right.append(votes);
  if (t.text) {
    const d = el("details");
    d.append(el("summary", "Text of the region"), el("pre", t.text));
    right.append(d);
  }
  const form = el("form", null, { class: "actions" });
  const labelId = "adj-label-" + t.task_id, noteId = "adj-note-" + t.task_id;
  const f1 = el("div", null, { class: "field" });
  const select = el("select", null, { id: labelId });
  for (const l of t.labels) select.append(el("option", l + " (" + (t.tally[l] || 0) + " votes)", { value: l }));
  if (lead) select.value = lead[0];
  f1.append(el("label", "Decision", { for: labelId }), select);
  const f2 = el("div", null, { class: "field" });
  f2.append(el("label", "Note (optional)", { for: noteId }), el("input", null, { id: noteId, autocomplete: "off" }));
  const go = el("button", "Decide task " + t.task_id, { type: "submit" });
  go.disabled = session.read_only;
  form.append(f1, f2, go);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    go.disabled = true;
    const { status, data } = await api("POST", "/api/adjudication/" + t.task_id,
                                       { label: select.value, note: $(noteId).value });
    if (status !== 200) { go.disabled = false; return say(data.error || "refused", true); }
    say("task " + t.task_id + " adjudicated: " + data.label, false);
    loadAdjudication();
  });
  right.append(form);
  cols.append(left, right);
  card.append(cols);
  return card;
}

function route() {
  const m = location.hash.match(/^#item\/(\d+)$/);
  const adjudication = location.hash === "#adjudication";
  $("queue-view").hidden = !!m || adjudication;
  $("item-view").hidden = !m;
  $("adjudication-view").hidden = !adjudication;
  if (m) {
    loadItem(m[1]).then(() => $("item-title").focus());
  } else if (adjudication) {
    current = null;
    loadAdjudication();
  } else {
    current = null;
    loadQueue();
  }
}

async function start() {
  if (!location.hash || location.hash === "#queue") {
    prefetched = { url: queueUrl(),
                   answer: api("GET", queueUrl()).catch(() => ({ status: 0, data: {} })) };
  }
  const { status, data } = await api("GET", "/api/session");
  if (status !== 200) return say(data.error || "not signed in", true);
  session = data;
  $("who").textContent = "Signed in as " + data.user + (data.read_only ? " (read-only)" : "");
  $("item-title").setAttribute("tabindex", "-1");
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); page = 1; loadQueue(); });
  $("prev").addEventListener("click", () => { page = Math.max(1, page - 1); loadQueue(); });
  $("next").addEventListener("click", () => { page += 1; loadQueue(); });
  $("bulk-waive").addEventListener("click", () => bulkAsk("waive"));
  $("bulk-reject").addEventListener("click", () => bulkAsk("reject"));
  $("bulk-reprocess").addEventListener("click", () => bulkAsk("reprocess"));
  $("adj-pool").addEventListener("change", () => { adjPage = 1; loadAdjudication(); });
  $("adj-prev").addEventListener("click", () => { adjPage = Math.max(1, adjPage - 1); loadAdjudication(); });
  $("adj-next").addEventListener("click", () => { adjPage += 1; loadAdjudication(); });
  $("bulk-yes").addEventListener("click", bulkDo);
  $("bulk-no").addEventListener("click", () => { bulkPending = null; $("bulk-confirm").hidden = true; });
  for (const a of ["claim", "release", "resolve", "waive", "reject"]) {
    $(a).addEventListener("click", () => act(a));
  }
  $("reprocess").addEventListener("submit", reprocess);
  $("page-no").addEventListener("change", showPage);
  for (const b of ["words", "blocks", "tables", "figures"]) {
    $("show-" + b).addEventListener("change", drawBoxes);
  }
  window.addEventListener("hashchange", route);
  route();
}

start();
