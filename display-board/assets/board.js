// Hall board: shows and says every call of its zone.
//
// State comes from the live stream (`/api/v1/stream`): a snapshot, then events. When the
// connection drops, the board says so on screen and reconnects by itself with
// `since=SEQ`, so it catches up with the calls it missed without a reload. Every list
// it keeps is bounded, so it runs for weeks with flat memory.
//
// Every call is queued and said in order (queue.js), composed on the board from clips it
// fetched once (voice.js). The big panel shows the call being said while it is said;
// calls waiting to be said are in the list at once, marked. A muted board (its speakers
// driven by the agent) shows each call as it comes.
import { clock, esc, follow, loadSite, request, texts } from '/assets/antre.js';
import { MAX_AGE_MS, Queue, saysPlace } from '/assets/board/queue.js';
import { Blocked, createVoice } from '/assets/board/voice.js';

// Calls listed under "Panggilan terakhir" besides those waiting: two columns of four
// fill the panel.
const RECENT_MAX = 8;
// Seconds the latest call flashes: long enough to be seen by someone looking up late.
const FLASH_S = 8;
// Announcements kept for staff and tests: the texts said and their times.
const SAID_MAX = 20;
const LOG_MAX = 60;
// Calls left out kept for staff and tests.
const LEFT_OUT_MAX = 20;
// Paragraphs kept in the screen readers' log of calls.
const READER_LOG_MAX = 5;
// Waiting counts are refreshed at most this often (they come from a REST call).
const QUEUES_EVERY_MS = 5_000;
// Services listed under "Menunggu": the busiest, in two columns of three.
const QUEUES_SHOWN = 6;
// The waiting counts take at most this share of the "Sedang dilayani" panel.
const WAITING_SHARE = 0.45;
// Ticker speed, pixels per second: calm enough to read a line in passing.
const TICKER_PX_PER_S = 120;
// The clock shows minutes; checked every second so it turns over on time.
const CLOCK_EVERY_MS = 1_000;
// Letter sizes of the last calls, in 1/10 vh: the largest first, smaller while many
// calls wait to be said, so that every waiting call is in the list.
// (A portrait screen's vh is larger: the same letters in pixels are fewer vh.)
const RECENT_FONT_MAX = 34;
const RECENT_FONT_MIN = 20;
const RECENT_FONT_MAX_PORTRAIT = 24;
const RECENT_FONT_MIN_PORTRAIT = 12;

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
  waiting: ['{n} menunggu disebut', '{n} waiting to be called'],
  left_out: ['tidak disebut', 'not called'],
  left_out_note: [
    '{n} panggilan lebih dari {min} menit lalu tidak disebut',
    '{n} calls older than {min} minutes not called',
  ],
  more: ['+{n} lagi', '+{n} more'],
});

// Indonesian, then English in its own element with its `lang`: for markup.
const both = (key, vars) => `${esc(T.tr(key, vars))} <span class="en" lang="en">${esc(T.other(key, vars))}</span>`;

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
  recent: [],              // calls shown or left out, newest first, at most RECENT_MAX
  latest: null,            // the call on the big panel: {number, counter, zone, at}
  runningText: '',
  muted: localStorage.getItem('antre.board.muted') === '1',
  audioBlocked: false,
  voice: null,             // voice.js
  queue: new Queue(),      // calls waiting to be said (queue.js)
  get audioQueue() { return board.queue.waiting; },
  playing: null,           // the call being said: {number, counter, text, start, durationMs}
  said: [],                // the texts of the last announcements said, in order
  log: [],                 // the last announcements said: times (performance.now()) and panel
  leftOut: [],             // the last calls left out: {number, counter, at}
  shown: 0,                // calls put on the panel so far
  onShown: null,           // optional hook (number, counter) -> (), for measurements
  // Server time minus local time, from the last snapshot: tells how old a call is even
  // when the TV's clock is off.
  clockSkewMs: 0,
  // Now, on the server's clock.
  now() { return Date.now() + board.clockSkewMs; },
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
      fatal(both('unknown_board', { code: board.code }));
      return;
    }
    board.zone = b.zone || null;
  } else {
    board.zone = params.get('zone') || null;
  }
  if (board.zone && !site.zones.some((z) => z.code === board.zone)) {
    fatal(both('unknown_zone', { code: board.zone }));
    return;
  }
  $('site-name').textContent = site.name;
  const zone = site.zones.find((z) => z.code === board.zone);
  if (zone) $('zone-name').textContent = zone.name;
  else $('zone-name').innerHTML = both('all_zones');
  document.title = `${zone ? zone.name : site.name} — ${T.tr('board_title')}`;
  document.body.classList.toggle('lobby', !board.zone);
  if (params.get('waiting') === '1') $('waiting').hidden = false;
  buildTiles();
  startClock(site.timezone);
  board.voice = createVoice();
  setMuted(board.muted);
  fitHeader();
  window.addEventListener('resize', () => { fitHeader(); fitNumber(); fitRecentSoon(); });
  stream = follow({
    zone: board.zone,
    onSnapshot: applySnapshot,
    onEvent: applyEvent,
    onOnline: () => showOffline(false),
    onOffline: () => showOffline(true),
  });
}

