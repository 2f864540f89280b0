// The counter officer's page: log in, choose a counter, and serve the queue with one
// key. State comes from the server (REST and the live stream); the page keeps only the
// token, the chosen counter and the session's recent tickets, so a reload or a server
// restart never loses the officer's place.
import {
  bookingCode, buildIndex, clock as siteClock, esc, follow, loadSite, localDay, newKey, queryString, request, search,
  showBookingCode, sleep, texts, windowTime,
} from '/assets/antre.js';

const API = '/api/v1';
const STORE = 'antre.counter.v1';
// Tries of an action before it is reported as failed, and the first pause between tries
// (doubling: 0.5, 1, 2 s) — the same as the terminal client, a few seconds in all.
const ATTEMPTS = 4;
const FIRST_BACKOFF_MS = 500;
// One request may take this long before it counts as a network failure: the LAN answers
// in milliseconds.
const REQUEST_TIMEOUT_MS = 10000;
// Tickets kept in the session's list: what fits the panel on a 768-pixel screen.
const RECENT_MAX = 10;
// Queue figures are fetched at most this often while events pour in.
const QUEUES_DEBOUNCE_MS = 300;
// Closing needs a second press of * within this time.
const CLOSE_CONFIRM_MS = 5000;
// The bookings are searched again this long after the last key typed.
const BOOKINGS_DEBOUNCE_MS = 250;

// Buttons, their keys (numeric keypad first; the digits also work on the top row) and
// the API action behind each. Documented in docs/counter.md, with the terminal client's
// counter-client/src/keys.rs. `floor`: for supervisors and admins only.
const COMMANDS = [
  { cmd: 'callNext', key: 'Enter / +', action: 'call-next', cls: 'big' },
  { cmd: 'recall', key: '.', action: 'recall' },
  { cmd: 'start', key: '0', action: 'start' },
  { cmd: 'complete', key: '1', action: 'complete' },
  { cmd: 'noShow', key: '2', action: 'no-show' },
  { cmd: 'transfer', key: '3' },
  { cmd: 'hold', key: '4', action: 'hold' },
  { cmd: 'callTicket', key: '5' },
  { cmd: 'resumeHeld', key: '6' },
  { cmd: 'pause', key: '7', action: 'pause' },
  { cmd: 'resume', key: '8', action: 'resume' },
  { cmd: 'reinstate', key: '9' },
  { cmd: 'checkIn', key: 'b' },
  { cmd: 'open', key: '/', action: 'open' },
  { cmd: 'close', key: '*', action: 'close', cls: 'danger' },
  { cmd: 'cancelTicket', key: 'x', cls: 'danger', floor: true },
];
const KEYS = {
  'Enter': 'callNext', '+': 'callNext', '.': 'recall', ',': 'recall', '0': 'start', '1': 'complete',
  '2': 'noShow', '3': 'transfer', '4': 'hold', '5': 'callTicket', '6': 'resumeHeld', '7': 'pause',
  '8': 'resume', '9': 'reinstate', '/': 'open', '*': 'close', 'x': 'cancelTicket', 'X': 'cancelTicket',
  'b': 'checkIn', 'B': 'checkIn', '-': 'lang',
};
// Actions on a ticket rather than on a counter: `POST /tickets/{id}/{action}`.
const TICKET_ACTIONS = { reinstate: (t) => t.status === 'waiting', cancel: (t) => t.status === 'cancelled' };
// What a ticket is chosen for in the ticket dialog, and the action it leads to.
const PICK = {
  call: { action: 'call', name: 'callTicket' },
  reinstate: { action: 'reinstate', name: 'reinstate' },
  cancel: { action: 'cancel', name: 'cancelTicket' },
};

