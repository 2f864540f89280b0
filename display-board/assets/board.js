// Hall board: shows and says every call of its zone.
//
// State comes from the live stream (`/api/v1/stream`): a snapshot, then events. When the
// connection drops, the board says so on screen and reconnects by itself with
// `since=SEQ`, so it catches up with the calls it missed without a reload. Every list
// it keeps is bounded, so it runs for weeks with flat memory.
import { clock, esc, follow, loadSite, request, texts } from '/assets/antre.js';

// Calls listed under "Panggilan terakhir": two columns of four fill the panel.
const RECENT_MAX = 8;
// Seconds the latest call flashes: long enough to be seen by someone looking up late.
const FLASH_S = 8;
// Announcements waiting to be played; more than this means the hall is far behind,
// and the oldest are dropped (they are still on the screen).
const AUDIO_QUEUE_MAX = 6;
// A call older than this when it reaches the board (caught up after a reconnect) is
// shown but not said: the citizen has long been told by another screen.
const ANNOUNCE_MAX_AGE_MS = 60_000;
// An announcement that neither ends nor fails within this is skipped.
const AUDIO_STALL_MS = 30_000;
// Waiting counts are refreshed at most this often (they come from a REST call).
const QUEUES_EVERY_MS = 5_000;
// Services listed under "Menunggu": the busiest, in two columns of three.
const QUEUES_SHOWN = 6;
// Ticker speed, pixels per second: calm enough to read a line in passing.
const TICKER_PX_PER_S = 120;
// The clock shows minutes; checked every second so it turns over on time.
const CLOCK_EVERY_MS = 1_000;

// The hall reads Indonesian first, English beside it.
const T = texts({
  closed: ['Tutup', 'Closed'],
  break: ['Istirahat', 'Break'],
  all_zones: ['Semua zona', 'All zones'],
  board_title: ['Layar Antrian', 'Hall board'],
  unknown_board: ['Layar "{code}" tidak dikenal.', 'Unknown board "{code}".'],
  unknown_zone: ['Zona "{code}" tidak dikenal.', 'Unknown zone "{code}".'],
  sound: ['Suara', 'Sound'],
  muted: ['Senyap', 'Muted'],
});

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

let stream = null; // the live stream's handle (antre.js)

const board = {
  code: null,
  zone: null,
  site: null,
  // The stream's: the last event seen, whether connected, reconnect attempts so far.
  get seq() { return stream ? stream.seq : null; },
  get connected() { return stream ? stream.connected : false; },
  get reconnects() { return stream ? stream.reconnects : 0; },
  counters: new Map(),     // code -> CounterView
  queues: new Map(),       // service -> QueueInfo
  recent: [],              // [{number, counter}] newest first, at most RECENT_MAX
  latest: null,            // {number, counter, at}
  runningText: '',
  muted: localStorage.getItem('antre.board.muted') === '1',
  audioBlocked: false,
  audioQueue: [],
  playing: null,
  said: [],                // the last announcements played (texts), for tests and staff
  shown: 0,                // calls shown so far
  onShown: null,           // optional hook (number, counter) -> (), for measurements
};
window.board = board;

// ---------------------------------------------------------------------------------
// Start: which board, which zone, the site's names and time zone.

async function start() {
  const m = location.pathname.match(/^\/board\/([^/]+)\/?$/);
  board.code = m ? decodeURIComponent(m[1]) : null;
  const site = await loadSite({ onRetry: () => showOffline(true) });
  board.site = site;
  if (board.code) {
    const b = site.boards.find((x) => x.code === board.code);
    if (!b) {
      fatal(T.bothText('unknown_board', { code: board.code }));
      return;
    }
    board.zone = b.zone || null;
  } else {
    board.zone = params.get('zone') || null;
  }
  if (board.zone && !site.zones.some((z) => z.code === board.zone)) {
    fatal(T.bothText('unknown_zone', { code: board.zone }));
    return;
  }
  $('site-name').textContent = site.name;
  const zone = site.zones.find((z) => z.code === board.zone);
  $('zone-name').textContent = zone ? zone.name : T.bothText('all_zones');
  document.title = `${zone ? zone.name : site.name} — ${T.tr('board_title')}`;
  if (params.get('waiting') === '1') $('waiting').hidden = false;
  buildTiles();
  startClock(site.timezone);
  setMuted(board.muted);
  stream = follow({
    zone: board.zone,
    onSnapshot: applySnapshot,
    onEvent: applyEvent,
    onOnline: () => showOffline(false),
    onOffline: () => showOffline(true),
  });
}

