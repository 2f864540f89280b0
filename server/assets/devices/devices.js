// The device-health page: every kiosk with its printer and every hall board, as the
// server last heard from them, refreshed every few seconds and at once when something
// happens on the stream. Read-only: it shows what `GET /api/v1/kiosks` and
// `GET /api/v1/boards` say.

import { esc, follow, loadSite, request } from '/assets/antre.js';

// Printers report every few seconds; a manager glancing at the page wants minutes-old
// news at worst, and the page costs the server two small requests per refresh.
const REFRESH_MS = 5000;

// Each printer state: its words and how worrying it is.
const PRINTER = {
  ok: ['Siap', 'Ready', 'ok'],
  paper_near_end: ['Kertas hampir habis', 'Paper nearly out', 'warn'],
  paper_end: ['Kertas habis', 'Out of paper', 'bad'],
  cover_open: ['Penutup terbuka', 'Cover open', 'bad'],
  offline: ['Mati atau terputus', 'Off or unplugged', 'bad'],
  unknown: ['Tidak diketahui', 'Unknown', 'warn'],
};

const $ = (id) => document.getElementById(id);
const both = (id, en) => esc(id) + '<small lang="en">' + esc(en) + '</small>';
let zones = {};
let timezone = 'UTC';

function stateCell(kiosk) {
  if (!kiosk.connected) {
    const why = kiosk.reported_at ? ['Tidak melapor', 'Not reporting'] : ['Belum pernah melapor', 'Never reported'];
    return '<td class="state s-bad"><b>' + esc(why[0]) + '</b><small lang="en">' + esc(why[1]) + '</small></td>';
  }
  const p = PRINTER[(kiosk.printer && kiosk.printer.state) || 'unknown'] || PRINTER.unknown;
  const by = kiosk.driven_by === 'server' ? ['Dijalankan server', 'Driven by the server'] : ['Agen kios', 'Kiosk agent'];
  return '<td class="state s-' + p[2] + '"><b>' + esc(p[0]) + '</b><small lang="en">' + esc(p[1]) + '</small>' +
    both(by[0], by[1]) + '</td>';
}

// A report's time as the site writes it, to the second.
function when(at) {
  return at ? esc(at.slice(0, 19).replace('T', ' ')) : both('—', 'never');
}

// Rows are kept and their cells updated, so a button that has the focus keeps it
// through the refreshes.
function renderKiosks(list) {
  const body = $('kiosks').tBodies[0];
  for (const k of list) {
    let row = body.querySelector('tr[data-kiosk="' + CSS.escape(k.code) + '"]');
    if (!row) {
      row = document.createElement('tr');
      row.dataset.kiosk = k.code;
      row.innerHTML = '<th scope="row"></th><td></td><td class="state"></td><td></td><td></td>' +
        '<td><button type="button" data-test="' + esc(k.code) + '">Tes cetak <small lang="en">Test print</small></button>' +
        '<span class="asked" role="status"></span></td>';
      body.append(row);
    }
    const cells = row.children;
    cells[0].innerHTML = esc(k.name) + '<small>' + esc(k.code) + '</small>';
    cells[1].textContent = zones[k.zone] || k.zone;
    cells[2].outerHTML = stateCell(k);
    row.children[3].textContent = String(k.queued || 0);
    row.children[4].innerHTML = when(k.reported_at);
    row.querySelector('.asked').innerHTML = asked[k.code] || '';
  }
}

// ---- Test prints: supervisors and admins, logged in for this tab only.
const TOKEN = 'antre-devices-token';
const asked = {}; // kiosk -> what the row says about its test print
let pending = null; // the kiosk whose test waits for a log-in

async function testPrint(code) {
  const token = sessionStorage.getItem(TOKEN);
  if (!token) { pending = code; openLogin(); return; }
  const res = await request('POST', '/api/v1/kiosks/' + encodeURIComponent(code) + '/test-print', { token });
  if (res.status === 401 || res.status === 403) {
    sessionStorage.removeItem(TOKEN);
    pending = code;
    openLogin(res.status === 403 ? (res.data && res.data.error && res.data.error.message) : '');
    return;
  }
  asked[code] = res.status === 202 ? both('Diminta — lihat printernya', 'Asked — see the printer')
    : both('Gagal', 'Failed');
  refresh();
}

function openLogin(why) {
  $('login-error').hidden = !why;
  $('login-error').textContent = why || '';
  $('login').hidden = false;
  $('login').showModal();
  $('login-user').focus();
}

async function logIn(ev) {
  ev.preventDefault();
  const res = await request('POST', '/api/v1/auth/login', {
    body: { username: $('login-user').value.trim(), password: $('login-password').value },
  }).catch(() => null);
  $('login-password').value = '';
  if (!res || res.status !== 200) {
    $('login-error').hidden = false;
    $('login-error').textContent = (res && res.data && res.data.error && res.data.error.message) || 'Server tidak terjangkau. / The server cannot be reached.';
    return;
  }
  sessionStorage.setItem(TOKEN, res.data.token);
  $('login').close();
  if (pending) { const code = pending; pending = null; testPrint(code); }
}

function renderBoards(list) {
  $('boards').tBodies[0].innerHTML = list.map((b) => {
    const on = b.screens > 0;
    const cls = on ? 'state s-ok' : 'state s-bad';
    const words = on ? ['Tampil (' + b.screens + ')', 'Showing (' + b.screens + ')'] : ['Tidak tampil', 'Not showing'];
    return '<tr data-board="' + esc(b.code) + '"><th scope="row">' + esc(b.name) + '<small>' + esc(b.code) + '</small></th>' +
      '<td>' + (b.zone ? esc(zones[b.zone] || b.zone) : both('Semua zona', 'All zones')) + '</td>' +
      '<td class="' + cls + '"><b>' + esc(words[0]) + '</b><small lang="en">' + esc(words[1]) + '</small></td>' +
      '<td>' + when(b.last_seen) + '</td></tr>';
  }).join('');
}

let refreshing = false;
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    const [kiosks, boards] = await Promise.all([request('GET', '/api/v1/kiosks'), request('GET', '/api/v1/boards')]);
    if (kiosks.status === 200) renderKiosks(kiosks.data);
    if (boards.status === 200) renderBoards(boards.data);
    // The site's time, as the reports' times are.
    const now = new Date().toLocaleTimeString('en-GB', { timeZone: timezone, hour12: false });
    $('updated').innerHTML = both('Diperbarui ' + now, 'Updated ' + now);
    document.body.dataset.ready = '1';
  } catch (_) {
    $('updated').innerHTML = both('Server tidak terjangkau — mencoba lagi…', 'Server unreachable — retrying…');
  } finally {
    refreshing = false;
  }
}

document.addEventListener('click', (ev) => {
  const b = ev.target.closest('button[data-test]');
  if (b) testPrint(b.dataset.test);
});
$('login-form').addEventListener('submit', logIn);
$('login-cancel').addEventListener('click', () => { pending = null; $('login').close(); });
$('login').addEventListener('close', () => { $('login').hidden = true; });

async function start() {
  const site = await loadSite();
  $('site-name').textContent = site.name;
  zones = Object.fromEntries(site.zones.map((z) => [z.code, z.name]));
  timezone = site.timezone;
  await refresh();
  setInterval(refresh, REFRESH_MS);
  follow({ onEvent: (e) => { if (e.type.startsWith('kiosk.') || e.type === 'site.changed') refresh(); } });
}

start();