const $ = (id) => document.getElementById(id);
const saved = (() => { try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch { return {}; } })();
// Every text in Indonesian and English; the officer switches with '-'.
const T = texts({
  connecting: ['Menghubungkan ke server…', 'Connecting to the server…'],
  login_title: ['Masuk petugas loket', 'Counter officer login'],
  username: ['Nama pengguna', 'Username'],
  password: ['Kata sandi', 'Password'],
  login: ['Masuk', 'Log in'],
  password_title: ['Buat kata sandi baru', 'Choose a new password'],
  password_why: ['Kata sandi ini diberikan admin. Pilih kata sandi Anda sendiri sebelum mulai bekerja.', 'An admin gave you this password. Choose your own before you start work.'],
  new_password: ['Kata sandi baru (minimal 10 karakter)', 'New password (at least 10 characters)'],
  repeat_password: ['Ulangi kata sandi baru', 'Repeat the new password'],
  password_save: ['Simpan kata sandi', 'Save the password'],
  password_short: ['Kata sandi baru minimal 10 karakter.', 'The new password needs at least 10 characters.'],
  password_differ: ['Kedua kata sandi tidak sama.', 'The two passwords differ.'],
  logout: ['Keluar', 'Log out'],
  switch_counter: ['Ganti loket', 'Switch counter'],
  choose_counter: ['Pilih loket', 'Choose a counter'],
  now_serving: ['Sedang dilayani', 'Now serving'],
  waiting_for_you: ['Menunggu di loket ini', 'Waiting for this counter'],
  held: ['Ditahan', 'On hold'],
  recent: ['Tiket sesi ini', 'This session'],
  services: ['Layanan', 'Services'],
  transfer_title: ['Alihkan ke layanan', 'Transfer to service'],
  transfer_search: ['Cari layanan, instansi, kata kunci…', 'Search service, agency, keyword…'],
  transfer_search_label: ['Cari layanan', 'Search services'],
  transfer_hint: ['Pengunjung tetap pada urutannya. Ketik untuk mencari; ↑↓ memilih; Enter mengalihkan; Esc batal.', 'The visitor keeps their place in line. Type to search; ↑↓ to choose; Enter transfers; Esc cancels.'],
  no_match: ['Tidak ada yang cocok.', 'Nothing matches.'],
  note: ['Catatan (opsional)', 'Note (optional)'],
  cancel: ['Batal', 'Cancel'],
  transfer_go: ['Alihkan', 'Transfer'],
  callNext: ['Panggil berikutnya', 'Call next'],
  recall: ['Panggil ulang', 'Recall'],
  start: ['Mulai layani', 'Start serving'],
  complete: ['Selesai', 'Complete'],
  noShow: ['Tidak hadir', 'No-show'],
  transfer: ['Alihkan', 'Transfer'],
  hold: ['Tahan', 'Hold'],
  callTicket: ['Panggil nomor…', 'Call a number…'],
  resumeHeld: ['Lanjutkan ditahan', 'Resume held'],
  pause: ['Istirahat', 'Break'],
  resume: ['Selesai istirahat', 'End break'],
  reinstate: ['Pulihkan…', 'Reinstate…'],
  open: ['Buka loket', 'Open counter'],
  takeOver: ['Ambil alih loket', 'Take over counter'],
  close: ['Tutup loket', 'Close counter'],
  cancelTicket: ['Batalkan tiket…', 'Cancel a ticket…'],
  requeue: ['Kembali ke antrean', 'Back in line'],
  close_confirm: ['Tekan * lagi untuk menutup loket', 'Press * again to close the counter'],
  status_open: ['BUKA', 'OPEN'],
  status_closed: ['TUTUP', 'CLOSED'],
  status_paused: ['ISTIRAHAT', 'ON BREAK'],
  online: ['● terhubung', '● online'],
  offline: ['● terputus — menyambung ulang…', '● offline — reconnecting…'],
  none_closed: ['Loket tutup. Tekan / untuk membuka.', 'Counter closed. Press / to open.'],
  none_paused: ['Istirahat. Tekan 8 untuk melanjutkan.', 'On break. Press 8 to resume.'],
  none_open: ['Belum ada tiket. Tekan Enter untuk memanggil.', 'No ticket. Press Enter to call the next visitor.'],
  none_other: ['Loket ini dibuka oleh petugas lain.', 'Another officer has this counter open.'],
  called: ['Dipanggil', 'Called'],
  serving: ['Dilayani', 'Serving'],
  nobody: ['Tidak ada yang menunggu.', 'Nobody is waiting.'],
  busy: ['Tunggu, tindakan sebelumnya masih diproses.', 'Wait, the previous action is still in progress.'],
  no_ticket: ['Tidak ada tiket untuk dialihkan.', 'No ticket to transfer.'],
  no_held: ['Tidak ada tiket yang ditahan.', 'No ticket is on hold.'],
  resume_btn: ['Lanjutkan', 'Resume'],
  reinstate_btn: ['Pulihkan', 'Reinstate'],
  wait_est: ['perkiraan', 'est.'],
  late: ['lewat target', 'past target'],
  priority: ['prioritas', 'priority'],
  none: ['—', '—'],
  recalls: ['dipanggil ulang', 'recalled'],
  transfers: ['dialihkan', 'transferred'],
  note_label: ['Catatan', 'Note'],
  session_expired: ['Sesi Anda berakhir. Masuk lagi untuk melanjutkan di loket yang sama — tiket Anda tetap tersimpan.', 'Your session has expired. Log in again to continue at the same counter — your ticket is kept.'],
  failed_title: ['Tindakan gagal karena jaringan (belum tercatat di server):', 'Actions that failed on the network (not recorded by the server):'],
  retry: ['Coba lagi', 'Retry'],
  dismiss: ['Abaikan', 'Dismiss'],
  net_retrying: ['Jaringan bermasalah, mencoba lagi…', 'Network trouble, retrying…'],
  net_check: ['Server tidak dapat dihubungi. Periksa jaringan, lalu tekan Coba lagi.', 'The server cannot be reached. Check the network, then press Retry.'],
  no_counters: ['Akun ini tidak ditugaskan di loket mana pun.', 'This account is not assigned to any counter.'],
  st_waiting: ['menunggu', 'waiting'],
  st_called: ['dipanggil', 'called'],
  st_serving: ['dilayani', 'serving'],
  st_held: ['ditahan', 'on hold'],
  st_done: ['selesai', 'done'],
  st_no_show: ['tidak hadir', 'no-show'],
  st_cancelled: ['batal', 'cancelled'],
  min: ['mnt', 'min'],
  place: ['urutan ke-', 'place '],
  waited: ['menunggu', 'waited'],
  done_callNext: ['dipanggil', 'called'],
  done_callTicket: ['dipanggil', 'called'],
  done_recall: ['dipanggil ulang', 'recalled'],
  done_start: ['sedang dilayani', 'now being served'],
  done_complete: ['selesai', 'completed'],
  done_noShow: ['tidak hadir', 'marked no-show'],
  done_hold: ['ditahan', 'on hold'],
  done_resumeHeld: ['dipanggil kembali', 'called back'],
  done_requeue: ['kembali ke antrean', 'is back in line'],
  done_reinstate: ['dipulihkan, kembali ke antrean', 'reinstated, back in line'],
  done_cancelTicket: ['dibatalkan', 'cancelled'],
  p_lansia: ['lansia', 'elderly'],
  p_disabilitas: ['penyandang disabilitas', 'disability'],
  p_ibu_hamil: ['ibu hamil', 'pregnant'],
  p_anak: ['anak', 'child'],
  // Counters that people share.
  state_of: ['{state} · {who}', '{state} · {who}'],
  you: ['Anda', 'you'],
  takeover_title: ['Ambil alih loket', 'Take over the counter'],
  takeover_q: ['Loket dibuka oleh {who} — ambil alih?', '{who} has this counter open — take it over?'],
  takeover_go: ['Ambil alih', 'Take over'],
  taken_from: ['Loket diambil alih dari {who}.', 'Counter taken over from {who}.'],
  taken_over: ['Loket ini diambil alih oleh {who} pukul {time}. Halaman ini tidak lagi bertindak di loket ini; tekan / untuk mengambilnya kembali.', '{who} took this counter over at {time}. This page no longer acts on it; press / to take it back.'],
  held_by_other: ['Loket ini sedang dibuka oleh {who}. Tekan / untuk mengambil alih.', '{who} has this counter open. Press / to take it over.'],
  blocked: ['Loket ini dibuka oleh {who} (petugas lain). Tekan / untuk mengambil alih.', '{who} (another officer) has this counter open. Press / to take it over.'],
  // Leaving with a visitor at the counter.
  leave_logout_title: ['Sebelum keluar', 'Before logging out'],
  leave_close_title: ['Sebelum menutup loket', 'Before closing the counter'],
  leave_q: ['{n} masih di loket. Apa yang dilakukan dengan pengunjung ini?', '{n} is still at the counter. What becomes of this visitor?'],
  leave_complete: ['Selesai', 'Complete'],
  leave_requeue: ['Kembali ke antrean', 'Back in line'],
  leave_hold: ['Tahan di loket ini', 'Hold at this counter'],
  // Choosing a ticket.
  ticket_number: ['Nomor tiket', 'Ticket number'],
  ticket_number_hint: ['mis. A012', 'e.g. A012'],
  pick_call_title: ['Panggil nomor tertentu', 'Call a particular ticket'],
  pick_call_hint: ['Pilih dari yang menunggu di layanan loket ini, atau ketik nomornya. Di luar urutan perlu alasan.', 'Choose among those waiting for this counter\'s services, or type the number. Out of turn needs a reason.'],
  pick_call_list: ['Tiket menunggu di loket ini', 'Tickets waiting for this counter'],
  pick_call_go: ['Panggil', 'Call'],
  pick_call_reason: ['Alasan (wajib bila bukan gilirannya)', 'Reason (required when out of turn)'],
  pick_reinstate_title: ['Pulihkan tiket tidak hadir', 'Reinstate a no-show'],
  pick_reinstate_hint: ['Pengunjung kembali ke antrean pada urutannya, dalam batas waktu. Pilih dari sesi ini atau ketik nomornya.', 'The visitor goes back in line at their place, within the grace period. Choose from this session or type the number.'],
  pick_reinstate_list: ['Tiket tidak hadir', 'No-show tickets'],
  pick_reinstate_go: ['Pulihkan', 'Reinstate'],
  pick_cancel_title: ['Batalkan tiket', 'Cancel a ticket'],
  pick_cancel_hint: ['Tiket yang dibatalkan tidak dapat dipanggil lagi. Pilih atau ketik nomornya, lalu tulis alasannya.', 'A cancelled ticket can never be called again. Choose or type the number, then write why.'],
  pick_cancel_list: ['Tiket yang dapat dibatalkan', 'Tickets that can be cancelled'],
  pick_cancel_go: ['Batalkan tiket', 'Cancel ticket'],
  pick_cancel_reason: ['Alasan (wajib)', 'Reason (required)'],
  pick_loading: ['Memuat…', 'Loading…'],
  pick_empty: ['Tidak ada tiket di daftar.', 'No ticket in the list.'],
  pick_lookup: ['Tidak ada di daftar — Enter mencari nomor ini.', 'Not in the list — Enter looks this number up.'],
  pick_not_found: ['Tidak ada tiket {n} hari ini.', 'There is no ticket {n} today.'],
  pick_unfit_call: ['{n} berstatus {st}: hanya tiket yang menunggu di layanan loket ini dapat dipanggil.', '{n} is {st}: only a ticket waiting for this counter\'s services can be called.'],
  pick_unfit_reinstate: ['{n} berstatus {st}: hanya tiket tidak hadir yang dapat dipulihkan.', '{n} is {st}: only a no-show can be reinstated.'],
  pick_unfit_cancel: ['{n} berstatus {st}: tiket ini tidak dapat dibatalkan.', '{n} is {st}: it cannot be cancelled.'],
  pick_reason_needed: ['Tulis alasan pembatalan.', 'Write why the ticket is cancelled.'],
  floor_only: ['Hanya penyelia dan admin yang dapat membatalkan tiket.', 'Only supervisors and admins can cancel tickets.'],
  // Checking a booking in.
  checkIn: ['Check-in booking…', 'Check in a booking…'],
  checkin_title: ['Check-in booking', 'Booking check-in'],
  checkin_hint: ['Booking hari ini di layanan loket ini. Cocokkan nama dan 4 digit terakhir NIK dengan KTP. ↑↓ memilih; Enter check-in; Esc menutup.', 'Today\'s bookings for this counter\'s services. Compare the name and the NIK\'s last four digits with the KTP. ↑↓ to choose; Enter checks in; Esc closes.'],
  checkin_search: ['Kode booking, nama, atau 4 digit terakhir NIK', 'Booking code, name, or the NIK\'s last four digits'],
  checkin_search_hint: ['mis. ACDE-FH34, Andi, 0003', 'e.g. ACDE-FH34, Andi, 0003'],
  checkin_list: ['Booking hari ini', 'Today\'s bookings'],
  checkin_go: ['Check-in', 'Check in'],
  close_dialog: ['Tutup', 'Close'],
  checkin_none: ['Tidak ada booking hari ini untuk layanan loket ini. Ketik kodenya bila ada.', 'No booking today for this counter\'s services. Type the code if there is one.'],
  checkin_no_match: ['Tidak ada booking hari ini yang cocok.', 'No booking today matches.'],
  checkin_by_code: ['Tidak ada di daftar — Enter melakukan check-in kode {code}.', 'Not in the list — Enter checks in code {code}.'],
  checkin_type: ['Pilih booking dari daftar, atau ketik kodenya (8 karakter).', 'Choose a booking from the list, or type its code (8 characters).'],
  nik_last4: ['NIK …{n}', 'NIK …{n}'],
  remote: ['dari rumah', 'remote'],
  tomorrow: ['besok', 'tomorrow'],
  bk_booked: ['belum check-in', 'not checked in'],
  bk_early: ['check-in mulai {t}', 'check-in from {t}'],
  bk_late: ['check-in lewat ({t})', 'check-in closed ({t})'],
  bk_checked_in: ['sudah check-in · {n}', 'checked in · {n}'],
  bk_cancelled: ['dibatalkan', 'cancelled'],
  bk_no_show: ['tidak datang', 'no-show'],
  checkin_done: ['Booking {code} ({name}) masuk antrean {service}, urutan ke-{pos}. Dipanggil pada gilirannya; untuk memanggilnya sekarang, panggil di luar urutan dengan alasan.', 'Booking {code} ({name}) joined the line for {service}, place {pos}. It is called in its turn; to call it now, call it out of turn with a reason.'],
  checkin_said: ['{n}: booking {code} check-in, urutan ke-{pos}', '{n}: booking {code} checked in, place {pos}'],
  checkin_call: ['Panggil {n}…', 'Call {n}…'],
  ci_early: ['Terlalu awal: check-in booking {code} dibuka {from} sampai {until}.', 'Too early: booking {code} can be checked in from {from} until {until}.'],
  ci_late: ['Waktu check-in booking {code} sudah lewat (sampai {until}). Pengunjung dapat mengambil nomor antrean biasa.', 'The check-in time of booking {code} has passed (it closed at {until}). The visitor can take an ordinary number.'],
  ci_closed: ['Check-in booking {code} hanya {from} sampai {until}.', 'Booking {code} can be checked in from {from} until {until} only.'],
  ci_done: ['Booking {code} sudah check-in.', 'Booking {code} is already checked in.'],
  ci_done_n: ['Booking {code} sudah check-in: tiket {n}.', 'Booking {code} is already checked in: ticket {n}.'],
  ci_inactive: ['Booking {code} sudah dibatalkan atau tidak datang; tidak dapat check-in.', 'Booking {code} was cancelled or is a no-show; it cannot be checked in.'],
  ci_not_found: ['Kode booking {code} tidak ditemukan.', 'Booking code {code} was not found.'],
}, saved.lang);
const S = {
  lang: saved.lang === 'en' ? 'en' : 'id',
  token: saved.token || null, user: saved.user || '', role: saved.role || '',
  counters: saved.counters || [], counter: saved.counter || null,
  recent: Array.isArray(saved.recent) ? saved.recent : [],
  site: null, index: [], view: null, queues: new Map(), stream: null, online: false,
  // Every counter's state (who has it open), for the counter choice.
  counterViews: new Map(),
  skewMs: 0, busy: null, failed: [], message: null,
  closeArmedUntil: 0, retryAfterLogin: null, transferSel: 0, actions: 0,
  // Who took this counter over from this user, and when: the page stops acting on it.
  takenBy: null,
  // The open ticket dialog, the leave question, the takeover question, the check-in.
  pick: null, leave: null, takeOver: null, checkin: null,
};
window.antreCounter = S; // for tests and for support staff poking at a desk