function fatal(html) {
  $('fatal').innerHTML = html;
  $('fatal').hidden = false;
}

// The site's name in the header: as large as fits its two lines and the header,
// however long (in 1/10 vh; a portrait screen's header is lower).
const SITE_NAME_MAX = 36;
const SITE_NAME_MAX_PORTRAIT = 24;
const SITE_NAME_MIN = 12;
function fitHeader() {
  const el = $('site-name');
  const top = $('top').getBoundingClientRect();
  const max = innerHeight > innerWidth ? SITE_NAME_MAX_PORTRAIT : SITE_NAME_MAX;
  for (let size = max; size >= SITE_NAME_MIN; size -= 1) {
    el.style.fontSize = `${size / 10}vh`;
    const brand = el.parentElement.getBoundingClientRect();
    if (el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1 &&
        brand.top >= top.top && brand.bottom <= top.bottom) return;
  }
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
// of the whole MPP has dozens); the smallest is still readable from 5 m (15 px: on a
// portrait screen, whose vh is larger, fewer vh).
const TILE_MAX = 55;
const TILE_COMFORT = 26;
const TILE_MIN = 14;
const TILE_MIN_PORTRAIT = 8;

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
    if (end.right > box.right + 1 || end.bottom > box.bottom + 1) return false;
    // And every counter's name whole.
    return [...root.querySelectorAll('.tile .name')].every((n) => n.offsetParent === null || n.scrollWidth <= n.clientWidth + 1);
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
  tryDown(TILE_MAX, innerHeight > innerWidth ? TILE_MIN_PORTRAIT : TILE_MIN);
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
  else if (view.status === 'closed') t.num.innerHTML = both('closed');
  else if (view.status === 'paused') t.num.innerHTML = both('break');
  else t.num.textContent = '—';
}

function counterOf(code) {
  return board.site.counters.find((x) => x.code === code) || null;
}

function counterName(code) {
  const c = counterOf(code);
  return c ? c.name : code;
}

// The name of a counter's zone, where the board shows it: on a lobby board, and for a
// counter outside the board's zone. Empty otherwise.
function placeName(zone) {
  if (!zone || !saysPlace(zone, board.zone)) return '';
  const z = board.site.zones.find((x) => x.code === zone);
  return z ? z.name : zone;
}

// ---------------------------------------------------------------------------------
// The stream.

function showOffline(lost) {
  $('offline').hidden = !lost;
  document.body.classList.toggle('offline', lost);
}

function applySnapshot(s) {
  board.clockSkewMs = Date.parse(s.at) - Date.now() || 0;
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
  // The calls before this snapshot: shown, not said. Those waiting to be said stay.
  board.recent = s.recent_calls
    .filter((t) => t.counter)
    .slice(0, RECENT_MAX)
    .map((t) => entryOf(t.number, t.counter));
  if (board.recent.length && !board.playing) {
    const first = board.recent[0];
    if (!board.latest || board.latest.number !== first.number || board.latest.counter !== first.counter) {
      showLatest(first, false);
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
      const call = callOf(e);
      if (call) heard(call);
      break;
    }
    case 'board.running_text':
      setRunningText((e.detail && e.detail.running_text) || '');
      break;
    case 'site.changed':
      siteChanged();
      break;
    default:
      break;
  }
  if (e.type.startsWith('ticket.')) refreshQueuesSoon();
}

// The manager changed the site: names, counters and zones as they are now, without a
// reload (the calls being said and shown stay as they are).
async function siteChanged() {
  const site = await loadSite();
  board.site = site;
  $('site-name').textContent = site.name;
  const zone = site.zones.find((z) => z.code === board.zone);
  if (zone) $('zone-name').textContent = zone.name;
  tiles.clear();
  buildTiles();
  for (const c of board.counters.values()) renderCounter(c);
  fitHeader();
  fitSoon();
}

