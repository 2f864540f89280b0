// Kiosk touch page: find a service (by agency or by search), take a ticket, show it
// with its QR code, where the service is and whether the printer printed it. No build
// step, no libraries, works offline on the MPP's LAN. Follows the live stream, so
// waiting counts move as the hall moves; reconnects by itself and never needs a reload.
// Between visitors it makes itself ready for the next one: Bahasa Indonesia, the start
// screen, no priority chosen.
import {
  BOOKING_CODE_ALPHABET as CODE_ALPHABET, bilingual, bookingCode as codeOf, buildIndex, clock, esc, follow, loadSite, newKey, request, search,
  showBookingCode as showCode, sleep, texts, windowTime,
} from "/assets/antre.js";

// Timings, each chosen for people, not machines. The kiosk's idle time (a screen other
// than a fresh start screen with nobody touching it) can be set in the page's address,
// `/kiosk/K1?idle=SECONDS` (docs/deployment.md); the ticket screen's times follow it.
const params = new URLSearchParams(location.search);
const IDLE_S = Number(params.get("idle")) > 0 ? Number(params.get("idle")) : 60;
const IDLE_BROWSE_MS = IDLE_S * 1000;            // a half-finished search is cleared for the next visitor
const IDLE_HOME_MS = IDLE_BROWSE_MS * 25 / 60;   // the ticket screen stays long enough to read and photograph it (25 s)
const IDLE_HOME_FAILED_MS = IDLE_BROWSE_MS * 1.5; // ...and much longer when the printer failed, so the number is not lost (90 s)
const ISSUE_ATTEMPTS = 4;          // retries of one tap, all with the same Idempotency-Key
const PRINT_POLL_MS = 1500;        // printing state refresh while a ticket is shown
const QUEUES_EVERY_MS = 60000;     // opening hours change with the clock, not with events
const QUEUES_SOON_MS = 400;        // one figures request for a burst of events
const CLOCK_EVERY_MS = 5000;       // the clock shows minutes; a few seconds late is fine
// A 2D scanner types what it reads, then Enter, a few milliseconds a key: keys further
// apart than this start a new code; a code typed within SCAN_FAST_MS is a scan even in
// the search box.
const SCAN_GAP_MS = 1500;
const SCAN_FAST_MS = 1500;

const code = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const tokenKey = "antre.kiosk." + code + ".token";
// The device token, given once in the address's fragment (`#token=…`, which never goes
// over the network): kept in local storage and taken out of the address.
function takeTokenFromAddress() {
  const given = new URLSearchParams(location.hash.slice(1)).get("token");
  if (!given) return false;
  localStorage.setItem(tokenKey, given);
  history.replaceState(null, "", location.pathname + location.search);
  return true;
}
takeTokenFromAddress();
let token = localStorage.getItem(tokenKey);
// The site's time zone, remembered so the clock is right from the first frame of the
// next start (index.html reads these before anything else loads).
const ZONE_KEY = "antre.kiosk.timezone";
const ZONE_ABBR_KEY = "antre.kiosk.zone_abbr";
// Earlier versions kept the language across restarts; every visitor now starts in
// Bahasa Indonesia.
localStorage.removeItem("antre.kiosk.lang");

