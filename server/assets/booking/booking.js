// The citizen's booking page (`/booking`, no log-in; `/booking/{code}#t=TOKEN` manages
// one booking): find a service with the kiosk's search, read what to bring, pick a day
// and a session (or today's queue from home), give NIK, name and phone, and get a code
// to scan at the MPP's kiosk. The manage token stays in the address's fragment (never
// sent to the server, so never in its logs) and in this phone's local storage, which
// "Booking saya" lists. Phones first, old ones among them: plain ES module, JavaScript
// of 2018, no libraries; Indonesian first with English beside it.
import {
  buildIndex, esc, localDay, newKey, openModal, request, said, search, showBookingCode as showCode, texts,
} from '/assets/antre.js';

// A booking being managed is refreshed this often while shown (a remote booking's
// place in line moves; a check-in at the kiosk shows the number).
const REFRESH_MS = 30000;
// How many bookings "Booking saya" remembers, and for how long after their day.
const KEEP_MAX = 20;
const KEEP_DAYS = 30;
const STORE = 'antre.bookings';

const T = texts({
  loading: ['Memuat…', 'Loading…'],
  net: ['Server tidak dapat dihubungi. Periksa koneksi lalu coba lagi.', 'The server cannot be reached. Check your connection and try again.'],
  none_bookable: ['Belum ada layanan yang dapat dibooking secara online.', 'No service can be booked online yet.'],
  found: ['{n} layanan ditemukan', '{n} services found'],
  none_found: ['Tidak ditemukan. Coba kata lain.', 'Nothing found. Try another word.'],
  needs: ['Persyaratan yang dibawa', 'What to bring'],
  no_needs: ['Tidak ada persyaratan khusus.', 'Nothing in particular.'],
  duration: ['Waktu penyelesaian', 'Completion time'],
  fee: ['Biaya', 'Fee'],
  remote_text: ['Ambil tempat di antrian hari ini dari rumah; datang dan check-in di anjungan sebelum batas waktunya.', "Take today's place in line from home; come and check in at a kiosk before the time limit."],
  slots_loading: ['Memuat jadwal…', 'Loading the sessions…'],
  no_days: ['Tidak ada sesi dalam beberapa hari ke depan.', 'No sessions in the coming days.'],
  today: ['Hari ini', 'Today'],
  left: ['{n} sisa', '{n} left'],
  seats_left: ['{n} kursi tersisa', '{n} seats left'],
  full: ['Penuh', 'Full'],
  opens: ['Dibuka {at}', 'Opens {at}'],
  closed: ['Sudah ditutup', 'Closed'],
  day_over: ['Tidak ada sesi lagi pada hari ini.', 'No more sessions on this day.'],
  choose_session: ['Pilih sesi pada hari ini.', 'Choose a session on this day.'],
  service: ['Layanan', 'Service'],
  session: ['Jadwal', 'Session'],
  check_in: ['Check-in di anjungan MPP', 'Check in at an MPP kiosk'],
  check_in_until: ['Check-in di anjungan sebelum', 'Check in at a kiosk before'],
  remote_today: ['Hari ini — antre dari rumah', 'Today — queue from home'],
  ahead_label: ['Di depan Anda', 'Ahead of you'],
  people: ['{n} orang', '{n} people'],
  name: ['Nama', 'Name'],
  phone: ['WhatsApp / HP', 'WhatsApp / phone'],
  code: ['Kode booking', 'Booking code'],
  qr_alt: ['Kode QR booking {code}', 'QR code of booking {code}'],
  qr_help: ['Pindai kode ini atau ketik kodenya di anjungan MPP.', "Scan this code, or type it, at the MPP's kiosk."],
  st_booked: ['Terjadwal', 'Booked'],
  st_checked_in: ['Sudah check-in', 'Checked in'],
  st_cancelled: ['Dibatalkan', 'Cancelled'],
  st_no_show: ['Tidak hadir', 'Did not come'],
  number: ['Nomor antrian', 'Queue number'],
  follow: ['Pantau antrian', 'Follow your queue'],
  change_until: ['Ubah jadwal atau batalkan paling lambat {at}.', 'Reschedule or cancel until {at} at the latest.'],
  rescheduled: ['Jadwal sudah diubah satu kali.', 'Already rescheduled once.'],
  too_late: ['Booking ini tidak dapat diubah atau dibatalkan lagi.', 'This booking can no longer be changed or cancelled.'],
  err_nik: ['NIK harus 16 angka.', 'The NIK has 16 digits.'],
  err_nik_form: ['NIK ini tidak sah. Periksa lagi 16 angka pada KTP atau KK.', 'This NIK is not valid. Check the 16 digits on the ID card or family card again.'],
  err_name: ['Tulis nama lengkap Anda.', 'Write your full name.'],
  err_phone: ['Tulis nomor WhatsApp atau HP, mis. 0812 3456 7890.', 'Write a WhatsApp or phone number, e.g. 0812 3456 7890.'],
  err_fields: ['Periksa isian yang ditandai.', 'Check the fields marked.'],
  sending: ['Mengirim…', 'Sending…'],
  copied: ['Tautan disalin.', 'Link copied.'],
  copy_failed: ['Salin tautan secara manual.', 'Copy the link by hand.'],
  cancel_q: ['Batalkan booking {code}? Kuotanya diberikan kepada orang lain.', 'Cancel booking {code}? Its seat goes to someone else.'],
  cancelled_ok: ['Booking dibatalkan.', 'The booking is cancelled.'],
  moved_ok: ['Jadwal diubah.', 'The booking is rescheduled.'],
  no_token: ['Tautan booking ini tidak lengkap. Buka tautan pribadi dari pesan konfirmasi.', 'This booking link is incomplete. Open the private link from the confirmation.'],
  mine_none: ['Belum ada booking di ponsel ini.', 'No bookings on this phone yet.'],
  mine_gone: ['tidak ditemukan', 'not found'],
});
const both = T.both;
const $ = (id) => document.getElementById(id);