function save() {
  localStorage.setItem(STORE, JSON.stringify({
    lang: S.lang, token: S.token, user: S.user, role: S.role, counters: S.counters,
    counter: S.counter, recent: S.recent,
  }));
}
const t = (key, vars) => T.tr(key, vars);
// The server's messages are "Indonesian / English": this language's half.
const half = (m) => { const p = String(m).split(' / '); return p.length === 2 ? (S.lang === 'id' ? p[0] : p[1]) : String(m); };
const serverNow = () => Date.now() + S.skewMs;
function clock(sec) {
  sec = Math.max(0, Math.floor(sec));
  const h = Math.floor(sec / 3600), m = Math.floor(sec / 60) % 60, s = sec % 60;
  return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(s).padStart(2, '0');
}
const minutes = (sec) => (S.lang === 'id' ? '±' : '~') + Math.ceil(sec / 60) + ' ' + t('min');
// Supervisors and admins run the floor: any counter, and they cancel tickets.
const floor = () => S.role === 'admin' || S.role === 'supervisor';
// Someone other than this user has the counter open.
const otherHolder = () => {
  const v = S.view;
  return v && v.status !== 'closed' && v.officer && v.officer !== S.user ? v.officer : null;
};
// Who keeps this page from acting on the counter: whoever took it over from this user,
// or (for an officer) whoever has it open.
const blockedBy = () => (S.takenBy ? S.takenBy.by : (!floor() && otherHolder()) || null);

// `detail`: the answer's whole `error` (a refused check-in's `window`).
class ApiError extends Error { constructor(status, code, message, detail) { super(message); this.status = status; this.code = code; this.detail = detail || {}; } }
class NetError extends Error {}

// The answer's JSON (null for 204), or an ApiError the officer must see, or a NetError
// when nothing is known to have happened (no answer, or a server that could not act).
async function api(method, path, body, key) {
  let res;
  try {
    res = await request(method, API + path, { body, token: S.token, key, timeoutMs: REQUEST_TIMEOUT_MS });
  } catch (e) {
    throw new NetError(String(e.message || e));
  }
  if (res.status === 204) return null;
  const data = res.data;
  if (res.status < 200 || res.status > 299) {
    // A restarting server or storage trouble: nothing was saved, so it may be retried.
    if (res.status >= 502 && res.status <= 504) throw new NetError('HTTP ' + res.status);
    throw new ApiError(res.status, data?.error?.code || 'http_' + res.status, data?.error?.message || 'HTTP ' + res.status, data?.error);
  }
  return data;
}

// ---- Actions that survive a shaky network -------------------------------------------
// A lost answer is the dangerous case: sending call-next again would call a second
// visitor. So the page notes the counter's state first, and after a network failure
// asks whether the action took effect before sending it again.
function tookEffect(action, body, before, after) {
  const id = (v) => v.ticket ? v.ticket.id : null;
  switch (action) {
    case 'open': return after.status !== 'closed' && (before.status === 'closed' || after.officer !== before.officer);
    case 'close': return before.status !== 'closed' && after.status === 'closed';
    case 'pause': return before.status !== 'paused' && after.status === 'paused';
    case 'resume':
      if (body && body.ticket) return id(after) === body.ticket;
      return before.status === 'paused' && after.status === 'open';
    case 'call': return id(after) === body.ticket;
    case 'recall': return !!(before.ticket && after.ticket && after.ticket.id === before.ticket.id && after.ticket.recalls > before.ticket.recalls);
    case 'start': return !!(before.ticket && after.ticket && after.ticket.id === before.ticket.id && after.ticket.status === 'serving' && before.ticket.status !== 'serving');
    default: return id(after) !== id(before); // call-next, complete, no-show, transfer, hold, requeue
  }
}

async function reliable(action, body) {
  const path = `/counters/${encodeURIComponent(S.counter)}`;
  // One key per press, kept across retries: the server answers a repeat (ours, or one the
  // browser makes by itself when a connection drops) with the first answer.
  const key = newKey();
  let before = null, sent = false, pause = FIRST_BACKOFF_MS, last = null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) { say('warn', t('net_retrying')); await sleep(pause); pause *= 2; }
    try {
      const now = await api('GET', path);
      if (!before) before = now;
      else if (sent && tookEffect(action, body, before, now)) return outcomeFrom(action, before, now);
    } catch (e) { if (e instanceof NetError) { last = e; continue; } throw e; }
    sent = true;
    try { return await api('POST', `${path}/${action}`, body, key); } catch (e) { if (e instanceof NetError) last = e; else throw e; }
  }
  if (sent && before) {
    try { const now = await api('GET', path); if (tookEffect(action, body, before, now)) return outcomeFrom(action, before, now); } catch { /* reported below */ }
  }
  throw last || new NetError('network');
}

async function outcomeFrom(action, before, after) {
  if (['open', 'close', 'pause'].includes(action) || (action === 'resume' && !after.ticket)) return after;
  if (['call-next', 'call', 'recall', 'start', 'resume'].includes(action)) return after.ticket || null;
  try { return await api('GET', `/tickets/${before.ticket.id}`); } catch { return before.ticket; }
}

// A ticket action (reinstate, cancel) with the same care: after a network failure the
// ticket is looked at before the action is sent again.
async function reliableTicket(action, body) {
  const path = `/tickets/${encodeURIComponent(body.ticket)}`;
  const done = TICKET_ACTIONS[action];
  const send = action === 'cancel' ? { reason: body.reason || null } : undefined;
  const key = newKey();
  let sent = false, pause = FIRST_BACKOFF_MS, last = null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) { say('warn', t('net_retrying')); await sleep(pause); pause *= 2; }
    if (sent) {
      try { const now = await api('GET', path); if (done(now)) return now; } catch (e) { if (e instanceof NetError) { last = e; continue; } throw e; }
    }
    sent = true;
    try { return await api('POST', `${path}/${action}`, send, key); } catch (e) { if (e instanceof NetError) last = e; else throw e; }
  }
  if (sent) {
    try { const now = await api('GET', path); if (done(now)) return now; } catch { /* reported below */ }
  }
  throw last || new NetError('network');
}

// Carries out an action; resolves to `{ok}`, with the `error` when it failed (`net`:
// the network's), or `busy` when another action was still under way (`quiet`: the
// caller shows a refusal itself, e.g. inside a dialog).
async function act(action, body, name, { quiet = false } = {}) {
  if (S.busy) { say('warn', t('busy')); return { ok: false, busy: true }; }
  S.busy = name; render();
  try {
    const answer = TICKET_ACTIONS[action] ? await reliableTicket(action, body) : await reliable(action, body);
    S.actions++;
    onAnswer(action, name, answer);
    return { ok: true, answer };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      S.retryAfterLogin = { action, body, name };
      askLogin(t('session_expired'));
    } else if (e instanceof NetError) {
      S.failed.push({ action, body, name, at: new Date() });
      say('error', t('net_check'));
      return { ok: false, error: e, net: true };
    } else if (!quiet) {
      say('warn', `${t(name)}: ${half(e.message)}`);
    }
    return { ok: false, error: e };
  } finally {
    S.busy = null;
    render();
    refreshView();
  }
}

function onAnswer(action, name, answer) {
  if (answer === null) {
    if (S.view) S.view.ticket = null;
    say('info', t('nobody'));
    return;
  }
  if (answer.number) {
    remember(answer);
    const n = answer.number;
    let text = `${n} ${t('done_' + name)}`;
    const place = answer.position != null ? ` (${t('place')}${answer.position + 1})` : '';
    if (action === 'transfer') text = `${n} → ${serviceName(answer.service)}${place}`;
    else if (answer.status === 'waiting') text += place;
    say('info', text);
    if (S.view) {
      const active = answer.status === 'called' || answer.status === 'serving';
      if (active && answer.counter === S.counter) S.view.ticket = answer;
      else if (S.view.ticket && S.view.ticket.id === answer.id) S.view.ticket = null;
      if (answer.status === 'cancelled') S.view.held = (S.view.held || []).filter((h) => h.id !== answer.id);
    }
  } else if (answer.code) {
    S.view = answer;
    S.counterViews.set(answer.code, answer);
    say('info', '');
  }
}

function say(level, text) { S.message = text ? { level, text } : null; renderMessage(); }

function remember(ticket) {
  S.recent = [ticket, ...S.recent.filter((x) => x.id !== ticket.id)].slice(0, RECENT_MAX);
  save();
}

// ---- Reading state --------------------------------------------------------------
async function refreshView() {
  if (!S.counter) return;
  try {
    S.view = await api('GET', `/counters/${encodeURIComponent(S.counter)}`);
    S.counterViews.set(S.view.code, S.view);
    render();
  } catch { /* the stream will tell */ }
}
async function refreshCounters() {
  try {
    for (const v of await api('GET', '/counters')) S.counterViews.set(v.code, v);
    updateChoice();
  } catch { /* the stream will tell */ }
}
let queuesTimer = null;
function refreshQueues() {
  if (queuesTimer) return;
  queuesTimer = setTimeout(async () => {
    queuesTimer = null;
    try { const qs = await api('GET', '/queues'); S.queues = new Map(qs.map((q) => [q.service, q])); renderQueues(); } catch { /* next event retries */ }
  }, QUEUES_DEBOUNCE_MS);
}