// ---------------------------------------------------------------- texts
const T = {
  priority: ["Prioritas", "Priority"],
  search: ["Cari layanan: ktp, paspor, sim, npwp…", "Search a service"],
  search_label: ["Cari layanan", "Search a service"],
  found: ["{n} layanan ditemukan", "{n} services found"],
  keyboard: ["Papan ketik", "Keyboard"],
  backspace: ["Hapus satu huruf", "Delete one letter"],
  place: ["Lokasi layanan", "Service location"],
  priority_list: ["Jenis pengunjung prioritas", "Kinds of priority visitor"],
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
  needs: ["Persyaratan yang dibawa", "What to bring"],
  opens_at: ["buka pukul", "opens at"],
  full: ["Kuota hari ini habis", "Today's quota is used up"],
  services: ["layanan", "services"],
  service_one: ["layanan", "service"],
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
  have_booking: ["Punya kode booking?", "Have a booking?"],
  checkin_title: ["Check-in booking", "Booking check-in"],
  checkin_scan: ["Pindai kode QR booking Anda pada pemindai, atau ketik kodenya di bawah.", "Scan your booking's QR code on the scanner, or type its code below."],
  checkin_code: ["Kode booking", "Booking code"],
  checkin_go: ["Check-in", "Check in"],
  code_keyboard: ["Papan ketik kode booking", "Booking code keyboard"],
  checking_in: ["Memeriksa booking…", "Checking your booking…"],
  checkin_not_found: ["Kode booking {code} tidak ditemukan. Periksa kodenya, atau hubungi petugas.", "Booking code {code} was not found. Check the code, or ask an officer."],
  checkin_early: ["Terlalu awal. Check-in booking {code} dibuka {from} sampai {until}. Silakan kembali pada waktu itu.", "Too early. Check-in for booking {code} is open from {from} to {until}. Please come back then."],
  checkin_late: ["Waktu check-in booking {code} sudah lewat (sampai {until}). Silakan ambil nomor antrian biasa atau hubungi petugas.", "The check-in time of booking {code} has passed (until {until}). Please take an ordinary number or ask an officer."],
  checkin_closed: ["Check-in booking {code} hanya {from} sampai {until}.", "Booking {code} can be checked in from {from} to {until} only."],
  checkin_done: ["Booking {code} sudah check-in; nomor antriannya sudah diberikan. Hubungi petugas bila nomornya hilang.", "Booking {code} is already checked in and has its number. Ask an officer if the number is lost."],
  checkin_inactive: ["Booking {code} sudah dibatalkan atau tidak berlaku lagi.", "Booking {code} was cancelled or is no longer valid."],
  checkin_error: ["Maaf, check-in gagal. Silakan coba lagi atau hubungi petugas.", "Sorry, the check-in failed. Please try again or ask an officer."],
};
const L = texts(T, "id");
const tr = L.tr;
const tr2 = L.other;
const both = L.both;
// The other language's text under the main one, marked with its language.
const small = (text) => '<small lang="' + L.otherLang + '">' + esc(text) + "</small>";

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
// What tests and support staff may read: the live stream's handle (its seq, whether
// connected, how it last connected), the waiting figures shown, the idle time and how
// many times the kiosk made itself ready for the next visitor.
const antreKiosk = { stream: null, idleMs: IDLE_BROWSE_MS, resets: 0, get queues() { return queues; } };
window.antreKiosk = antreKiosk;

let site = null;
let queues = {};
let view = "wait";
let priority = null;
let query = "";
let currentAgency = null;
let ticket = null;
let printTimer = null;
let idleTimer = null;
let issuing = false;
let checkinCode = ""; // the booking code typed on the check-in screen (8 characters at most)
let scanned = [];     // what a scanner (or anyone) typed since the last pause: keys with their times

const $ = (id) => document.getElementById(id);
// Replaces an element's content only when it changed: live updates then never swap
// a tile out from under a finger that is tapping it.
function setHtml(el, html) {
  if (el._html !== html) {
    el.innerHTML = html;
    el._html = html;
  }
}

// Shows one view. `focus`: move the focus to the view's heading, so a keyboard or
// screen reader user continues from what just appeared (not from a button now hidden).
function setView(name, focus) {
  view = name;
  scanned = []; // what was typed before belongs to the screen before
  for (const v of ["home", "agency", "search", "checkin", "ticket", "wait"]) $("view-" + v).hidden = v !== name;
  if (name !== "ticket" && printTimer) { clearInterval(printTimer); printTimer = null; }
  if (focus) {
    const target = { home: "home-heading", agency: "agency-title", search: "search-echo", checkin: "checkin-code", ticket: "ticket-head" }[name];
    if (target) $(target).focus({ preventScroll: true });
  }
  touch();
}

// Whether the kiosk is as the next visitor should find it: the start screen, in Bahasa
// Indonesia, no priority chosen, nothing typed, no dialog open.
function fresh() {
  return view === "home" && L.lang === "id" && !priority && !query && $("dialog").hidden &&
    $("agencies").scrollTop === 0;
}

// Someone is using the kiosk: the idle countdown starts again. Not while a ticket is
// being taken, nor while the kiosk is already fresh.
function touch() {
  clearTimeout(idleTimer);
  idleTimer = null;
  if (view === "wait") return;
  if (view === "home" && fresh()) return;
  const ms = view === "ticket" ? (ticketFailed() ? IDLE_HOME_FAILED_MS : IDLE_HOME_MS) : IDLE_BROWSE_MS;
  idleTimer = setTimeout(resetForNext, ms);
}

// Back to the start screen, keeping what this visitor chose (language, priority).
function goHome(focus) {
  query = "";
  checkinCode = "";
  ticket = null;
  currentAgency = null;
  closeDialog();
  renderChrome();
  renderHome();
  $("agencies").scrollTop = 0;
  setView("home", focus);
}

// Ready for the next visitor (after "Done" or when nobody touched the kiosk for its idle
// time): Bahasa Indonesia, no priority, the start screen.
function resetForNext() {
  antreKiosk.resets++;
  L.set("id");
  priority = null;
  goHome(false);
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
}

// ---------------------------------------------------------------- network
// Every request carries the kiosk's token when it has one: a kiosk is not rate-limited.
const api = (method, path, body, key) => request(method, path, { body, token, key });