// What tests may read: the current view, the booking shown, loads done.
const B = { view: 'loading', services: [], service: null, remote: false, slot: null, booking: null, token: null, loads: 0 };
window.antreBooking = B;
let site = null;
let index = [];
let formKey = null;
let refreshTimer = null;

// ------------------------------------------------------------------ formatting

// A day ("2026-11-23") in each language: long ("Senin, 23 November 2026") or short
// ("Sen, 23 Nov"), as `[id, en]`.
function dayText(date, short) {
  const d = new Date(date + 'T12:00:00Z');
  if (isNaN(d)) return [date, date];
  const opts = short ? { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }
    : { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' };
  return [d.toLocaleDateString('id-ID', opts), d.toLocaleDateString('en-GB', opts)];
}
// The server writes times in the site's own offset: its wall clock is the text itself.
const ZONES = { '+07:00': 'WIB', '+08:00': 'WITA', '+09:00': 'WIT' };
const zoneOf = (rfc) => ZONES[String(rfc || '').slice(-6)] || '';
const hm = (rfc) => String(rfc || '').slice(11, 16);
const rfcDay = (rfc) => String(rfc || '').slice(0, 10);
// "07:30" (and the day too when it is another day than `day`).
function timeAt(rfc, day) {
  if (!rfc) return ['—', '—'];
  const t = hm(rfc) + (zoneOf(rfc) ? ' ' + zoneOf(rfc) : '');
  if (day && rfcDay(rfc) === day) return [t, t];
  const d = dayText(rfcDay(rfc), true);
  return [d[0] + ' ' + t, d[1] + ' ' + t];
}
function windowText(from, until, day) {
  const a = timeAt(from, day);
  const b = timeAt(until, rfcDay(from) || day);
  return [a[0] + '–' + b[0], a[1] + '–' + b[1]];
}
// A pair `[id, en]` as HTML: Indonesian, English beside it.
const pair = (p) => esc(p[0]) + (p[1] && p[1] !== p[0] ? '<small lang="en">' + esc(p[1]) + '</small>' : '');
const nameOf = (s) => pair([s.name, s.name_en]);

// ------------------------------------------------------------------ requests

// `{ok, status, data, message}` (message: the server's "id / en"), or net: true.
async function api(method, path, body, token, key) {
  try {
    const res = await request(method, path, { body, token, key });
    const ok = res.status >= 200 && res.status < 300;
    const err = (res.data && res.data.error) || {};
    return { ok, status: res.status, data: res.data, code: err.code || '', error: err, message: err.message || (ok ? '' : 'HTTP ' + res.status) };
  } catch (_) {
    return { ok: false, net: true, status: 0, data: null, code: 'network', error: {}, message: T.bothText('net') };
  }
}
const problem = (res) => (res.net ? both('net') : said(res.message));

function showError(id, html) {
  const el = $(id);
  el.innerHTML = html || '';
  el.hidden = !html;
}

// ------------------------------------------------------------------ kept bookings

function kept() {
  let list = [];
  try { list = JSON.parse(localStorage.getItem(STORE)) || []; } catch (_) { list = []; }
  return Array.isArray(list) ? list : [];
}
// Keeps (or updates) a booking and its token on this phone; old ones are let go.
function keep(b, token) {
  const code = showCode(b.code);
  const limit = new Date(Date.now() - KEEP_DAYS * 86400000).toISOString().slice(0, 10);
  const list = kept().filter((x) => x.code !== code && (!x.date || x.date >= limit));
  list.unshift({ code, token, service_name: b.service_name, service_name_en: b.service_name_en, date: b.date, start: b.start, end: b.end, remote: !!b.remote });
  try { localStorage.setItem(STORE, JSON.stringify(list.slice(0, KEEP_MAX))); } catch (_) { /* private mode: the link still works */ }
}
const tokenFor = (code) => (kept().find((x) => x.code === code) || {}).token || null;
const manageUrl = (code, token) => '/booking/' + encodeURIComponent(showCode(code)) + '#t=' + encodeURIComponent(token);

// ------------------------------------------------------------------ views

const VIEWS = ['pick', 'service', 'form', 'done', 'manage', 'mine'];
// Shows one view; `push`: a new entry in the phone's history, so its back button steps
// back through the views. The focus goes to the view's heading (not on the first view).
function show(view, { push = true, focus = true } = {}) {
  B.view = view;
  document.body.dataset.view = view;
  $('status').hidden = true;
  for (const v of VIEWS) $('view-' + v).hidden = v !== view;
  if (push) history.pushState({ view }, '', location.pathname + location.search + (view === 'mine' ? '#saya' : ''));
  if (view !== 'manage') stopRefresh();
  if (focus) {
    const h = $('view-' + view).querySelector('h1');
    if (h) h.focus({ preventScroll: false });
  }
  window.scrollTo(0, 0);
}

function fatal(html) {
  for (const v of VIEWS) $('view-' + v).hidden = true;
  $('status').innerHTML = html;
  $('status').hidden = false;
  document.body.dataset.view = 'error';
}

// ------------------------------------------------------------------ services

function rebuildIndex() {
  const agencies = site ? site.agencies : [];
  const known = {};
  for (const a of agencies) known[a.code] = true;
  const extra = [];
  for (const s of B.services) {
    if (!known[s.agency]) { known[s.agency] = true; extra.push({ code: s.agency, short: s.agency, name: s.agency_name || '' }); }
  }
  index = buildIndex({ services: B.services, agencies: agencies.concat(extra) });
}

function renderServices() {
  const q = $('q').value;
  const list = q.trim() ? search(index, q) : B.services;
  $('services').innerHTML = list.map((s) =>
    '<li><button class="item" type="button" data-service="' + esc(s.code) + '"><b>' + esc(s.name) + '</b>' +
    '<small lang="en">' + esc(s.name_en) + '</small><span class="muted">' + esc(s.agency_name || s.agency) + '</span></button></li>').join('');
  $('found').innerHTML = !B.services.length ? both('none_bookable')
    : q.trim() ? (list.length ? both('found', { n: list.length }) : both('none_found')) : '';
}

// `quiet`: a failure is not shown (the list is not on screen yet).
async function loadServices(quiet) {
  const res = await api('GET', '/api/v1/booking/services');
  if (!res.ok || !Array.isArray(res.data)) { if (!quiet) fatal(problem(res)); return false; }
  B.services = res.data;
  rebuildIndex();
  renderServices();
  return true;
}

function openService(code) {
  const s = B.services.find((x) => x.code === code);
  if (!s) return;
  B.service = s;
  B.slot = null;
  B.remote = false;
  $('service-title').innerHTML = nameOf(s);
  $('service-agency').innerHTML = pair([s.agency_name || s.agency, s.agency_name_en || '']);
  const std = s.standard || {};
  const reqs = std.requirements || [];
  const reqsEn = std.requirements_en || [];
  let needs = '<summary>' + both('needs') + '</summary>';
  needs += reqs.length ? '<ul>' + reqs.map((r, i) => '<li>' + pair([r, reqsEn[i] || '']) + '</li>').join('') + '</ul>' : '<p>' + both('no_needs') + '</p>';
  if (std.duration) needs += '<p><b>' + both('duration') + ':</b> ' + pair([std.duration, std.duration_en || '']) + '</p>';
  if (std.fee) needs += '<p><b>' + both('fee') + ':</b> ' + pair([std.fee, std.fee_en || '']) + '</p>';
  $('service-needs').innerHTML = needs;
  $('service-needs').open = true;
  $('remote-box').hidden = !s.remote_open;
  $('remote-text').innerHTML = both('remote_text');
  show('service');
  loadSlots(newPicker, s.code);
}

// ------------------------------------------------------------------ days and sessions

// A day-and-session chooser drawn into two elements; `onPick(slot)` when a session
// that can be booked is chosen.
function picker(days, sessions, title, onPick) {
  return { days: $(days), sessions: $(sessions), title: $(title), slots: [], day: null, slot: null, onPick };
}
const newPicker = picker('days', 'sessions', 'sessions-title', (slot) => { B.slot = slot; B.remote = false; openForm(); });
const movePicker = picker('move-days', 'move-sessions', 'move-sessions-title', (slot) => {
  movePicker.slot = slot;
  renderSessions(movePicker);
  $('move-save').disabled = false;
});

const bookable = (x) => x.open && x.left > 0;
const notYet = (x) => !x.open && x.opens_at && Date.parse(x.opens_at) > Date.now();

async function loadSlots(p, service) {
  p.slots = [];
  p.day = null;
  p.slot = null;
  p.days.innerHTML = '<p class="hint">' + both('slots_loading') + '</p>';
  p.sessions.innerHTML = '';
  p.title.hidden = true;
  showError('slots-error', '');
  const res = await api('GET', '/api/v1/booking/slots?service=' + encodeURIComponent(service));
  if (!res.ok || !Array.isArray(res.data)) {
    p.days.innerHTML = '';
    showError(p === newPicker ? 'slots-error' : 'manage-error', problem(res));
    return;
  }
  p.slots = res.data;
  B.loads++;
  renderDays(p);
}

function renderDays(p) {
  const days = [];
  for (const x of p.slots) if (days.indexOf(x.date) < 0) days.push(x.date);
  const today = site ? localDay(site.timezone) : null;
  if (!days.length) { p.days.innerHTML = '<p class="hint">' + both('no_days') + '</p>'; return; }
  p.days.innerHTML = days.map((d) => {
    const list = p.slots.filter((x) => x.date === d);
    const left = list.filter(bookable).reduce((n, x) => n + x.left, 0);
    const later = list.filter(notYet).sort((a, b) => Date.parse(a.opens_at) - Date.parse(b.opens_at))[0];
    const name = d === today ? [T.in('today', 0), T.in('today', 1)] : dayText(d, true);
    let state;
    let cls = 'day';
    if (left > 0) state = both('left', { n: left });
    else if (later) { state = both('opens', { at: timeAt(later.opens_at, d) }); cls += ' off'; }
    else { state = both(list.some((x) => x.open) ? 'full' : 'closed'); cls += ' off'; }
    return '<button class="' + cls + '" type="button" data-day="' + esc(d) + '" aria-pressed="' + (p.day === d) + '">' +
      '<b>' + esc(name[0]) + '</b><small lang="en">' + esc(name[1]) + '</small><span class="state">' + state + '</span></button>';
  }).join('');
  if (p.day) renderSessions(p);
}

// The chosen day's sessions, but those already over (closed, and not to open later).
const sessionsOf = (p) => p.slots.filter((x) => x.date === p.day && (x.open || notYet(x)));

function renderSessions(p) {
  const list = sessionsOf(p);
  p.title.hidden = false;
  if (!list.length) { p.sessions.innerHTML = '<p class="hint">' + both('day_over') + '</p>'; return; }
  p.sessions.innerHTML = list.map((x, i) => {
    const ok = bookable(x);
    let state;
    if (ok) state = both('seats_left', { n: x.left });
    else if (notYet(x)) state = both('opens', { at: timeAt(x.opens_at, x.date) });
    else state = both(x.open ? 'full' : 'closed');
    const chosen = p.slot && p.slot.date === x.date && p.slot.start === x.start;
    return '<button class="session' + (ok ? '' : ' off') + '" type="button" data-slot="' + i + '" aria-pressed="' + !!chosen + '"' +
      (ok ? '' : ' aria-disabled="true"') + '><b>' + esc(x.start) + '–' + esc(x.end) + (zoneOf(x.check_in_from) ? ' ' + zoneOf(x.check_in_from) : '') +
      '</b><span class="state">' + state + '</span></button>';
  }).join('');
}

function pickerClick(p, el) {
  if (el.dataset.day) {
    p.day = el.dataset.day;
    renderDays(p);
    const first = p.sessions.querySelector('button:not([aria-disabled])') || p.sessions.querySelector('button');
    if (first) first.focus();
    return true;
  }
  if (el.dataset.slot !== undefined) {
    if (el.getAttribute('aria-disabled') === 'true') return true;
    const slot = sessionsOf(p)[Number(el.dataset.slot)];
    if (slot) p.onPick(slot);
    return true;
  }
  return false;
}

// ------------------------------------------------------------------ the form

function openForm() {
  const s = B.service;
  let html = '<dl><dt>' + both('service') + '</dt><dd>' + nameOf(s) + '</dd>';
  if (B.remote) {
    html += '<dt>' + both('session') + '</dt><dd>' + both('remote_today') + '</dd>';
  } else {
    const x = B.slot;
    html += '<dt>' + both('session') + '</dt><dd>' + pair(dayText(x.date)) + ' <b>' + esc(x.start) + '–' + esc(x.end) + ' ' + esc(zoneOf(x.check_in_from)) + '</b></dd>';
    if (x.check_in_from) html += '<dt>' + both('check_in') + '</dt><dd>' + pair(windowText(x.check_in_from, x.check_in_until, x.date)) + '</dd>';
  }
  $('form-summary').innerHTML = html + '</dl>';
  for (const f of ['nik', 'name', 'phone']) fieldError(f, '');
  showError('form-error', '');
  formKey = newKey();
  show('form');
}

function fieldError(field, html) {
  const input = $(field);
  showError(field + '-error', html);
  if (html) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

// A NIK of the identity card's form: 16 digits; a province code (11–94); a birth day
// of 1–31 (41–71 for women) and month of 1–12; a serial other than 0000.
function nikOk(nik) {
  if (!/^\d{16}$/.test(nik)) return false;
  const n = (a, b) => Number(nik.slice(a, b));
  const day = n(6, 8);
  return n(0, 2) >= 11 && n(0, 2) <= 94 && ((day >= 1 && day <= 31) || (day >= 41 && day <= 71)) &&
    n(8, 10) >= 1 && n(8, 10) <= 12 && n(12, 16) > 0;
}

// The form's own checks (the server checks again): which fields are wrong.
function checkForm() {
  const nik = $('nik').value.replace(/\s+/g, '');
  const name = $('name').value.trim().replace(/\s+/g, ' ');
  const phone = $('phone').value.trim();
  const digits = phone.replace(/[\s().-]/g, '');
  const bad = [];
  fieldError('nik', nikOk(nik) ? '' : both(/^\d{16}$/.test(nik) ? 'err_nik_form' : 'err_nik'));
  if (!nikOk(nik)) bad.push('nik');
  fieldError('name', name.length >= 2 ? '' : both('err_name'));
  if (name.length < 2) bad.push('name');
  fieldError('phone', /^\+?\d{9,15}$/.test(digits) ? '' : both('err_phone'));
  if (!/^\+?\d{9,15}$/.test(digits)) bad.push('phone');
  return { bad, nik, name, phone: digits };
}

async function submit(ev) {
  ev.preventDefault();
  showError('form-error', '');
  const f = checkForm();
  if (f.bad.length) {
    showError('form-error', both('err_fields'));
    $(f.bad[0]).focus();
    return;
  }
  const s = B.service;
  const body = B.remote ? { service: s.code, remote: true, nik: f.nik, name: f.name, phone: f.phone }
    : { service: s.code, date: B.slot.date, start: B.slot.start, nik: f.nik, name: f.name, phone: f.phone };
  const button = $('submit');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  const res = await api('POST', '/api/v1/bookings', body, null, formKey);
  button.disabled = false;
  button.removeAttribute('aria-busy');
  if (res.net) { showError('form-error', problem(res)); return; } // same key: a retry is safe
  formKey = newKey();
  if (res.status === 201 && res.data) {
    B.booking = res.data;
    B.token = res.data.manage_token;
    keep(res.data, B.token);
    $('form').reset();
    showDone(res.data);
    return;
  }
  const field = { invalid_nik: 'nik', invalid_name: 'name', invalid_phone: 'phone' }[res.code];
  if (field) { fieldError(field, said(res.message)); $(field).focus(); return; }
  showError('form-error', problem(res));
  $('form-error').scrollIntoView({ block: 'center' });
}

// ------------------------------------------------------------------ a booking

// The booking's card: code, QR (while it can be checked in), status, service, session,
// check-in window, the ticket once checked in.
function card(b) {
  const code = showCode(b.code);
  let html = '<div class="code-label">' + both('code') + '</div><div class="code" id="code">' + esc(code) + '</div>';
  html += '<div class="badge st-' + esc(b.status) + '" id="booking-status">' + both('st_' + b.status) + '</div>';
  if (b.status === 'booked') {
    html += '<img class="qr" id="qr" width="200" height="200" src="/api/v1/bookings/' + encodeURIComponent(code) + '/qr.svg" alt="' +
      esc(T.bothText('qr_alt', { code })) + '"><p class="hint">' + both('qr_help') + '</p>';
  }
  if (b.ticket && b.ticket.number) {
    html += '<div class="ticket"><div>' + both('number') + '</div><b id="ticket-number">' + esc(b.ticket.number) + '</b>' +
      (b.ticket.track_token ? '<a class="button" id="track-link" href="/t/' + encodeURIComponent(b.ticket.track_token) + '">' + both('follow') + '</a>' : '') + '</div>';
  }
  html += '<dl><dt>' + both('service') + '</dt><dd>' + pair([b.service_name, b.service_name_en]) + '</dd><dt>' + both('session') + '</dt><dd>';
  if (b.remote) html += both('remote_today') + (b.date ? '<br>' + pair(dayText(b.date)) : '');
  else html += pair(dayText(b.date)) + ' <b>' + esc(b.start) + '–' + esc(b.end) + ' ' + esc(zoneOf(b.check_in_from)) + '</b>';
  html += '</dd>';
  if (b.status === 'booked' && b.remote && b.ahead !== null && b.ahead !== undefined) html += '<dt>' + both('ahead_label') + '</dt><dd>' + both('people', { n: b.ahead }) + '</dd>';
  if (b.status === 'booked' && b.check_in_until) {
    html += b.remote ? '<dt>' + both('check_in_until') + '</dt><dd>' + pair(timeAt(b.check_in_until, b.date)) + '</dd>'
      : '<dt>' + both('check_in') + '</dt><dd>' + pair(windowText(b.check_in_from, b.check_in_until, b.date)) + '</dd>';
  }
  if (b.name) html += '<dt>' + both('name') + '</dt><dd>' + esc(b.name) + '</dd>';
  if (b.nik_last4) html += '<dt>NIK</dt><dd>•••• •••• •••• ' + esc(b.nik_last4) + '</dd>';
  if (b.phone) html += '<dt>' + both('phone') + '</dt><dd>' + esc(b.phone) + '</dd>';
  return html + '</dl>';
}

function showDone(b) {
  $('done-card').innerHTML = card(b);
  const link = location.origin + manageUrl(b.code, B.token);
  $('private-link').textContent = link;
  $('manage-link').href = manageUrl(b.code, B.token);
  $('copied').textContent = '';
  show('done');
}

// Copies the private link; where the clipboard API is not offered (a plain-HTTP LAN
// address), the link is selected and copied the old way, or left selected.
async function copyLink() {
  const link = $('private-link');
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(link.textContent); ok = true; }
  } catch (_) { ok = false; }
  if (!ok) {
    const range = document.createRange();
    range.selectNodeContents(link);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
  }
  $('copied').innerHTML = both(ok ? 'copied' : 'copy_failed');
}

