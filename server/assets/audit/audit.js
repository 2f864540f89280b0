// The audit trail (`/audit`), for supervisors and admins: the event log newest first,
// filtered by type, user, counter, service, ticket number, days and out-of-order calls
// (`GET /api/v1/audit`, paged back with `next_before`); each event with who did it,
// where, on which ticket and why, configuration changes with each item before and after;
// a ticket's whole journey by its number and day (`GET /api/v1/audit/journey`), for a
// complaint; and whether the log's hash chain holds (`GET /api/v1/audit/chain`).
import { clock, esc, itemChanges, loadSite, localDay, num, queryString, said, staffShell, staffSession, texts } from '/assets/antre.js';

const API = '/api/v1';
const STORE = 'antre.audit.v1';
// Events per page: a screen's worth and a little more.
const PAGE = 100;

const T = texts({
  login_title: ['Masuk jejak audit', 'Audit trail log-in'],
  all_types: ['Semua jenis', 'Every type'],
  all_counters: ['Semua loket', 'Every counter'],
  all_services: ['Semua layanan', 'Every service'],
  loading: ['Memuat…', 'Loading…'],
  none: ['Tidak ada peristiwa yang cocok.', 'No event matches.'],
  shown: ['{n} peristiwa ditampilkan', '{n} events shown'],
  shown_more: ['{n} peristiwa ditampilkan; ada yang lebih lama', '{n} events shown; older ones exist'],
  not_yet: ['Jejak audit belum tersedia di server ini.', 'The audit trail is not available on this server yet.'],
  chain_ok: ['Rantai log utuh: setiap peristiwa sampai #{seq} terverifikasi (terakhir #{head}).', 'The log chain holds: every event up to #{seq} is verified (latest #{head}).'],
  chain_broken: ['Rantai log RUSAK: {why}. Terverifikasi sampai #{seq} (terakhir #{head}).', 'The log chain is BROKEN: {why}. Verified up to #{seq} (latest #{head}).'],
  chain_unknown: ['Status rantai log tidak dapat dimuat.', 'The log chain status cannot be loaded.'],
  journey_of: ['Perjalanan tiket {number}, {day}', 'Journey of ticket {number}, {day}'],
  journey_none: ['Tidak ada tiket {number} pada {day}.', 'There is no ticket {number} on {day}.'],
  journey_need: ['Isi nomor tiket dan tanggalnya.', 'Enter the ticket number and its day.'],
  out_of_order: ['di luar urutan', 'out of order'],
  reason: ['Alasan', 'Reason'],
  from_service: ['dari layanan {from} ke {to}', 'from service {from} to {to}'],
  taken_from: ['diambil alih dari {user}', 'taken over from {user}'],
  address: ['alamat {address}', 'address {address}'],
  session: ['sesi {session}', 'session {session}'],
  tried: ['nama dicoba: {user}', 'name tried: {user}'],
  running_text: ['teks: "{text}"', 'text: "{text}"'],
  running_none: ['teks dikosongkan', 'text cleared'],
  answers_hidden: ['jawaban tidak ditampilkan', 'answers not shown'],
  priority: ['prioritas {p}', 'priority {p}'],
  service: ['Layanan', 'Service'],
  status: ['Status', 'Status'],
  issued: ['Diambil', 'Issued'],
  counter: ['Loket', 'Counter'],
  recalls: ['Panggil ulang', 'Recalls'],
  transfers: ['Dialihkan', 'Transfers'],
  open_journey: ['Perjalanan tiket {number}', 'Journey of ticket {number}'],
  s_waiting: ['menunggu', 'waiting'], s_called: ['dipanggil', 'called'], s_serving: ['dilayani', 'serving'],
  s_held: ['ditahan', 'held'], s_done: ['selesai', 'done'], s_no_show: ['tidak hadir', 'no-show'], s_cancelled: ['dibatalkan', 'cancelled'],
}, 'id');
const both = (key, vars) => T.both(key, vars);
const bothText = (key, vars) => T.bothText(key, vars);
const $ = (id) => document.getElementById(id);

