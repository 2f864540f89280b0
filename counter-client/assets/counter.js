// The counter officer's page: log in, choose a counter, and serve the queue with one
// key. State comes from the server (REST and the live stream); the page keeps only the
// token, the chosen counter and the session's recent tickets, so a reload or a server
// restart never loses the officer's place.
import { buildIndex, clock as siteClock, esc, follow, loadSite, newKey, request, search, sleep, texts } from '/assets/antre.js';

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

// Buttons, their keys (numeric keypad first; the digits also work on the top row) and
// the API action behind each. Documented in docs/counter.md.
const COMMANDS = [
  { cmd: 'callNext', key: 'Enter / +', action: 'call-next', cls: 'big' },
  { cmd: 'recall', key: '.', action: 'recall' },
  { cmd: 'start', key: '0', action: 'start' },
  { cmd: 'complete', key: '1', action: 'complete' },
  { cmd: 'noShow', key: '2', action: 'no-show' },
  { cmd: 'transfer', key: '3' },
  { cmd: 'hold', key: '4', action: 'hold' },
  { cmd: 'resumeHeld', key: '6' },
  { cmd: 'pause', key: '7', action: 'pause' },
  { cmd: 'resume', key: '8', action: 'resume' },
  { cmd: 'open', key: '/', action: 'open' },
  { cmd: 'close', key: '*', action: 'close', cls: 'danger' },
];
const KEYS = {
  'Enter': 'callNext', '+': 'callNext', '.': 'recall', ',': 'recall', '0': 'start', '1': 'complete',
  '2': 'noShow', '3': 'transfer', '4': 'hold', '6': 'resumeHeld', '7': 'pause', '8': 'resume',
  '/': 'open', '*': 'close', '-': 'lang',
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
  logout: ['Keluar', 'Log out'],
  switch_counter: ['Ganti loket', 'Switch counter'],
  choose_counter: ['Pilih loket', 'Choose a counter'],
  now_serving: ['Sedang dilayani', 'Now serving'],
  waiting_for_you: ['Menunggu di loket ini', 'Waiting for this counter'],
  held: ['Ditahan', 'On hold'],
  recent: ['Tiket sesi ini', 'This session'],
  transfer_title: ['Alihkan ke layanan', 'Transfer to service'],
  transfer_search: ['Cari layanan, instansi, kata kunci…', 'Search service, agency, keyword…'],
  transfer_hint: ['Pengunjung tetap pada urutannya. Ketik untuk mencari; ↑↓ memilih; Enter mengalihkan; Esc batal.', 'The visitor keeps their place in line. Type to search; ↑↓ to choose; Enter transfers; Esc cancels.'],
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
  resumeHeld: ['Lanjutkan ditahan', 'Resume held'],
  pause: ['Istirahat', 'Break'],
  resume: ['Selesai istirahat', 'End break'],
  open: ['Buka loket', 'Open counter'],
  close: ['Tutup loket', 'Close counter'],
  close_confirm: ['Tekan * lagi untuk menutup loket', 'Press * again to close the counter'],
  status_open: ['BUKA', 'OPEN'],
  status_closed: ['TUTUP', 'CLOSED'],
  status_paused: ['ISTIRAHAT', 'ON BREAK'],
  online: ['● terhubung', '● online'],
  offline: ['● terputus — menyambung ulang…', '● offline — reconnecting…'],
  none_closed: ['Loket tutup. Tekan / untuk membuka.', 'Counter closed. Press / to open.'],
  none_paused: ['Istirahat. Tekan 8 untuk melanjutkan.', 'On break. Press 8 to resume.'],
  none_open: ['Belum ada tiket. Tekan Enter untuk memanggil.', 'No ticket. Press Enter to call the next visitor.'],
  called: ['Dipanggil', 'Called'],
  serving: ['Dilayani', 'Serving'],
  nobody: ['Tidak ada yang menunggu.', 'Nobody is waiting.'],
  busy: ['Tunggu, tindakan sebelumnya masih diproses.', 'Wait, the previous action is still in progress.'],
  no_ticket: ['Tidak ada tiket untuk dialihkan.', 'No ticket to transfer.'],
  no_held: ['Tidak ada tiket yang ditahan.', 'No ticket is on hold.'],
  resume_btn: ['Lanjutkan', 'Resume'],
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
  st_waiting: ['dialihkan', 'transferred'],
  st_called: ['dipanggil', 'called'],
  st_serving: ['dilayani', 'serving'],
  st_held: ['ditahan', 'on hold'],
  st_done: ['selesai', 'done'],
  st_no_show: ['tidak hadir', 'no-show'],
  st_cancelled: ['batal', 'cancelled'],
  min: ['mnt', 'min'],
  place: ['urutan ke-', 'place '],
  done_callNext: ['dipanggil', 'called'],
  done_recall: ['dipanggil ulang', 'recalled'],
  done_start: ['sedang dilayani', 'now being served'],
  done_complete: ['selesai', 'completed'],
  done_noShow: ['tidak hadir', 'marked no-show'],
  done_hold: ['ditahan', 'on hold'],
  done_resumeHeld: ['dipanggil kembali', 'called back'],
  p_lansia: ['lansia', 'elderly'],
  p_disabilitas: ['penyandang disabilitas', 'disability'],
  p_ibu_hamil: ['ibu hamil', 'pregnant'],
  p_anak: ['anak', 'child'],
}, saved.lang);
const S = {
  lang: saved.lang === 'en' ? 'en' : 'id',
  token: saved.token || null, user: saved.user || '', role: saved.role || '',
  counters: saved.counters || [], counter: saved.counter || null,
  recent: Array.isArray(saved.recent) ? saved.recent : [],
  site: null, index: [], view: null, queues: new Map(), stream: null, online: false,
  skewMs: 0, busy: null, failed: [], message: null,
  closeArmedUntil: 0, retryAfterLogin: null, transferSel: 0, actions: 0,
};
window.antreCounter = S; // for tests and for support staff poking at a desk