function stopRefresh() {
  clearInterval(refreshTimer);
  refreshTimer = null;
}

function renderManage(b) {
  B.booking = b;
  document.body.dataset.status = b.status;
  $('manage-card').innerHTML = card(b);
  const changeable = b.status === 'booked' && (!b.change_until || Date.parse(b.change_until) > Date.now());
  $('manage-actions').hidden = !changeable;
  $('reschedule').hidden = !changeable || b.remote || b.rescheduled;
  let note = '';
  if (changeable && b.change_until) note = both('change_until', { at: timeAt(b.change_until, b.date) });
  else if (b.status === 'booked') note = both('too_late');
  if (changeable && b.rescheduled) note += ' ' + both('rescheduled');
  $('change-note').innerHTML = note;
  if (!changeable) $('move-box').hidden = true;
}

async function loadManage(code, quiet) {
  const res = await api('GET', '/api/v1/bookings/' + encodeURIComponent(code), undefined, B.token);
  if (res.ok && res.data) {
    B.loads++;
    keep(res.data, B.token);
    renderManage(res.data);
    if (!quiet) showError('manage-error', '');
    return true;
  }
  if (!quiet) showError('manage-error', problem(res));
  return false;
}

async function openManage(code) {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('t');
  B.token = fromLink || tokenFor(showCode(code));
  show('manage', { push: false, focus: false });
  $('manage-card').innerHTML = '<p class="hint">' + both('loading') + '</p>';
  if (!B.token) { $('manage-card').innerHTML = ''; showError('manage-error', both('no_token')); return; }
  if (!(await loadManage(code))) $('manage-card').innerHTML = '';
  stopRefresh();
  refreshTimer = setInterval(() => {
    if (document.hidden || !$('move-box').hidden || !B.booking || ['cancelled', 'no_show'].indexOf(B.booking.status) >= 0) return;
    loadManage(code, true);
  }, REFRESH_MS);
}