function connect() {
  if (S.stream) return;
  S.stream = follow({
    onSnapshot(msg) {
      const at = Date.parse(msg.at);
      if (!Number.isNaN(at)) S.skewMs = at - Date.now();
      for (const c of msg.counters) S.counterViews.set(c.code, c);
      S.view = msg.counters.find((c) => c.code === S.counter) || S.view;
      S.queues = new Map(msg.queues.map((q) => [q.service, q]));
      render();
      updateChoice();
    },
    onEvent(msg) {
      if (msg.type === 'site.changed') {
        checkOwnUser(msg);
        // The manager changed the site: services, names and counters as they are now.
        loadSite().then((site) => {
          S.site = site;
          S.index = buildIndex(site);
          render();
          updateChoice();
        });
        return;
      }
      if (msg.counter) S.counterViews.set(msg.counter.code, msg.counter);
      if (msg.counter && msg.counter.code === S.counter) {
        S.view = msg.counter;
        if (msg.type === 'counter.opened') {
          const now = msg.counter.officer || (msg.detail && msg.detail.by);
          if (now === S.user) S.takenBy = null;
          else if (S.token && msg.detail && msg.detail.taken_from === S.user) takenOver(now, msg.at);
        }
      }
      if (msg.ticket && msg.ticket.counter === S.counter && msg.type !== 'ticket.issued') remember(msg.ticket);
      // A booking checked in elsewhere (the kiosk, another counter): the open list says so.
      if (S.checkin && msg.type === 'ticket.issued' && msg.ticket?.booking) loadBookings();
      if (msg.type.startsWith('ticket.') || msg.type === 'counter.opened' || msg.type === 'counter.closed') refreshQueues();
      render();
      updateChoice();
    },
    onOnline() { S.online = true; renderHeader(); },
    onOffline() { S.online = false; renderHeader(); },
  });
}

// A manager changed this user (disabled, removed, counters or password changed): the
// session is checked at once, so a disabled officer's page returns to the log-in form.
async function checkOwnUser(msg) {
  const changes = (msg.detail && msg.detail.changes) || [];
  if (!S.token || !changes.some((c) => c.item === 'user' && c.code === S.user)) return;
  try {
    const me = await api('GET', '/auth/me');
    S.role = me.role; S.counters = me.counters; save();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) askLogin(t('session_expired'));
  }
}

// Someone took this counter over from this user (at the change of shift): whatever the
// page was doing at it stops, and it says who has the counter now.
function takenOver(by, at) {
  S.takenBy = { by: by || '?', at: at ? new Date(Date.parse(at)) : new Date() };
  S.closeArmedUntil = 0;
  for (const id of ['transfer', 'leave', 'takeover']) closeDialog(id);
  if (S.pick && S.pick.mode === 'call') closeDialog('pick');
  render();
}

// ---- Dialogs --------------------------------------------------------------------
// Real modal dialogs: showModal() makes the page behind inert, so the focus stays in
// the dialog while it is open; closing gives it back to where it was.
const returnFocus = new Map();
function openDialog(id, focus) {
  const d = $(id);
  if (!d.open) {
    returnFocus.set(id, document.activeElement);
    d.hidden = false;
    d.showModal();
  }
  if (focus) focus.focus();
}
function closeDialog(id) {
  const d = $(id);
  if (d.open) d.close();
}
function onDialogClosed(id) {
  const d = $(id);
  // Opened again before this (queued) event came: nothing to undo.
  if (d.open) return;
  d.hidden = true;
  if (id === 'pick') S.pick = null;
  if (id === 'leave') S.leave = null;
  if (id === 'takeover') S.takeOver = null;
  if (id === 'checkin') { clearTimeout(S.checkin?.timer); S.checkin = null; }
  const back = returnFocus.get(id);
  returnFocus.delete(id);
  if (back && back.isConnected && back !== document.body && !back.disabled && back.offsetParent !== null) back.focus();
  else if (document.activeElement && document.activeElement !== document.body && !document.activeElement.offsetParent) document.activeElement.blur();
}
const openDialogEl = () => document.querySelector('dialog[open]');

// ---- Screens --------------------------------------------------------------------
function show(view) {
  document.body.dataset.view = view;
  $('login-view').hidden = view !== 'login';
  $('password-view').hidden = view !== 'password';
  $('choose-view').hidden = view !== 'choose';
  $('counter-view').hidden = view !== 'counter';
  $('logout-btn').hidden = !S.token || view === 'login';
  $('switch-btn').hidden = view !== 'counter' || S.counters.length < 2;
  renderHeader();
}

function askLogin(why) {
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
  const desk = document.body.dataset.view === 'counter';
  document.body.classList.toggle('relogin', desk);
  // The desk stays visible underneath, but out of reach until the password is given.
  $('counter-view').inert = desk;
  $('login-view').hidden = false;
  if (!desk) show('login');
  $('login-why').hidden = !why;
  $('login-why').textContent = why || '';
  $('login-user').value = S.user || '';
  $('login-error').hidden = true;
  (S.user ? $('login-password') : $('login-user')).focus();
}

function logOut() {
  S.token = null;
  S.takenBy = null;
  save();
  show('login');
  askLogin('');
}

async function onLogin(ev) {
  ev.preventDefault();
  $('login-error').hidden = true;
  $('login-submit').disabled = true;
  try {
    const password = $('login-password').value;
    const me = await api('POST', '/auth/login', { username: $('login-user').value.trim(), password });
    $('login-password').value = '';
    if (me.must_change_password) {
      // An admin gave this password: the officer chooses their own before working.
      S.token = me.token;
      S.pendingPassword = password;
      show('password');
      $('new-password').focus();
      return;
    }
    loggedIn(me);
  } catch (e) {
    $('login-error').hidden = false;
    $('login-error').textContent = e instanceof NetError ? t('net_check').split('.')[0] + '.' : half(e.message);
    $('login-password').value = '';
    $('login-password').focus();
  } finally { $('login-submit').disabled = false; }
}

async function onNewPassword(ev) {
  ev.preventDefault();
  const err = $('password-error');
  const fresh = $('new-password').value;
  const why = fresh.length < 10 ? 'password_short' : fresh !== $('new-password-2').value ? 'password_differ' : null;
  $('new-password').setAttribute('aria-invalid', why === 'password_short' ? 'true' : 'false');
  $('new-password-2').setAttribute('aria-invalid', why === 'password_differ' ? 'true' : 'false');
  if (why) {
    err.hidden = false;
    err.textContent = t(why);
    $(why === 'password_short' ? 'new-password' : 'new-password-2').focus();
    return;
  }
  $('password-submit').disabled = true;
  try {
    const me = await api('POST', '/auth/password', { current: S.pendingPassword, new: fresh });
    S.pendingPassword = null;
    $('new-password').value = '';
    $('new-password-2').value = '';
    err.hidden = true;
    loggedIn(me);
  } catch (e) {
    err.hidden = false;
    err.textContent = e instanceof NetError ? t('net_check').split('.')[0] + '.' : half(e.message);
    $('new-password').focus();
  } finally { $('password-submit').disabled = false; }
}

// A session to work with: the counters it may open, then the counter.
function loggedIn(me) {
  // The session's list belongs to one officer: someone else starts a fresh one.
  if (me.username !== S.user) { S.recent = []; S.takenBy = null; }
  S.token = me.token; S.user = me.username; S.role = me.role; S.counters = me.counters;
  if (S.counter && !S.counters.includes(S.counter)) S.counter = null;
  save();
  const wasDesk = document.body.classList.contains('relogin');
  document.body.classList.remove('relogin');
  $('counter-view').inert = false;
  $('login-view').hidden = true;
  if (wasDesk && S.counter) {
    show('counter');
    const again = S.retryAfterLogin;
    S.retryAfterLogin = null;
    if (again) act(again.action, again.body, again.name);
    else refreshView();
    return;
  }
  if (!S.counter && S.counters.length === 1) S.counter = S.counters[0];
  if (S.counter) enterCounter(); else chooseCounter();
}

// The counters this user may take, each with its state and who has it open, live.
function chooseCounter() {
  show('choose');
  const list = $('counter-list');
  if (!S.counters.length) { list.innerHTML = `<li class="error">${esc(t('no_counters'))}</li>`; return; }
  list.innerHTML = S.counters.map((code) => {
    const c = S.site?.counters.find((x) => x.code === code);
    return `<li><button type="button" data-code="${esc(code)}"><b>${esc(c ? c.name : code)}</b>` +
      `<span class="where">${esc(code)}${c ? ' · ' + esc(c.zone) : ''}</span>` +
      `<span class="state" data-state-of="${esc(code)}"></span></button></li>`;
  }).join('');
  list.querySelectorAll('button').forEach((b) => b.addEventListener('click', () => chooseOne(b.dataset.code)));
  updateChoice();
  refreshCounters();
  connect();
}

// The state line of each counter in the choice, changed in place (the focus stays).
function updateChoice() {
  if (document.body.dataset.view !== 'choose') return;
  for (const el of document.querySelectorAll('#counter-list [data-state-of]')) {
    const v = S.counterViews.get(el.dataset.stateOf);
    let text = '';
    if (v) {
      const state = t('status_' + v.status);
      const who = v.officer === S.user ? t('you') : v.officer;
      text = v.status !== 'closed' && who ? t('state_of', { state, who }) : state;
    }
    el.textContent = text;
    el.className = 'state ' + (v ? v.status : '');
    el.closest('button').classList.toggle('other', !!(v && v.status !== 'closed' && v.officer && v.officer !== S.user));
  }
}

function select(code) {
  if (S.counter !== code) { S.recent = []; S.takenBy = null; }
  S.counter = code; S.view = S.counterViews.get(code) || null; save();
}

function chooseOne(code) {
  const v = S.counterViews.get(code);
  if (v && v.status !== 'closed' && v.officer && v.officer !== S.user) { askTakeOver(v.officer, code); return; }
  select(code);
  enterCounter();
}

function enterCounter() {
  show('counter');
  buildActions();
  render();
  refreshView();
  refreshQueues();
  connect();
}

