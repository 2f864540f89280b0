// Phone page of one ticket (the printed QR code's target): live status, position,
// estimated wait, where the service is and, when called, which counter to go to and
// where it is (said at once to screen readers too). Polls: a low-end phone on a weak
// connection handles a small GET every few seconds better than a socket.
import { esc, loadSite, request, texts } from "/assets/antre.js";
import { loadQuestions, survey } from "/assets/survey.js";

const POLL_MS = 4000;        // a few seconds: the call shows up while the visitor still sits nearby
const HIDDEN_POLL_MS = 15000; // in a pocket, less often: battery and data cost

const T = texts({
  waiting: ["Menunggu dipanggil", "Waiting to be called"],
  soon: ["segera", "soon"],
  minutes: ["menit", "min"],
  go_to: ["Silakan menuju", "Please go to"],
  served_at: ["Sedang dilayani di", "Being served at"],
  called: ["Nomor Anda dipanggil!", "Your number is called!"],
  serving: ["Sedang dilayani", "Being served"],
  held: ["Ditunda oleh petugas — tunggu dipanggil lagi", "Put on hold — wait to be called again"],
  done: ["Selesai. Terima kasih!", "Done. Thank you!"],
  no_show: ["Anda tidak hadir saat dipanggil. Hubungi petugas segera.", "You missed your call. Please see an officer now."],
  cancelled: ["Antrian dibatalkan", "Ticket cancelled"],
  not_found: ["Tiket tidak ditemukan", "Ticket not found"],
  offline: ["Koneksi terputus — mencoba lagi…", "Connection lost — retrying…"],
  cancel_q: ["Batalkan nomor antrian ini?", "Cancel this ticket?"],
  place: ["Lokasi layanan", "Service location"],
  needs: ["Persyaratan yang dibawa", "What to bring"],
  duration: ["Waktu penyelesaian", "Completion time"],
  fee: ["Biaya", "Fee"],
  product: ["Produk layanan", "What you receive"],
  survey_done: ["Survei untuk nomor ini sudah diisi. Terima kasih.", "The survey for this number has already been answered. Thank you."],
  announce_called: ["Nomor {number} dipanggil. Silakan menuju {counter}{zone}.", "Number {number} is called. Please go to {counter}{zone}."],
});

const token = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const $ = (id) => document.getElementById(id);
let site = null;
let last = null; // the ticket as last shown
let lastStatus = null;
let timer = null;

function counterName(codeOf) {
  const c = site && site.counters.find((x) => x.code === codeOf);
  return c ? c.name : codeOf;
}

function zoneName(codeOf) {
  const z = site && site.zones.find((x) => x.code === codeOf);
  return z ? z.name : "";
}

// Where the counter is ("Lantai 2 — Zona B"), or "" before the site description came.
function counterZone(codeOf) {
  const c = site && site.counters.find((x) => x.code === codeOf);
  return c ? zoneName(c.zone) : "";
}

// Where a service is served: its counters' zones, in the site's order of counters, as
// the printed ticket says it.
function places(service) {
  if (!site) return [];
  const zones = [];
  for (const c of site.counters) {
    if (c.services.includes(service) && !zones.includes(c.zone)) zones.push(c.zone);
  }
  return zones.map(zoneName).filter(Boolean);
}

// Sets a part's HTML only when it changes, so screen readers hear a change once.
function setHtml(el, html) {
  if (el._html !== html) {
    el.innerHTML = html;
    el._html = html;
  }
}

// The service's standard while the visitor waits: what to bring (both languages, item by
// item), how long it takes, what it costs, what they receive.
function renderNeeds(s, show) {
  const std = (s && s.standard) || null;
  const el = $("needs");
  el.hidden = !show || !std || !(std.requirements || []).length;
  if (el.hidden) return;
  const en = std.requirements_en || [];
  const items = std.requirements.map((r, i) =>
    "<li>" + esc(r) + (en[i] ? '<small lang="en">' + esc(en[i]) + "</small>" : "") + "</li>").join("");
  const fact = (key, id, eng) => id ? "<p><b>" + T.both(key) + "</b>" + esc(id) +
    (eng ? '<small lang="en">' + esc(eng) + "</small>" : "") + "</p>" : "";
  setHtml(el, '<h2 id="needs-title">' + T.both("needs") + "</h2><ul>" + items + "</ul>" +
    fact("duration", std.duration, std.duration_en) + fact("fee", std.fee, std.fee_en) +
    fact("product", std.product, std.product_en));
}

