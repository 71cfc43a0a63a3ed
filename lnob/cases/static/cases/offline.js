/* "My people", working with no signal (docs/offline.md).
 *
 * IndexedDB (through idb, from npm) keeps:
 *   people — the volunteer's cases from GET /api/v1/cases/mine (refreshed online);
 *   outbox — visits and reports saved on the phone, each with its own key (a
 *            UUID: the server records one visit or report per key, so a retry
 *            after a lost answer never records twice);
 *   meta   — who loaded the people and when, the subdistricts to report in.
 * The outbox is sent when the network returns (the "online" event, every 15 s
 * while something waits, and at every visit of the page). The server decides
 * conflicts: a visit on a case closed meanwhile is kept and flagged; a refused
 * record (no longer yours or in your area, the case changed, a field) comes
 * back with the server's reason and stays here, editable. Nothing typed is
 * deleted except by the user. */
/* global idb */
"use strict";
(function () {
  const CONF = JSON.parse(document.getElementById("offline-config").textContent);
  const T = CONF.texts;
  const THAI = CONF.language === "th";
  const PAGE_CACHE = "lnob-offline-page";
  const $ = (id) => document.getElementById(id);
  const fmt = (text, params) => text.replace(/%\((\w+)\)s/g, (m, k) => String(params[k] ?? ""));

  document.getElementById("offline-nojs").hidden = true;
  if (!("indexedDB" in window) || typeof idb === "undefined") return;

  // Version 2, creating what is missing: a database opened empty (without a
  // version, e.g. by a browser tool) still gets its stores. Same in web/pwa.js.
  const dbp = idb.openDB("lnob-offline", 2, {
    upgrade(db) {
      const has = (name) => db.objectStoreNames.contains(name);
      if (!has("people")) db.createObjectStore("people", {keyPath: "case_id"});
      if (!has("outbox")) db.createObjectStore("outbox", {keyPath: "key"});
      if (!has("meta")) db.createObjectStore("meta");
    },
  });

  // ---- dates: shown d/m/BE on Thai pages, sent as ISO (CE) --------------------
  const THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";
  const arabic = (s) => s.replace(/[๐-๙]/g, (d) => String(THAI_DIGITS.indexOf(d)));
  function isoToday() {
    const n = new Date();
    return [n.getFullYear(), String(n.getMonth() + 1).padStart(2, "0"),
      String(n.getDate()).padStart(2, "0")].join("-");
  }
  function showDate(iso) {
    if (!iso) return "";
    const [y, m, d] = iso.split("-").map(Number);
    return `${d}/${m}/${THAI ? y + 543 : y}`;
  }
  // "6/12/2569", "6-12-2026", "2026-12-06" → "2026-12-06"; "" → ""; bad → null.
  function parseDate(text) {
    const s = arabic(String(text || "").trim());
    if (!s) return "";
    let d, m, y;
    let found = s.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
    if (found) [, d, m, y] = found.map(Number);
    else if ((found = s.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/))) [, y, m, d] = found.map(Number);
    else return null;
    if (y >= 2400) y -= 543;
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      return null;
    }
    return date.toISOString().slice(0, 10);
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  function csrf() {
    const found = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return found ? decodeURIComponent(found[1]) : "";
  }
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    const {dataset, ...rest} = props || {};
    Object.assign(node, rest);
    Object.assign(node.dataset, dataset || {});
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  // ---- state --------------------------------------------------------------
  let syncing = false;
  let signInNeeded = false;
  let serverTrouble = false;
  const sentNow = [];          // sent during this visit of the page (shown once)
  let editingVisit = null;     // {key?, case_id, name, needs, version}
  let editingReportKey = null;

  async function meta(key) { return (await dbp).get("meta", key); }

  // ---- rendering ----------------------------------------------------------
  async function render() {
    const db = await dbp;
    const [people, outbox, at, areas, username] = await Promise.all([
      db.getAll("people"), db.getAll("outbox"), meta("at"), meta("areas"), meta("username")]);
    outbox.sort((a, b) => a.saved_at.localeCompare(b.saved_at));
    const waiting = outbox.filter((r) => r.state === "waiting" || r.state === "sending");

    const net = [navigator.onLine ? T.online : T.offline];
    net.push(at ? fmt(T.refreshed, {time: new Date(at).toLocaleString(THAI ? "th-TH" : "en-GB")})
      : T.never);
    if (waiting.length) net.push(fmt(T.count_waiting, {count: waiting.length}));
    if (signInNeeded) net.push(T.sign_in);
    if (serverTrouble) net.push(T.server_error);
    $("offline-net").textContent = net.join(" ");

    // What is on the phone: waiting, refused, flagged — and what was just sent.
    const list = $("offline-outbox");
    list.replaceChildren();
    for (const rec of outbox) list.append(outboxItem(rec, username));
    for (const rec of sentNow) {
      list.append(el("li", {className: "card offline-sent", dataset: {key: rec.key, state: "sent"}},
        el("strong", {textContent: rec.label}), " — ", el("span", {textContent: T.sent})));
    }
    $("offline-outbox-section").hidden = !list.children.length;
    $("offline-send").hidden = !waiting.length;

    // My people, most due first.
    const waitingCases = new Set(waiting.filter((r) => r.kind === "visit").map((r) => r.case_id));
    people.sort((a, b) => (a.next_visit_due || "9999").localeCompare(b.next_visit_due || "9999"));
    const ul = $("offline-people");
    ul.replaceChildren();
    for (const p of people) {
      const due = p.next_visit_due
        ? (p.overdue || p.next_visit_due < isoToday()
          ? el("span", {className: "urgent", textContent: fmt(T.overdue, {date: showDate(p.next_visit_due)})})
          : el("span", {textContent: fmt(T.next_due, {date: showDate(p.next_visit_due)})}))
        : el("span", {textContent: T.no_date});
      const button = el("button", {type: "button", textContent: T.log_visit});
      button.setAttribute("aria-label", `${T.log_visit}: ${p.name}`);
      button.addEventListener("click", () => openVisit({case_id: p.case_id, name: p.name,
        needs: p.needs, version: p.version}));
      ul.append(el("li", {className: "card offline-person", dataset: {caseId: p.case_id}},
        el("strong", {textContent: p.name}), " ",
        p.urgent ? el("span", {className: "urgent", textContent: "!"}) : null,
        el("br"), el("span", {textContent: [p.village, p.subdistrict].filter(Boolean).join(" ")}),
        el("br"), due,
        p.needs.length ? el("span", {textContent: " · " + p.needs.map((n) => n.name).join(", ")}) : null,
        waitingCases.has(p.case_id)
          ? el("p", {className: "offline-waiting", textContent: T.waiting}) : null,
        el("p", {}, button)));
    }
    $("offline-people-empty").hidden = people.length > 0;

    // The subdistricts to report in.
    const select = $("or-area");
    const chosen = select.value;
    select.replaceChildren(...(areas || []).map((a) => el("option", {value: a.code, textContent: a.name})));
    if (chosen) select.value = chosen;
    if (!(areas || []).length) select.replaceChildren(el("option", {value: "", textContent: T.no_area}));
  }

  function outboxItem(rec, username) {
    const li = el("li", {className: "card offline-record", dataset: {key: rec.key, state: rec.state}});
    li.append(el("strong", {textContent: rec.label}), " — ");
    const state = {waiting: T.waiting, sending: T.sending, refused: T.refused, flagged: T.sent}[rec.state];
    li.append(el("span", {className: "offline-state", textContent: state}));
    if (rec.user && username && rec.user !== username) {
      li.append(el("p", {textContent: fmt(T.other_user, {user: rec.user})}));
    }
    if (rec.state === "refused" || rec.state === "flagged") {
      li.append(el("p", {className: rec.state === "refused" ? "error offline-reason" : "offline-reason",
        textContent: rec.state === "flagged" ? T.flagged : rec.reason}));
    }
    if (rec.state === "refused") {
      // The person has another carer now (the reason names them): sending it
      // again cannot work, so what was written can be copied to pass it on.
      const edit = rec.moved
        ? el("button", {type: "button", textContent: T.copy, dataset: {copy: ""}})
        : el("button", {type: "button", textContent: T.edit});
      edit.addEventListener("click", rec.moved ? async () => {
        const text = [rec.label, (rec.payload && rec.payload.done) || ""].join("\n");
        try { await navigator.clipboard.writeText(text); edit.textContent = T.copied; }
        catch (e) { window.prompt(T.copy, text); }
      } : () => editRecord(rec));
      const discard = el("button", {type: "button", className: "secondary", textContent: T.discard});
      discard.addEventListener("click", async () => {
        if (!window.confirm(T.discard_confirm)) return;
        await (await dbp).delete("outbox", rec.key);
        render();
      });
      li.append(el("p", {}, edit, " ", discard));
    } else if (rec.state === "flagged") {
      const done = el("button", {type: "button", className: "secondary", textContent: T.dismiss});
      done.addEventListener("click", async () => { await (await dbp).delete("outbox", rec.key); render(); });
      li.append(el("p", {}, done));
    }
    return li;
  }

  // ---- the visit form -----------------------------------------------------
  function clearErrors(form) {
    for (const span of form.querySelectorAll("[data-error-for]")) {
      span.textContent = "";
      span.hidden = true;
    }
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  }
  function showErrors(form, errors) {
    for (const [field, message] of Object.entries(errors || {})) {
      const span = form.querySelector(`[data-error-for="${field}"]`);
      if (span) {
        span.textContent = message;
        span.hidden = false;
      }
      const input = form.elements[field];
      if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
    }
  }

  function openVisit(target, rec) {
    editingVisit = {...target, key: rec ? rec.key : null};
    const form = $("offline-visit-form");
    form.reset();
    clearErrors(form);
    $("offline-visit-person").textContent = target.name;
    const reason = $("offline-visit-reason");
    reason.hidden = !rec;
    reason.textContent = rec ? rec.reason : "";
    const payload = rec ? rec.payload : {};
    form.elements.visited_on.value = showDate(payload.visited_on || isoToday());
    form.elements.done.value = payload.done || "";
    form.elements.next_visit_on.value = showDate(payload.next_visit_on || "");
    const box = $("ov-needs");
    box.replaceChildren();
    for (const need of target.needs || []) {
      const fs = el("fieldset", {className: "field need-change"}, el("legend", {textContent: need.name}));
      for (const [value, label] of CONF.changes) {
        const input = el("input", {type: "radio", name: `need_${need.id}`, value});
        if (payload.needs && payload.needs[need.id] === value) input.checked = true;
        fs.append(el("label", {className: "pill"}, input, " ", label));
      }
      box.append(fs);
    }
    if (rec) showErrors(form, rec.errors);
    $("offline-visit-section").hidden = false;
    form.elements.done.focus();
    $("offline-visit-section").scrollIntoView({block: "start"});
  }

  async function saveVisit(event) {
    event.preventDefault();
    const form = event.target;
    clearErrors(form);
    const errors = {};
    const visitedOn = parseDate(form.elements.visited_on.value);
    const nextOn = parseDate(form.elements.next_visit_on.value);
    if (!visitedOn) errors.visited_on = visitedOn === "" ? T.required : T.bad_date;
    if (nextOn === null) errors.next_visit_on = T.bad_date;
    if (!form.elements.done.value.trim()) errors.done = T.required;
    if (Object.keys(errors).length) { showErrors(form, errors); return; }
    const needs = {};
    for (const need of editingVisit.needs || []) {
      const picked = form.querySelector(`input[name="need_${need.id}"]:checked`);
      if (picked) needs[need.id] = picked.value;
    }
    const db = await dbp;
    // Sent again after an edit: on the case as the phone knows it now.
    const person = await db.get("people", editingVisit.case_id);
    const old = editingVisit.key ? await db.get("outbox", editingVisit.key) : null;
    // An edited record was refused, so nothing was recorded under its key: it
    // goes again under a new one (the old key may be the reason it was refused).
    if (old) await db.delete("outbox", old.key);
    const rec = {
      key: newKey(), kind: "visit", state: "waiting",
      user: (old && old.user) || (await meta("username")) || "",
      saved_at: (old && old.saved_at) || new Date().toISOString(),
      case_id: editingVisit.case_id, name: editingVisit.name, needs: editingVisit.needs,
      label: fmt(T.visit_of, {name: editingVisit.name, date: showDate(visitedOn)}),
      version: person ? person.version : editingVisit.version,
      payload: {visited_on: visitedOn, done: form.elements.done.value.trim(),
        next_visit_on: nextOn || null, needs},
      reason: "", errors: {},
    };
    await db.put("outbox", rec);
    editingVisit = null;
    $("offline-visit-section").hidden = true;
    $("offline-net").textContent = T.saved_here;
    await render();
    sync();
  }

  // ---- the report form ----------------------------------------------------
  async function saveReport(event) {
    event.preventDefault();
    const form = event.target;
    clearErrors(form);
    const errors = {};
    const value = (name) => form.elements[name].value.trim();
    if (!value("first_name")) errors.first_name = T.required;
    if (!value("summary")) errors.summary = T.required;
    if (!value("subdistrict_code")) errors.subdistrict_code = T.no_area;
    const village = arabic(value("village_number"));
    if (village && !(/^\d{1,2}$/.test(village) && Number(village) >= 1)) {
      errors.village_number = T.village_number;
    }
    if (Object.keys(errors).length) { showErrors(form, errors); return; }
    const db = await dbp;
    const old = editingReportKey ? await db.get("outbox", editingReportKey) : null;
    if (old) await db.delete("outbox", old.key);  // refused: goes again under a new key
    const payload = {
      first_name: value("first_name"), last_name: value("last_name"),
      subdistrict_code: value("subdistrict_code"),
      village_number: village ? Number(village) : null, address_text: value("address_text"),
      summary: value("summary"),
      urgent_reasons: Array.from(form.querySelectorAll('input[name="urgent_reasons"]:checked'),
        (i) => i.value),
    };
    const name = [payload.first_name, payload.last_name].filter(Boolean).join(" ");
    await db.put("outbox", {
      key: newKey(), kind: "report", state: "waiting",
      user: (old && old.user) || (await meta("username")) || "",
      saved_at: (old && old.saved_at) || new Date().toISOString(),
      label: fmt(T.report_of, {name}), payload, reason: "", errors: {},
    });
    editingReportKey = null;
    form.reset();
    $("or-cancel").hidden = true;
    $("offline-report-reason").hidden = true;
    $("offline-net").textContent = T.saved_here;
    await render();
    sync();
  }

  function editRecord(rec) {
    if (rec.kind === "visit") {
      openVisit({case_id: rec.case_id, name: rec.name, needs: rec.needs, version: rec.version}, rec);
      return;
    }
    const form = $("offline-report-form");
    form.reset();
    clearErrors(form);
    editingReportKey = rec.key;
    for (const [name, v] of Object.entries(rec.payload)) {
      if (name === "urgent_reasons") {
        for (const box of form.querySelectorAll('input[name="urgent_reasons"]')) box.checked = v.includes(box.value);
      } else if (form.elements[name]) {
        if (name === "subdistrict_code" && !Array.from(form.elements[name].options).some((o) => o.value === v)) {
          form.elements[name].append(el("option", {value: v, textContent: v}));
        }
        form.elements[name].value = v === null ? "" : v;
      }
    }
    const reason = $("offline-report-reason");
    reason.textContent = rec.reason;
    reason.hidden = false;
    showErrors(form, rec.errors);
    $("or-cancel").hidden = false;
    $("offline-report-section").scrollIntoView({block: "start"});
    form.elements.first_name.focus();
  }

  // ---- sending ------------------------------------------------------------
  async function getJSON(url) {
    const res = await fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}});
    return {res, body: res.ok ? await res.json() : null};
  }

  async function refreshPeople() {
    let got;
    try { got = await getJSON(CONF.api.mine); } catch (e) { return; }
    if (!got.res.ok) return;
    const db = await dbp;
    const tx = db.transaction(["people", "meta"], "readwrite");
    const store = tx.objectStore("people");
    await store.clear();
    for (const p of got.body.people) await store.put(p);
    const m = tx.objectStore("meta");
    await m.put(got.body.username, "username");
    await m.put(got.body.at, "at");
    await m.put(got.body.report_areas, "areas");
    await tx.done;
  }

  function refusal(body, status) {
    const errors = {};
    const messages = [];
    for (const e of (body && body.errors) || []) {
      const field = e.field === "subdistrict" ? "subdistrict_code"
        : e.field === "village" ? "village_number" : e.field;
      if (field && !errors[field]) errors[field] = e.message;
      messages.push(e.message);
    }
    const codes = ((body && body.errors) || []).map((e) => e.code);
    return {reason: messages.join(" ") || `HTTP ${status}`, errors,
      moved: codes.includes("case_moved")};
  }

  async function send(rec) {
    const url = rec.kind === "visit" ? CONF.api.visits.replace("{case}", rec.case_id) : CONF.api.reports;
    const body = rec.kind === "visit" ? {...rec.payload, version: rec.version, client_key: rec.key}
      : {...rec.payload, client_key: rec.key};
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(body),
    });
  }

  async function sync() {
    if (syncing || !navigator.onLine) { render(); return; }
    syncing = true;
    serverTrouble = false;
    try {
      let me;
      try { me = await getJSON(CONF.api.me); } catch (e) { return; }
      signInNeeded = me.res.status === 401 || me.res.status === 403;
      if (!me.res.ok) return;
      const username = me.body.username;
      const db = await dbp;
      const all = (await db.getAll("outbox")).sort((a, b) => a.saved_at.localeCompare(b.saved_at));
      for (const rec of all) {
        if (rec.state !== "waiting" && rec.state !== "sending") continue;
        if (rec.user && rec.user !== username) continue;
        rec.state = "sending";
        await db.put("outbox", rec);
        render();
        let res;
        try { res = await send(rec); } catch (e) {
          rec.state = "waiting";
          await db.put("outbox", rec);
          break;  // the network went again
        }
        let body = null;
        try { body = await res.json(); } catch (e) { body = null; }
        const csrfFailed = res.status === 403 && JSON.stringify(body || {}).toLowerCase().includes("csrf");
        if (res.status === 200 || res.status === 201) {
          if (body && body.flag) {
            rec.state = "flagged";
            await db.put("outbox", rec);
          } else {
            await db.delete("outbox", rec.key);
            sentNow.push(rec);
            // This visit moved its case on by one version: the phone's next
            // visits of the same case were saved after it, not against it.
            for (const next of all) {
              if (next !== rec && next.kind === "visit" && next.case_id === rec.case_id &&
                  next.state === "waiting" && next.version === rec.version) {
                next.version += 1;
                await db.put("outbox", next);
              }
            }
          }
        } else if (res.status === 401 || csrfFailed) {
          rec.state = "waiting";
          await db.put("outbox", rec);
          signInNeeded = true;
          break;
        } else if ([400, 403, 404, 409, 422].includes(res.status)) {
          Object.assign(rec, {state: "refused"}, refusal(body, res.status));
          await db.put("outbox", rec);
        } else {
          rec.state = "waiting";  // 429, 5xx: try again later
          await db.put("outbox", rec);
          serverTrouble = true;
          break;
        }
      }
      await refreshPeople();
    } finally {
      syncing = false;
      render();
    }
  }

  // Keep this page on the phone for the next time there is no signal (the
  // service worker answers from this copy when offline).
  async function keepPage() {
    if (!("caches" in window) || !navigator.onLine) return;
    try {
      const res = await fetch(location.pathname, {credentials: "same-origin"});
      if (res.ok && !res.redirected) await (await caches.open(PAGE_CACHE)).put(location.pathname, res);
    } catch (e) { /* offline: the kept copy stays */ }
  }

  $("offline-visit-form").addEventListener("submit", saveVisit);
  $("ov-cancel").addEventListener("click", () => { editingVisit = null; $("offline-visit-section").hidden = true; });
  $("offline-report-form").addEventListener("submit", saveReport);
  $("or-cancel").addEventListener("click", () => {
    editingReportKey = null;
    $("offline-report-form").reset();
    $("or-cancel").hidden = true;
    $("offline-report-reason").hidden = true;
  });
  $("offline-send").addEventListener("click", sync);
  window.addEventListener("online", sync);
  window.addEventListener("offline", render);
  setInterval(async () => {
    if (!navigator.onLine || syncing) return;
    const waiting = (await (await dbp).getAll("outbox")).some((r) => r.state === "waiting");
    if (waiting) sync();
  }, 15000);
  render().then(sync);
  keepPage();
})();