function fatal(text) {
  $('fatal').textContent = text;
  $('fatal').hidden = false;
}

// ---------------------------------------------------------------------------------
// Clock and date in the site's time zone, in Indonesian: "Senin, 23 November 2026".

function startClock(timeZone) {
  const c = clock(timeZone, 'id');
  const tick = () => {
    const now = new Date();
    $('clock').textContent = `${c.time(now)} ${c.abbr}`.trim();
    $('date').textContent = c.date(now);
  };
  tick();
  setInterval(tick, CLOCK_EVERY_MS);
}

// ---------------------------------------------------------------------------------
// The counters of the zone, grouped by agency (a zone's board) or by zone (the whole
// MPP's board). Built once; events only change their text.

const tiles = new Map(); // code -> {el, num}

function buildTiles() {
  const site = board.site;
  const counters = site.counters.filter((c) => !board.zone || c.zone === board.zone);
  const byAgency = !!board.zone;
  const groups = new Map();
  for (const c of counters) {
    const key = byAgency ? c.agency : c.zone;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(c);
  }
  const root = $('groups');
  root.replaceChildren();
  for (const [key, list] of groups) {
    const g = document.createElement('div');
    g.className = 'group';
    const h = document.createElement('h3');
    if (byAgency) {
      const a = site.agencies.find((x) => x.code === key);
      h.textContent = a ? a.short : key;
    } else {
      const z = site.zones.find((x) => x.code === key);
      h.textContent = z ? z.name : key;
    }
    g.append(h);
    for (const c of list) {
      const el = document.createElement('div');
      el.className = 'tile closed';
      el.dataset.counter = c.code;
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = c.name;
      const num = document.createElement('span');
      num.className = 'num';
      num.textContent = '—';
      el.append(name, num);
      g.append(el);
      tiles.set(c.code, { el, num });
    }
    root.append(g);
  }
  fitTiles();
  window.addEventListener('resize', fitSoon);
}

// Letter sizes of the counter list, in 1/10 vh. The largest is that of the latest
// call's caption; below COMFORT closed counters are left out to make room (a board
// of the whole MPP has dozens); the smallest is still readable from 5 m.
const TILE_MAX = 55;
const TILE_COMFORT = 26;
const TILE_MIN = 14;

// The largest letters at which every shown counter fits the panel: fewer counters,
// bigger letters.
function fitTiles() {
  const root = $('groups');
  const style = document.documentElement.style;
  const fits = () => {
    // Columns that do not fit go on to the right, beyond the panel: the last group
    // shown tells whether everything is inside.
    const groups = [...root.children].filter((g) => g.offsetParent !== null);
    const last = groups[groups.length - 1];
    if (!last) return true;
    const box = root.getBoundingClientRect();
    const end = last.getBoundingClientRect();
    return end.right <= box.right + 1 && end.bottom <= box.bottom + 1;
  };
  const tryDown = (from, to) => {
    for (let t = from; t >= to; t -= 2) {
      style.setProperty('--tile', `${t / 10}vh`);
      if (fits()) return true;
    }
    return false;
  };
  root.classList.remove('hide-closed');
  if (tryDown(TILE_MAX, TILE_COMFORT)) return;
  root.classList.add('hide-closed');
  tryDown(TILE_MAX, TILE_MIN);
}

let fitQueued = false;
function fitSoon() {
  if (fitQueued) return;
  fitQueued = true;
  requestAnimationFrame(() => {
    fitQueued = false;
    fitTiles();
  });
}

