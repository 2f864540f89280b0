// Phone page of one ticket (the printed QR code's target): live status, position,
// estimated wait and, when called, which counter to go to. Polls: a low-end phone on
// a weak connection handles a small GET every few seconds better than a socket.
import { esc, loadSite, request, texts } from "/assets/antre.js";

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

function render(t) {
  last = t;
  $("number").textContent = t.number;
  const s = site && site.services.find((x) => x.code === t.service);
  $("service").innerHTML = s ? esc(s.name) + '<small lang="en">' + esc(s.name_en) + "</small>" : esc(t.service);
  const called = $("called");
  const status = $("status");
  status.className = "status";
  $("facts").hidden = t.status !== "waiting";
  $("cancel").hidden = !(t.status === "waiting" || t.status === "held");
  called.hidden = true;
  if (t.status === "waiting") {
    status.innerHTML = T.both("waiting");
    $("ahead").textContent = t.position != null ? t.position : "—";
    const m = t.estimated_wait_s != null ? Math.ceil(t.estimated_wait_s / 60) : null;
    $("wait").innerHTML = m == null ? "—" : m === 0 ? T.both("soon") : "± " + m + "<small>" + esc(T.bothText("minutes")) + "</small>";
  } else if (t.status === "called" || t.status === "serving") {
    const name = esc(counterName(t.counter));
    called.hidden = false;
    called.innerHTML = '<div class="go">' + T.both(t.status === "called" ? "go_to" : "served_at") + '</div><div class="counter">' + name + "</div>";
    status.innerHTML = T.both(t.status);
    if (t.status === "called" && lastStatus !== "called" && navigator.vibrate) navigator.vibrate([300, 150, 300]);
  } else if (t.status === "held") {
    status.innerHTML = T.both("held");
  } else if (t.status === "done") {
    status.className = "status done";
    status.innerHTML = T.both("done");
  } else if (t.status === "no_show") {
    status.className = "status gone";
    status.innerHTML = T.both("no_show");
  } else if (t.status === "cancelled") {
    status.className = "status gone";
    status.innerHTML = T.both("cancelled");
  }
  lastStatus = t.status;
  document.body.dataset.status = t.status;
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
      $("status").innerHTML = T.both("not_found");
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
  if (last) render(last);
});
poll();