// Every kind of event, in Indonesian and English.
const TYPES = {
  'ticket.issued': ['Tiket diambil', 'Ticket issued'],
  'ticket.called': ['Dipanggil', 'Called'],
  'ticket.recalled': ['Dipanggil ulang', 'Recalled'],
  'ticket.serving': ['Mulai dilayani', 'Service started'],
  'ticket.done': ['Selesai dilayani', 'Done'],
  'ticket.no_show': ['Tidak hadir', 'No-show'],
  'ticket.reinstated': ['Dipulihkan', 'Reinstated'],
  'ticket.transferred': ['Dialihkan', 'Transferred'],
  'ticket.held': ['Ditahan', 'Held'],
  'ticket.resumed': ['Dilanjutkan', 'Resumed'],
  'ticket.cancelled': ['Dibatalkan', 'Cancelled'],
  'ticket.requeued': ['Kembali ke antrean', 'Back in line'],
  'counter.opened': ['Loket dibuka', 'Counter opened'],
  'counter.closed': ['Loket ditutup', 'Counter closed'],
  'counter.paused': ['Loket istirahat', 'Counter on break'],
  'counter.resumed': ['Loket lanjut', 'Counter back'],
  'board.running_text': ['Teks berjalan diubah', 'Running text changed'],
  'site.changed': ['Konfigurasi diubah', 'Configuration changed'],
  'user.logged_in': ['Masuk', 'Logged in'],
  'user.logged_out': ['Keluar', 'Logged out'],
  'user.login_failed': ['Gagal masuk', 'Log-in failed'],
  'survey.answered': ['Survei diisi', 'Survey answered'],
};
const typeName = (t) => TYPES[t] || [t, t];

const S = staffSession(STORE);
const A = { site: null, events: [], next: null, chain: null, journey: null, loads: 0, clock: null };
window.antreAudit = A; // for tests and for support staff

// ---------------------------------------------------------------------------- helpers

// An event's time in the site's zone: "2026-11-23 14:05:09".
function when(at) {
  const d = new Date(at);
  if (isNaN(d)) return esc(at);
  const tz = A.site ? A.site.timezone : undefined;
  return `<time datetime="${esc(at)}">${esc(localDay(tz, d))} ${esc(A.clock.time(d, true))}</time>`;
}

const counterName = (code) => {
  const c = A.site && A.site.counters.find((x) => x.code === code);
  return c ? c.name : code;
};
const serviceName = (code) => {
  const s = A.site && A.site.services.find((x) => x.code === code);
  return s ? s.name : code;
};

function counterOf(e) {
  if (e.counter && e.counter.code) return e.counter.code;
  if (e.ticket && e.ticket.counter && /^ticket\.(called|recalled|serving|done|no_show|held|resumed|transferred|requeued)$/.test(e.type)) return e.ticket.counter;
  return '';
}

// What else an event says: why, from where, what changed.
function details(e) {
  const d = e.detail || {};
  const parts = [];
  if (d.out_of_order) parts.push(`<span class="badge red">${both('out_of_order')}</span>`);
  if (d.reason) parts.push(`<span class="reason"><b>${both('reason')}:</b> ${esc(d.reason)}</span>`);
  if (e.type === 'ticket.issued' && e.ticket) {
    parts.push(esc(serviceName(e.ticket.service)));
    if (e.ticket.priority) parts.push(both('priority', { p: e.ticket.priority }));
  }
  if (d.from_service && e.ticket) parts.push(both('from_service', { from: d.from_service, to: e.ticket.service }));
  if (d.taken_from) parts.push(both('taken_from', { user: d.taken_from }));
  if (e.type === 'user.login_failed' && d.by) parts.push(both('tried', { user: d.by }));
  if (d.address) parts.push(both('address', { address: d.address }));
  if (d.session) parts.push(`<span class="session">${esc(T.tr('session', { session: d.session }))}</span>`);
  if (e.type === 'board.running_text') parts.push(d.running_text ? both('running_text', { text: d.running_text }) : both('running_none'));
  if (e.type === 'survey.answered') parts.push(both('answers_hidden'));
  let html = parts.join(' · ');
  if (d.changes && d.changes.length) html += itemChanges(d.changes, { full: true });
  return html;
}

