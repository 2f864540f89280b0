// The pages' shared plumbing, served at /assets/antre.js: escaping, requests, the site
// description, the live stream, the clock, texts and service search. Each page (kiosk,
// phone, hall board, counter) imports what it needs, so they all behave alike: the same
// timeouts, the same reconnects, the same search. A plain ES module: no build step, no
// libraries, nothing from outside the MPP's LAN. Visitors' phones load it too, old ones
// among them, so it keeps to the JavaScript of 2018 (no `??`, `?.` or `1_000`).

// ---------------------------------------------------------------------------- timings

// A LAN answers in milliseconds; a request still open after this is treated as lost
// (the server is away, or the network is).
export const REQUEST_TIMEOUT_MS = 8000;
// Reconnects and site retries: the first at once (half a second), then doubling up to
// ten seconds, so a restarted server is found quickly and a dead one is not hammered.
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10000;
// Each pause varies by ±20 %: a hall full of screens does not come back in step after a
// server restart.
const RETRY_JITTER = 0.2;
// A connection that dies without closing (a cable pulled, a switch off) is noticed by a
// health check this often while the stream is open, each given this long to answer.
const HEALTH_EVERY_MS = 15000;
const HEALTH_TIMEOUT_MS = 5000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A pause of about `ms`, varied by the jitter.
const jittered = (ms) => ms * (1 - RETRY_JITTER + Math.random() * 2 * RETRY_JITTER);

// ---------------------------------------------------------------------------- escaping

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Text for innerHTML and attribute values: names come from the site's configuration and
// the server's messages, and must never become markup.
export function esc(text) {
  return String(text === null || text === undefined ? '' : text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

// ---------------------------------------------------------------------------- requests

// One JSON request to the server. Resolves to `{status, data}` (data: the parsed JSON
// answer, or null) whatever the status; rejects only when no answer came (network
// failure, or no answer within `timeoutMs`). `token` is sent as a bearer token, `key` as
// the Idempotency-Key that makes a retried POST safe, `ifMatch` (a version) as
// `If-Match: "N"`, so a change made against an older version is refused rather than
// overwriting someone else's. Never cached: every answer is live state.
export async function request(method, path, { body, token, key, ifMatch, timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  if (key) headers['Idempotency-Key'] = key;
  if (ifMatch !== undefined && ifMatch !== null) headers['If-Match'] = '"' + ifMatch + '"';
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: abort.signal,
      cache: 'no-store',
    });
    let data = null;
    try { data = await res.json(); } catch (_) { data = null; }
    return { status: res.status, data };
  } finally {
    clearTimeout(timer);
  }
}

// The query string of `params` ("from=…&to=…"), leaving out those not given (undefined,
// null, '' or false): a filter left empty is not sent, so the API's default applies.
export function queryString(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, v);
  return q.toString();
}

// A fresh Idempotency-Key (32 random hex digits): one per action, kept across that
// action's retries, so the server answers a repeat with the first answer.
export function newKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---------------------------------------------------------------------------- the site

// The site description (agencies, services, counters, zones, time zone). Asked until the
// server answers 200 — it may be restarting, or the screen may have booted before the
// network — with growing pauses; `onRetry(attempt)` is told of each failure, so a page
// can say "connecting".
export async function loadSite({ onRetry } = {}) {
  let pause = RETRY_MIN_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await request('GET', '/api/v1/site');
      if (res.status === 200 && res.data) return res.data;
    } catch (_) { /* away: tried again below */ }
    if (onRetry) onRetry(attempt);
    await sleep(jittered(pause));
    pause = Math.min(pause * 2, RETRY_MAX_MS);
  }
}

// ---------------------------------------------------------------------------- the stream