function save() {
  localStorage.setItem(STORE, JSON.stringify({
    lang: S.lang, token: S.token, user: S.user, role: S.role, counters: S.counters,
    counter: S.counter, recent: S.recent,
  }));
}
const t = (key) => T.tr(key);
// The server's messages are "Indonesian / English": this language's half.
const half = (m) => { const p = String(m).split(' / '); return p.length === 2 ? (S.lang === 'id' ? p[0] : p[1]) : String(m); };
const serverNow = () => Date.now() + S.skewMs;
function clock(sec) {
  sec = Math.max(0, Math.floor(sec));
  const h = Math.floor(sec / 3600), m = Math.floor(sec / 60) % 60, s = sec % 60;
  return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(s).padStart(2, '0');
}
const minutes = (sec) => (S.lang === 'id' ? '±' : '~') + Math.ceil(sec / 60) + ' ' + t('min');

class ApiError extends Error { constructor(status, code, message) { super(message); this.status = status; this.code = code; } }
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
    throw new ApiError(res.status, data?.error?.code || 'http_' + res.status, data?.error?.message || 'HTTP ' + res.status);
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
    case 'open': return before.status === 'closed' && after.status !== 'closed';
    case 'close': return before.status !== 'closed' && after.status === 'closed';
    case 'pause': return before.status !== 'paused' && after.status === 'paused';
    case 'resume':
      if (body && body.ticket) return id(after) === body.ticket;
      return before.status === 'paused' && after.status === 'open';
    case 'recall': return !!(before.ticket && after.ticket && after.ticket.id === before.ticket.id && after.ticket.recalls > before.ticket.recalls);
    case 'start': return !!(before.ticket && after.ticket && after.ticket.id === before.ticket.id && after.ticket.status === 'serving' && before.ticket.status !== 'serving');
    default: return id(after) !== id(before); // call-next, complete, no-show, transfer, hold
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
  if (['call-next', 'recall', 'start', 'resume'].includes(action)) return after.ticket || null;
  try { return await api('GET', `/tickets/${before.ticket.id}`); } catch { return before.ticket; }
}