function render(t) {
  last = t;
  $("number").textContent = t.number;
  const s = site && site.services.find((x) => x.code === t.service);
  setHtml($("service"), s ? esc(s.name) + '<small lang="en">' + esc(s.name_en) + "</small>" : esc(t.service));
  const called = $("called");
  const status = $("status");
  const active = t.status === "called" || t.status === "serving";
  status.className = "status";
  $("facts").hidden = t.status !== "waiting";
  $("cancel").hidden = !(t.status === "waiting" || t.status === "held");
  called.hidden = !active;
  renderNeeds(s, t.status === "waiting" || t.status === "held" || active);
  // While waiting, where the service is: the visitor can walk there already.
  const where = t.status === "waiting" || t.status === "held" ? places(t.service) : [];
  $("place").hidden = where.length === 0;
  setHtml($("place"), T.both("place") + "<b>" + esc(where.join(", ")) + "</b>");
  if (t.status === "waiting") {
    setHtml(status, T.both("waiting"));
    $("ahead").textContent = t.position != null ? t.position : "—";
    const m = t.estimated_wait_s != null ? Math.ceil(t.estimated_wait_s / 60) : null;
    setHtml($("wait"), m == null ? "—" : m === 0 ? T.both("soon") : "± " + m + "<small>" + esc(T.bothText("minutes")) + "</small>");
  } else if (active) {
    const zone = counterZone(t.counter);
    setHtml(called, '<div class="go">' + T.both(t.status === "called" ? "go_to" : "served_at") + "</div>" +
      '<div class="counter">' + esc(counterName(t.counter)) + "</div>" +
      (zone ? '<div class="zone">' + esc(zone) + "</div>" : ""));
    setHtml(status, T.both(t.status));
    if (t.status === "called" && lastStatus !== "called") {
      if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
      announce(t);
    }
  } else if (t.status === "held") {
    setHtml(status, T.both("held"));
  } else if (t.status === "done") {
    status.className = "status done";
    setHtml(status, T.both("done"));
    offerSurvey(t);
  } else if (t.status === "no_show") {
    status.className = "status gone";
    setHtml(status, T.both("no_show"));
  } else if (t.status === "cancelled") {
    status.className = "status gone";
    setHtml(status, T.both("cancelled"));
  }
  lastStatus = t.status;
  document.body.dataset.status = t.status;
}

// The SKM survey of a finished visit, once (the same questionnaire as the counter's
// tablet). Answered here or at the tablet, it is not offered again.
const SURVEYED = "antre.skm." + token;
let offered = false;
async function offerSurvey(t) {
  if (offered) return;
  offered = true;
  const box = $("skm");
  let done = null;
  try { done = sessionStorage.getItem(SURVEYED); } catch (_) { done = null; }
  if (t.surveyed || done) {
    box.hidden = false;
    box.innerHTML = "<p>" + T.both("survey_done") + "</p>";
    document.body.dataset.survey = "already";
    return;
  }
  const questions = await loadQuestions();
  if (!questions) { offered = false; return; }
  box.hidden = false;
  document.body.dataset.survey = "offered";
  survey(box, {
    questions,
    number: t.number,
    token,
    focus: false,
    onDone(outcome) {
      try { sessionStorage.setItem(SURVEYED, outcome); } catch (_) { /* private mode: offered again after a reload */ }
      document.body.dataset.survey = outcome;
    },
  });
}

// The call, said at once by a screen reader (an assertive live region): the number, the
// counter and where it is, in Bahasa Indonesia and then in English.
function announce(t) {
  const zone = counterZone(t.counter);
  const vars = { number: t.number, counter: counterName(t.counter), zone: zone ? ", " + zone : "" };
  $("announce").innerHTML = esc(T.in("announce_called", 0, vars)) + ' <span lang="en">' + esc(T.in("announce_called", 1, vars)) + "</span>";
}

async function poll() {
  clearTimeout(timer);
  try {
    const res = await request("GET", "/api/v1/track/" + encodeURIComponent(token));
    if (res.status === 200 && res.data) {
      $("offline").textContent = "";
      render(res.data);
    } else if (res.status === 404) {
      $("number").textContent = "—";
      $("status").className = "status gone";
      setHtml($("status"), T.both("not_found"));
      $("offline").textContent = "";
      document.body.dataset.status = "not_found";
      return;
    }
  } catch (_) {
    $("offline").innerHTML = T.both("offline");
  }
  const done = lastStatus === "done" || lastStatus === "cancelled";
  if (!done) timer = setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
}

$("cancel").addEventListener("click", async () => {
  if (!confirm(T.bothText("cancel_q"))) return;
  try {
    const res = await request("POST", "/api/v1/track/" + encodeURIComponent(token) + "/cancel");
    if (res.status === 200 && res.data) render(res.data);
  } catch (_) { /* the next poll shows the truth */ }
});
document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });

// Names are a nicety: the ticket is polled at once, and the names fill in when the site
// description comes (retried until it does).
loadSite().then((s) => {
  site = s;
  $("site").textContent = site.name;
  document.body.dataset.site = "1";
  if (last) render(last);
});
poll();