// Follows the live stream (`/api/v1/stream`, of one zone when `zone` is given): a
// snapshot, then events. Remembers the last seq it saw, so after a drop it resumes with
// `since=SEQ` and gets exactly what it missed (or a fresh snapshot when it was away too
// long); an event at or below that seq is skipped. Reconnects by itself with growing,
// jittered pauses, and while connected checks /healthz now and then, so a connection
// that died without closing is noticed and replaced.
//
// Callbacks: `onSnapshot(snapshot)`, `onEvent(event)`, `onOnline()` when a connection
// opens, `onOffline()` after every connection lost or attempt failed. Returns a handle
// pages and tests read: `seq` (last seen), `connected`, `reconnects` (attempts after the
// first), `snapshots` (received), `url` (of the last attempt) and `close()`.
export function follow({ zone, board, onSnapshot, onEvent, onOnline, onOffline } = {}) {
  const handle = { seq: null, connected: false, reconnects: 0, snapshots: 0, url: null, close };
  let socket = null;
  let pause = RETRY_MIN_MS;
  let retryTimer = null;
  let stopped = false;
  // A page's mistake in one message must not end the stream.
  const call = (fn, arg) => {
    if (!fn) return;
    try { fn(arg); } catch (e) { console.error(e); }
  };

  function connect() {
    if (stopped) return;
    const query = new URLSearchParams();
    if (zone) query.set('zone', zone);
    if (board) query.set('board', board);
    if (handle.seq !== null) query.set('since', String(handle.seq));
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    handle.url = `${proto}//${location.host}/api/v1/stream${query.toString() ? '?' + query : ''}`;
    let ws;
    try {
      ws = new WebSocket(handle.url);
    } catch (_) {
      lost(null);
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      handle.connected = true;
      pause = RETRY_MIN_MS;
      call(onOnline);
    };
    ws.onmessage = (m) => {
      if (socket !== ws) return;
      let msg;
      try { msg = JSON.parse(m.data); } catch (_) { return; }
      if (msg.type === 'snapshot') {
        handle.seq = msg.seq;
        handle.snapshots++;
        call(onSnapshot, msg);
      } else if (typeof msg.seq === 'number' && typeof msg.type === 'string') {
        if (handle.seq !== null && msg.seq <= handle.seq) return;
        handle.seq = msg.seq;
        call(onEvent, msg);
      }
    };
    ws.onclose = () => { if (socket === ws) lost(ws); };
    ws.onerror = () => { try { ws.close(); } catch (_) { /* closing anyway */ } };
  }

  // The connection `ws` is gone (or never came): say so and try again later. A socket
  // given up on is forgotten at once, so its late close (a dead peer can take minutes to
  // time out) changes nothing.
  function lost(ws) {
    if (ws) {
      socket = null;
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(); } catch (_) { /* already closed */ }
    }
    handle.connected = false;
    call(onOffline);
    clearTimeout(retryTimer);
    if (stopped) return;
    const wait = jittered(pause);
    pause = Math.min(pause * 2, RETRY_MAX_MS);
    retryTimer = setTimeout(() => {
      handle.reconnects++;
      connect();
    }, wait);
  }

  async function healthCheck() {
    const ws = socket;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    let ok = false;
    try {
      ok = (await request('GET', '/healthz', { timeoutMs: HEALTH_TIMEOUT_MS })).status === 200;
    } catch (_) { ok = false; }
    if (!ok && socket === ws) lost(ws);
  }

  const healthTimer = setInterval(healthCheck, HEALTH_EVERY_MS);

  function close() {
    stopped = true;
    clearInterval(healthTimer);
    clearTimeout(retryTimer);
    const ws = socket;
    socket = null;
    handle.connected = false;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(); } catch (_) { /* already closed */ }
    }
  }

  connect();
  return handle;
}

// ---------------------------------------------------------------------------- the clock