// Who did it: the user the event names, else the officer at the counter.
function whoOf(e) {
  if (e.type === 'user.login_failed') return '';
  return (e.detail && e.detail.by) || (e.counter && e.counter.officer) || '';
}

function ticketCell(e) {
  if (!e.ticket) return '';
  const t = e.ticket;
  return `<button type="button" class="link" data-number="${esc(t.number)}" data-day="${esc(t.day)}">${esc(t.number)}` +
    `<span class="sr-only" data-overflow-ok> — ${esc(bothText('open_journey', { number: t.number }))}</span></button>`;
}

function eventRow(e) {
  const type = typeName(e.type);
  const counter = counterOf(e);
  const by = whoOf(e);
  const cls = (e.detail && e.detail.out_of_order ? 'ooo ' : '') + (e.type === 'user.login_failed' ? 'failed' : '');
  return `<tr data-seq="${e.seq}" data-type="${esc(e.type)}"${cls ? ` class="${cls.trim()}"` : ''}>` +
    `<td class="when"><span class="seq">#${e.seq}</span> ${when(e.at)}</td>` +
    `<td class="type">${esc(type[0])}<small lang="en">${esc(type[1])}</small></td>` +
    `<td class="by">${esc(by)}</td>` +
    `<td>${counter ? `<span title="${esc(counterName(counter))}">${esc(counter)}</span>` : ''}</td>` +
    `<td>${ticketCell(e)}</td>` +
    `<td class="details">${details(e)}</td></tr>`;
}

// ---------------------------------------------------------------------------- the log

function filters() {
  return {
    type: $('f-type').value,
    user: $('f-user').value.trim(),
    counter: $('f-counter').value,
    service: $('f-service').value,
    number: $('f-number').value.trim().toUpperCase(),
    from: $('f-from').value,
    to: $('f-to').value,
    out_of_order: $('f-ooo').checked ? 'true' : '',
  };
}

async function search(older) {
  const at = ++A.loads;
  const status = $('log-status');
  status.className = 'status';
  status.innerHTML = both('loading');
  $('older').disabled = true;
  const params = Object.assign(filters(), { limit: PAGE, before: older ? A.next : '' });
  const res = await S.api('GET', `${API}/audit?${queryString(params)}`);
  if (at !== A.loads || !S.token) return;
  $('older').disabled = false;
  if (!res.ok) {
    status.className = 'status notice error';
    status.innerHTML = res.status === 404 && res.code === 'not_found' ? both('not_yet') : said(res.message);
    return;
  }
  status.innerHTML = '';
  const events = res.data.events || [];
  A.events = older ? A.events.concat(events) : events;
  A.next = res.data.next_before === undefined ? null : res.data.next_before;
  const html = events.map(eventRow).join('');
  if (older) $('log-rows').insertAdjacentHTML('beforeend', html);
  else $('log-rows').innerHTML = html || `<tr><td class="empty" colspan="6">${both('none')}</td></tr>`;
  $('older').hidden = A.next === null;
  $('log-count').innerHTML = both(A.next === null ? 'shown' : 'shown_more', { n: num(A.events.length) });
  if (!older) loadChain();
}

async function loadChain() {
  const res = await S.api('GET', `${API}/audit/chain`);
  const el = $('chain');
  if (!res.ok) {
    el.className = 'chain notice error';
    el.innerHTML = res.status === 404 && res.code === 'not_found' ? both('not_yet') : both('chain_unknown');
    return;
  }
  const c = (A.chain = res.data);
  el.className = 'chain notice ' + (c.intact ? 'ok' : 'error');
  el.dataset.intact = String(c.intact);
  el.innerHTML = c.intact ? both('chain_ok', { seq: c.verified_seq, head: c.head_seq })
    : both('chain_broken', { why: c.broken || '?', seq: c.verified_seq, head: c.head_seq });
}

// ---------------------------------------------------------------------------- journey