function renderCounter(view) {
  const t = tiles.get(view.code);
  if (!t) return;
  const busy = view.ticket && (view.ticket.status === 'called' || view.ticket.status === 'serving');
  if (t.el.classList.contains('closed') !== (view.status === 'closed')) fitSoon();
  t.el.classList.toggle('closed', view.status === 'closed');
  t.el.classList.toggle('paused', view.status === 'paused');
  if (busy) t.num.textContent = view.ticket.number;
  else if (view.status === 'closed') t.num.textContent = T.bothText('closed');
  else if (view.status === 'paused') t.num.textContent = T.bothText('break');
  else t.num.textContent = '—';
}

function counterName(code) {
  const c = board.site.counters.find((x) => x.code === code);
  return c ? c.name : code;
}

// ---------------------------------------------------------------------------------
// The stream.

function showOffline(lost) {
  $('offline').hidden = !lost;
  document.body.classList.toggle('offline', lost);
}

// Server time minus local time, from the last snapshot: tells how old an event is
// even when the TV's clock is off.
let clockSkewMs = 0;

function applySnapshot(s) {
  clockSkewMs = Date.parse(s.at) - Date.now() || 0;
  board.counters.clear();
  for (const c of s.counters) {
    board.counters.set(c.code, c);
  }
  for (const code of tiles.keys()) {
    renderCounter(board.counters.get(code) || { code, status: 'closed' });
  }
  board.queues.clear();
  for (const q of s.queues) board.queues.set(q.service, q);
  renderQueues();
  board.recent = s.recent_calls
    .filter((t) => t.counter)
    .slice(0, RECENT_MAX)
    .map((t) => ({ number: t.number, counter: t.counter }));
  if (board.recent.length) {
    const first = board.recent[0];
    if (!board.latest || board.latest.number !== first.number || board.latest.counter !== first.counter) {
      showLatest(first.number, first.counter, false);
    }
  }
  renderRecent();
  setRunningText(s.running_text || '');
}

// Events come in seq order, each once (the stream's handle skips what it has seen).
function applyEvent(e) {
  if (e.counter) {
    board.counters.set(e.counter.code, e.counter);
    renderCounter(e.counter);
  }
  switch (e.type) {
    case 'ticket.called':
    case 'ticket.recalled': {
      const t = e.ticket;
      const counter = (e.counter && e.counter.code) || (t && t.counter);
      if (!t || !counter) break;
      board.recent = board.recent.filter((r) => r.number !== t.number);
      board.recent.unshift({ number: t.number, counter });
      board.recent.length = Math.min(board.recent.length, RECENT_MAX);
      renderRecent();
      showLatest(t.number, counter, true);
      const a = e.detail && e.detail.announcement;
      const age = Date.now() + clockSkewMs - Date.parse(e.at);
      if (a && !(age > ANNOUNCE_MAX_AGE_MS)) announce(a);
      break;
    }
    case 'board.running_text':
      setRunningText((e.detail && e.detail.running_text) || '');
      break;
    default:
      break;
  }
  if (e.type.startsWith('ticket.')) refreshQueuesSoon();
}

// ---------------------------------------------------------------------------------
// What the hall sees.

let flashTimer = null;

function showLatest(number, counter, fresh) {
  board.latest = { number, counter, at: Date.now() };
  $('latest-number').textContent = number;
  $('latest-counter').textContent = counterName(counter);
  $('latest-text').textContent = `Nomor antrian ${number}, silakan menuju ${counterName(counter)}`;
  for (const t of tiles.values()) t.el.classList.remove('hot');
  if (fresh) {
    const latest = $('latest');
    latest.classList.remove('flash');
    void latest.offsetWidth; // restart the animation
    latest.classList.add('flash');
    const tile = tiles.get(counter);
    if (tile) tile.el.classList.add('hot');
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => {
      latest.classList.remove('flash');
      for (const t of tiles.values()) t.el.classList.remove('hot');
    }, FLASH_S * 1000);
  }
  board.shown++;
  if (board.onShown) board.onShown(number, counter);
}

function renderRecent() {
  const ol = $('recent');
  ol.replaceChildren();
  // The newest is already big on the left; list the ones before it.
  for (const r of board.recent.slice(1)) {
    const li = document.createElement('li');
    const num = document.createElement('span');
    num.className = 'num';
    num.textContent = r.number;
    const ctr = document.createElement('span');
    ctr.className = 'ctr';
    ctr.textContent = counterName(r.counter);
    li.append(num, ctr);
    ol.append(li);
  }
}

