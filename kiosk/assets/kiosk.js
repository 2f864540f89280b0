// Kiosk touch page: find a service (by agency or by search), take a ticket, show it
// with its QR code and whether the printer printed it. No build step, no libraries,
// works offline on the MPP's LAN. Reconnects by itself; never needs a reload.
"use strict";

(function () {
  // Timings, each chosen for people, not machines:
  const IDLE_HOME_MS = 25000;        // the ticket screen stays long enough to read and photograph it
  const IDLE_HOME_FAILED_MS = 90000; // ...and much longer when the printer failed, so the number is not lost
  const IDLE_BROWSE_MS = 60000;      // a half-finished search is cleared for the next visitor
  const REQUEST_TIMEOUT_MS = 8000;   // a LAN answer takes milliseconds; beyond this the server is treated as away
  const ISSUE_ATTEMPTS = 4;          // retries of one tap, all with the same Idempotency-Key
  const PRINT_POLL_MS = 1500;        // printing state refresh while a ticket is shown
  const QUEUES_EVERY_MS = 60000;     // opening hours change with the clock, not with events
  const MAX_BACKOFF_MS = 10000;      // reconnect pauses grow up to this

  const code = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
  const tokenKey = "antre.kiosk." + code + ".token";
  const hashToken = new URLSearchParams(location.hash.slice(1)).get("token");
  if (hashToken) {
    localStorage.setItem(tokenKey, hashToken);
    history.replaceState(null, "", location.pathname);
  }
  let token = localStorage.getItem(tokenKey);

  // ---------------------------------------------------------------- texts
  const T = {
    priority: ["Prioritas", "Priority"],
    search: ["Cari layanan: ktp, paspor, sim, npwp…", "Search a service"],
    choose_agency: ["Pilih instansi", "Choose an agency"],
    back: ["Kembali", "Back"],
    your_number: ["Nomor antrian Anda", "Your queue number"],
    ahead: ["Orang di depan Anda", "People ahead of you"],
    wait: ["Perkiraan tunggu", "Estimated wait"],
    scan: ["Pindai untuk memantau antrian di ponsel Anda", "Scan to follow your queue on your phone"],
    reprint: ["Cetak ulang", "Print again"],
    done: ["Selesai", "Done"],
    open: ["Buka", "Open"],
    waiting: ["menunggu", "waiting"],
    minutes: ["menit", "min"],
    people: ["orang", "people"],
    closed: ["Tutup", "Closed"],
    opens_at: ["buka pukul", "opens at"],
    full: ["Kuota hari ini habis", "Today's quota is used up"],
    services: ["layanan", "services"],
    no_results: ["Tidak ditemukan. Coba kata lain, atau pilih instansi.", "Nothing found. Try another word, or choose an agency."],
    type_to_search: ["Ketik nama layanan dengan papan ketik di bawah.", "Type a service name on the keyboard below."],
    clear: ["Hapus", "Clear"],
    space: ["Spasi", "Space"],
    taking: ["Mengambil nomor antrian…", "Taking your number…"],
    connecting: ["Menghubungkan ke server…", "Connecting to the server…"],
    reconnecting: ["Koneksi terputus — menghubungkan ulang…", "Connection lost — reconnecting…"],
    printing: ["Mencetak tiket…", "Printing your ticket…"],
    printed: ["Tiket tercetak — silakan ambil di bawah layar.", "Ticket printed — please take it below the screen."],
    print_wait: ["Printer bermasalah: {why}. Tiket dicetak otomatis setelah diperbaiki. Foto layar ini atau pindai kode QR.",
                 "Printer problem: {why}. The ticket prints as soon as it is fixed. Photograph this screen or scan the QR code."],
    no_printer: ["Printer tidak terhubung. Foto layar ini atau pindai kode QR untuk menyimpan nomor Anda.",
                 "The printer is not connected. Photograph this screen or scan the QR code to keep your number."],
    reprint_asked: ["Dicetak ulang…", "Printing again…"],
    paper_end: ["kertas habis", "out of paper"],
    paper_near_end: ["kertas hampir habis", "paper nearly out"],
    cover_open: ["penutup printer terbuka", "printer cover open"],
    offline: ["printer mati atau terputus", "printer off or unplugged"],
    unknown: ["status tidak diketahui", "status unknown"],
    closed_msg: ["Layanan ini sedang tutup.", "This service is closed now."],
    full_msg: ["Kuota hari ini untuk layanan ini sudah habis. Silakan datang lagi besok.", "Today's quota for this service is used up. Please come again tomorrow."],
    error_msg: ["Maaf, nomor antrian gagal diambil. Silakan coba lagi atau hubungi petugas.", "Sorry, the number could not be taken. Please try again or ask an officer."],
    busy_msg: ["Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.", "Too many requests. Please wait a moment and try again."],
    token_msg: ["Token kios ditolak; hubungi petugas.", "Kiosk token refused; please call an officer."],
    ok: ["Baik", "OK"],
    no_priority: ["Bukan prioritas", "Not priority"],
    priority_q: ["Apakah Anda termasuk pengunjung prioritas?", "Are you a priority visitor?"],
    lansia: ["Lansia", "Elderly"],
    disabilitas: ["Disabilitas", "Disability"],
    ibu_hamil: ["Ibu hamil", "Pregnant"],
    anak: ["Anak", "Child"],
    unknown_kiosk: ["Kios ini tidak dikenal server. Hubungi petugas.", "The server does not know this kiosk. Please call an officer."],
    soon: ["segera", "soon"],
  };
  let lang = localStorage.getItem("antre.kiosk.lang") === "en" ? 1 : 0;
  const tr = (key) => T[key][lang];
  const tr2 = (key) => T[key][1 - lang];
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  const both = (key, vars) => {
    const fill = (s) => s.replace(/\{(\w+)\}/g, (_, k) => (vars && vars[k] ? vars[k][lang === 0 ? 0 : 1] : ""));
    const fill2 = (s) => s.replace(/\{(\w+)\}/g, (_, k) => (vars && vars[k] ? vars[k][lang === 0 ? 1 : 0] : ""));
    return esc(fill(tr(key))) + "<small>" + esc(fill2(tr2(key))) + "</small>";
  };

  // ---------------------------------------------------------------- pictograms
  // Simple line pictograms (no emoji, no fonts): they render the same offline everywhere.
  const ICONS = {
    priority: '<svg viewBox="0 0 64 64" fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"><circle cx="32" cy="10" r="6" fill="currentColor"/><path d="M32 20v20M18 26h28M32 40l-10 18M32 40l10 18"/></svg>',
    lansia: '<svg viewBox="0 0 64 64" fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"><circle cx="26" cy="9" r="6" fill="currentColor"/><path d="M26 18c-4 6-6 12-5 20M21 38l-6 20M21 38l9 20M25 24l12 8M42 30v28"/></svg>',
    disabilitas: '<svg viewBox="0 0 64 64" fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"><circle cx="24" cy="9" r="6" fill="currentColor"/><path d="M24 18v18h18l6 14M24 27h14"/><path d="M16 30a16 16 0 1 0 24 20"/></svg>',
    ibu_hamil: '<svg viewBox="0 0 64 64" fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"><circle cx="30" cy="9" r="6" fill="currentColor"/><path d="M28 18c-3 6-3 10-1 14 8 1 12 6 10 12-2 4-6 5-10 5M27 49l-3 11M33 49l3 11M28 22l-8 10"/></svg>',
    anak: '<svg viewBox="0 0 64 64" fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"><circle cx="32" cy="24" r="6" fill="currentColor"/><path d="M32 32v14M22 36h20M32 46l-6 12M32 46l6 12"/></svg>',
  };
  const PRIORITIES = ["lansia", "disabilitas", "ibu_hamil", "anak"];

  // ---------------------------------------------------------------- state
  let site = null;
  let queues = {};
  let view = "wait";
  let priority = null;
  let query = "";
  let currentAgency = null;
  let ticket = null;
  let printTimer = null;
  let idleTimer = null;
  let connected = false;
  let issuing = false;

  const $ = (id) => document.getElementById(id);
  // Replaces an element's content only when it changed: live updates then never swap
  // a tile out from under a finger that is tapping it.
  function setHtml(el, html) {
    if (el._html !== html) {
      el.innerHTML = html;
      el._html = html;
    }
  }

  function setView(name) {
    view = name;
    for (const v of ["home", "agency", "search", "ticket", "wait"]) $("view-" + v).hidden = v !== name;
    if (name !== "ticket" && printTimer) { clearInterval(printTimer); printTimer = null; }
    touch();
  }

  function touch() {
    clearTimeout(idleTimer);
    let ms = 0;
    if (view === "ticket") ms = ticketFailed() ? IDLE_HOME_FAILED_MS : IDLE_HOME_MS;
    else if (view === "agency" || view === "search") ms = IDLE_BROWSE_MS;
    else if (view === "home" && (priority || query)) ms = IDLE_BROWSE_MS;
    if (ms) idleTimer = setTimeout(goHome, ms);
  }

  function goHome() {
    priority = null;
    query = "";
    ticket = null;
    currentAgency = null;
    closeDialog();
    renderChrome();
    renderHome();
    setView("home");
  }

  // ---------------------------------------------------------------- network
  async function request(method, path, body, key) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers["Authorization"] = "Bearer " + token;
    if (key) headers["Idempotency-Key"] = key;
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), REQUEST_TIMEOUT_MS);
    try {
      const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: ctl.signal, cache: "no-store" });
      let data = null;
      try { data = await res.json(); } catch (_) { data = null; }
      return { status: res.status, data };
    } finally {
      clearTimeout(timer);
    }
  }

  function randomKey() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function loadSite() {
    let backoff = 1000;
    for (;;) {
      try {
        const res = await request("GET", "/api/v1/site");
        if (res.status === 200 && res.data) return res.data;
      } catch (_) { /* away: retried below */ }
      await sleep(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  async function refreshQueues() {
    try {
      const res = await request("GET", "/api/v1/queues");
      if (res.status === 200 && Array.isArray(res.data)) applyQueues(res.data);
    } catch (_) { /* the stream's reconnect shows the problem */ }
  }

  function applyQueues(list) {
    queues = {};
    for (const q of list) queues[q.service] = q;
    if (view === "home") renderHome();
    if (view === "agency") renderAgency();
    if (view === "search") renderResults();
  }

  let queuesSoon = null;
  function refreshQueuesSoon() {
    if (queuesSoon) return;
    queuesSoon = setTimeout(() => { queuesSoon = null; refreshQueues(); }, 400);
  }

  function connectStream() {
    let backoff = 1000;
    const open = () => {
      const proto = location.protocol === "https:" ? "wss:" : "ws:";
      let ws;
      try { ws = new WebSocket(proto + "//" + location.host + "/api/v1/stream"); } catch (_) { retry(); return; }
      ws.onmessage = (m) => {
        let msg;
        try { msg = JSON.parse(m.data); } catch (_) { return; }
        if (msg.type === "snapshot") {
          backoff = 1000;
          // Back after a drop: the server may have restarted with a changed site.
          if (!connected && everConnected) reloadSite();
          everConnected = true;
          setConnected(true);
          if (Array.isArray(msg.queues)) applyQueues(msg.queues);
        } else if (typeof msg.type === "string" && msg.type.startsWith("ticket.")) {
          refreshQueuesSoon();
        } else if (typeof msg.type === "string" && msg.type.startsWith("counter.")) {
          refreshQueuesSoon();
        }
      };
      ws.onclose = () => { setConnected(false); retry(); };
      ws.onerror = () => { try { ws.close(); } catch (_) { /* closing anyway */ } };
    };
    const retry = () => {
      setTimeout(open, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
    open();
  }

  let everConnected = false;
  async function reloadSite() {
    try {
      const res = await request("GET", "/api/v1/site");
      if (res.status !== 200 || !res.data) return;
      site = res.data;
      buildIndex();
      renderChrome();
      if (view === "home") renderHome();
      if (view === "agency") renderAgency();
      if (view === "search") renderResults();
    } catch (_) { /* the next reconnect tries again */ }
  }

  function setConnected(on) {
    connected = on;
    const b = $("banner");
    b.hidden = on;
    b.innerHTML = both("reconnecting");
  }

  // ---------------------------------------------------------------- rendering
  function renderChrome() {
    document.documentElement.lang = lang === 0 ? "id" : "en";
    for (const el of document.querySelectorAll("[data-t]")) el.textContent = tr(el.dataset.t);
    for (const el of document.querySelectorAll("[data-t2]")) el.textContent = tr2(el.dataset.t2);
    $("lang-main").textContent = lang === 0 ? "English" : "Bahasa Indonesia";
    $("lang-sub").textContent = lang === 0 ? "Ganti bahasa" : "Change language";
    const pb = $("priority-button");
    pb.setAttribute("aria-pressed", priority ? "true" : "false");
    pb.querySelector(".pill-icon").innerHTML = ICONS[priority || "priority"];
    pb.querySelector(".pill-text").innerHTML = priority
      ? "<b>" + esc(tr(priority)) + "</b><small>" + esc(tr("priority")) + "</small>"
      : "<b>" + esc(tr("priority")) + "</b><small>" + esc(tr2("priority")) + "</small>";
    if (site) {
      $("site-name").textContent = site.name;
      const k = site.kiosks.find((x) => x.code === code);
      $("kiosk-name").textContent = k ? k.name : code;
    }
    renderSearchBox();
  }

  function renderSearchBox() {
    $("search-text").textContent = query;
    $("search-placeholder").hidden = query.length > 0;
    $("search-echo").textContent = query;
  }

  function agencyName(a) { return lang === 0 ? a.name : a.name_en; }
  function serviceName(s) { return lang === 0 ? s.name : s.name_en; }
  function serviceName2(s) { return lang === 0 ? s.name_en : s.name; }

  function renderHome() {
    if (!site) return;
    const counts = {};
    for (const s of site.services) counts[s.agency] = (counts[s.agency] || 0) + 1;
    setHtml($("agencies"), site.agencies
      .filter((a) => counts[a.code])
      .map((a) =>
        '<button class="tile" type="button" data-agency="' + esc(a.code) + '">' +
        '<span class="tile-title">' + esc(a.short) + "</span>" +
        '<span class="tile-sub">' + esc(agencyName(a)) + "</span>" +
        '<span class="tile-meta">' + counts[a.code] + " " + esc(tr("services")) + " / " + esc(tr2("services")) + "</span>" +
        "</button>")
      .join(""));
  }

  function stateOf(s) {
    const q = queues[s.code];
    return q ? q.state : "open";
  }

  function serviceTile(s) {
    const q = queues[s.code];
    const state = stateOf(s);
    let meta;
    if (state === "closed") {
      const at = q && q.opens_at ? " — " + tr("opens_at") + " " + q.opens_at : "";
      const at2 = q && q.opens_at ? " — " + tr2("opens_at") + " " + q.opens_at : "";
      meta = '<span class="badge closed">' + esc(tr("closed") + at) + "</span><small>" + esc(tr2("closed") + at2) + "</small>";
    } else if (state === "full") {
      meta = '<span class="badge full">' + esc(tr("full")) + "</span><small>" + esc(tr2("full")) + "</small>";
    } else if (q) {
      const mins = Math.ceil((q.estimated_wait_s || 0) / 60);
      const line = (l) => q.waiting + " " + T.waiting[l] + (mins > 0 ? " · ± " + mins + " " + T.minutes[l] : "");
      meta = '<span class="badge open">' + esc(tr("open")) + "</span> " + esc(line(lang)) + "<small>" + esc(line(1 - lang)) + "</small>";
    } else {
      meta = "";
    }
    const agency = site.agencies.find((a) => a.code === s.agency);
    return '<button class="tile ' + state + '" type="button" data-service="' + esc(s.code) + '">' +
      '<span class="tile-title">' + esc(serviceName(s)) + "</span>" +
      '<span class="tile-sub">' + esc(serviceName2(s)) + (view === "search" && agency ? " · " + esc(agency.short) : "") + "</span>" +
      '<span class="tile-meta">' + meta + "</span></button>";
  }

  function renderAgency() {
    const a = site.agencies.find((x) => x.code === currentAgency);
    if (!a) return;
    $("agency-title").innerHTML = esc(a.short) + "<small>" + esc(agencyName(a)) + "</small>";
    setHtml($("services"), site.services.filter((s) => s.agency === a.code).map(serviceTile).join(""));
  }

  // ---------------------------------------------------------------- search
  const norm = (s) => String(s).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, " ").trim();

  function distance(a, b) {
    // Edit distance where swapping two neighbouring letters ("psapor") is one typo
    // (optimal string alignment); small strings only.
    const d = [];
    for (let i = 0; i <= a.length; i++) { d.push(new Array(b.length + 1).fill(0)); d[i][0] = i; }
    for (let j = 0; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.length][b.length];
  }

  let index = [];
  function buildIndex() {
    index = site.services.map((s) => {
      const agency = site.agencies.find((a) => a.code === s.agency) || {};
      const strong = norm((s.keywords || []).join(" ") + " " + (agency.short || "")).split(" ").filter(Boolean);
      const weak = norm(s.name + " " + s.name_en + " " + (agency.name || "") + " " + s.code).split(" ").filter(Boolean);
      const phrases = new Set((s.keywords || []).map(norm));
      return { s, strong: new Set(strong), weak: new Set(weak), phrases };
    });
  }

  // How well one typed word matches a set of words: exact 6, start of a word 4, with a
  // typo 2 (one wrong letter, two from eight letters on), none 0.
  function wordScore(q, words) {
    let best = 0;
    for (const w of words) {
      if (w === q) return 6;
      if (q.length >= 2 && w.startsWith(q)) { best = Math.max(best, 4); continue; }
      if (q.length >= 4) {
        const allowed = q.length >= 8 ? 2 : 1;
        const whole = distance(q, w) <= allowed;
        const start = w.length > q.length && distance(q, w.slice(0, q.length)) <= allowed;
        if (whole || start) best = Math.max(best, 2);
      }
    }
    return best;
  }

  function search(text) {
    const words = norm(text).split(" ").filter(Boolean);
    if (!words.length) return [];
    let found = [];
    for (const e of index) {
      let total = 0;
      let all = true;
      let typo = false;
      for (const q of words) {
        // Keywords (the words people actually type) weigh more than names.
        const strong = wordScore(q, e.strong);
        const weak = wordScore(q, e.weak);
        const sc = Math.max(strong ? strong + 1 : 0, weak);
        if (!sc) { all = false; break; }
        if (Math.max(strong, weak) === 2) typo = true;
        total += sc;
      }
      // Typed exactly as one of the service's keywords ("ktp", not "ktp digital").
      if (all && e.phrases.has(words.join(" "))) total += 3;
      if (all) found.push({ s: e.s, score: total, typo });
    }
    // Typo matches only help when nothing matches as typed: "paspor" must not also
    // list "lapor".
    if (found.some((f) => !f.typo)) found = found.filter((f) => !f.typo);
    found.sort((a, b) => b.score - a.score || a.s.name.localeCompare(b.s.name));
    return found.map((f) => f.s);
  }

  function renderResults() {
    const box = $("results");
    if (!query.trim()) {
      setHtml(box, '<div class="empty">' + both("type_to_search") + "</div>");
      return;
    }
    const list = search(query);
    setHtml(box, list.length ? list.map(serviceTile).join("") : '<div class="empty">' + both("no_results") + "</div>");
  }

  function renderKeyboard() {
    const rows = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];
    let html = rows.map((r) => '<div class="kb-row">' + Array.from(r, (c) => '<button class="key" type="button" data-key="' + c + '">' + c.toUpperCase() + "</button>").join("") + "</div>").join("");
    html += '<div class="kb-row">' +
      '<button class="key wide" type="button" data-key="clear">' + esc(tr("clear")) + "</button>" +
      '<button class="key space" type="button" data-key=" ">' + esc(tr("space")) + "</button>" +
      '<button class="key wide" type="button" data-key="back" aria-label="backspace">&#9003;</button></div>';
    $("keyboard").innerHTML = html;
  }

  function typeKey(k) {
    if (k === "back") query = query.slice(0, -1);
    else if (k === "clear") query = "";
    else if (query.length < 40) query += k;
    renderSearchBox();
    renderResults();
  }

  // ---------------------------------------------------------------- dialogs
  function dialog(bodyHtml, choices) {
    $("dialog-body").innerHTML = bodyHtml;
    $("dialog-choices").innerHTML = choices.map((c, i) => '<button class="choice ' + (c.cls || "") + '" type="button" data-choice="' + i + '">' + c.html + "</button>").join("");
    $("dialog").hidden = false;
    $("dialog")._choices = choices;
    touch();
  }
  function closeDialog() { $("dialog").hidden = true; }

  function message(key) {
    dialog(both(key), [{ html: "<b>" + esc(tr("ok")) + "</b>", cls: "plain", run: closeDialog }]);
  }

  function choosePriority() {
    const choices = PRIORITIES.map((p) => ({
      html: ICONS[p] + "<span><b>" + esc(tr(p)) + "</b><small>" + esc(tr2(p)) + "</small></span>",
      cls: priority === p ? "selected" : "",
      run: () => { priority = p; closeDialog(); renderChrome(); touch(); },
    }));
    choices.push({ html: "<span><b>" + esc(tr("no_priority")) + "</b><small>" + esc(tr2("no_priority")) + "</small></span>", cls: "plain" + (priority ? "" : " selected"), run: () => { priority = null; closeDialog(); renderChrome(); } });
    dialog(both("priority_q"), choices);
  }

  // ---------------------------------------------------------------- tickets
  async function take(serviceCode) {
    if (issuing) return;
    const s = site.services.find((x) => x.code === serviceCode);
    if (!s) return;
    const state = stateOf(s);
    if (state === "closed") {
      const q = queues[s.code];
      const at = q && q.opens_at ? { t: [" Buka pukul " + q.opens_at + ".", " Opens at " + q.opens_at + "."] } : null;
      dialog(esc(tr("closed_msg")) + (at ? esc(at.t[lang]) : "") + "<small>" + esc(tr2("closed_msg")) + (at ? esc(at.t[1 - lang]) : "") + "</small>",
        [{ html: "<b>" + esc(tr("ok")) + "</b>", cls: "plain", run: closeDialog }]);
      return;
    }
    if (state === "full") { message("full_msg"); return; }
    issuing = true;
    $("wait-text").innerHTML = both("taking");
    setView("wait");
    const key = randomKey();
    const body = { service: s.code, priority: priority, kiosk: code };
    let res = null;
    try {
      for (let attempt = 0; attempt < ISSUE_ATTEMPTS; attempt++) {
        try {
          res = await request("POST", "/api/v1/tickets", body, key);
          if (res.status < 500) break;
        } catch (_) {
          res = null; // timed out or unreachable: the same key makes the retry safe
        }
        await sleep(1000 * (attempt + 1));
      }
    } finally {
      issuing = false;
    }
    if (res && res.status === 201 && res.data) {
      showTicket(res.data, s);
      refreshQueuesSoon();
      return;
    }
    goHome();
    const errCode = res && res.data && res.data.error ? res.data.error.code : "";
    if (errCode === "quota_full") message("full_msg");
    else if (errCode === "service_closed") message("closed_msg");
    else if (res && res.status === 429) message("busy_msg");
    else if (res && res.status === 401) { localStorage.removeItem(tokenKey); token = null; message("token_msg"); }
    else message("error_msg");
  }

  let printState = null;
  let reprintAsked = false;
  function ticketFailed() { return printState === "warn"; }

  function showTicket(t, s) {
    ticket = t;
    printState = "busy";
    reprintAsked = false;
    $("ticket-number").textContent = t.number;
    $("ticket-service").innerHTML = esc(serviceName(s)) + "<small>" + esc(serviceName2(s)) + "</small>";
    const pr = $("ticket-priority");
    pr.hidden = !t.priority;
    if (t.priority) pr.textContent = tr("priority") + ": " + tr(t.priority) + " / " + tr2(t.priority);
    $("ticket-ahead").innerHTML = t.position != null ? esc(t.position) + " <small>" + esc(tr("people")) + " / " + esc(tr2("people")) + "</small>" : "—";
    const mins = t.estimated_wait_s != null ? Math.ceil(t.estimated_wait_s / 60) : null;
    $("ticket-wait").innerHTML = mins == null ? "—" : mins === 0 ? esc(tr("soon")) + "<small>" + esc(tr2("soon")) + "</small>" : "± " + mins + " <small>" + esc(tr("minutes")) + " / " + esc(tr2("minutes")) + "</small>";
    $("ticket-qr").src = "/api/v1/track/" + encodeURIComponent(t.track_token) + "/qr.svg";
    $("reprint").hidden = true;
    setPrintState("busy", both("printing"));
    setView("ticket");
    pollPrint();
    printTimer = setInterval(pollPrint, PRINT_POLL_MS);
  }

  function setPrintState(kind, html) {
    const changed = printState !== kind;
    printState = kind;
    const el = $("print-state");
    el.className = "print-state " + kind;
    el.innerHTML = html;
    if (changed) touch();
  }

  async function pollPrint() {
    if (!ticket) return;
    const id = ticket.id;
    let res;
    try { res = await request("GET", "/api/v1/kiosks/" + encodeURIComponent(code)); } catch (_) { return; }
    if (!ticket || ticket.id !== id || !res || res.status !== 200 || !res.data) return;
    const k = res.data;
    const job = (k.jobs || []).filter((j) => j.ticket === id).pop();
    $("reprint").hidden = !(k.connected && job && job.state === "printed");
    if (job && job.state === "printed") {
      setPrintState("ok", both("printed"));
      return;
    }
    if (!k.connected || !k.printer) { setPrintState("warn", both("no_printer")); return; }
    const st = k.printer.state;
    if (job && job.state === "retrying" || ["paper_end", "cover_open", "offline"].includes(st)) {
      const why = T[st] ? { why: T[st] } : { why: T.offline };
      setPrintState("warn", both("print_wait", why));
      return;
    }
    setPrintState("busy", both(reprintAsked ? "reprint_asked" : "printing"));
  }

  async function reprint() {
    if (!ticket) return;
    reprintAsked = true;
    setPrintState("busy", both("reprint_asked"));
    $("reprint").hidden = true;
    try { await request("POST", "/api/v1/kiosks/" + encodeURIComponent(code) + "/reprint", { ticket: ticket.id }); } catch (_) { /* shown by the next poll */ }
  }

  // ---------------------------------------------------------------- events
  document.addEventListener("click", (e) => {
    touch();
    const el = e.target.closest("button");
    if (!el) return;
    if (el.dataset.choice !== undefined) {
      const c = $("dialog")._choices[Number(el.dataset.choice)];
      if (c && c.run) c.run();
      return;
    }
    if (el.dataset.action === "home") { goHome(); return; }
    if (el.dataset.agency) { currentAgency = el.dataset.agency; renderAgency(); setView("agency"); $("services").scrollTop = 0; return; }
    if (el.dataset.service) { take(el.dataset.service); return; }
    if (el.dataset.key !== undefined) { typeKey(el.dataset.key); return; }
    if (el.id === "search-box") { renderKeyboard(); renderResults(); setView("search"); return; }
    if (el.id === "priority-button") { choosePriority(); return; }
    if (el.id === "reprint") { reprint(); return; }
    if (el.id === "lang-button") {
      lang = 1 - lang;
      localStorage.setItem("antre.kiosk.lang", lang ? "en" : "id");
      renderChrome();
      if (view === "home") renderHome();
      if (view === "agency") renderAgency();
      if (view === "search") { renderKeyboard(); renderResults(); }
      if (view === "ticket" && ticket) { pollPrint(); }
    }
  });
  // A physical keyboard works too (maintenance, and the browser tests).
  document.addEventListener("keydown", (e) => {
    if (view !== "search") return;
    if (e.key === "Backspace") typeKey("back");
    else if (e.key.length === 1 && /[a-zA-Z0-9 ]/.test(e.key)) typeKey(e.key.toLowerCase());
  });
  // Long presses and pinches must not open menus or zoom on a public kiosk.
  document.addEventListener("contextmenu", (e) => e.preventDefault());

  // The site's local time, whatever zone the kiosk PC's own clock is set to.
  function tickClock() {
    const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    let text;
    try {
      text = new Date().toLocaleTimeString("id-ID", { ...options, timeZone: site?.timezone });
    } catch {
      text = new Date().toLocaleTimeString("id-ID", options);
    }
    $("clock").textContent = text.replace(".", ":");
  }

  // ---------------------------------------------------------------- start
  async function start() {
    renderChrome();
    tickClock();
    setInterval(tickClock, 5000);
    $("wait-text").innerHTML = both("connecting");
    setView("wait");
    site = await loadSite();
    if (!site.kiosks.some((k) => k.code === code)) {
      $("wait-text").innerHTML = both("unknown_kiosk");
      $("view-wait").querySelector(".spinner").hidden = true;
      return;
    }
    buildIndex();
    renderChrome();
    await refreshQueues();
    goHome();
    connectStream();
    setInterval(refreshQueues, QUEUES_EVERY_MS);
    document.body.dataset.ready = "1";
  }
  start();
})();
