// Phone page of one ticket (the printed QR code's target): live status, position,
// estimated wait and, when called, which counter to go to. Polls: a low-end phone on
// a weak connection handles a small GET every few seconds better than a socket.
"use strict";

(function () {
  const POLL_MS = 4000;        // a few seconds: the call shows up while the visitor still sits nearby
  const HIDDEN_POLL_MS = 15000; // in a pocket, less often: battery and data cost
  const TIMEOUT_MS = 8000;

  const token = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
  let site = null;
  let lastStatus = null;
  let timer = null;

  async function get(path, method) {
    const ctl = new AbortController();
    const t = setTimeout(() => ctl.abort(), TIMEOUT_MS);
    try {
      const res = await fetch(path, { method: method || "GET", signal: ctl.signal, cache: "no-store" });
      let data = null;
      try { data = await res.json(); } catch (_) { data = null; }
      return { status: res.status, data };
    } finally {
      clearTimeout(t);
    }
  }

  function counterName(codeOf) {
    const c = site && site.counters.find((x) => x.code === codeOf);
    return c ? c.name : codeOf;
  }

  function render(t) {
    $("number").textContent = t.number;
    const s = site && site.services.find((x) => x.code === t.service);
    $("service").innerHTML = s ? esc(s.name) + "<small>" + esc(s.name_en) + "</small>" : esc(t.service);
    const called = $("called");
    const status = $("status");
    status.className = "status";
    $("facts").hidden = t.status !== "waiting";
    $("cancel").hidden = !(t.status === "waiting" || t.status === "held");
    called.hidden = true;
    if (t.status === "waiting") {
      status.innerHTML = "Menunggu dipanggil<small>Waiting to be called</small>";
      $("ahead").textContent = t.position != null ? t.position : "—";
      const m = t.estimated_wait_s != null ? Math.ceil(t.estimated_wait_s / 60) : null;
      $("wait").innerHTML = m == null ? "—" : m === 0 ? "segera<small>soon</small>" : "± " + m + "<small>menit / min</small>";
    } else if (t.status === "called" || t.status === "serving") {
      const name = esc(counterName(t.counter));
      called.hidden = false;
      called.innerHTML = t.status === "called"
        ? '<div class="go">Silakan menuju<small>Please go to</small></div><div class="counter">' + name + "</div>"
        : '<div class="go">Sedang dilayani di<small>Being served at</small></div><div class="counter">' + name + "</div>";
      status.innerHTML = t.status === "called" ? "Nomor Anda dipanggil!<small>Your number is called!</small>" : "Sedang dilayani<small>Being served</small>";
      if (t.status === "called" && lastStatus !== "called" && navigator.vibrate) navigator.vibrate([300, 150, 300]);
    } else if (t.status === "held") {
      status.innerHTML = "Ditunda oleh petugas — tunggu dipanggil lagi<small>Put on hold — wait to be called again</small>";
    } else if (t.status === "done") {
      status.className = "status done";
      status.innerHTML = "Selesai. Terima kasih!<small>Done. Thank you!</small>";
    } else if (t.status === "no_show") {
      status.className = "status gone";
      status.innerHTML = "Anda tidak hadir saat dipanggil. Hubungi petugas segera.<small>You missed your call. Please see an officer now.</small>";
    } else if (t.status === "cancelled") {
      status.className = "status gone";
      status.innerHTML = "Antrian dibatalkan<small>Ticket cancelled</small>";
    }
    lastStatus = t.status;
    document.body.dataset.status = t.status;
  }

  async function poll() {
    clearTimeout(timer);
    try {
      const res = await get("/api/v1/track/" + encodeURIComponent(token));
      if (res.status === 200 && res.data) {
        $("offline").textContent = "";
        render(res.data);
      } else if (res.status === 404) {
        $("number").textContent = "—";
        $("status").innerHTML = "Tiket tidak ditemukan<small>Ticket not found</small>";
        return;
      }
    } catch (_) {
      $("offline").innerHTML = "Koneksi terputus — mencoba lagi…<small>Connection lost — retrying…</small>";
    }
    const done = lastStatus === "done" || lastStatus === "cancelled";
    if (!done) timer = setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  $("cancel").addEventListener("click", async () => {
    if (!confirm("Batalkan nomor antrian ini? / Cancel this ticket?")) return;
    try {
      const res = await get("/api/v1/track/" + encodeURIComponent(token) + "/cancel", "POST");
      if (res.status === 200 && res.data) render(res.data);
    } catch (_) { /* the next poll shows the truth */ }
  });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });

  (async function start() {
    try {
      const res = await get("/api/v1/site");
      if (res.status === 200 && res.data) {
        site = res.data;
        $("site").textContent = site.name;
      }
    } catch (_) { /* names are a nicety; the ticket comes next */ }
    poll();
  })();
})();