// Zone abbreviations as Indonesians say them.
const ZONE_ABBR = { 'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };
const clocks = new Map();

// The site's local time, whatever zone the screen's own clock is set to: `time(date)`
// gives "14:05" (24 h, with `:` as people write it on signs; `time(date, true)` adds
// seconds), `date(date)` "Senin, 23 November 2026", `abbr` "WITA". Formatters are built
// once per zone and language ('id' or 'en'); a zone the browser does not know falls back
// to the device's own (and no abbreviation, which would then be wrong).
export function clock(timeZone, lang = 'id') {
  const id = `${timeZone || ''}|${lang}`;
  if (clocks.has(id)) return clocks.get(id);
  const locale = lang === 'en' ? 'en-GB' : 'id-ID';
  let zone = timeZone || undefined;
  try { new Intl.DateTimeFormat(locale, { timeZone: zone }); } catch (_) { zone = undefined; }
  const format = (options) => new Intl.DateTimeFormat(locale, { timeZone: zone, ...options });
  const hm = format({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const hms = format({ hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const long = format({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  // Indonesian formats write "14.05"; the parts are joined with ":" whatever the locale.
  const join = (f, d) => f.formatToParts(d).filter((p) => p.type !== 'literal').map((p) => p.value).join(':');
  const c = {
    time: (d = new Date(), seconds = false) => join(seconds ? hms : hm, d),
    date: (d = new Date()) => long.format(d),
    abbr: zone ? ZONE_ABBR[zone] || '' : '',
  };
  clocks.set(id, c);
  return c;
}

// A date's day in the site's time zone, as the API writes days: "2026-11-23".
export function localDay(timeZone, d = new Date()) {
  let zone = timeZone || undefined;
  try { new Intl.DateTimeFormat('en-CA', { timeZone: zone }); } catch (_) { zone = undefined; }
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d);
  const get = (t) => (parts.find((p) => p.type === t) || {}).value;
  return get('year') + '-' + get('month') + '-' + get('day');
}

// ---------------------------------------------------------------------------- bookings

// The characters of a booking code: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G.
export const BOOKING_CODE_ALPHABET = 'ACDEFHJKMNPRTUVWXY34679';

// A booking code as people read it: "ACDE-FH34" (anything else upper case, without
// what is not a letter or digit).
export function showBookingCode(code) {
  const c = String(code || '').replace(/[^0-9a-z]/gi, '').toUpperCase();
  return c.length === 8 ? c.slice(0, 4) + '-' + c.slice(4) : c;
}

// The booking code in what a scanner or a person typed ("acde-fh34", a link ending in
// "/ACDE-FH34"), or null: 8 characters of the code's alphabet, with or without the dash.
export function bookingCode(text) {
  let t = String(text || '').trim();
  const slash = t.lastIndexOf('/');
  if (slash >= 0) t = t.slice(slash + 1).split(/[?#]/)[0];
  t = t.toUpperCase();
  if (!/^[A-Z0-9]{4}-?[A-Z0-9]{4}$/.test(t)) return null;
  t = t.replace('-', '');
  return Array.from(t).every((c) => BOOKING_CODE_ALPHABET.includes(c)) ? t : null;
}

// A time of a booking's check-in window (RFC 3339) in the site's zone: "07:30 WITA",
// with the day before it when that is not today (nor the day of `after`, the window's
// start), as `[id, en]`.
export function windowTime(timeZone, rfc, after) {
  const d = new Date(rfc);
  if (!rfc || isNaN(d)) return ['—', '—'];
  const day = localDay(timeZone, d);
  const today = day === localDay(timeZone) || (after && !isNaN(new Date(after)) && day === localDay(timeZone, new Date(after)));
  return [0, 1].map((i) => {
    const c = clock(timeZone, i ? 'en' : 'id');
    return (today ? '' : c.date(d) + ' ') + c.time(d) + (c.abbr ? ' ' + c.abbr : '');
  });
}

// ---------------------------------------------------------------------------- texts

// Indonesian first, English beside it. `dict` maps keys to `[id, en]` pairs; `lang` is
// 'id' or 'en' (the page's current language, which `set` changes). `tr` gives a text in
// the current language, `other` in the other one, `both` the HTML of the current one
// with the other in a <small> carrying its `lang`, `bothText` "id / en" for places
// without markup. `{name}` in a text is filled from `vars` (values: `[id, en]` pairs, or
// one text for both). A key without a text gives itself, so a gap shows rather than
// breaking the page.
export function texts(dict, lang = 'id') {
  const self = {
    lang: lang === 'en' ? 'en' : 'id',
    get index() { return self.lang === 'en' ? 1 : 0; },
    get otherLang() { return self.lang === 'en' ? 'id' : 'en'; },
    set(l) { self.lang = l === 'en' ? 'en' : 'id'; },
    in(key, i, vars) {
      const pair = dict[key];
      const text = pair ? pair[i] : key;
      return text.replace(/\{(\w+)\}/g, (_, k) => {
        const v = vars ? vars[k] : undefined;
        return v === undefined || v === null ? '' : Array.isArray(v) ? v[i] : String(v);
      });
    },
    tr: (key, vars) => self.in(key, self.index, vars),
    other: (key, vars) => self.in(key, 1 - self.index, vars),
    both: (key, vars) => esc(self.tr(key, vars)) + `<small lang="${self.otherLang}">` + esc(self.other(key, vars)) + '</small>',
    bothText: (key, vars) => self.in(key, 0, vars) + ' / ' + self.in(key, 1, vars),
  };
  return self;
}

// The server's messages are "Indonesian / English" in one string: the two halves, as
// `[id, en]` (both the whole message when it is not in two halves), ready for `texts`.
export function bilingual(message) {
  const text = String(message === null || message === undefined ? '' : message);
  const at = text.indexOf(' / ');
  return at < 0 ? [text, text] : [text.slice(0, at), text.slice(at + 3)];
}

// ---------------------------------------------------------------------------- search

// The service search of every page (kiosk, counter transfer). The terminal client runs
// the same algorithm in Rust (client/src/search.rs), and both are held to the cases of
// client/search-cases.json, so a change here is a change there. The algorithm:
//
// 1. Text is normalised: lower case, accents removed (Unicode NFD, combining marks
//    dropped), every run of characters other than a–z and 0–9 one space, trimmed; words
//    are what the spaces separate.
// 2. The query's words, in order, without repeats and without FILLER words (words that
//    describe the asker, not the service: "saya mau bikin paspor" searches "paspor").
//    No word left: no result.
// 3. Each service is indexed once per site as three sets of words: KEYWORDS (its
//    keywords and its agency's short name: what people type), NAME (its name and
//    English name) and OTHER (its agency's full name and its code).
// 4. One query word against one set of words scores the best of: 6 when it equals a
//    word; 4 when it is the start of a word and has at least 2 letters; 2 (a typo) when
//    it has at least 4 letters and is at most 1 edit (2 edits from 8 letters on) from a
//    word, or from the start of a longer word cut to the query word's length. Edits are
//    the optimal string alignment distance: inserting, deleting or changing a letter, or
//    swapping two neighbouring letters ("psapor"), each 1.
// 5. A query word's score for a service: with k its score against KEYWORDS and n
//    against NAME ∪ OTHER, the larger of (k + 1 when k > 0) and n; plus 1 when it scores
//    4 or more against NAME alone (the service's own name says it). The word matches
//    the service when that score is above 0. A typo match (the best of k and n is 2)
//    counts only when no service at all matches that word with 4 or more: "paspor"
//    must not also find "lapor", but "psapor" finds paspor.
// 6. A service scores the sum of its matching words' scores, plus 3 when the query's
//    words are, in any order, exactly the words of one of its keywords (filler words
//    left out of both): "hilang ktp" is typed as the keyword "ktp hilang".
// 7. The results: every service matching at least one word, ordered by the number of
//    words it matches, then by score (both highest first), then by its place in the
//    site's list. When some service matches every word, only those are the results:
//    the words are there in any order, and situation words ("hilang", "perpanjang",
//    "anak") narrow the choice rather than widen it.

// Words that describe the asker or the asking, not a service (Bahasa Indonesia,
// everyday and written, and English).
export const FILLER = new Set((
  'saya aku gue gua gw kami kita anda kamu mau ingin pengen pingin hendak akan perlu butuh ' +
  'bikin buat membuat urus mengurus ngurus tolong mohon minta untuk utk yang yg dan di ke ' +
  'dari dengan dgn ini itu ada bisa apa bagaimana gimana cara caranya sudah udah sedang ' +
  'lagi dong ya punya nya tentang soal pak bu ' +
  'i im me my we our you want wanna would like need to a an the for of and in at on ' +
  'please how do does can get make is are with about'
).split(' '));

// Lower case, accents off, anything but letters and digits as one space.
const norm = (s) => String(s).toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
const words = (s) => norm(s).split(' ').filter(Boolean);

// Edit distance where swapping two neighbouring letters ("psapor") is one typo (optimal
// string alignment); small strings only.
function distance(a, b) {
  const d = [];
  for (let i = 0; i <= a.length; i++) { d.push(new Array(b.length + 1).fill(0)); d[i][0] = i; }
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

// A query's or a keyword's words without repeats and filler, as a sorted key ("hilang
// ktp"), so that word order does not matter.
const wordSet = (list) => Array.from(new Set(list.filter((w) => !FILLER.has(w)))).sort().join(' ');

// The words of every service of the site (steps 3 and 6), built once per site
// description.
export function buildIndex(site) {
  return site.services.map((s, order) => {
    const agency = site.agencies.find((a) => a.code === s.agency) || {};
    const keywords = s.keywords || [];
    return {
      s,
      order,
      keywords: new Set(words(keywords.join(' ') + ' ' + (agency.short || ''))),
      name: new Set(words(s.name + ' ' + s.name_en)),
      other: new Set(words((agency.name || '') + ' ' + s.code)),
      phrases: new Set(keywords.map((k) => wordSet(words(k))).filter(Boolean)),
    };
  });
}

// One typed word against a set of words (step 4): 6 equal, 4 start of a word, 2 typo,
// 0 none.
function wordScore(q, set) {
  let best = 0;
  for (const w of set) {
    if (w === q) return 6;
    if (q.length >= 2 && w.startsWith(q)) { best = 4; continue; }
    if (best < 2 && q.length >= 4) {
      const allowed = q.length >= 8 ? 2 : 1;
      if (distance(q, w) <= allowed || (w.length > q.length && distance(q, w.slice(0, q.length)) <= allowed)) best = 2;
    }
  }
  return best;
}

// The services for a typed text, best first (steps 2, 5, 6 and 7).
export function search(index, text) {
  const query = Array.from(new Set(words(text))).filter((w) => !FILLER.has(w));
  if (!query.length) return [];
  // Each word's score for each service (step 5), and whether the word was only guessed.
  const scores = index.map((e) => query.map((q) => {
    const k = wordScore(q, e.keywords);
    const n = Math.max(wordScore(q, e.name), wordScore(q, e.other));
    const named = wordScore(q, e.name) >= 4 ? 1 : 0;
    const score = Math.max(k ? k + 1 : 0, n);
    return { score: score ? score + named : 0, typo: Math.max(k, n) === 2 };
  }));
  // A typo counts only for a word nothing matches as typed.
  const typed = query.map((_, i) => scores.some((row) => row[i].score && !row[i].typo));
  const key = wordSet(query);
  let found = [];
  index.forEach((e, i) => {
    let count = 0;
    let total = 0;
    scores[i].forEach((m, j) => {
      if (!m.score || (m.typo && typed[j])) return;
      count++;
      total += m.score;
    });
    if (!count) return;
    if (e.phrases.has(key)) total += 3;
    found.push({ e, count, total });
  });
  if (found.some((f) => f.count === query.length)) found = found.filter((f) => f.count === query.length);
  found.sort((a, b) => b.count - a.count || b.total - a.total || a.e.order - b.e.order);
  return found.map((f) => f.e.s);
}

// ---------------------------------------------------------------------------- figures

// A duration as people read it on a report: "m:ss" (minutes may pass 59: "75:04"), or
// "—" when there is none. Seconds are rounded.
export function minSec(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

// A longer span (an officer's hours at the counter) as "h:mm", rounded to the minute.
export function hourMin(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return '—';
  const m = Math.max(0, Math.round(seconds / 60));
  return Math.floor(m / 60) + ':' + String(m % 60).padStart(2, '0');
}

// A number the Indonesian way: "1.234", "12,5" (`digits` after the comma).
export function num(value, digits = 0) {
  if (value === null || value === undefined || !isFinite(value)) return '—';
  return Number(value).toLocaleString('id-ID', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

// ---------------------------------------------------------------------------- files

// Fetches a file the API gives only with a token (a report as CSV or XLSX) and saves it
// as a download under the name the server gives (Content-Disposition), else `name`.
// Resolves to `{ok, status, message}`: the server's message ("id / en") when refused.
export async function download(path, { token, name = 'download', timeoutMs = 60000 } = {}) {
  const headers = {};
  if (token) headers.Authorization = 'Bearer ' + token;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await fetch(path, { headers, signal: abort.signal, cache: 'no-store' });
    if (!res.ok) {
      let message = 'HTTP ' + res.status;
      try { const body = await res.json(); if (body && body.error) message = body.error.message; } catch (_) { /* not JSON */ }
      return { ok: false, status: res.status, message };
    }
    const blob = await res.blob();
    const given = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(res.headers.get('Content-Disposition') || '');
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = given ? decodeURIComponent(given[1]) : name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    return { ok: true, status: res.status, message: '', size: blob.size, name: a.download };
  } catch (_) {
    return { ok: false, status: 0, message: 'Server tidak dapat dihubungi. / The server cannot be reached.' };
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------- dialogs

// Opens a <dialog> as a modal (the page behind is inert, Esc closes it) and gives the
// focus back to where it was when it closes. `focus`: the element to start at.
export function openModal(dialog, focus) {
  if (!dialog.open) {
    const from = document.activeElement;
    dialog.hidden = false;
    dialog.addEventListener('close', () => {
      dialog.hidden = true;
      if (from && from.isConnected && from.focus) from.focus();
    }, { once: true });
    dialog.showModal();
  }
  if (focus) focus.focus();
}

// ---------------------------------------------------------------------------- staff log-in

const SIGNIN = texts({
  title: ['Masuk', 'Log in'],
  user: ['Nama pengguna', 'Username'],
  password: ['Kata sandi', 'Password'],
  go: ['Masuk', 'Log in'],
  new_title: ['Buat kata sandi baru', 'Choose a new password'],
  new_why: ['Kata sandi ini diberikan admin. Pilih kata sandi Anda sendiri sebelum mulai bekerja.', 'An admin gave you this password. Choose your own before you start.'],
  new_password: ['Kata sandi baru (10–128 karakter)', 'New password (10–128 characters)'],
  new_again: ['Ulangi kata sandi baru', 'Repeat the new password'],
  new_save: ['Simpan kata sandi', 'Save the password'],
  err_length: ['Kata sandi harus 10 sampai 128 karakter.', 'A password has 10 to 128 characters.'],
  err_differ: ['Kedua kata sandi baru tidak sama.', 'The two new passwords differ.'],
  err_net: ['Server tidak dapat dihubungi. Periksa jaringan lalu coba lagi.', 'The server cannot be reached. Check the network and try again.'],
  err_role: ['Akun {user} ({role}) tidak dapat membuka halaman ini.', 'Account {user} ({role}) cannot open this page.'],
  expired: ['Sesi berakhir. Silakan masuk lagi.', 'The session ended. Please log in again.'],
  logged_out: ['Anda telah keluar.', 'You have logged out.'],
  admin: ['admin', 'admin'],
  supervisor: ['penyelia', 'supervisor'],
  officer: ['petugas', 'officer'],
});

// "id<small lang=en>en</small>" of a server message ("id / en").
export function said(message) {
  const [id, en] = bilingual(message);
  return id === en ? esc(id) : esc(id) + '<small lang="en">' + esc(en) + '</small>';
}

// The signed-in user of a staff page (reports, audit, a counter's survey tablet): the
// token, kept in `storage` (sessionStorage by default: a shared PC forgets it with the
// tab; a tablet that stays signed in passes localStorage) under `store`, and what
// `/auth/me` says of it. `api` sends the token; a 401 ends the session and calls
// `onExpired`, so the page goes back to its log-in form.
export function staffSession(store, storage) {
  const box = storage || sessionStorage;
  let kept = {};
  try { kept = JSON.parse(box.getItem(store)) || {}; } catch (_) { kept = {}; }
  const S = {
    token: kept.token || null, user: kept.user || '', role: null, agency: null, counters: [],
    onExpired: null,
    keep() {
      if (S.token) box.setItem(store, JSON.stringify({ token: S.token, user: S.user }));
      else box.removeItem(store);
    },
    // Takes a log-in or `/auth/me` answer.
    take(me, token) {
      if (token) S.token = token;
      S.user = me.username;
      S.role = me.role;
      S.agency = me.agency || null;
      S.counters = me.counters || [];
      S.keep();
    },
    // `{ok, status, data, code, message, net}`, whatever happened.
    async api(method, path, { body, timeoutMs } = {}) {
      let res;
      try {
        res = await request(method, path, { body, token: S.token, timeoutMs });
      } catch (_) {
        return { ok: false, net: true, status: 0, data: null, code: 'network', message: SIGNIN.bothText('err_net') };
      }
      const ok = res.status >= 200 && res.status < 300;
      const err = (res.data && res.data.error) || {};
      if (res.status === 401 && S.token) {
        S.token = null;
        S.keep();
        if (S.onExpired) S.onExpired('expired');
      }
      return { ok, status: res.status, data: res.data, code: err.code || (ok ? '' : 'http_' + res.status), message: err.message || (ok ? '' : 'HTTP ' + res.status) };
    },
    // Whether the kept token still works (and who it is).
    async resume() {
      if (!S.token) return false;
      const me = await S.api('GET', '/api/v1/auth/me');
      if (!me.ok || me.data.must_change_password) {
        if (!me.net) { S.token = null; S.keep(); }
        return false;
      }
      S.take(me.data);
      return true;
    },
    logOut() {
      const token = S.token;
      if (token) request('POST', '/api/v1/auth/logout', { token }).catch(() => {});
      S.token = null;
      S.keep();
    },
  };
  return S;
}

// The log-in form of a staff page, drawn into `root` (cleared first): username and
// password, then, for a password an admin gave, the user's own new one. Resolves once
// someone of one of `roles` is signed in (`allowed(S)`, when given, may refuse with the
// HTML of why). `title`: `[id, en]`; `why`: 'expired' or 'logged_out' to say first;
// `refusal`: the HTML of why a kept session was just refused, shown as the form's error.
export function signIn(root, S, { title, roles, allowed, why, refusal } = {}) {
  const t = SIGNIN;
  const heading = title ? esc(title[0]) + '<small lang="en">' + esc(title[1]) + '</small>' : t.both('title');
  root.innerHTML =
    '<form class="signin card" autocomplete="on" novalidate>' +
    '<h1>' + heading + '</h1>' +
    '<p class="signin-why" role="status"' + (why ? '' : ' hidden') + '>' + (why ? t.both(why) : '') + '</p>' +
    '<div class="signin-login">' +
    '<label for="signin-user">' + t.both('user') + '</label>' +
    '<input id="signin-user" name="username" autocomplete="username" required value="' + esc(S.user || '') + '">' +
    '<label for="signin-password">' + t.both('password') + '</label>' +
    '<input id="signin-password" name="password" type="password" autocomplete="current-password" required>' +
    '</div>' +
    '<div class="signin-new" hidden>' +
    '<p class="signin-why">' + t.both('new_why') + '</p>' +
    '<label for="signin-new">' + t.both('new_password') + '</label>' +
    '<input id="signin-new" type="password" autocomplete="new-password" maxlength="128">' +
    '<label for="signin-new2">' + t.both('new_again') + '</label>' +
    '<input id="signin-new2" type="password" autocomplete="new-password" maxlength="128">' +
    '</div>' +
    '<p class="signin-error error" role="alert" hidden></p>' +
    '<button class="primary signin-go" type="submit">' + t.both('go') + '</button>' +
    '</form>';
  const form = root.querySelector('form');
  const q = (sel) => form.querySelector(sel);
  const fail = (html, focus) => {
    q('.signin-error').innerHTML = html;
    q('.signin-error').hidden = false;
    if (focus) focus.focus();
  };
  let pending = null; // the given password, while the new one is chosen
  (S.user ? q('#signin-password') : q('#signin-user')).focus();
  if (refusal) fail(refusal);
  return new Promise((resolve) => {
    const admit = async (me, token) => {
      if (roles && roles.indexOf(me.role) < 0) {
        request('POST', '/api/v1/auth/logout', { token }).catch(() => {});
        fail(t.both('err_role', { user: me.username, role: [t.in(me.role, 0), t.in(me.role, 1)] }), q('#signin-user'));
        return;
      }
      S.take(me, token);
      if (allowed) {
        const refusal = await allowed(S);
        if (refusal) {
          S.logOut();
          fail(refusal, q('#signin-user'));
          return;
        }
      }
      root.innerHTML = '';
      resolve(S);
    };
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      q('.signin-error').hidden = true;
      const go = q('.signin-go');
      go.disabled = true;
      try {
        if (pending === null) {
          const password = q('#signin-password').value;
          const res = await S.api('POST', '/api/v1/auth/login', { body: { username: q('#signin-user').value.trim(), password } });
          q('#signin-password').value = '';
          if (!res.ok) { fail(res.net ? t.both('err_net') : said(res.message), q('#signin-password')); return; }
          if (res.data.must_change_password) {
            pending = { password, token: res.data.token };
            q('.signin-login').hidden = true;
            q('.signin-new').hidden = false;
            go.innerHTML = t.both('new_save');
            q('#signin-new').focus();
            return;
          }
          await admit(res.data, res.data.token);
        } else {
          const fresh = q('#signin-new').value;
          const bad = fresh.length < 10 || fresh.length > 128 ? 'err_length' : fresh !== q('#signin-new2').value ? 'err_differ' : null;
          if (bad) { fail(t.both(bad), q(bad === 'err_length' ? '#signin-new' : '#signin-new2')); return; }
          const res = await request('POST', '/api/v1/auth/password', { body: { current: pending.password, new: fresh }, token: pending.token }).catch(() => null);
          if (!res || res.status !== 200) {
            fail(res ? said(res.data && res.data.error ? res.data.error.message : 'HTTP ' + res.status) : t.both('err_net'), q('#signin-new'));
            return;
          }
          pending = null;
          await admit(res.data, res.data.token);
        }
      } finally {
        go.disabled = false;
      }
    });
  });
}

// The frame of a staff page around its own work: the log-in form or the page, the way
// back to the form when the session ends or is ended, and the log-out, the same on every
// page. `S`: the page's staffSession; `title`, `roles`, `allowed`: as for signIn.
// `onSignedIn()`: the page's own start, each time someone is signed in (again);
// `onSignedOut(why)`: what the page stops when the form is asked for (every time, even
// with the form already up).
//
// By default the page has the staff layout: `#boot-note` until the first view, then
// `#signin` or `#app`, with `#logout-btn` (which logs out at once) and `#who` (the user)
// beside the page. A page with views of its own (the survey tablet) passes `show(view)`,
// shows its own in `onSignedIn`, and wires its own log-out to `logOut` (it asks first).
//
// Returns `{toSignIn(why, refusal), logOut(), start()}`; `start` goes on with a kept
// session when it still works and has one of `roles`, else shows the form.
export function staffShell(S, { title, roles, allowed, show, onSignedIn, onSignedOut } = {}) {
  const $ = (id) => document.getElementById(id);
  const layout = !show;
  const view = show || ((v) => {
    document.body.dataset.view = v;
    $('boot-note').hidden = true;
    $('signin').hidden = v !== 'signin';
    $('app').hidden = v !== 'app';
    $('logout-btn').hidden = v !== 'app';
    $('who').textContent = v === 'app' ? S.user : '';
  });
  const enter = () => {
    if (layout) view('app');
    if (onSignedIn) onSignedIn();
  };
  // One form at a time: requests that fail with 401 together end the session once.
  let signingIn = false;
  const shell = {
    async toSignIn(why, refusal) {
      if (onSignedOut) onSignedOut(why);
      if (signingIn) return;
      signingIn = true;
      view('signin');
      await signIn($('signin'), S, { title, roles, allowed, why, refusal });
      signingIn = false;
      enter();
    },
    logOut() {
      S.logOut();
      shell.toSignIn('logged_out');
    },
    async start() {
      if (await S.resume()) {
        if (!roles || roles.indexOf(S.role) >= 0) { enter(); return; }
        S.logOut();
      }
      shell.toSignIn('');
    },
  };
  S.onExpired = (why) => shell.toSignIn(why);
  if (layout) $('logout-btn').addEventListener('click', shell.logOut);
  return shell;
}

// ---------------------------------------------------------------------------- configuration changes

const CHANGES = texts({
  ch_added: ['baru', 'added'],
  ch_removed: ['dihapus', 'removed'],
  ch_changed: ['diubah', 'changed'],
  item_site: ['situs', 'site'], item_agency: ['instansi', 'agency'], item_service: ['layanan', 'service'],
  item_counter: ['loket', 'counter'], item_zone: ['zona', 'zone'], item_kiosk: ['kios', 'kiosk'],
  item_board: ['papan', 'board'], item_user: ['pengguna', 'user'], item_holiday: ['hari libur', 'holiday'],
});

// A change of the configuration (an import's preview, a `site.changed` event's
// `detail.changes`) as a list: each item added, removed or changed, and for a changed
// one each field that differs, before → after. `full`: an added or removed item's
// fields too.
export function itemChanges(changes, { full = false } = {}) {
  const show = (v) => (v === undefined ? '∅' : typeof v === 'string' ? v : JSON.stringify(v));
  const fields = (obj) => '<ul>' + Object.keys(obj || {}).map((k) => `<li><code>${esc(k)}</code>: ${esc(show(obj[k]))}</li>`).join('') + '</ul>';
  return '<ul class="changes">' + (changes || []).map((c) => {
    const kind = !c.before ? 'ch_added' : !c.after ? 'ch_removed' : 'ch_changed';
    const item = CHANGES.both('item_' + c.item);
    let detail = '';
    if (c.before && c.after) {
      const keys = [...new Set(Object.keys(c.before).concat(Object.keys(c.after)))]
        .filter((k) => JSON.stringify(c.before[k]) !== JSON.stringify(c.after[k]));
      detail = '<ul>' + keys.map((k) => `<li><code>${esc(k)}</code>: ${esc(show(c.before[k]))} → ${esc(show(c.after[k]))}</li>`).join('') + '</ul>';
    } else if (full) {
      detail = fields(c.before || c.after);
    }
    return `<li class="${kind}"><span class="tag">${CHANGES.both(kind)}</span> ${item} <b>${esc(c.code)}</b>${detail}</li>`;
  }).join('') + '</ul>';
}