async function refreshQueues() {
  try {
    const res = await api("GET", "/api/v1/queues");
    if (res.status === 200 && Array.isArray(res.data)) applyQueues(res.data);
  } catch (_) { /* the stream's reconnect shows the problem */ }
}

// Figures the server computed (a snapshot, GET /queues): they replace what events
// changed since.
function applyQueues(list) {
  queues = {};
  for (const q of list) {
    queues[q.service] = q;
    // The average service time the figures imply, to estimate waits as events change the
    // lines: the server's rule is people ahead × average / open counters.
    if (q.waiting > 0) average[q.service] = (q.estimated_wait_s || 0) * Math.max(1, q.counters_open || 0) / q.waiting;
  }
  renderLive();
}

function renderLive() {
  if (view === "home") renderHome();
  if (view === "agency") renderAgency();
  if (view === "search") renderResults();
}

let queuesSoon = null;
function refreshQueuesSoon() {
  if (queuesSoon) return;
  queuesSoon = setTimeout(() => { queuesSoon = null; refreshQueues(); }, QUEUES_SOON_MS);
}

// ---------------------------------------------------------------- live lines
// Events move the waiting counts at once; the figures request that follows a burst of
// events brings what an event cannot tell (opening hours, a new day, and a cancelled
// ticket whose earlier state this page never saw).
const average = {};          // service -> seconds per visitor, from the last figures
const inLine = new Set();    // tickets seen joining a line since the page started
const counterStatus = {};    // counter code -> open | paused | closed

function queueOf(service) {
  return queues[service] || null;
}

function estimate(q) {
  const avg = average[q.service];
  if (avg !== undefined) q.estimated_wait_s = Math.ceil(q.waiting * avg / Math.max(1, q.counters_open || 0));
}

function join(t) {
  const q = queueOf(t.service);
  inLine.add(t.id);
  if (!q) return;
  q.waiting++;
  if (t.priority) q.priority_waiting = (q.priority_waiting || 0) + 1;
  estimate(q);
}

function leave(t) {
  const q = queueOf(t.service);
  inLine.delete(t.id);
  if (!q) return;
  q.waiting = Math.max(0, q.waiting - 1);
  if (t.priority) q.priority_waiting = Math.max(0, (q.priority_waiting || 0) - 1);
  estimate(q);
}

function applyEvent(e) {
  const t = e.ticket;
  switch (t ? e.type : "") {
    case "ticket.issued": {
      join(t);
      const q = queueOf(t.service);
      if (q) {
        q.issued_today = (q.issued_today || 0) + 1;
        if (q.quota_left != null) {
          q.quota_left = Math.max(0, q.quota_left - 1);
          if (q.quota_left === 0 && q.state === "open") q.state = "full";
        }
      }
      break;
    }
    case "ticket.transferred":
    case "ticket.reinstated":
      join(t);
      break;
    case "ticket.called":
      leave(t);
      break;
    case "ticket.cancelled":
      // Only waiting, held and missed tickets can be cancelled; one never called was
      // waiting, and so was one this page saw join a line.
      if (inLine.has(t.id) || !t.called_at) leave(t);
      break;
    default:
      break;
  }
  if (e.counter) {
    const before = counterStatus[e.counter.code];
    const after = e.counter.status;
    counterStatus[e.counter.code] = after;
    const info = site.counters.find((c) => c.code === e.counter.code);
    if (info && before !== undefined && (before === "open") !== (after === "open")) {
      for (const code of info.services) {
        const q = queueOf(code);
        if (!q) continue;
        q.counters_open = Math.max(0, (q.counters_open || 0) + (after === "open" ? 1 : -1));
        estimate(q);
      }
    }
  }
  renderLive();
}

let everOnline = false;
function followStream() {
  antreKiosk.stream = follow({
    onSnapshot(s) {
      for (const c of s.counters || []) counterStatus[c.code] = c.status;
      if (Array.isArray(s.queues)) applyQueues(s.queues);
    },
    onEvent(e) {
      if (e.type.startsWith("ticket.") || e.type.startsWith("counter.")) {
        applyEvent(e);
        refreshQueuesSoon();
      } else if (e.type === "site.changed") {
        // The manager changed the site: new services, names, hours, holidays, at once.
        reloadSite().then(refreshQueues);
      }
    },
    onOnline() {
      // Back after a drop: the server may have restarted with a changed site.
      if (everOnline) reloadSite();
      everOnline = true;
      setConnected(true);
    },
    onOffline() { setConnected(false); },
  });
}

async function reloadSite() {
  try {
    const res = await api("GET", "/api/v1/site");
    if (res.status !== 200 || !res.data) return;
    site = res.data;
    rememberZone();
    index = buildIndex(site);
    renderChrome();
    renderLive();
  } catch (_) { /* the next reconnect tries again */ }
}

function setConnected(on) {
  const b = $("banner");
  b.hidden = on;
  b.innerHTML = both("reconnecting");
}