function askCancel() {
  $('confirm-text').innerHTML = both('cancel_q', { code: showCode(B.booking.code) });
  openModal($('confirm'), $('confirm-no'));
}

async function cancelBooking() {
  $('confirm').close();
  const b = B.booking;
  const res = await api('DELETE', '/api/v1/bookings/' + encodeURIComponent(showCode(b.code)), undefined, B.token);
  if (res.ok && res.data) {
    renderManage(res.data);
    showError('manage-error', '');
    $('change-note').innerHTML = both('cancelled_ok');
    $('manage-title').focus();
    return;
  }
  showError('manage-error', problem(res));
}

async function moveBooking() {
  const b = B.booking;
  const x = movePicker.slot;
  if (!x) return;
  $('move-save').disabled = true;
  const res = await api('PATCH', '/api/v1/bookings/' + encodeURIComponent(showCode(b.code)), { date: x.date, start: x.start }, B.token);
  if (res.ok && res.data) {
    $('move-box').hidden = true;
    renderManage(res.data);
    showError('manage-error', '');
    $('change-note').innerHTML = both('moved_ok');
    $('manage-title').focus();
    return;
  }
  $('move-save').disabled = false;
  showError('manage-error', problem(res));
}

// ------------------------------------------------------------------ my bookings

function renderMine() {
  const list = kept();
  $('mine').innerHTML = list.length ? list.map((x, i) =>
    '<li><a class="item" href="' + esc(manageUrl(x.code, x.token)) + '"><b class="mono">' + esc(x.code) + '</b>' +
    '<span>' + pair([x.service_name || '', x.service_name_en || '']) + '</span>' +
    '<span class="muted">' + (x.remote ? both('remote_today') : pair(dayText(x.date, true)) + ' ' + esc(x.start || '') + '–' + esc(x.end || '')) + '</span>' +
    '<span class="state" id="mine-' + i + '"></span></a></li>').join('')
    : '<li class="hint">' + both('mine_none') + '</li>';
  show('mine', { push: false });
  // Each one's status, asked with its own token.
  list.forEach(async (x, i) => {
    const res = await api('GET', '/api/v1/bookings/' + encodeURIComponent(x.code), undefined, x.token);
    const el = $('mine-' + i);
    if (!el) return;
    if (res.ok && res.data) el.innerHTML = '<span class="badge st-' + esc(res.data.status) + '">' + both('st_' + res.data.status) + '</span>';
    else if (res.status === 404) el.innerHTML = both('mine_gone');
  });
}