// ---- Taking a counter over ----------------------------------------------------------
function askTakeOver(from, code) {
  S.takeOver = { from, code: code || S.counter };
  $('takeover-text').innerHTML = T.both('takeover_q', { who: from });
  openDialog('takeover', $('takeover-go'));
}

async function confirmTakeOver() {
  const ask = S.takeOver;
  if (!ask) return;
  closeDialog('takeover');
  if (ask.code !== S.counter || document.body.dataset.view !== 'counter') { select(ask.code); enterCounter(); }
  const r = await act('open', { take_over: true }, 'takeOver');
  if (r.ok) { S.takenBy = null; say('info', t('taken_from', { who: ask.from })); render(); }
}

// ---- Leaving with a visitor at the counter ------------------------------------------
// Logging out or closing while a visitor is called or served: first say what becomes of
// them, so nobody is left on the hall board.
function openLeave(then) {
  const tk = S.view?.ticket;
  if (!tk) return;
  S.leave = { then, number: tk.number };
  $('leave-title').textContent = t(then === 'close' ? 'leave_close_title' : 'leave_logout_title');
  $('leave-text').innerHTML = T.both('leave_q', { n: tk.number });
  // Closing sends held visitors back in line anyway: holding only when leaving it open.
  $('leave-hold').hidden = then === 'close';
  openDialog('leave', $('leave-complete'));
}

async function leaveWith(action) {
  const leave = S.leave;
  if (!leave) return;
  closeDialog('leave');
  if (action === 'hold' && leave.then === 'close') return;
  const r = await act(action, undefined, action === 'requeue' ? 'requeue' : action);
  if (!r.ok) return;
  if (leave.then === 'logout') logOut();
  else { S.closeArmedUntil = 0; await act('close', undefined, 'close'); }
}

// ---- Rendering ------------------------------------------------------------------
// A time of day in the site's time zone (the counter PC's own clock may be set to
// another zone): HH:MM, or with seconds where actions a few seconds apart must differ.
const localTime = (date, seconds = false) => siteClock(S.site?.timezone, S.lang).time(date, seconds);

const counterInfo = () => S.site?.counters.find((c) => c.code === S.counter);
const service = (code) => S.site?.services.find((s) => s.code === code);
const serviceNameIn = (code, lang) => { const s = service(code); return s ? (lang === 'id' ? s.name : s.name_en) : code; };
const serviceName = (code) => serviceNameIn(code, S.lang);
const agencyShort = (code) => S.site?.agencies.find((a) => a.code === code)?.short || code;

function applyLang() {
  document.documentElement.lang = S.lang;
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  // The button names the other language, in that language.
  $('lang-btn').innerHTML = (S.lang === 'id' ? 'English' : 'Bahasa Indonesia') + ' <kbd>-</kbd>';
  $('lang-btn').lang = S.lang === 'id' ? 'en' : 'id';
  buildActions();
  render();
  if ($('transfer').open) renderTransferList();
  if (S.pick) { labelPick(); renderPick(); }
  if (S.checkin) { renderCheckIn(); renderCheckInOutcome(); }
  if (S.takeOver) $('takeover-text').innerHTML = T.both('takeover_q', { who: S.takeOver.from });
  if (S.leave) {
    $('leave-title').textContent = t(S.leave.then === 'close' ? 'leave_close_title' : 'leave_logout_title');
    $('leave-text').innerHTML = T.both('leave_q', { n: S.leave.number });
  }
  if (document.body.dataset.view === 'choose') updateChoice();
}

function buildActions() {
  const shown = COMMANDS.filter((c) => !c.floor || floor());
  const focused = document.activeElement?.dataset?.cmd;
  $('actions').innerHTML = shown.map((c) =>
    `<button type="button" id="btn-${c.cmd}" data-cmd="${c.cmd}" class="${c.cls || ''}"><span></span><kbd>${esc(c.key)}</kbd></button>`).join('');
  $('actions').querySelectorAll('button').forEach((b) => b.addEventListener('click', (e) => {
    // A mouse click leaves no focus behind, so Enter calls the next visitor as always; a
    // button pressed from the keyboard keeps the focus, as keyboards expect.
    if (e.detail > 0) e.currentTarget.blur();
    command(b.dataset.cmd);
  }));
  if (focused && $('btn-' + focused)) $('btn-' + focused).focus();
  labelActions();
}

function labelActions() {
  for (const c of COMMANDS) {
    const b = $('btn-' + c.cmd);
    if (!b) continue;
    const name = c.cmd === 'open' && otherHolder() ? 'takeOver' : c.cmd;
    const label = b.querySelector('span');
    if (label.textContent !== t(name)) label.textContent = t(name);
  }
}

function renderHeader() {
  $('site-name').textContent = S.site ? S.site.name : '';
  const c = counterInfo();
  const desk = document.body.dataset.view === 'counter';
  $('counter-title').textContent = desk && c ? `${c.name} (${c.code})` : '';
  $('who').textContent = S.token ? S.user : '';
  const pill = $('status-pill');
  pill.hidden = !desk || !S.view;
  if (S.view) {
    pill.className = 'pill ' + S.view.status;
    // Open by someone else (a supervisor, a colleague): say who, since actions will be refused.
    const other = S.view.officer && S.view.officer !== S.user ? ` · ${S.view.officer}` : '';
    pill.textContent = t('status_' + S.view.status) + other;
  }
  const conn = $('conn');
  conn.hidden = !desk;
  conn.className = 'conn ' + (S.online ? 'online' : 'offline');
  conn.textContent = t(S.online ? 'online' : 'offline');
}

function render() {
  renderHeader();
  if (document.body.dataset.view !== 'counter') return;
  document.body.classList.toggle('busy', !!S.busy);
  document.body.dataset.busy = S.busy ? '1' : '';
  const v = S.view, tk = v?.ticket;
  const cur = $('current');
  cur.className = 'current' + (tk ? ' ' + tk.status : '');
  $('current-number').textContent = tk ? tk.number : '—';
  $('current-number').classList.toggle('empty', !tk);
  const idle = blockedBy() ? 'none_other' : v?.status === 'paused' ? 'none_paused' : v?.status === 'open' ? 'none_open' : 'none_closed';
  $('current-service').textContent = tk ? serviceName(tk.service) : t(idle);
  $('current-state').textContent = tk ? t(tk.status === 'serving' ? 'serving' : 'called') : '';
  const extra = [];
  if (tk?.priority) extra.push(`${t('priority')}: ${t('p_' + tk.priority)}`);
  if (tk?.recalls) extra.push(`${t('recalls')} ${tk.recalls}×`);
  if (tk?.transfers) extra.push(`${t('transfers')} ${tk.transfers}×`);
  if (tk?.note) extra.push(`${t('note_label')}: ${tk.note}`);
  $('current-extra').textContent = extra.join(' · ');
  tickTimer();
  // What each button can do now; the server decides in the end.
  const st = v?.status || 'closed';
  const blocked = !!blockedBy();
  const mine = !blocked;
  const can = {
    callNext: mine && st === 'open', recall: mine && tk?.status === 'called', start: mine && tk?.status === 'called',
    complete: mine && !!tk, noShow: mine && tk?.status === 'called', transfer: mine && !!tk, hold: mine && !!tk,
    callTicket: mine && st === 'open', resumeHeld: mine && st === 'open' && !tk && (v?.held?.length || 0) > 0,
    pause: mine && st === 'open' && !tk, resume: mine && st === 'paused', reinstate: true, checkIn: true,
    open: st === 'closed' || !!otherHolder(), close: mine && st !== 'closed', cancelTicket: floor(),
  };
  labelActions();
  for (const c of COMMANDS) {
    const b = $('btn-' + c.cmd);
    if (!b) continue;
    b.disabled = !can[c.cmd];
    b.classList.toggle('armed', c.cmd === 'close' && S.closeArmedUntil > Date.now());
  }
  renderNotice();
  renderMessage();
  renderFailed();
  renderQueues();
  renderHeld();
  renderRecent();
}

// Whose counter this is, when it is not this user's: taken over from them (the page
// stops acting on it), or open by someone else.
function renderNotice() {
  const box = $('notice');
  let html = '';
  if (S.takenBy) html = T.both('taken_over', { who: S.takenBy.by, time: localTime(S.takenBy.at) });
  else if (otherHolder()) html = T.both('held_by_other', { who: otherHolder() });
  box.hidden = !html;
  box.classList.toggle('taken', !!S.takenBy);
  if (box.innerHTML !== html) box.innerHTML = html;
}

function tickTimer() {
  const tk = S.view?.ticket;
  const since = tk && (tk.status === 'serving' ? tk.started_at || tk.called_at : tk.called_at);
  $('timer').textContent = since ? clock((serverNow() - Date.parse(since)) / 1000) : '';
}

function renderMessage() {
  const m = $('message');
  if (!m) return;
  m.className = 'message ' + (S.message ? S.message.level : '');
  m.textContent = S.message ? S.message.text : '';
}

function renderFailed() {
  const box = $('failed');
  box.hidden = !S.failed.length;
  document.body.classList.toggle('has-failed', S.failed.length > 0);
  if (!S.failed.length) return;
  box.innerHTML = `<b>${esc(t('failed_title'))}</b><ul>` + S.failed.map((f, i) =>
    `<li>${esc(localTime(f.at, true))} — ${esc(t(f.name))}` +
    `<button type="button" data-retry="${i}">${esc(t('retry'))}</button><button type="button" data-dismiss="${i}">${esc(t('dismiss'))}</button></li>`).join('') + '</ul>';
  box.querySelectorAll('[data-retry]').forEach((b) => b.addEventListener('click', () => {
    const [f] = S.failed.splice(Number(b.dataset.retry), 1);
    act(f.action, f.body, f.name);
  }));
  box.querySelectorAll('[data-dismiss]').forEach((b) => b.addEventListener('click', () => {
    S.failed.splice(Number(b.dataset.dismiss), 1); render();
  }));
}