async function act(action, body, name) {
  if (S.busy) { say('warn', t('busy')); return; }
  S.busy = name; render();
  try {
    const answer = await reliable(action, body);
    S.actions++;
    onAnswer(action, name, answer);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      S.retryAfterLogin = { action, body, name };
      askLogin(t('session_expired'));
    } else if (e instanceof NetError) {
      S.failed.push({ action, body, name, at: new Date() });
      say('error', t('net_check'));
    } else {
      say('warn', `${t(name)}: ${half(e.message)}`);
    }
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
    if (action === 'transfer') {
      text = `${n} → ${serviceName(answer.service)}` + (answer.position != null ? ` (${t('place')}${answer.position + 1})` : '');
    }
    say('info', text);
    if (S.view) {
      const active = answer.status === 'called' || answer.status === 'serving';
      if (active && answer.counter === S.counter) S.view.ticket = answer;
      else if (S.view.ticket && S.view.ticket.id === answer.id) S.view.ticket = null;
    }
  } else if (answer.code) {
    S.view = answer;
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
  try { S.view = await api('GET', `/counters/${encodeURIComponent(S.counter)}`); render(); } catch { /* the stream will tell */ }
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
      S.view = msg.counters.find((c) => c.code === S.counter) || S.view;
      S.queues = new Map(msg.queues.map((q) => [q.service, q]));
      render();
    },
    onEvent(msg) {
      if (msg.counter && msg.counter.code === S.counter) S.view = msg.counter;
      if (msg.ticket && msg.ticket.counter === S.counter && msg.type !== 'ticket.issued') remember(msg.ticket);
      if (msg.type.startsWith('ticket.') || msg.type === 'counter.opened' || msg.type === 'counter.closed') refreshQueues();
      render();
    },
    onOnline() { S.online = true; renderHeader(); },
    onOffline() { S.online = false; renderHeader(); },
  });
}

// ---- Screens --------------------------------------------------------------------
function show(view) {
  document.body.dataset.view = view;
  $('login-view').hidden = view !== 'login';
  $('choose-view').hidden = view !== 'choose';
  $('counter-view').hidden = view !== 'counter';
  $('logout-btn').hidden = !S.token || view === 'login';
  $('switch-btn').hidden = view !== 'counter' || S.counters.length < 2;
  renderHeader();
}

function askLogin(why) {
  const desk = document.body.dataset.view === 'counter';
  document.body.classList.toggle('relogin', desk);
  $('login-view').hidden = false;
  if (!desk) show('login');
  $('login-why').hidden = !why;
  $('login-why').textContent = why || '';
  $('login-user').value = S.user || '';
  $('login-error').hidden = true;
  (S.user ? $('login-password') : $('login-user')).focus();
}

async function onLogin(ev) {
  ev.preventDefault();
  $('login-error').hidden = true;
  $('login-submit').disabled = true;
  try {
    const me = await api('POST', '/auth/login', { username: $('login-user').value.trim(), password: $('login-password').value });
    $('login-password').value = '';
    // The session's list belongs to one officer: someone else starts a fresh one.
    if (me.username !== S.user) S.recent = [];
    S.token = me.token; S.user = me.username; S.role = me.role; S.counters = me.counters;
    if (S.counter && !S.counters.includes(S.counter)) S.counter = null;
    save();
    const wasDesk = document.body.classList.contains('relogin');
    document.body.classList.remove('relogin');
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
  } catch (e) {
    $('login-error').hidden = false;
    $('login-error').textContent = e instanceof NetError ? t('net_check').split('.')[0] + '.' : half(e.message);
    $('login-password').value = '';
    $('login-password').focus();
  } finally { $('login-submit').disabled = false; }
}