// ------------------------------------------------------------------ events

document.addEventListener('click', (e) => {
  const el = e.target.closest('button');
  if (!el) return;
  if (el.dataset.action === 'back') { history.back(); return; }
  if (el.dataset.service) { openService(el.dataset.service); return; }
  if (el.closest('#view-service') && pickerClick(newPicker, el)) return;
  if (el.closest('#move-box') && pickerClick(movePicker, el)) return;
  switch (el.id) {
    case 'remote-go': B.remote = true; B.slot = null; openForm(); break;
    case 'copy-link': copyLink(); break;
    case 'cancel': askCancel(); break;
    case 'confirm-no': $('confirm').close(); break;
    case 'confirm-yes': cancelBooking(); break;
    case 'reschedule':
      $('move-box').hidden = false;
      $('move-save').disabled = true;
      loadSlots(movePicker, B.booking.service);
      $('move-days-title').scrollIntoView({ block: 'start' });
      break;
    case 'move-save': moveBooking(); break;
    default: break;
  }
});
$('q').addEventListener('input', renderServices);
$('form').addEventListener('submit', submit);
// The NIK field keeps digits only (a pasted "7371 0123…" loses its spaces).
$('nik').addEventListener('input', () => {
  const v = $('nik').value.replace(/\D/g, '').slice(0, 16);
  if (v !== $('nik').value) $('nik').value = v;
});