function renderQueues() {
  const c = counterInfo();
  if (!c) return;
  const html = c.services.map((code) => {
    const q = S.queues.get(code);
    const svc = service(code);
    let late = '';
    if (q?.oldest_waiting_since && svc) {
      const waited = (serverNow() - Date.parse(q.oldest_waiting_since)) / 1000;
      if (waited > svc.target_wait_s) late = `⚠ ${t('late')} ${minutes(waited - svc.target_wait_s)}`;
    }
    const prio = q?.priority_waiting ? ` · ${t('priority')} ${q.priority_waiting}` : '';
    return `<tr class="${late ? 'overdue' : ''}" data-service="${esc(code)}"><td class="count">${q ? q.waiting : 0}</td>` +
      `<td><div class="name">${esc(serviceName(code))}</div><div class="sub">${esc(t('wait_est'))} ${q ? minutes(q.estimated_wait_s) : '—'}${esc(prio)}</div>` +
      (late ? `<div class="late">${esc(late)}</div>` : '') + '</td></tr>';
  }).join('');
  if ($('queues').innerHTML !== html) $('queues').innerHTML = html;
}

// Lists re-rendered while an officer may be tabbing through them keep the focus on the
// same button.
function keepFocus(list, render) {
  const f = document.activeElement;
  const key = f && list.contains(f) && f.tagName === 'BUTTON' ? Object.entries(f.dataset)[0] : null;
  render();
  if (key) {
    const again = list.querySelector(`[data-${key[0]}="${CSS.escape(key[1])}"]`);
    if (again && !again.disabled) again.focus();
  }
}

function renderHeld() {
  const held = S.view?.held || [];
  // Only an open counter with nobody at it can take a held visitor back.
  const can = S.view?.status === 'open' && !S.view?.ticket && !blockedBy() ? '' : ' disabled';
  const html = held.length ? held.map((h) =>
    `<li><b>${esc(h.number)}</b><span class="svc">${esc(h.note || serviceName(h.service))}</span><button type="button" data-resume="${h.id}"${can}>${esc(t('resume_btn'))}</button></li>`).join('')
    : `<li class="empty">${t('none')}</li>`;
  if ($('held').innerHTML === html) return;
  keepFocus($('held'), () => {
    $('held').innerHTML = html;
    $('held').querySelectorAll('[data-resume]').forEach((b) => b.addEventListener('click', (e) => {
      if (e.detail > 0) b.blur();
      act('resume', { ticket: Number(b.dataset.resume) }, 'resumeHeld');
    }));
  });
}

function renderRecent() {
  const time = (s) => s ? localTime(new Date(Date.parse(s))) : '';
  // A no-show of this session comes back with one press (the server checks the grace
  // period).
  const html = S.recent.length ? S.recent.map((r) =>
    `<li><b>${esc(r.number)}</b><span class="svc" title="${esc(serviceName(r.service))}">${esc(serviceName(r.service))}</span>` +
    `<span class="st">${esc(t('st_' + r.status))} ${esc(time(r.finished_at || r.started_at || r.called_at))}</span>` +
    (r.status === 'no_show' ? `<button type="button" data-reinstate="${r.id}" aria-label="${esc(t('reinstate_btn') + ' ' + r.number)}">${esc(t('reinstate_btn'))}</button>` : '') +
    '</li>').join('')
    : `<li class="empty">${t('none')}</li>`;
  if ($('recent').innerHTML === html) return;
  keepFocus($('recent'), () => {
    $('recent').innerHTML = html;
    $('recent').querySelectorAll('[data-reinstate]').forEach((b) => b.addEventListener('click', (e) => {
      if (e.detail > 0) b.blur();
      act('reinstate', { ticket: Number(b.dataset.reinstate) }, 'reinstate');
    }));
  });
}

// ---- Commands -------------------------------------------------------------------
function command(cmd) {
  if (cmd === 'lang') { S.lang = S.lang === 'id' ? 'en' : 'id'; T.set(S.lang); save(); applyLang(); return; }
  if (document.body.dataset.view !== 'counter') return;
  const c = COMMANDS.find((x) => x.cmd === cmd);
  // Tickets, not the counter: any officer reinstates, supervisors and admins cancel.
  if (cmd === 'reinstate') { openPick('reinstate'); return; }
  if (cmd === 'checkIn') { openCheckIn(); return; }
  if (cmd === 'cancelTicket') {
    if (!floor()) { say('warn', t('floor_only')); return; }
    openPick('cancel');
    return;
  }
  if (cmd === 'open') {
    const other = otherHolder();
    if (other) askTakeOver(other);
    else act('open', undefined, 'open');
    return;
  }
  const blocked = blockedBy();
  if (blocked) { say('warn', t('blocked', { who: blocked })); return; }
  if (cmd === 'transfer') { openTransfer(); return; }
  if (cmd === 'callTicket') { openPick('call'); return; }
  if (cmd === 'resumeHeld') {
    const h = S.view?.held?.[0];
    if (!h) { say('warn', t('no_held')); return; }
    act('resume', { ticket: h.id }, 'resumeHeld');
    return;
  }
  if (cmd === 'close' && S.view?.ticket) { openLeave('close'); return; }
  if (cmd === 'close' && S.closeArmedUntil < Date.now()) {
    S.closeArmedUntil = Date.now() + CLOSE_CONFIRM_MS;
    say('warn', t('close_confirm'));
    render();
    setTimeout(render, CLOSE_CONFIRM_MS);
    return;
  }
  S.closeArmedUntil = 0;
  act(c.action, undefined, cmd);
}

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.altKey || e.metaKey) return;
  const dialog = openDialogEl();
  if (dialog) { dialogKey(dialog, e); return; }
  if (document.body.classList.contains('relogin')) return;
  const tag = e.target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
  // A focused button does what it says: Enter and Space press it, as everywhere else.
  // Enter calls the next visitor only when no button has the focus.
  if ((e.key === 'Enter' || e.key === ' ') && e.target.closest && e.target.closest('button, a[href], summary, [role="button"]')) return;
  const cmd = KEYS[e.key];
  if (!cmd) return;
  e.preventDefault();
  command(cmd);
});

// Keys inside a dialog: its own, and Enter on a focused button presses that button.
function dialogKey(dialog, e) {
  const onButton = e.target.closest && e.target.closest('button');
  if (e.key === 'Escape') { e.preventDefault(); closeDialog(dialog.id); return; }
  if (dialog.id === 'takeover') {
    if (e.key === '/') { e.preventDefault(); confirmTakeOver(); }
    return;
  }
  if (dialog.id === 'leave') {
    const choice = { 1: 'complete', 2: 'requeue', 4: 'hold' }[e.key];
    if (choice && !$('leave-' + choice).hidden) { e.preventDefault(); leaveWith(choice); }
    return;
  }
  const list = dialog.id === 'transfer' ? { move: moveTransfer, go: doTransfer }
    : dialog.id === 'checkin' ? { move: moveCheckIn, go: doCheckIn } : { move: movePick, go: doPick };
  if (e.key === 'ArrowDown') { e.preventDefault(); list.move(1); }
  else if (e.key === 'ArrowUp') { e.preventDefault(); list.move(-1); }
  else if (e.key === 'Enter' && !onButton) { e.preventDefault(); list.go(); }
}

// ---- Transfer -------------------------------------------------------------------
// Every service while nothing is typed; then the kiosk's search, typos forgiven
// ("psapor" finds the passport services), best match first.
function transferMatches() {
  const text = $('transfer-search').value;
  if (!text.trim()) return S.site?.services || [];
  return search(S.index, text);
}

function openTransfer() {
  const tk = S.view?.ticket;
  if (!tk) { say('warn', t('no_ticket')); return; }
  $('transfer-number').textContent = tk.number;
  $('transfer-search').value = '';
  $('transfer-note').value = '';
  S.transferSel = 0;
  openDialog('transfer', $('transfer-search'));
  renderTransferList();
}

function moveTransfer(by) {
  S.transferSel = Math.max(0, S.transferSel + by);
  renderTransferList();
}

function renderTransferList() {
  const list = transferMatches();
  S.transferSel = Math.max(0, Math.min(S.transferSel, list.length - 1));
  const current = S.view?.ticket?.service;
  $('transfer-list').innerHTML = list.length ? list.map((s, i) => {
    const q = S.queues.get(s.code);
    return `<li role="option" id="transfer-opt-${i}" data-code="${esc(s.code)}" class="${i === S.transferSel ? 'sel' : ''}" aria-selected="${i === S.transferSel}">` +
      `<span class="name">${esc(S.lang === 'id' ? s.name : s.name_en)}${s.code === current ? ' ✓' : ''}</span>` +
      `<span class="agency">${esc(agencyShort(s.agency))}</span><span class="wait">${q ? q.waiting + ' · ' + minutes(q.estimated_wait_s) : ''}</span></li>`;
  }).join('') : `<li role="option" aria-disabled="true" aria-selected="false" class="empty">${esc(t('no_match'))}</li>`;
  const active = list.length ? `transfer-opt-${S.transferSel}` : '';
  $('transfer-search').setAttribute('aria-activedescendant', active);
  $('transfer-list').setAttribute('aria-activedescendant', active);
  const sel = $('transfer-list').querySelector('.sel');
  if (sel) sel.scrollIntoView({ block: 'nearest' });
  $('transfer-list').querySelectorAll('li[data-code]').forEach((li, i) => {
    li.addEventListener('click', () => { S.transferSel = i; renderTransferList(); });
    li.addEventListener('dblclick', () => { S.transferSel = i; doTransfer(); });
  });
}

function doTransfer() {
  const s = transferMatches()[S.transferSel];
  if (!s) return;
  const note = $('transfer-note').value.trim();
  closeDialog('transfer');
  act('transfer', { service: s.code, note: note || null }, 'transfer');
}

// ---- Choosing a ticket: call out of turn, reinstate, cancel -------------------------
const numberKey = (s) => String(s || '').toUpperCase().replace(/[^A-Z0-9]/g, '');

