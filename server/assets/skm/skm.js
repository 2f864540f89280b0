// The published IKM (`/skm`, no log-in): the latest Indeks Kepuasan Masyarakat of the
// whole MPP and of each agency, with its mutu, kinerja, respondents and period, as
// `GET /api/v1/skm` gives them. Readable on a phone and on a hall TV; refreshed now and
// then, so a screen left on it stays current.
import { esc, loadSite, num, request, sleep, texts } from '/assets/antre.js';

// The figures change with each answer; a public screen need not follow by the second.
const REFRESH_MS = 5 * 60 * 1000;

const T = texts({
  mpp: ['Seluruh MPP', 'The whole MPP'],
  ikm: ['IKM', 'IKM'],
  mutu: ['Mutu', 'Quality'],
  kinerja: ['Kinerja', 'Performance'],
  respondents: ['{n} responden', '{n} respondents'],
  period: ['Periode {from} s.d. {to}', 'Period {from} to {to}'],
  no_answers: ['Belum ada responden', 'No respondents yet'],
  failed: ['Data belum dapat dimuat. Mencoba lagi…', 'The figures cannot be loaded yet. Retrying…'],
  none: ['Belum ada hasil survei pada periode ini.', 'No survey results in this period yet.'],
  kin_Sangat_Baik: ['Sangat Baik', 'Very good'],
  kin_Baik: ['Baik', 'Good'],
  kin_Kurang_Baik: ['Kurang Baik', 'Poor'],
  kin_Tidak_Baik: ['Tidak Baik', 'Very poor'],
  updated: ['Diperbarui {at}', 'Updated {at}'],
});
const $ = (id) => document.getElementById(id);
const P = { data: null, loads: 0 };
window.antreSkm = P; // for tests

// A date as Indonesians write it: "1 Januari 2026" (English beside).
function day(iso, lang) {
  const d = new Date(iso + 'T00:00:00Z');
  if (isNaN(d)) return iso;
  return d.toLocaleDateString(lang === 'en' ? 'en-GB' : 'id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

const kinerja = (k) => (k ? T.both('kin_' + k.replace(/ /g, '_')) : '');

// One IKM: the figure, its mutu and kinerja, the respondents.
function figure(x, id) {
  if (x.ikm === null || x.ikm === undefined) {
    return `<div class="none">${T.both('no_answers')}</div>`;
  }
  return `<div class="figure"><div class="ikm"><span class="label">${esc(T.tr('ikm'))}</span>` +
    `<b id="${id}-ikm" data-value="${esc(x.ikm)}">${num(x.ikm, 2)}</b></div>` +
    `<div class="mutu mutu-${esc(x.mutu)}"><span class="label">${T.both('mutu')}</span><b id="${id}-mutu">${esc(x.mutu || '—')}</b></div></div>` +
    `<div class="kinerja">${kinerja(x.kinerja)}</div>` +
    `<div class="resp">${T.both('respondents', { n: num(x.respondents) })}</div>`;
}

function render(data) {
  const period = T.both('period', { from: [day(data.from, 'id'), day(data.from, 'en')], to: [day(data.to, 'id'), day(data.to, 'en')] });
  $('site-name').textContent = data.site_name;
  $('mpp').hidden = false;
  $('mpp').innerHTML = `<h2 id="mpp-title">${T.both('mpp')}</h2>${figure(data.mpp, 'mpp')}<p class="period">${period}</p>`;
  const list = data.agencies || [];
  $('agencies-sec').hidden = !list.length;
  $('agencies').innerHTML = list.map((a) =>
    `<li class="agency" data-agency="${esc(a.agency)}"><h3>${esc(a.name)}</h3>${figure(a, 'a-' + a.agency)}</li>`).join('');
  $('status').innerHTML = '';
  document.body.dataset.ready = '1';
}

async function refresh() {
  for (;;) {
    let res = null;
    try { res = await request('GET', '/api/v1/skm'); } catch (_) { res = null; }
    if (res && res.status === 200 && res.data) {
      P.data = res.data;
      P.loads++;
      render(res.data);
      await sleep(REFRESH_MS);
    } else {
      if (!P.data) $('status').innerHTML = T.both('failed');
      await sleep(15000);
    }
  }
}

loadSite().then((site) => { if (!P.data) $('site-name').textContent = site.name; });
refresh();