async function journey(number, day) {
  number = number.trim().toUpperCase();
  const box = $('journey');
  box.hidden = false;
  $('journey-title').innerHTML = both('journey_of', { number, day });
  const status = $('journey-status');
  if (!number || !day) {
    status.className = 'status notice error';
    status.innerHTML = both('journey_need');
    $('journey-body').innerHTML = '';
    return;
  }
  status.className = 'status';
  status.innerHTML = both('loading');
  $('journey-body').innerHTML = '';
  const res = await S.api('GET', `${API}/audit/journey?${queryString({ number, day })}`);
  if (!S.token) return;
  if (!res.ok) {
    A.journey = null;
    status.className = 'status notice error';
    status.innerHTML = res.status === 404 && res.code !== 'not_found' ? both('journey_none', { number, day })
      : res.status === 404 ? both('not_yet') : said(res.message);
    box.focus();
    return;
  }
  A.journey = res.data;
  status.innerHTML = '';
  const t = res.data.ticket;
  const fact = (key, html) => `<div><dt>${both(key)}</dt><dd>${html}</dd></div>`;
  const st = 's_' + t.status;
  $('journey-body').innerHTML =
    `<dl class="facts">${fact('service', `${esc(serviceName(t.service))} <span class="code">${esc(t.service)}</span>`)}` +
    fact('status', both(st)) + fact('issued', when(t.issued_at)) +
    fact('counter', t.counter ? esc(counterName(t.counter)) : '—') +
    fact('recalls', num(t.recalls)) + fact('transfers', num(t.transfers)) + '</dl>' +
    `<ol class="timeline">${(res.data.events || []).map((e) => {
      const type = typeName(e.type);
      const counter = counterOf(e);
      const by = whoOf(e);
      const where = [by, counter ? counterName(counter) : ''].filter(Boolean).join(' · ');
      return `<li data-type="${esc(e.type)}"${e.detail && e.detail.out_of_order ? ' class="ooo"' : ''}><span class="t-when">${when(e.at)}</span>` +
        `<span class="t-type">${esc(type[0])}<small lang="en">${esc(type[1])}</small></span>` +
        `<span class="t-who">${esc(where)}</span>` +
        `<span class="t-more">${details(e)}</span></li>`;
    }).join('')}</ol>`;
  $('journey-title').focus();
}

// ---------------------------------------------------------------------------- the page

function fillFilters() {
  const site = A.site;
  const mine = (x) => !S.agency || x.agency === S.agency;
  const opt = (v, l) => `<option value="${esc(v)}">${esc(l)}</option>`;
  $('f-type').innerHTML = opt('', bothText('all_types')) + Object.keys(TYPES).map((k) => opt(k, TYPES[k][0] + ' / ' + TYPES[k][1])).join('');
  $('f-counter').innerHTML = opt('', bothText('all_counters')) + site.counters.filter(mine).map((c) => opt(c.code, `${c.code} — ${c.name}`)).join('');
  $('f-service').innerHTML = opt('', bothText('all_services')) + site.services.filter(mine).map((s) => opt(s.code, `${s.name} (${s.code})`)).join('');
  const today = localDay(site.timezone);
  if (!$('j-day').value) $('j-day').value = today;
  // The log's days: today unless chosen (the API's own default too).
  $('f-from').value = $('f-from').value || today;
  $('f-to').value = $('f-to').value || today;
}

async function enter() {
  if (!A.site) {
    A.site = await loadSite();
    A.clock = clock(A.site.timezone);
    $('site-name').textContent = A.site.name;
    fillFilters();
  }
  search(false);
}

function wire() {
  $('journey-title').setAttribute('tabindex', '-1');
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); search(false); });
  $('f-clear').addEventListener('click', () => { $('filters').reset(); fillFilters(); search(false); });
  $('older').addEventListener('click', () => search(true));
  $('journey-form').addEventListener('submit', (e) => { e.preventDefault(); journey($('j-number').value, $('j-day').value); });
  $('journey-close').addEventListener('click', () => { $('journey').hidden = true; $('j-number').focus(); });
  $('log-rows').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-number]');
    if (!b) return;
    $('j-number').value = b.dataset.number;
    $('j-day').value = b.dataset.day;
    journey(b.dataset.number, b.dataset.day);
  });
}

wire();
staffShell(S, {
  title: [T.in('login_title', 0), T.in('login_title', 1)],
  roles: ['admin', 'supervisor'],
  onSignedIn: enter,
}).start();