function labelPick() {
  const mode = S.pick.mode;
  $('pick-title').textContent = t(`pick_${mode}_title`);
  $('pick-hint').textContent = t(`pick_${mode}_hint`);
  $('pick-list-label').textContent = t(`pick_${mode}_list`);
  $('pick-go-label').textContent = t(`pick_${mode}_go`);
  $('pick-reason-row').hidden = mode === 'reinstate';
  $('pick-reason-label').textContent = t(mode === 'cancel' ? 'pick_cancel_reason' : 'pick_call_reason');
  $('pick-go').classList.toggle('danger', mode === 'cancel');
}

// `typed`: a number to start with (a booking just checked in, to call it now).
async function openPick(mode, typed = '') {
  const items = [];
  if (mode === 'cancel') items.push(...(S.view?.held || []));
  if (mode !== 'call') items.push(...S.recent.filter((r) => r.status === 'no_show'));
  S.pick = { mode, items, sel: 0, loading: mode !== 'reinstate' };
  const pick = S.pick;
  labelPick();
  $('pick-search').value = typed;
  $('pick-reason').value = '';
  pickError('');
  openDialog('pick', $('pick-search'));
  renderPick();
  if (mode === 'reinstate') return;
  // The waiting tickets of this counter's services, in the order they came.
  const waiting = [];
  try {
    for (const code of counterInfo()?.services || []) waiting.push(...await api('GET', `/services/${encodeURIComponent(code)}/waiting`));
  } catch (e) {
    if (S.pick === pick) pickError(e instanceof NetError ? t('net_check') : half(e.message));
  }
  if (S.pick !== pick) return;
  waiting.sort((a, b) => Date.parse(a.issued_at) - Date.parse(b.issued_at) || a.id - b.id);
  for (const w of waiting) if (!pick.items.some((x) => x.id === w.id)) pick.items.push(w);
  pick.loading = false;
  renderPick();
}

function pickMatches() {
  if (!S.pick) return [];
  const typed = numberKey($('pick-search').value);
  return S.pick.items.filter((x) => numberKey(x.number).includes(typed));
}

function pickError(text) {
  $('pick-error').hidden = !text;
  $('pick-error').textContent = text || '';
}

function movePick(by) {
  if (!S.pick) return;
  S.pick.sel = Math.max(0, S.pick.sel + by);
  renderPick();
}

function renderPick() {
  if (!S.pick) return;
  const list = pickMatches();
  S.pick.sel = Math.max(0, Math.min(S.pick.sel, list.length - 1));
  const now = serverNow();
  const empty = S.pick.loading ? 'pick_loading' : $('pick-search').value.trim() ? 'pick_lookup' : 'pick_empty';
  $('pick-list').innerHTML = list.length ? list.map((x, i) => {
    const waited = `${t('waited')} ${minutes((now - Date.parse(x.issued_at)) / 1000)}`;
    const prio = x.priority ? ` · ${t('priority')} ${t('p_' + x.priority)}` : '';
    return `<li role="option" id="pick-opt-${i}" data-id="${x.id}" class="${i === S.pick.sel ? 'sel' : ''}" aria-selected="${i === S.pick.sel}">` +
      `<b>${esc(x.number)}</b><span class="name">${esc(serviceName(x.service))}</span>` +
      `<span class="wait">${esc(t('st_' + x.status))} · ${esc(waited)}${esc(prio)}</span></li>`;
  }).join('') : `<li role="option" aria-disabled="true" aria-selected="false" class="empty">${esc(t(empty))}</li>`;
  const active = list.length ? `pick-opt-${S.pick.sel}` : '';
  $('pick-search').setAttribute('aria-activedescendant', active);
  $('pick-list').setAttribute('aria-activedescendant', active);
  const sel = $('pick-list').querySelector('.sel');
  if (sel) sel.scrollIntoView({ block: 'nearest' });
  $('pick-list').querySelectorAll('li[data-id]').forEach((li, i) => {
    li.addEventListener('click', () => { S.pick.sel = i; renderPick(); });
    li.addEventListener('dblclick', () => { S.pick.sel = i; doPick(); });
  });
}

// Whether a ticket in this state can be chosen for the dialog's purpose.
function fits(mode, x) {
  if (mode === 'call') return x.status === 'waiting' && (counterInfo()?.services || []).includes(x.service);
  if (mode === 'reinstate') return x.status === 'no_show';
  return ['waiting', 'held', 'no_show'].includes(x.status);
}

async function lookUp(typed) {
  const pick = S.pick;
  try {
    const found = await api('GET', `/tickets/by-number/${encodeURIComponent(numberKey(typed))}`);
    if (S.pick !== pick) return;
    if (!fits(pick.mode, found)) {
      pickError(t(`pick_unfit_${pick.mode}`, { n: found.number, st: t('st_' + found.status) }));
      return;
    }
    if (!pick.items.some((x) => x.id === found.id)) pick.items.push(found);
    $('pick-search').value = found.number;
    pick.sel = 0;
    pickError('');
    renderPick();
  } catch (e) {
    if (S.pick !== pick) return;
    if (e instanceof ApiError && e.status === 404) pickError(t('pick_not_found', { n: numberKey(typed) }));
    else pickError(e instanceof NetError ? t('net_check') : half(e.message));
  }
}

async function doPick() {
  const pick = S.pick;
  if (!pick) return;
  const x = pickMatches()[pick.sel];
  const typed = $('pick-search').value.trim();
  if (!x) { if (typed) lookUp(typed); return; }
  const reason = $('pick-reason').value.trim();
  if (pick.mode === 'cancel' && !reason) { pickError(t('pick_reason_needed')); $('pick-reason').focus(); return; }
  const { action, name } = PICK[pick.mode];
  const body = pick.mode === 'reinstate' ? { ticket: x.id } : { ticket: x.id, reason };
  $('pick-go').disabled = true;
  const r = await act(action, body, name, { quiet: true });
  $('pick-go').disabled = false;
  if (S.pick !== pick) return;
  if (r.busy) { pickError(t('busy')); return; }
  if (r.ok || r.net || !r.error) { closeDialog('pick'); return; }
  // Refused: said in the dialog, which stays open to put it right.
  pickError(half(r.error.message));
  if (r.error.code === 'reason_required') $('pick-reason').focus();
}

// ---- Checking a booking in ----------------------------------------------------------
// The visitor shows the booking's code (or says their name) and their KTP: the officer
// finds the booking among today's of this counter's services, compares the name and the
// NIK's last four digits, and checks it in. The ticket joins the line at its session's
// place (the server's rule); the officer may then call it out of turn with a reason.

function openCheckIn() {
  S.checkin = { items: [], sel: 0, loading: true, seq: 0, timer: null, busy: false, done: null, error: null };
  $('checkin-search').value = '';
  openDialog('checkin', $('checkin-search'));
  renderCheckIn();
  renderCheckInOutcome();
  loadBookings();
}

function onCheckInTyped() {
  const ci = S.checkin;
  if (!ci) return;
  ci.sel = 0;
  ci.error = null;
  renderCheckInOutcome();
  renderCheckIn();
  clearTimeout(ci.timer);
  ci.timer = setTimeout(loadBookings, BOOKINGS_DEBOUNCE_MS);
}

// Today's bookings of the counter's services that match what is typed (the server
// matches part of the code, of the name, or the NIK's last four digits), and late in
// the evening tomorrow's whose check-in has opened already.
async function loadBookings() {
  const ci = S.checkin;
  if (!ci) return;
  const seq = ++ci.seq;
  const q = $('checkin-search').value.trim();
  ci.loading = true;
  const found = [];
  const now = serverNow();
  const tomorrow = localDay(S.site?.timezone, new Date(now + 24 * 3600 * 1000));
  try {
    for (const service of counterInfo()?.services || []) {
      found.push(...await api('GET', '/bookings?' + queryString({ service, q })));
      const early = await api('GET', '/bookings?' + queryString({ service, q, date: tomorrow }));
      found.push(...early.filter((b) => Date.parse(b.check_in_from) <= now));
    }
  } catch (e) {
    if (S.checkin !== ci || seq !== ci.seq) return;
    ci.loading = false;
    if (e instanceof ApiError && e.status === 401) { askLogin(t('session_expired')); return; }
    ci.error = () => esc(e instanceof NetError ? t('net_check') : half(e.message));
    renderCheckInOutcome();
    renderCheckIn();
    return;
  }
  if (S.checkin !== ci || seq !== ci.seq) return;
  const chosen = ci.items[ci.sel]?.code;
  // By day and session, the remote queue's places first (they have none), then by name.
  found.sort((a, b) => a.date.localeCompare(b.date) || (a.start || '').localeCompare(b.start || '') || a.name.localeCompare(b.name));
  ci.items = found;
  ci.loading = false;
  // The same booking stays chosen; else the first that can be checked in now.
  const again = found.findIndex((b) => b.code === chosen);
  ci.sel = again >= 0 ? again : Math.max(0, found.findIndex((b) => b.status === 'booked' && windowNow(b) === 0));
  renderCheckIn();
}

// Where now is against a booking's check-in window: -1 before, 0 inside, 1 after.
function windowNow(b) {
  const now = serverNow();
  if (now < Date.parse(b.check_in_from)) return -1;
  return now < Date.parse(b.check_in_until) ? 0 : 1;
}

function bookingState(b) {
  if (b.status === 'checked_in') return t('bk_checked_in', { n: b.ticket?.number || '' });
  if (b.status !== 'booked') return t('bk_' + b.status);
  const w = windowNow(b);
  if (w < 0) return t('bk_early', { t: localTime(new Date(Date.parse(b.check_in_from))) });
  if (w > 0) return t('bk_late', { t: localTime(new Date(Date.parse(b.check_in_until))) });
  return t('bk_booked');
}

function moveCheckIn(by) {
  const ci = S.checkin;
  if (!ci) return;
  ci.sel = Math.max(0, Math.min(ci.sel + by, ci.items.length - 1));
  renderCheckIn();
}