const managing = () => location.pathname.replace(/\/+$/, '') !== '/booking';
window.addEventListener('popstate', (e) => {
  if (managing()) return;
  const v = e.state && e.state.view;
  if (v === 'mine' || location.hash === '#saya') { renderMine(); return; }
  if (v === 'service' && B.service) show('service', { push: false });
  else if (v === 'form' && B.service && !B.booking) show('form', { push: false });
  else if (v === 'done' && B.booking) show('done', { push: false });
  else {
    B.booking = null;
    show('pick', { push: false });
    if (!B.services.length) loadServices();
  }
});
window.addEventListener('hashchange', () => {
  if (!managing() && location.hash === '#saya') { history.replaceState({ view: 'mine' }, '', location.href); renderMine(); }
});

async function loadSiteName() {
  const res = await api('GET', '/api/v1/site');
  if (!res.ok || !res.data) return;
  site = res.data;
  $('site-name').textContent = site.name;
  document.title = 'Booking — ' + site.name;
  if (B.services.length) rebuildIndex();
  if (B.view === 'service' && newPicker.slots.length) renderDays(newPicker);
}

async function start() {
  loadSiteName();
  const parts = location.pathname.split('/').filter(Boolean);
  if (parts.length >= 2) {
    await openManage(decodeURIComponent(parts[1]));
  } else if (location.hash === '#saya') {
    history.replaceState({ view: 'mine' }, '', location.href);
    renderMine();
    loadServices(true);
  } else {
    history.replaceState({ view: 'pick' }, '', location.href);
    if (await loadServices()) show('pick', { push: false, focus: false });
  }
  document.body.dataset.ready = '1';
}
start();