function chooseCounter() {
  show('choose');
  const list = $('counter-list');
  if (!S.counters.length) { list.innerHTML = `<p class="error">${esc(t('no_counters'))}</p>`; return; }
  list.innerHTML = S.counters.map((code) => {
    const c = S.site?.counters.find((x) => x.code === code);
    return `<button type="button" data-code="${esc(code)}"><b>${esc(c ? c.name : code)}</b>${esc(code)}${c ? ' · ' + esc(c.zone) : ''}</button>`;
  }).join('');
  list.querySelectorAll('button').forEach((b) => b.addEventListener('click', () => {
    if (S.counter !== b.dataset.code) S.recent = [];
    S.counter = b.dataset.code; S.view = null; save(); enterCounter();
  }));
}

function enterCounter() {
  show('counter');
  buildActions();
  render();
  refreshView();
  refreshQueues();
  connect();
}

// ---- Rendering ------------------------------------------------------------------
// A time of day in the site's time zone (the counter PC's own clock may be set to
// another zone): HH:MM, or with seconds where actions a few seconds apart must differ.
const localTime = (date, seconds = false) => siteClock(S.site?.timezone, S.lang).time(date, seconds);

const counterInfo = () => S.site?.counters.find((c) => c.code === S.counter);
const service = (code) => S.site?.services.find((s) => s.code === code);
const serviceName = (code) => { const s = service(code); return s ? (S.lang === 'id' ? s.name : s.name_en) : code; };
const agencyShort = (code) => S.site?.agencies.find((a) => a.code === code)?.short || code;

function applyLang() {
  document.documentElement.lang = S.lang;
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  $('lang-btn').textContent = S.lang === 'id' ? 'English' : 'Indonesia';
  $('lang-btn').title = '-';
  buildActions();
  render();
  if (!$('transfer').hidden) renderTransferList();
  if (document.body.dataset.view === 'choose') chooseCounter();
}

function buildActions() {
  $('actions').innerHTML = COMMANDS.map((c) =>
    `<button type="button" id="btn-${c.cmd}" data-cmd="${c.cmd}" class="${c.cls || ''}"><span>${esc(t(c.cmd))}</span><kbd>${esc(c.key)}</kbd></button>`).join('');
  $('actions').querySelectorAll('button').forEach((b) => b.addEventListener('click', (e) => {
    e.currentTarget.blur(); // Enter must never press a focused button a second time
    command(b.dataset.cmd);
  }));
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
  $('current-service').textContent = tk ? serviceName(tk.service) : t(v?.status === 'paused' ? 'none_paused' : v?.status === 'open' ? 'none_open' : 'none_closed');
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
  const can = {
    callNext: st === 'open', recall: tk?.status === 'called', start: tk?.status === 'called',
    complete: !!tk, noShow: tk?.status === 'called', transfer: !!tk, hold: !!tk,
    resumeHeld: st === 'open' && !tk && (v?.held?.length || 0) > 0, pause: st === 'open' && !tk,
    resume: st === 'paused', open: st === 'closed', close: st !== 'closed' && !tk,
  };
  for (const c of COMMANDS) {
    const b = $('btn-' + c.cmd);
    if (!b) continue;
    b.disabled = !can[c.cmd];
    b.classList.toggle('armed', c.cmd === 'close' && S.closeArmedUntil > Date.now());
  }
  renderMessage();
  renderFailed();
  renderQueues();
  renderHeld();
  renderRecent();
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
  $('queues').innerHTML = c.services.map((code) => {
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
}

function renderHeld() {
  const held = S.view?.held || [];
  // Only an open counter with nobody at it can take a held visitor back.
  const can = S.view?.status === 'open' && !S.view?.ticket ? '' : ' disabled';
  $('held').innerHTML = held.length ? held.map((h) =>
    `<li><b>${esc(h.number)}</b><span class="svc">${esc(h.note || serviceName(h.service))}</span><button type="button" data-resume="${h.id}"${can}>${esc(t('resume_btn'))}</button></li>`).join('')
    : `<li class="empty">${t('none')}</li>`;
  $('held').querySelectorAll('[data-resume]').forEach((b) => b.addEventListener('click', () =>
    act('resume', { ticket: Number(b.dataset.resume) }, 'resumeHeld')));
}

function renderRecent() {
  const time = (s) => s ? localTime(new Date(Date.parse(s))) : '';
  $('recent').innerHTML = S.recent.length ? S.recent.map((r) =>
    `<li><b>${esc(r.number)}</b><span class="svc">${esc(serviceName(r.service))}</span><span class="st">${esc(t('st_' + r.status))} ${esc(time(r.finished_at || r.started_at || r.called_at))}</span></li>`).join('')
    : `<li class="empty">${t('none')}</li>`;
}

// ---- Commands -------------------------------------------------------------------
function command(cmd) {
  if (cmd === 'lang') { S.lang = S.lang === 'id' ? 'en' : 'id'; T.set(S.lang); save(); applyLang(); return; }
  if (document.body.dataset.view !== 'counter') return;
  const c = COMMANDS.find((x) => x.cmd === cmd);
  if (cmd === 'transfer') { openTransfer(); return; }
  if (cmd === 'resumeHeld') {
    const h = S.view?.held?.[0];
    if (!h) { say('warn', t('no_held')); return; }
    act('resume', { ticket: h.id }, 'resumeHeld');
    return;
  }
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
  if (!$('transfer').hidden) { transferKey(e); return; }
  const tag = e.target.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
  if (document.body.classList.contains('relogin')) return;
  const cmd = KEYS[e.key];
  if (!cmd) return;
  e.preventDefault();
  command(cmd);
});

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
  $('transfer').hidden = false;
  renderTransferList();
  $('transfer-search').focus();
}