function renderCheckIn() {
  const ci = S.checkin;
  if (!ci) return;
  const list = ci.items;
  ci.sel = Math.max(0, Math.min(ci.sel, list.length - 1));
  const typed = $('checkin-search').value.trim();
  const code = bookingCode(typed);
  const empty = ci.loading ? 'pick_loading' : code ? 'checkin_by_code' : typed ? 'checkin_no_match' : 'checkin_none';
  // The service is named when the counter has more than one.
  const several = (counterInfo()?.services || []).length > 1;
  $('checkin-list').innerHTML = list.length ? list.map((b, i) => {
    const day = b.date !== localDay(S.site?.timezone, new Date(serverNow())) ? t('tomorrow') + ' ' : '';
    const when = b.remote ? t('remote') : `${day}${b.start || ''}–${b.end || ''}`;
    return `<li role="option" id="checkin-opt-${i}" data-i="${i}" class="${i === ci.sel ? 'sel' : ''} bk-${esc(b.status)}" aria-selected="${i === ci.sel}">` +
      `<b class="bcode">${esc(showBookingCode(b.code))}</b>` +
      `<span class="name">${esc(b.name)}${several ? `<small>${esc(serviceName(b.service))}</small>` : ''}</span>` +
      `<span class="nik">${esc(t('nik_last4', { n: b.nik_last4 }))}</span>` +
      `<span class="when">${esc(when)}</span>` +
      `<span class="wait">${esc(bookingState(b))}</span></li>`;
  }).join('') : `<li role="option" aria-disabled="true" aria-selected="false" class="empty">${esc(t(empty, { code: code ? showBookingCode(code) : '' }))}</li>`;
  const active = list.length ? `checkin-opt-${ci.sel}` : '';
  $('checkin-search').setAttribute('aria-activedescendant', active);
  $('checkin-list').setAttribute('aria-activedescendant', active);
  const sel = $('checkin-list').querySelector('.sel');
  if (sel) sel.scrollIntoView({ block: 'nearest' });
  $('checkin-list').querySelectorAll('li[data-i]').forEach((li) => {
    const i = Number(li.dataset.i);
    li.addEventListener('click', () => { ci.sel = i; renderCheckIn(); });
    li.addEventListener('dblclick', () => { ci.sel = i; doCheckIn(); });
  });
  $('checkin-go').disabled = ci.busy;
}

// The outcome under the list: a refusal (an alert), or the ticket just given (a status).
function renderCheckInOutcome() {
  const ci = S.checkin;
  const error = ci?.error ? ci.error() : '';
  $('checkin-error').hidden = !error;
  if ($('checkin-error').innerHTML !== error) $('checkin-error').innerHTML = error;
  const done = ci?.done;
  const html = done ? `<b class="done-number">${esc(done.ticket.number)}</b><span>${T.both('checkin_done', done.vars)}</span>` : '';
  if ($('checkin-done').innerHTML !== html) $('checkin-done').innerHTML = html;
  // Calling it now: the call-a-ticket dialog, at an open counter that is this user's.
  const call = $('checkin-call');
  call.hidden = !done || done.ticket.status !== 'waiting' || S.view?.status !== 'open' || !!blockedBy()
    || !(counterInfo()?.services || []).includes(done.ticket.service);
  if (done) call.textContent = t('checkin_call', { n: done.ticket.number });
}

// The booking to check in: a full code typed (any case, with or without the dash),
// else the one chosen in the list.
function chosenBooking() {
  const ci = S.checkin;
  const typed = bookingCode($('checkin-search').value);
  const row = ci.items[ci.sel];
  if (typed) return { code: typed, row: ci.items.find((b) => bookingCode(b.code) === typed) || null };
  return row ? { code: bookingCode(row.code) || row.code, row } : null;
}

async function doCheckIn() {
  const ci = S.checkin;
  if (!ci || ci.busy) return;
  const chosen = chosenBooking();
  if (!chosen) {
    ci.error = () => esc(t('checkin_type'));
    renderCheckInOutcome();
    return;
  }
  const { code, row } = chosen;
  ci.busy = true;
  ci.error = null;
  ci.done = null;
  renderCheckInOutcome();
  renderCheckIn();
  let ticket = null, failure = null;
  try { ticket = await sendCheckIn(code); } catch (e) { failure = e; }
  ci.busy = false;
  if (S.checkin !== ci) return;
  if (failure instanceof ApiError && failure.status === 401) { askLogin(t('session_expired')); return; }
  if (failure) {
    ci.error = () => refusal(failure, code, row);
  } else {
    const vars = {
      code: showBookingCode(code), name: row?.name || '', pos: ticket.position != null ? ticket.position + 1 : '—',
      service: [serviceNameIn(ticket.service, 'id'), serviceNameIn(ticket.service, 'en')],
    };
    ci.done = { ticket, vars };
    S.actions++;
    say('info', t('checkin_said', { n: ticket.number, code: vars.code, pos: vars.pos }));
    refreshQueues();
    loadBookings();
  }
  renderCheckInOutcome();
  renderCheckIn();
}

// Sends the check-in, again over a network failure. The server checks a booking in
// once: a repeat whose first try went through is told `already_checked_in`, and then the
// ticket it became is the answer.
async function sendCheckIn(code) {
  const path = `/bookings/${encodeURIComponent(showBookingCode(code))}/check-in`;
  let pause = FIRST_BACKOFF_MS, last = null, sent = false;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) { await sleep(pause); pause *= 2; }
    try {
      return await api('POST', path);
    } catch (e) {
      if (e instanceof NetError) { last = e; sent = true; continue; }
      if (sent && e.code === 'already_checked_in') {
        const ticket = await ticketOfBooking(code).catch(() => null);
        if (ticket) return ticket;
      }
      throw e;
    }
  }
  throw last || new NetError('network');
}

async function ticketOfBooking(code) {
  const found = await api('GET', '/bookings?' + queryString({ q: code }));
  const b = found.find((x) => bookingCode(x.code) === code);
  return b?.ticket ? api('GET', `/tickets/by-number/${encodeURIComponent(b.ticket.number)}`) : null;
}

// Why the server refused, in both languages: outside the window with its times in the
// site's zone, already checked in with its ticket, no longer valid, or unknown.
function refusal(e, code, row) {
  if (e instanceof NetError) return esc(t('net_check'));
  const vars = { code: showBookingCode(code) };
  const zone = S.site?.timezone;
  switch (e.code) {
    case 'check_in_closed': {
      const w = e.detail.window || {};
      vars.from = windowTime(zone, w.from);
      vars.until = windowTime(zone, w.until, w.from);
      const now = serverNow();
      const key = w.from && now < Date.parse(w.from) ? 'ci_early' : w.until && now >= Date.parse(w.until) ? 'ci_late' : 'ci_closed';
      return T.both(key, vars);
    }
    case 'already_checked_in':
      return row?.ticket ? T.both('ci_done_n', { ...vars, n: row.ticket.number }) : T.both('ci_done', vars);
    case 'not_active': return T.both('ci_inactive', vars);
    case 'booking_not_found': return T.both('ci_not_found', vars);
    default: return esc(half(e.message));
  }
}

// The booking's ticket, now waiting: called out of turn through the call-a-ticket
// dialog, where the reason is asked.
function callCheckedIn() {
  const number = S.checkin?.done?.ticket?.number;
  if (!number) return;
  closeDialog('checkin');
  const blocked = blockedBy();
  if (blocked) { say('warn', t('blocked', { who: blocked })); return; }
  openPick('call', number);
}

// ---- Start ----------------------------------------------------------------------
async function boot() {
  $('login-form').addEventListener('submit', onLogin);
  $('password-form').addEventListener('submit', onNewPassword);
  $('lang-btn').addEventListener('click', () => command('lang'));
  $('logout-btn').addEventListener('click', () => {
    if (document.body.dataset.view === 'counter' && S.view?.ticket && !blockedBy()) openLeave('logout');
    else logOut();
  });
  $('switch-btn').addEventListener('click', () => chooseCounter());
  $('transfer-search').addEventListener('input', () => { S.transferSel = 0; renderTransferList(); });
  $('transfer-cancel').addEventListener('click', () => closeDialog('transfer'));
  $('transfer-go').addEventListener('click', doTransfer);
  $('pick-search').addEventListener('input', () => { if (S.pick) S.pick.sel = 0; pickError(''); renderPick(); });
  $('pick-cancel').addEventListener('click', () => closeDialog('pick'));
  $('pick-go').addEventListener('click', doPick);
  $('takeover-cancel').addEventListener('click', () => closeDialog('takeover'));
  $('takeover-go').addEventListener('click', confirmTakeOver);
  $('leave-cancel').addEventListener('click', () => closeDialog('leave'));
  document.querySelectorAll('[data-leave]').forEach((b) => b.addEventListener('click', () => leaveWith(b.dataset.leave)));
  $('checkin-search').addEventListener('input', onCheckInTyped);
  $('checkin-close').addEventListener('click', () => closeDialog('checkin'));
  $('checkin-go').addEventListener('click', doCheckIn);
  $('checkin-call').addEventListener('click', callCheckedIn);
  for (const id of ['transfer', 'pick', 'takeover', 'leave', 'checkin']) $(id).addEventListener('close', () => onDialogClosed(id));
  applyLang();
  // The site may be restarting: loadSite keeps trying until it answers.
  S.site = await loadSite();
  S.index = buildIndex(S.site);
  applyLang();
  if (!S.token) { askLogin(''); return; }
  try {
    const me = await api('GET', '/auth/me');
    S.user = me.username; S.role = me.role; S.counters = me.counters; save();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { askLogin(S.counter ? t('session_expired') : ''); return; }
    // Network trouble: carry on with what was saved; the stream reconnects by itself.
  }
  if (S.counter && S.counters.includes(S.counter)) enterCounter();
  else if (S.counters.length === 1) { S.counter = S.counters[0]; save(); enterCounter(); }
  else chooseCounter();
}

setInterval(() => {
  if (document.body.dataset.view !== 'counter') return;
  tickTimer();
  renderQueues();
}, 1000);

boot();