// A call or recall event as the queue takes it (queue.js), or null.
function callOf(e) {
  const t = e.ticket;
  const counter = (e.counter && e.counter.code) || (t && t.counter);
  if (!t || !counter) return null;
  const a = (e.detail && e.detail.announcement) || {};
  const c = counterOf(counter);
  const zone = (a.place && a.place.zone) || (c && c.zone) || null;
  const place = a.place && saysPlace(a.place.zone, board.zone) && Array.isArray(a.place.clips)
    ? { zone: a.place.zone, name: a.place.name, text: a.place.text, parts: a.place.clips }
    : null;
  return {
    seq: e.seq,
    recall: e.type === 'ticket.recalled',
    number: t.number,
    counter,
    zone,
    madeMs: Date.parse(e.at) || board.now(),
    text: a.text || `Nomor antrian ${t.number}, silakan menuju ${counterName(counter)}`,
    textEn: a.text_en || '',
    parts: Array.isArray(a.clips) ? a.clips : [],
    partsEn: Array.isArray(a.clips_en) ? a.clips_en : [],
    place,
    audio: a.audio || null,
  };
}

// What the list and the panel show of a call.
function entryOf(number, counter, zone) {
  if (zone === undefined) {
    const c = counterOf(counter);
    zone = c ? c.zone : null;
  }
  return { number, counter, zone, leftOut: false };
}

const entryOfCall = (call) => entryOf(call.number, call.counter, call.zone);

// The board speaks (not muted); it may still wait for a tap (audioBlocked).
const speaks = () => !board.muted && !!board.voice;

// A call heard on the stream: queued to be said (and in the list at once), or, on a
// board that does not speak, shown at once.
function heard(call) {
  if (!speaks()) {
    show(call, true);
    return;
  }
  const pushed = board.queue.push(call, board.now());
  if (pushed === 'left-out') leaveOut([call]);
  // Its words are ready by its turn: the next call follows the last without a pause.
  else board.voice.prepare(call.parts.concat(call.place ? call.place.parts : []));
  // Waiting for a tap: the hall still sees each call at once; it is said after the tap.
  if (board.audioBlocked && pushed !== 'left-out') show(call, true);
  renderRecent();
  speakNext();
}

// Puts a call on the big panel and first in the list of past calls, and tells screen
// readers, once.
function show(call, fresh) {
  const entry = entryOfCall(call);
  addPast(entry);
  showLatest(entry, fresh);
  tellReaders(call);
  renderRecent();
}

function addPast(entry) {
  board.recent = board.recent.filter((r) => r.number !== entry.number);
  board.recent.unshift(entry);
  board.recent.length = Math.min(board.recent.length, RECENT_MAX);
}

function leaveOut(calls) {
  for (const call of calls) {
    const entry = entryOfCall(call);
    entry.leftOut = true;
    addPast(entry);
    board.leftOut.push({ number: call.number, counter: call.counter, at: performance.now() });
    if (board.leftOut.length > LEFT_OUT_MAX) board.leftOut.shift();
    console.warn(`left out (older than ${MAX_AGE_MS / 60000} min): ${call.number} → ${call.counter}`);
  }
  renderRecent();
}

// One paragraph per call for screen readers (a polite log: read in order, once).
function tellReaders(call) {
  if (call.told) return;
  call.told = true;
  const log = $('calls-log');
  const p = document.createElement('p');
  const place = call.place ? `, ${call.place.text}` : '';
  p.innerHTML = esc(call.text + place) + (call.textEn ? ` <span lang="en">${esc(call.textEn)}</span>` : '');
  log.append(p);
  while (log.children.length > READER_LOG_MAX) log.firstElementChild.remove();
}

// ---------------------------------------------------------------------------------
// What the hall sees.

let flashTimer = null;