// ---------------------------------------------------------------- rendering
// The other language's text beside the current one, marked with its language.
const otherText = (text) => '<span lang="' + L.otherLang + '">' + esc(text) + "</span>";

function renderChrome() {
  document.documentElement.lang = L.lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = tr(el.dataset.t);
  for (const el of document.querySelectorAll("[data-t2]")) {
    el.textContent = tr2(el.dataset.t2);
    el.lang = L.otherLang;
  }
  // The button names the language it switches to, in that language.
  $("lang-main").textContent = L.lang === "id" ? "English" : "Bahasa Indonesia";
  $("lang-main").lang = L.otherLang;
  $("lang-sub").textContent = L.lang === "id" ? "Ganti bahasa" : "Change language";
  $("lang-sub").lang = L.lang;
  const pb = $("priority-button");
  pb.setAttribute("aria-pressed", priority ? "true" : "false");
  pb.querySelector(".pill-icon").innerHTML = ICONS[priority || "priority"];
  pb.querySelector(".pill-text").innerHTML = priority
    ? "<b>" + esc(tr(priority)) + "</b><small>" + esc(tr("priority")) + "</small>"
    : "<b>" + esc(tr("priority")) + "</b>" + small(tr2("priority"));
  $("keyboard").setAttribute("aria-label", tr("keyboard"));
  $("code-keyboard").setAttribute("aria-label", tr("code_keyboard"));
  $("token-warning").hidden = !!token;
  if (site) {
    $("site-name").textContent = site.name;
    const k = site.kiosks.find((x) => x.code === code);
    $("kiosk-name").textContent = k ? k.name : code;
  }
  renderSearchBox();
}

function renderSearchBox() {
  const input = $("search-echo");
  if (input.value !== query) input.value = query;
}

function agencyName(a) { return L.lang === "id" ? a.name : a.name_en; }
function serviceName(s) { return L.lang === "id" ? s.name : s.name_en; }
function serviceName2(s) { return L.lang === "id" ? s.name_en : s.name; }

// Where a service is served: the names of the zones of the counters serving it, in the
// site's order of counters ("Lantai 2 — Zona B"), as the printed ticket says it.
function placesOf(serviceCode) {
  const zones = [];
  for (const c of site.counters) {
    if (c.services.includes(serviceCode) && !zones.includes(c.zone)) zones.push(c.zone);
  }
  return zones.map((z) => (site.zones.find((x) => x.code === z) || { name: z }).name);
}

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
      '<span class="tile-meta">' + counts[a.code] + " " + esc(tr(counts[a.code] === 1 ? "service_one" : "services")) + " / " +
      otherText(tr2(counts[a.code] === 1 ? "service_one" : "services")) + "</span>" +
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
    // A holiday names itself ("Tutup — Hari Raya Natal"); otherwise when it opens.
    const why = q && q.holiday ? " — " + q.holiday : "";
    const at = why || (q && q.opens_at ? " — " + tr("opens_at") + " " + q.opens_at : "");
    const at2 = why || (q && q.opens_at ? " — " + tr2("opens_at") + " " + q.opens_at : "");
    meta = '<span class="badge closed">' + esc(tr("closed") + at) + "</span>" + small(tr2("closed") + at2);
  } else if (state === "full") {
    meta = '<span class="badge full">' + esc(tr("full")) + "</span>" + small(tr2("full"));
  } else if (q) {
    const mins = Math.ceil((q.estimated_wait_s || 0) / 60);
    const line = (l) => q.waiting + " " + L.in("waiting", l) + (mins > 0 ? " · ± " + mins + " " + L.in("minutes", l) : "");
    meta = '<span class="badge open">' + esc(tr("open")) + "</span> " + '<span class="waiting">' + esc(line(L.index)) + "</span>" + small(line(1 - L.index));
  } else {
    meta = "";
  }
  const agency = site.agencies.find((a) => a.code === s.agency);
  return '<button class="tile ' + state + '" type="button" data-service="' + esc(s.code) + '">' +
    '<span class="tile-title">' + esc(serviceName(s)) + "</span>" +
    '<span class="tile-sub"><span lang="' + L.otherLang + '">' + esc(serviceName2(s)) + "</span>" + (view === "search" && agency ? " · " + esc(agency.short) : "") + "</span>" +
    '<span class="tile-meta">' + meta + "</span></button>";
}

function renderAgency() {
  const a = site.agencies.find((x) => x.code === currentAgency);
  if (!a) return;
  $("agency-title").innerHTML = esc(a.short) + "<small>" + esc(agencyName(a)) + "</small>";
  setHtml($("services"), site.services.filter((s) => s.agency === a.code).map(serviceTile).join(""));
}

// ---------------------------------------------------------------- search
let index = []; // the site's services, indexed for search (antre.js)