function renderQueues() {
  if ($('waiting').hidden) return;
  const services = new Map(board.site.services.map((s) => [s.code, s]));
  const list = [...board.queues.values()]
    .filter((q) => q.waiting > 0)
    .sort((a, b) => b.waiting - a.waiting)
    .slice(0, QUEUES_SHOWN);
  const ul = $('queues');
  const rows = ul.children.length;
  ul.replaceChildren();
  for (const q of list) {
    const li = document.createElement('li');
    const svc = document.createElement('span');
    svc.className = 'svc';
    const s = services.get(q.service);
    svc.textContent = s ? s.name : q.service;
    const count = document.createElement('span');
    count.className = 'count';
    count.textContent = String(q.waiting);
    li.append(svc, count);
    ul.append(li);
  }
  // The list takes room from the counters: fit them again when it grows or shrinks.
  if (ul.children.length !== rows) fitSoon();
}

let queuesTimer = null;

function refreshQueuesSoon() {
  if ($('waiting').hidden || queuesTimer) return;
  queuesTimer = setTimeout(async () => {
    queuesTimer = null;
    try {
      const res = await request('GET', '/api/v1/queues');
      if (res.status !== 200 || !Array.isArray(res.data)) return;
      board.queues.clear();
      for (const q of res.data) board.queues.set(q.service, q);
      renderQueues();
    } catch (e) {
      // The stream's reconnect handles a server that is gone.
    }
  }, QUEUES_EVERY_MS);
}

function setRunningText(text) {
  if (text === board.runningText) return;
  board.runningText = text;
  const el = $('ticker-text');
  el.textContent = text;
  // Same speed whatever the length: duration = distance / speed.
  const distance = el.scrollWidth + $('ticker').clientWidth;
  el.style.setProperty('--ticker-s', `${Math.max(10, distance / TICKER_PX_PER_S)}s`);
}

// ---------------------------------------------------------------------------------
// What the hall hears: one announcement at a time, in order.

const audio = new Audio();
audio.preload = 'auto';
let stallTimer = null;

function announce(a) {
  if (board.muted || !a.audio) return;
  board.audioQueue.push(a);
  while (board.audioQueue.length > AUDIO_QUEUE_MAX) board.audioQueue.shift();
  playNext();
}

function playNext() {
  if (board.playing || board.audioBlocked || board.muted) return;
  const a = board.audioQueue[0];
  if (!a) return;
  board.playing = a;
  audio.src = a.audio;
  clearTimeout(stallTimer);
  stallTimer = setTimeout(finished, AUDIO_STALL_MS);
  audio.play().then(
    () => {},
    (err) => {
      clearTimeout(stallTimer);
      board.playing = null;
      if (err && err.name === 'NotAllowedError') {
        // The browser wants a tap first: keep the call and ask for one.
        board.audioBlocked = true;
        $('enable-sound').hidden = false;
      } else {
        board.audioQueue.shift();
        playNext();
      }
    },
  );
}

function finished() {
  clearTimeout(stallTimer);
  if (board.playing) {
    board.said.push(board.playing.text);
    if (board.said.length > 20) board.said.shift();
    board.audioQueue.shift();
  }
  board.playing = null;
  playNext();
}

audio.addEventListener('ended', finished);
audio.addEventListener('error', finished);

$('enable-sound').addEventListener('click', () => {
  board.audioBlocked = false;
  $('enable-sound').hidden = true;
  playNext();
});

function setMuted(muted) {
  board.muted = muted;
  localStorage.setItem('antre.board.muted', muted ? '1' : '0');
  const b = $('mute');
  b.setAttribute('aria-pressed', String(muted));
  const key = muted ? 'muted' : 'sound';
  b.innerHTML = `${esc(T.tr(key))} <span class="en" lang="en">${esc(T.other(key))}</span>`;
  if (muted) {
    board.audioQueue.length = 0;
    audio.pause();
    board.playing = null;
    clearTimeout(stallTimer);
  }
}

$('mute').addEventListener('click', () => setMuted(!board.muted));

start();