function showLatest(entry, fresh) {
  const { number, counter } = entry;
  board.latest = { number, counter, zone: entry.zone, at: Date.now() };
  $('latest-number').textContent = number;
  fitNumber();
  $('latest-counter').textContent = counterName(counter);
  const place = placeName(entry.zone);
  $('latest-place').textContent = place;
  $('latest-place').hidden = !place;
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

// The list beside the panel: first the calls waiting to be said, in the order they
// will be said, then the past ones, newest first (the one on the panel left out).
// The called number as large as its panel allows, and never smaller than 12 % of the
// screen's height (legible from 10 m): a long number ("ABC123") on a narrow panel.
const NUMBER_MIN_VH = 12;
function fitNumber() {
  const n = $('latest-number');
  n.style.fontSize = '';
  let size = parseFloat(getComputedStyle(n).fontSize) / innerHeight * 100;
  while (n.scrollWidth > n.clientWidth + 1 && size > NUMBER_MIN_VH) {
    size = Math.max(NUMBER_MIN_VH, size - 0.5);
    n.style.fontSize = `${size}vh`;
  }
}

function renderRecent() {
  const ol = $('recent');
  ol.replaceChildren();
  const waiting = board.queue.waiting.map((c) => ({ ...entryOfCall(c), waiting: true }));
  const panel = board.latest;
  const same = (a, b) => a.number === b.number && a.counter === b.counter;
  const past = board.recent.filter((r) => r.leftOut || !((panel && same(r, panel)) || waiting.some((w) => same(r, w))));
  for (const r of waiting.concat(past)) ol.append(recentItem(r));
  const n = waiting.length;
  $('waiting-count').innerHTML = n ? both('waiting', { n }) : '';
  $('waiting-count').hidden = !n;
  const left = board.recent.filter((r) => r.leftOut).length;
  $('left-out-note').innerHTML = left ? both('left_out_note', { n: left, min: MAX_AGE_MS / 60000 }) : '';
  $('left-out-note').hidden = !left;
  fitRecent();
}

function recentItem(r) {
  const li = document.createElement('li');
  if (r.waiting) li.className = 'waiting';
  if (r.leftOut) li.className = 'left-out';
  const num = document.createElement('span');
  num.className = 'num';
  num.textContent = r.number;
  const ctr = document.createElement('span');
  ctr.className = 'ctr';
  ctr.textContent = counterName(r.counter);
  li.append(num, ctr);
  const place = placeName(r.zone);
  if (place || r.leftOut) {
    const sub = document.createElement('span');
    sub.className = 'sub';
    sub.innerHTML = [place ? esc(place) : '', r.leftOut ? both('left_out') : ''].filter(Boolean).join(' · ');
    li.append(sub);
  }
  return li;
}

// More calls than this waiting: the list takes the whole width of the screen (below the
// panel and the counters) or, on a portrait screen, more of its height.
const WIDE_AT = 4;
// Columns of the list: [fewest, most], by layout.
const RECENT_COLS = { normal: [2, 3], wide: [3, 6], portraitNormal: [2, 3], portraitWide: [3, 5] };

// Every waiting call must be in the list: smaller letters, more columns and, with many
// waiting, more room; past calls that still do not fit are left off the list, oldest
// first, and waiting calls beyond what the smallest letters hold are counted ("+3
// lagi").
function fitRecent() {
  const ol = $('recent');
  const box = $('history');
  const style = ol.style;
  const wide = board.queue.length > WIDE_AT;
  const main = $('board');
  if (main.classList.contains('wide') !== wide) {
    main.classList.toggle('wide', wide);
    fitNumber();
    fitTiles();
  }
  const across = () => [...ol.children].every((li) => li.scrollWidth <= li.clientWidth + 1);
  const down = () => {
    const last = ol.lastElementChild;
    if (!last) return true;
    const b = box.getBoundingClientRect();
    const l = last.getBoundingClientRect();
    return l.bottom <= b.bottom - 2 && l.right <= b.right + 1;
  };
  const fits = () => down() && across();
  const portrait = innerHeight > innerWidth;
  const [fewest, most] = RECENT_COLS[(portrait ? 'portrait' : '') + (wide ? (portrait ? 'Wide' : 'wide') : (portrait ? 'Normal' : 'normal'))];
  const max = portrait ? RECENT_FONT_MAX_PORTRAIT : RECENT_FONT_MAX;
  const min = portrait ? RECENT_FONT_MIN_PORTRAIT : RECENT_FONT_MIN;
  for (let f = max; f >= min; f -= 2) {
    style.setProperty('--recent', `${f / 10}vh`);
    for (let c = fewest; c <= most; c++) {
      style.setProperty('--recent-cols', String(c));
      if (fits()) return;
    }
  }
  // The smallest letters and the most columns in which every call is whole: leave off
  // past calls, then count the waiting ones.
  for (let c = most; c >= fewest; c--) {
    style.setProperty('--recent-cols', String(c));
    if (across()) break;
  }
  const items = () => [...ol.children];
  while (!down()) {
    const past = items().filter((li) => !li.classList.contains('waiting') && !li.classList.contains('more'));
    if (past.length) {
      past[past.length - 1].remove();
      continue;
    }
    const waiting = items().filter((li) => li.classList.contains('waiting'));
    if (waiting.length <= 1) return;
    let more = ol.querySelector('.more');
    if (!more) {
      more = document.createElement('li');
      more.className = 'more';
      more.dataset.n = '0';
      ol.append(more);
    }
    waiting[waiting.length - 1].remove();
    more.dataset.n = String(Number(more.dataset.n) + 1);
    more.innerHTML = both('more', { n: more.dataset.n });
  }
}

let recentQueued = false;
function fitRecentSoon() {
  if (recentQueued) return;
  recentQueued = true;
  requestAnimationFrame(() => {
    recentQueued = false;
    renderRecent();
  });
}

let queuesHeight = 0;

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
  // At most part of the panel: the counters come first. The least busy go first.
  const serving = $('serving');
  while (ul.children.length > 1 && $('waiting').offsetHeight > serving.clientHeight * WAITING_SHARE) {
    ul.lastElementChild.remove();
  }
  // The list takes room from the counters: fit them again when it grows or shrinks.
  if (ul.children.length !== rows || ul.offsetHeight !== queuesHeight) fitSoon();
  queuesHeight = ul.offsetHeight;
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
// What the hall hears: one announcement at a time, in order, each shown on the panel
// while it is said.

let resting = false; // the pause after an announcement, before the next

async function speakNext() {
  if (board.playing || resting || !speaks() || board.audioBlocked) return;
  const next = board.queue.next(board.now());
  if (next.leftOut.length) leaveOut(next.leftOut);
  const turn = next.turn;
  if (!turn) {
    renderRecent();
    return;
  }
  const call = turn.call;
  const playing = { number: call.number, counter: call.counter, text: turn.text, start: null, durationMs: null };
  board.playing = playing;
  let started = false;
  try {
    await board.voice.say(turn, (durationMs, startsAt) => {
      if (board.playing !== playing) return;
      started = true;
      playing.start = startsAt === undefined ? performance.now() : startsAt;
      playing.durationMs = durationMs;
      show(call, true);
      playing.panelAtStart = $('latest-number').textContent;
    });
  } catch (err) {
    if (board.playing !== playing) return; // muted meanwhile
    board.playing = null;
    if (err instanceof Blocked) {
      // The browser wants a tap first: keep the call, show it, and ask for one.
      board.queue.putBack(call);
      setBlocked(true);
      show(call, true);
      return;
    }
    console.warn(`cannot say ${call.number}: ${err && err.message}`);
    if (!started) show(call, true);
  }
  if (board.playing !== playing) return; // muted meanwhile
  if (started) {
    board.said.push(turn.text);
    if (board.said.length > SAID_MAX) board.said.shift();
    board.log.push({
      seq: call.seq,
      number: call.number,
      counter: call.counter,
      recall: call.recall,
      text: turn.text,
      opening: turn.opening,
      english: turn.english,
      start: playing.start,
      end: performance.now(),
      durationMs: playing.durationMs,
      panelAtStart: playing.panelAtStart,
      panelAtEnd: $('latest-number').textContent,
    });
    if (board.log.length > LOG_MAX) board.log.shift();
  }
  board.queue.done(board.now());
  board.playing = null;
  resting = true;
  setTimeout(() => {
    resting = false;
    speakNext();
  }, turn.gapMs);
}

function setBlocked(blocked) {
  board.audioBlocked = blocked;
  $('enable-sound').hidden = !blocked;
}

$('enable-sound').addEventListener('click', async () => {
  // Within the tap: the browser lets the audio run from now on.
  if (board.voice) await board.voice.unlock();
  setBlocked(false);
  speakNext();
});

function setMuted(muted) {
  board.muted = muted;
  localStorage.setItem('antre.board.muted', muted ? '1' : '0');
  const b = $('mute');
  b.setAttribute('aria-pressed', String(muted));
  const key = muted ? 'muted' : 'sound';
  b.innerHTML = `${esc(T.tr(key))} <span class="en" lang="en">${esc(T.other(key))}</span>`;
  if (muted) {
    // What waited to be said is shown as it is now: the calls were made.
    const waiting = board.queue.clear();
    board.playing = null;
    if (board.voice) board.voice.stop();
    for (const call of waiting) addPast(entryOfCall(call));
    if (waiting.length) showLatest(entryOfCall(waiting[waiting.length - 1]), false);
    renderRecent();
  } else {
    speakNext();
  }
}

$('mute').addEventListener('click', () => setMuted(!board.muted));

start();