function renderResults() {
  const box = $("results");
  if (!query.trim()) {
    setHtml(box, '<div class="empty">' + both("type_to_search") + "</div>");
    $("results-status").textContent = "";
    return;
  }
  const list = search(index, query);
  setHtml(box, list.length ? list.map(serviceTile).join("") : '<div class="empty">' + both("no_results") + "</div>");
  // Said by screen readers after each change (the status region is polite).
  $("results-status").textContent = list.length ? tr("found", { n: list.length }) : tr("no_results");
}

// The on-screen keyboards: the search's (letters, digits, space) and the booking
// code's (the same rows with only the code's characters).
const KEY_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];
const CODE_ROWS = KEY_ROWS.map((r) => Array.from(r).filter((c) => CODE_ALPHABET.includes(c.toUpperCase())).join(""));

function keyboardHtml(rows, space) {
  let html = rows.map((r) => '<div class="kb-row">' + Array.from(r, (c) => '<button class="key" type="button" data-key="' + c + '">' + c.toUpperCase() + "</button>").join("") + "</div>").join("");
  html += '<div class="kb-row">' +
    '<button class="key wide" type="button" data-key="clear">' + esc(tr("clear")) + "</button>" +
    (space ? '<button class="key space" type="button" data-key=" ">' + esc(tr("space")) + "</button>" : "") +
    '<button class="key wide" type="button" data-key="back" aria-label="' + esc(tr("backspace")) + '"><span aria-hidden="true">&#9003;</span></button></div>';
  return html;
}

function renderKeyboard() {
  $("keyboard").innerHTML = keyboardHtml(KEY_ROWS, true);
  $("code-keyboard").innerHTML = keyboardHtml(CODE_ROWS, false);
}

function setQuery(text) {
  query = text.toLowerCase().slice(0, 40);
  renderSearchBox();
  renderResults();
  touch();
}

function typeKey(k) {
  if (view === "checkin") {
    if (k === "back") setCode(checkinCode.slice(0, -1));
    else if (k === "clear") setCode("");
    else setCode(checkinCode + k);
    return;
  }
  if (k === "back") setQuery(query.slice(0, -1));
  else if (k === "clear") setQuery("");
  else setQuery(query + k);
}

// ---------------------------------------------------------------- dialogs
// One modal dialog (the browser's own <dialog>, labelled by its question: the page
// behind it is inert, Tab goes round its buttons and Escape closes it) for the priority
// choice and for messages. The choices are a list of buttons, named for the priority
// choice; the focus goes to the current choice (or the first) and back to where it was
// when the dialog closes.
let dialogReturn = null;
function dialog(bodyHtml, choices, listLabel) {
  const d = $("dialog");
  $("dialog-body").innerHTML = bodyHtml;
  const list = $("dialog-choices");
  list.innerHTML = choices.map((c, i) =>
    '<li><button class="choice ' + (c.cls || "") + '" type="button" data-choice="' + i + '"' +
    (c.pressed !== undefined ? ' aria-pressed="' + c.pressed + '"' : "") + ">" + c.html + "</button></li>").join("");
  if (listLabel) list.setAttribute("aria-label", listLabel);
  else list.removeAttribute("aria-label");
  d._choices = choices;
  if (d.hidden) dialogReturn = document.activeElement;
  d.hidden = false;
  if (!d.open) d.showModal();
  const chosen = list.querySelector('[aria-pressed="true"]') || list.querySelector("button");
  if (chosen) chosen.focus();
  touch();
}

function closeDialog() {
  const d = $("dialog");
  if (d.hidden) return;
  d.hidden = true;
  if (d.open) d.close();
  const back = dialogReturn;
  dialogReturn = null;
  if (back && back !== document.body && document.contains(back) && !back.closest("[hidden]")) back.focus({ preventScroll: true });
  touch();
}

function message(key) {
  dialog(both(key), [{ html: "<b>" + esc(tr("ok")) + "</b>", cls: "plain", run: closeDialog }]);
}

function choosePriority() {
  const choices = PRIORITIES.map((p) => ({
    html: ICONS[p].replace("<svg ", '<svg aria-hidden="true" ') + "<span><b>" + esc(tr(p)) + "</b>" + small(tr2(p)) + "</span>",
    cls: priority === p ? "selected" : "",
    pressed: priority === p,
    run: () => { priority = p; closeDialog(); renderChrome(); touch(); },
  }));
  choices.push({
    html: "<span><b>" + esc(tr("no_priority")) + "</b>" + small(tr2("no_priority")) + "</span>",
    cls: "plain" + (priority ? "" : " selected"),
    pressed: !priority,
    run: () => { priority = null; closeDialog(); renderChrome(); touch(); },
  });
  dialog(both("priority_q"), choices, tr("priority_list"));
}