function closeTransfer() { $('transfer').hidden = true; }

function renderTransferList() {
  const list = transferMatches();
  S.transferSel = Math.max(0, Math.min(S.transferSel, list.length - 1));
  const current = S.view?.ticket?.service;
  $('transfer-list').innerHTML = list.map((s, i) => {
    const q = S.queues.get(s.code);
    return `<li role="option" data-code="${esc(s.code)}" class="${i === S.transferSel ? 'sel' : ''}" aria-selected="${i === S.transferSel}">` +
      `<span>${esc(S.lang === 'id' ? s.name : s.name_en)}${s.code === current ? ' ✓' : ''}</span>` +
      `<span class="agency">${esc(agencyShort(s.agency))}</span><span class="wait">${q ? q.waiting + ' · ' + minutes(q.estimated_wait_s) : ''}</span></li>`;
  }).join('');
  const sel = $('transfer-list').querySelector('.sel');
  if (sel) sel.scrollIntoView({ block: 'nearest' });
  $('transfer-list').querySelectorAll('li').forEach((li, i) => {
    li.addEventListener('click', () => { S.transferSel = i; renderTransferList(); });
    li.addEventListener('dblclick', () => { S.transferSel = i; doTransfer(); });
  });
}

function transferKey(e) {
  if (e.key === 'Escape') { e.preventDefault(); closeTransfer(); }
  else if (e.key === 'ArrowDown') { e.preventDefault(); S.transferSel++; renderTransferList(); }
  else if (e.key === 'ArrowUp') { e.preventDefault(); S.transferSel = Math.max(0, S.transferSel - 1); renderTransferList(); }
  else if (e.key === 'Enter') { e.preventDefault(); doTransfer(); }
}

function doTransfer() {
  const s = transferMatches()[S.transferSel];
  if (!s) return;
  const note = $('transfer-note').value.trim();
  closeTransfer();
  act('transfer', { service: s.code, note: note || null }, 'transfer');
}

// ---- Start ----------------------------------------------------------------------
async function boot() {
  $('login-form').addEventListener('submit', onLogin);
  $('lang-btn').addEventListener('click', () => command('lang'));
  $('logout-btn').addEventListener('click', () => { S.token = null; save(); askLogin(''); show('login'); });
  $('switch-btn').addEventListener('click', () => chooseCounter());
  $('transfer-search').addEventListener('input', () => { S.transferSel = 0; renderTransferList(); });
  $('transfer-cancel').addEventListener('click', closeTransfer);
  $('transfer-go').addEventListener('click', doTransfer);
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