// ---------------------------------------------------------------- tickets
async function take(serviceCode) {
  if (issuing) return;
  const s = site.services.find((x) => x.code === serviceCode);
  if (!s) return;
  const state = stateOf(s);
  if (state === "closed") {
    const q = queues[s.code];
    const at = q && q.holiday ? { t: [" Tutup — " + q.holiday + ".", " Closed today: " + q.holiday + "."] }
      : q && q.opens_at ? { t: [" Buka pukul " + q.opens_at + ".", " Opens at " + q.opens_at + "."] } : null;
    dialog(esc(tr("closed_msg")) + (at ? esc(at.t[L.index]) : "") + small(tr2("closed_msg") + (at ? at.t[1 - L.index] : "")),
      [{ html: "<b>" + esc(tr("ok")) + "</b>", cls: "plain", run: closeDialog }]);
    return;
  }
  if (state === "full") { message("full_msg"); return; }
  issuing = true;
  $("wait-text").innerHTML = both("taking");
  setView("wait");
  const key = newKey();
  const body = { service: s.code, priority: priority, kiosk: code };
  let res = null;
  try {
    for (let attempt = 0; attempt < ISSUE_ATTEMPTS; attempt++) {
      try {
        res = await api("POST", "/api/v1/tickets", body, key);
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
  goHome(true);
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
  ticket.serviceInfo = s;
  printState = "busy";
  reprintAsked = false;
  renderTicket();
  $("ticket-qr").src = "/api/v1/track/" + encodeURIComponent(t.track_token) + "/qr.svg";
  $("reprint").hidden = true;
  setPrintState("busy", both("printing"));
  setView("ticket", true);
  fitNeeds($("ticket-needs-list").children.length > 0);
  pollPrint();
  printTimer = setInterval(pollPrint, PRINT_POLL_MS);
}

// The ticket's facts in the current language: number, service, where it is served,
// people ahead and the estimated wait.
// The ticket never scrolls: where long names and several places leave no room, the
// list of what to bring gives way (the printed ticket and the phone page have it).
function fitNeeds(have) {
  const needs = $("ticket-needs");
  needs.hidden = !have;
  const main = $("main");
  if (have && main.scrollHeight > main.clientHeight + 1) needs.hidden = true;
}

function renderTicket() {
  const t = ticket;
  const s = t.serviceInfo;
  $("ticket-number").textContent = t.number;
  $("ticket-booking").hidden = !t.booking;
  $("ticket-booking").textContent = t.booking ? "BOOKING " + showCode(t.booking) : "";
  $("ticket-service").innerHTML = esc(serviceName(s)) + small(serviceName2(s));
  const pr = $("ticket-priority");
  pr.hidden = !t.priority;
  if (t.priority) pr.innerHTML = esc(tr("priority") + ": " + tr(t.priority)) + " / " + otherText(tr2(t.priority));
  const places = placesOf(s.code);
  $("ticket-place").hidden = places.length === 0;
  $("ticket-place-name").innerHTML = places.map((p, i) => "<span>" + esc(p) + (i < places.length - 1 ? "," : "") + "</span>").join(" ");
  // What to bring, in the screen's language: at most four, as the printed ticket.
  const std = s.standard || {};
  const needs = (L.lang === "id" ? std.requirements : (std.requirements_en && std.requirements_en.length ? std.requirements_en : std.requirements)) || [];
  $("ticket-needs-list").innerHTML = needs.slice(0, 4).map((n) => "<li>" + esc(n) + "</li>").join("");
  fitNeeds(needs.length > 0);
  $("ticket-ahead").innerHTML = t.position != null ? esc(t.position) + " <small>" + esc(tr("people")) + " / " + otherText(tr2("people")) + "</small>" : "—";
  const mins = t.estimated_wait_s != null ? Math.ceil(t.estimated_wait_s / 60) : null;
  $("ticket-wait").innerHTML = mins == null ? "—" : mins === 0 ? esc(tr("soon")) + small(tr2("soon")) : "± " + mins + " <small>" + esc(tr("minutes")) + " / " + otherText(tr2("minutes")) + "</small>";
  $("ticket-qr").alt = tr("scan");
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
  try { res = await api("GET", "/api/v1/kiosks/" + encodeURIComponent(code)); } catch (_) { return; }
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
  try { await api("POST", "/api/v1/kiosks/" + encodeURIComponent(code) + "/reprint", { ticket: ticket.id, track_token: ticket.track_token }); } catch (_) { /* shown by the next poll */ }
}

// ---------------------------------------------------------------- bookings
// A booked visitor checks in here: the code typed on the check-in screen, or scanned
// from the QR code anywhere (the scanner types it, then Enter). The ticket is shown and
// printed as any ticket of this kiosk, marked BOOKING.

// A booking code (`showCode`, `codeOf` and its alphabet) and the times of its check-in
// window (`windowTime`) are read and shown as on every page: the helpers of antre.js.

function setCode(text) {
  checkinCode = Array.from(String(text).toUpperCase()).filter((c) => CODE_ALPHABET.includes(c)).join("").slice(0, 8);
  const input = $("checkin-code");
  const shown = checkinCode.length > 4 ? checkinCode.slice(0, 4) + "-" + checkinCode.slice(4) : checkinCode;
  if (input.value !== shown) input.value = shown;
  $("checkin-go").disabled = checkinCode.length !== 8;
  touch();
}

async function checkIn(bookingCode) {
  if (issuing || !site) return;
  const from = view;
  closeDialog();
  issuing = true;
  $("wait-text").innerHTML = both("checking_in");
  setView("wait");
  const key = newKey();
  let res = null;
  try {
    for (let attempt = 0; attempt < ISSUE_ATTEMPTS; attempt++) {
      try {
        res = await api("POST", "/api/v1/bookings/" + encodeURIComponent(showCode(bookingCode)) + "/check-in", undefined, key);
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
    const t = res.data;
    if (!t.booking) t.booking = bookingCode;
    const s = site.services.find((x) => x.code === t.service) || { code: t.service, name: t.service, name_en: t.service, standard: {} };
    showTicket(t, s);
    refreshQueuesSoon();
    return;
  }
  // Back where the visitor was: the check-in screen keeps the code to correct it.
  if (from === "checkin") { setView("checkin", true); setCode(checkinCode); } else goHome(true);
  const err = res && res.data && res.data.error ? res.data.error : {};
  const vars = { code: showCode(bookingCode) };
  let key2 = "checkin_error";
  if (err.code === "booking_not_found" || (res && res.status === 404)) key2 = "checkin_not_found";
  else if (err.code === "already_checked_in") key2 = "checkin_done";
  else if (err.code === "not_active") key2 = "checkin_inactive";
  else if (err.code === "check_in_closed") {
    const w = err.window || {};
    vars.from = windowTime(site.timezone, w.from);
    vars.until = windowTime(site.timezone, w.until, w.from);
    const now = Date.now();
    key2 = w.from && now < Date.parse(w.from) ? "checkin_early" : w.until && now > Date.parse(w.until) ? "checkin_late" : "checkin_closed";
  } else if (res && res.status === 429) key2 = "busy_msg";
  else if (res && res.status === 401) { localStorage.removeItem(tokenKey); token = null; key2 = "token_msg"; }
  else if (err.message) {
    // Anything else the server explains itself ("Indonesian / English").
    const m = bilingual(err.message);
    dialog(esc(m[L.index]) + small(m[1 - L.index]), [{ html: "<b>" + esc(tr("ok")) + "</b>", cls: "plain", run: closeDialog }]);
    return;
  }
  dialog(both(key2, vars), [{ html: "<b>" + esc(tr("ok")) + "</b>", cls: "plain", run: closeDialog }]);
}

// Enter after a booking code: check in, wherever the visitor is (but not while a ticket
// is being taken). In the search box a code is searched for too; there it counts as a
// scan when typed at a scanner's speed or when no service matches it.
function scannedCode(now) {
  const text = scanned.map((x) => x.k).join("");
  const found = codeOf(text);
  if (!found) return null;
  if (view === "wait") return null;
  if (view !== "search") return found;
  const fast = scanned.length > 0 && now - scanned[Math.max(0, scanned.length - 9)].t < SCAN_FAST_MS;
  return fast || !search(index, query).length ? found : null;
}
window.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.altKey || e.metaKey) return;
  const now = Date.now();
  if (scanned.length && now - scanned[scanned.length - 1].t > SCAN_GAP_MS) scanned = [];
  if (e.key !== "Enter") {
    if (e.key.length === 1) scanned = scanned.concat([{ k: e.key, t: now }]).slice(-80);
    return;
  }
  let found = scannedCode(now);
  scanned = [];
  // Enter in the code field (or on the screen itself, not on a button) checks in the
  // code typed there.
  if (!found && view === "checkin" && checkinCode.length === 8 && !(e.target && e.target.closest && e.target.closest("button"))) found = checkinCode;
  if (!found) return;
  e.preventDefault();
  e.stopPropagation();
  checkIn(found);
}, true);

// ---------------------------------------------------------------- events
// Touch, mouse and keyboard all go through the buttons' clicks (Enter and Space click a
// focused button); the on-screen keyboard also takes a physical one.
document.addEventListener("click", (e) => {
  touch();
  const el = e.target.closest("button");
  if (!el) return;
  if (el.dataset.choice !== undefined) {
    const c = $("dialog")._choices[Number(el.dataset.choice)];
    if (c && c.run) c.run();
    return;
  }
  if (el.dataset.action === "back") { goHome(e.detail === 0); return; }
  if (el.dataset.action === "done") { resetForNext(); return; }
  if (el.dataset.agency) {
    currentAgency = el.dataset.agency;
    renderAgency();
    $("services").scrollTop = 0;
    setView("agency", e.detail === 0);
    return;
  }
  if (el.dataset.service) { take(el.dataset.service); return; }
  if (el.dataset.key !== undefined) { typeKey(el.dataset.key); return; }
  if (el.id === "search-box") { renderKeyboard(); renderResults(); setView("search", true); return; }
  if (el.id === "checkin-button") { renderKeyboard(); setCode(""); setView("checkin", true); return; }
  if (el.id === "checkin-go") { if (checkinCode.length === 8) checkIn(checkinCode); return; }
  if (el.id === "priority-button") { choosePriority(); return; }
  if (el.id === "reprint") { reprint(); return; }
  if (el.id === "lang-button") {
    L.set(L.otherLang);
    renderChrome();
    if (view === "home") renderHome();
    if (view === "agency") renderAgency();
    if (view === "search" || view === "checkin") { renderKeyboard(); renderResults(); }
    if (view === "ticket" && ticket) { renderTicket(); pollPrint(); }
    touch();
  }
});
// The on-screen keys keep the focus in the search field, so a physical keyboard keeps
// typing there too.
for (const kb of [$("keyboard"), $("code-keyboard")]) kb.addEventListener("mousedown", (e) => { if (e.target.closest("button")) e.preventDefault(); });
$("search-echo").addEventListener("input", () => setQuery($("search-echo").value));
$("checkin-code").addEventListener("input", () => setCode($("checkin-code").value));
// Typing anywhere on the search screen types into the search (a focused on-screen key
// still takes Enter and Space).
document.addEventListener("keydown", (e) => {
  touch();
  if ((view !== "search" && view !== "checkin") || !$("dialog").hidden || e.target === $("search-echo") || e.target === $("checkin-code") || e.ctrlKey || e.altKey || e.metaKey) return;
  if (e.key === "Backspace") { e.preventDefault(); typeKey("back"); }
  else if (e.key.length === 1 && /[a-zA-Z0-9]/.test(e.key)) { e.preventDefault(); typeKey(e.key.toLowerCase()); }
});
document.addEventListener("pointerdown", () => touch());
// Escape closes the dialog through the same path as its buttons (and should the browser
// close it by itself, the page follows).
$("dialog").addEventListener("cancel", (e) => { e.preventDefault(); closeDialog(); });
$("dialog").addEventListener("close", () => closeDialog());
// Tab goes round the dialog's buttons: the focus never leaves an open dialog.
$("dialog").addEventListener("keydown", (e) => {
  if (e.key !== "Tab") return;
  const buttons = Array.from($("dialog").querySelectorAll("button"));
  if (!buttons.length) return;
  const first = buttons[0];
  const last = buttons[buttons.length - 1];
  if (e.shiftKey ? document.activeElement === first : document.activeElement === last) {
    e.preventDefault();
    (e.shiftKey ? last : first).focus();
  }
});
// A token given while the page is open (only the fragment changed: no reload).
window.addEventListener("hashchange", () => {
  if (takeTokenFromAddress()) {
    token = localStorage.getItem(tokenKey);
    renderChrome();
  }
});
// Long presses must not open menus on a public kiosk.
document.addEventListener("contextmenu", (e) => e.preventDefault());

// The site's local time, whatever zone the kiosk PC's own clock is set to; before the
// site is known, the zone it had last time (never the PC's own).
function tickClock() {
  const zone = site ? site.timezone : localStorage.getItem(ZONE_KEY);
  if (!zone) return;
  const c = clock(zone);
  $("clock-time").textContent = c.time();
  $("clock-zone").textContent = c.abbr;
  $("clock").dataset.zone = zone;
}

function rememberZone() {
  localStorage.setItem(ZONE_KEY, site.timezone);
  localStorage.setItem(ZONE_ABBR_KEY, clock(site.timezone).abbr);
}

// ---------------------------------------------------------------- start
async function start() {
  renderChrome();
  tickClock();
  setInterval(tickClock, CLOCK_EVERY_MS);
  $("wait-text").innerHTML = both("connecting");
  setView("wait");
  site = await loadSite();
  rememberZone();
  tickClock();
  if (!site.kiosks.some((k) => k.code === code)) {
    $("wait-text").innerHTML = both("unknown_kiosk");
    $("view-wait").querySelector(".spinner").hidden = true;
    return;
  }
  index = buildIndex(site);
  renderChrome();
  await refreshQueues();
  goHome(false);
  followStream();
  setInterval(refreshQueues, QUEUES_EVERY_MS);
  document.body.dataset.ready = "1";
}
start();
