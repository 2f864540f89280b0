// The reports (`/reports`), for supervisors and admins: over a period, the summary by
// the chosen group with its total, the daily trend, the busiest hours, the officers,
// the month's "Rekap Layanan", the weekly visits, the bookings per day and session, and the SKM (IKM, mutu, kinerja, NRR
// per unsur). Every figure comes from `GET /api/v1/reports/…` (docs/reports.md defines
// them); the charts are SVG drawn here, the files (CSV, XLSX) are the API's own. An
// agency-scoped supervisor sees their agency only (the API refuses others).
import { download, esc, hourMin, loadSite, localDay, minSec, num, queryString, request, said, staffShell, staffSession, texts } from '/assets/antre.js';
import { bars, columns, heatmap, trend } from '/assets/reports/charts.js';

const API = '/api/v1';
// The token lives as long as the browser tab, as on the admin page.
const STORE = 'antre.reports.v1';
// The officers' rows shown in the bar chart of a grouping by name: the busiest.
const BARS_MAX = 12;

const T = texts({
  title: ['Laporan', 'Reports'],
  login_title: ['Masuk laporan', 'Reports log-in'],
  loading: ['Memuat…', 'Loading…'],
  none: ['Tidak ada data pada periode ini.', 'No data in this period.'],
  not_yet: ['Laporan ini belum tersedia di server ini.', 'This report is not available on this server yet.'],
  bad_range: ['Tanggal awal harus sebelum atau sama dengan tanggal akhir.', 'The first day must come before or be the last day.'],
  whole_mpp: ['Seluruh MPP', 'Whole MPP'],
  only_agency: ['Instansi Anda', 'Your agency'],
  download: ['Unduh', 'Download'],
  download_respondents: ['Unduh responden', 'Download respondents'],
  downloading: ['Mengunduh {what}…', 'Downloading {what}…'],
  downloaded: ['{name} diunduh.', '{name} downloaded.'],
  total: ['Jumlah', 'Total'],
  // Groups.
  g_agency: ['Instansi', 'Agency'],
  g_service: ['Layanan', 'Service'],
  g_counter: ['Loket', 'Counter'],
  g_officer: ['Petugas', 'Officer'],
  g_priority: ['Kategori prioritas', 'Priority category'],
  g_hour: ['Jam', 'Hour'],
  g_weekday: ['Hari', 'Weekday'],
  g_day: ['Tanggal', 'Day'],
  // Summary columns.
  c_issued: ['Diterbitkan', 'Issued'],
  c_walk_in: ['Umum', 'Walk-in'],
  c_priority: ['Prioritas', 'Priority'],
  c_served: ['Dilayani', 'Served'],
  c_no_show: ['Tidak hadir', 'No-show'],
  c_transferred_in: ['Alih masuk', 'Transferred in'],
  c_transferred_out: ['Alih keluar', 'Transferred out'],
  c_cancelled: ['Batal', 'Cancelled'],
  c_wait: ['Waktu tunggu (menit:detik)', 'Waiting time (min:sec)'],
  c_service: ['Waktu layanan (menit:detik)', 'Service time (min:sec)'],
  c_mean: ['Rata-rata', 'Mean'],
  c_median: ['Median', 'Median'],
  c_p90: ['P90', 'P90'],
  c_max: ['Maks.', 'Max'],
  c_within: ['Sesuai target', 'Within target'],
  // Charts.
  chart_bars: ['Diterbitkan dan dilayani per {group}', 'Issued and served by {group}'],
  chart_top: ['{n} teratas menurut tiket diterbitkan', 'Top {n} by tickets issued'],
  chart_trend: ['Tiket diterbitkan dan dilayani per hari, {from} s.d. {to}', 'Tickets issued and served per day, {from} to {to}'],
  chart_heat: ['Tiket diterbitkan per hari dan jam; paling ramai {max} tiket pada {when}', 'Tickets issued by weekday and hour; busiest {max} tickets on {when}'],
  issued: ['Diterbitkan', 'Issued'],
  served: ['Dilayani', 'Served'],
  // Officers.
  o_officer: ['Petugas', 'Officer'],
  o_served: ['Dilayani', 'Served'],
  o_open: ['Jam buka (jam:menit)', 'Open (h:mm)'],
  o_paused: ['Istirahat (jam:menit)', 'Paused (h:mm)'],
  o_per_hour: ['Dilayani per jam', 'Served per hour'],
  o_mean: ['Rata-rata layanan', 'Mean service'],
  o_median: ['Median layanan', 'Median service'],
  // Recap and weekly.
  r_no: ['No', 'No'],
  r_agency: ['Instansi', 'Agency'],
  r_service: ['Layanan', 'Service'],
  r_total: ['Jumlah', 'Total'],
  w_day: ['Hari', 'Day'],
  w_visitors: ['Pengunjung', 'Visitors'],
  w_served: ['Dilayani', 'Served'],
  w_note: ['Keterangan', 'Note'],
  busiest: ['tersibuk', 'busiest'],
  quietest: ['tersepi', 'quietest'],
  week: ['Minggu {week}', 'Week {week}'],
  // SKM.
  k_mpp: ['Seluruh cakupan', 'The whole scope'],
  k_agency: ['Instansi', 'Agency'],
  k_service: ['Layanan', 'Service'],
  k_counter: ['Loket', 'Counter'],
  k_officer: ['Petugas', 'Officer'],
  choose: ['— pilih —', '— choose —'],
  ikm: ['Indeks Kepuasan Masyarakat (IKM)', 'Public satisfaction index (IKM)'],
  mutu: ['Mutu pelayanan', 'Service quality'],
  kinerja: ['Kinerja unit pelayanan', 'Performance'],
  respondents: ['{n} responden', '{n} respondents'],
  sample: ['Sampel minimal {min} responden untuk populasi {pop} pengunjung dilayani (Krejcie & Morgan).', 'Minimum sample {min} respondents for a population of {pop} visitors served (Krejcie & Morgan).'],
  too_few: ['Responden kurang dari sampel minimal: hasil belum mewakili. Perpanjang periode atau kumpulkan lebih banyak jawaban.', 'Fewer respondents than the minimum sample: the result does not yet represent the visitors. Widen the period or gather more answers.'],
  no_answers: ['Belum ada responden pada periode dan lingkup ini.', 'No respondents in this period and scope yet.'],
  u_code: ['Kode', 'Code'],
  u_name: ['Unsur pelayanan', 'Service element'],
  u_nrr: ['NRR', 'Mean score'],
  u_weighted: ['NRR tertimbang', 'Weighted'],
  u_converted: ['Nilai konversi', 'Converted'],
  u_bar: ['NRR (1–4)', 'Mean (1–4)'],
  weakest: ['terendah', 'weakest'],
  ikm_sum: ['IKM = Σ NRR × 1/9 × 25', 'IKM = Σ mean × 1/9 × 25'],
  kin_Sangat_Baik: ['Sangat Baik', 'Very good'],
  kin_Baik: ['Baik', 'Good'],
  kin_Kurang_Baik: ['Kurang Baik', 'Poor'],
  kin_Tidak_Baik: ['Tidak Baik', 'Very poor'],
  printed: ['Dicetak {at} oleh {user}', 'Printed {at} by {user}'],
  // Bookings.
  b_booked: ['Dipesan', 'Booked'],
  b_checked_in: ['Check-in', 'Checked in'],
  b_no_show: ['Tidak hadir', 'No-show'],
  b_cancelled: ['Batal', 'Cancelled'],
  b_pending: ['Menunggu check-in', 'Waiting'],
  b_left: ['Sisa kursi', 'Seats left'],
  b_quota: ['Kuota', 'Quota'],
  b_date: ['Tanggal', 'Date'],
  b_service: ['Layanan', 'Service'],
  b_session: ['Sesi', 'Session'],
  b_remote: ['Antre dari rumah', 'Remote queue'],
  b_none: ['Belum ada booking pada periode ini.', 'No bookings in this period.'],
  b_upcoming: ['akan datang', 'upcoming'],
  b_caption: ['Booking per hari dan sesi, {from} s.d. {to}', 'Bookings per day and session, {from} to {to}'],
}, 'id');
// Both languages, or one where they say the same ("P90", "SKM").
const both = (key, vars) => (T.in(key, 0, vars) === T.in(key, 1, vars) ? esc(T.tr(key, vars)) : T.both(key, vars));
const bothText = (key, vars) => T.bothText(key, vars);
const $ = (id) => document.getElementById(id);

const GROUPS = ['agency', 'service', 'counter', 'officer', 'priority', 'hour', 'weekday', 'day'];
const WEEKDAYS = [['Sen', 'Mon'], ['Sel', 'Tue'], ['Rab', 'Wed'], ['Kam', 'Thu'], ['Jum', 'Fri'], ['Sab', 'Sat'], ['Min', 'Sun']];
const S = staffSession(STORE);
// The bookings section looks this many days past the period's end (seats booked ahead).
const BOOKING_AHEAD_DAYS = 7;
const R = {
  site: null, summary: null, trend: null, heatmap: null, officers: null, recap: null, weekly: null, bookings: null, skm: null,
  loads: {}, downloads: 0, ready: false,
};
window.antreReports = R; // for tests and for support staff

// ---------------------------------------------------------------------------- requests

// The period and scope the controls say.
function range() {
  return { from: $('from').value, to: $('to').value, group: $('group').value, agency: $('agency').value };
}

// What each report is asked with (its path and query), the files too.
const PATHS = {
  summary: (r) => `/reports/summary?${queryString({ from: r.from, to: r.to, group: r.group, agency: r.agency })}`,
  trend: (r) => `/reports/summary?${queryString({ from: r.from, to: r.to, group: 'day', agency: r.agency })}`,
  heatmap: (r) => `/reports/heatmap?${queryString({ from: r.from, to: r.to, agency: r.agency })}`,
  officers: (r) => `/reports/officers?${queryString({ from: r.from, to: r.to, agency: r.agency })}`,
  recap: (r) => `/reports/recap?${queryString({ month: $('recap-month').value, agency: r.agency })}`,
  weekly: (r) => `/reports/weekly?${queryString({ week: $('weekly-day').value, agency: r.agency })}`,
  bookings: (r) => `/reports/bookings?${queryString({ from: r.from, to: bookingsTo(r), agency: r.agency })}`,
  skm: (r) => `/reports/skm?${queryString(Object.assign({ from: r.from, to: r.to }, skmScope(r)))}`,
  respondents: (r) => `/reports/skm/respondents?${queryString({ from: r.from, to: r.to, agency: skmScope(r).agency || r.agency })}`,
};

// One report, asked afresh: the section says it is loading, then shows it or why not.
// An older answer that comes after a newer question is dropped.
async function load(name, render) {
  const at = (R.loads[name] = (R.loads[name] || 0) + 1);
  const status = $(`${name}-status`);
  status.className = 'status';
  status.innerHTML = both('loading');
  const res = await S.api('GET', API + PATHS[name](range()));
  if (R.loads[name] !== at || !S.token) return;
  if (!res.ok) {
    R[name] = null;
    status.className = 'status notice error';
    status.innerHTML = res.status === 404 && res.code === 'not_found' ? both('not_yet') : said(res.message);
    render(null);
    return;
  }
  R[name] = res.data;
  status.innerHTML = '';
  render(res.data);
}

function loadAll() {
  const r = range();
  if (!r.from || !r.to || r.from > r.to) {
    $('range-error').hidden = false;
    $('range-error').innerHTML = both('bad_range');
    $(r.from ? 'to' : 'from').focus();
    return;
  }
  $('range-error').hidden = true;
  const period = `${esc(r.from)} – ${esc(r.to)}`;
  $('summary-period').innerHTML = period;
  $('print-period').innerHTML = period + ' · ' + esc(agencyName(r.agency) || bothText('whole_mpp'));
  load('summary', renderSummary);
  load('trend', renderTrend);
  load('heatmap', renderHeatmap);
  load('officers', (d) => { renderOfficers(d); fillSkmValues(); });
  load('recap', renderRecap);
  load('weekly', renderWeekly);
  load('bookings', renderBookings);
  load('skm', renderSkm);
}

// A report's file, fetched with the token and saved.
async function saveFile(name, format) {
  const what = $(`h-${name === 'respondents' ? 'skm' : name}`).firstChild.textContent.trim();
  const status = $(`${name === 'respondents' ? 'skm' : name}-status`);
  status.className = 'status';
  status.innerHTML = both('downloading', { what: `${what} (${format.toUpperCase()})` });
  const path = API + PATHS[name](range()) + '&format=' + format;
  const res = await download(path, { token: S.token, name: `${name}.${format}` });
  if (!res.ok) {
    if (res.status === 401) { S.token = null; S.keep(); shell.toSignIn('expired'); return; }
    status.className = 'status notice error';
    status.innerHTML = said(res.message);
    return;
  }
  R.downloads++;
  R.lastDownload = { name: res.name, size: res.size, path };
  status.className = 'status notice ok';
  status.innerHTML = both('downloaded', { name: res.name });
}

// ---------------------------------------------------------------------------- names

const agencyName = (code) => {
  const a = R.site && R.site.agencies.find((x) => x.code === code);
  return a ? a.name : code;
};

const groupLabel = (g) => [T.in('g_' + g, 0), T.in('g_' + g, 1)];

// A row's group as people read it: its name, with the code beside for codes.
function keyCell(group, row) {
  if (!row.key) return both('total');
  if (group === 'weekday') {
    const d = WEEKDAYS[Number(row.key) - 1];
    return d ? `${esc(row.label || d[0])}<small lang="en">${esc(d[1])}</small>` : esc(row.label || row.key);
  }
  if (group === 'hour') return esc(row.label || `${row.key}:00`);
  const label = row.label && row.label !== row.key ? `${esc(row.label)} <span class="code">${esc(row.key)}</span>` : esc(row.key);
  return label;
}

// The width a chart has to draw in (its box may still be empty, hence hidden).
const widthOf = (el) => el.clientWidth || (el.parentElement ? el.parentElement.clientWidth - 28 : 800);

const share = (v) => (v === null || v === undefined ? '—' : num(v * 100, 1) + ' %');

// ---------------------------------------------------------------------------- summary

const COUNTS = ['issued', 'walk_in', 'priority', 'served', 'no_show', 'transferred_in', 'transferred_out', 'cancelled'];
const TIMES = ['mean_s', 'median_s', 'p90_s', 'max_s'];
const TIME_HEADS = ['c_mean', 'c_median', 'c_p90', 'c_max'];

function summaryRow(group, row, cell) {
  const c = (name, value, text) => `<${cell === 'th' && name === 'key' ? 'th scope="row"' : 'td'} class="${name === 'key' ? 'key' : 'num'}" data-col="${name}"${value === undefined ? '' : ` data-value="${esc(value === null ? '' : value)}"`}>${text}</${cell === 'th' && name === 'key' ? 'th' : 'td'}>`;
  let html = c('key', undefined, keyCell(group, row));
  for (const k of COUNTS) html += c(k, row[k], num(row[k]));
  for (const part of ['wait', 'service']) {
    const d = row[part] || {};
    TIMES.forEach((t) => { html += c(`${part}_${t}`, d[t], minSec(d[t])); });
  }
  html += c('within_target_share', row.within_target_share, share(row.within_target_share));
  return html;
}

function renderSummary(data) {
  const table = $('summary-table');
  const chart = $('summary-chart');
  if (!data) { table.innerHTML = ''; chart.innerHTML = ''; return; }
  const g = data.group;
  const head1 = `<tr><th scope="col" rowspan="2">${both('g_' + g)}</th>` +
    COUNTS.map((k) => `<th scope="col" rowspan="2" class="num">${both('c_' + k)}</th>`).join('') +
    `<th scope="colgroup" colspan="4" class="span">${both('c_wait')}</th><th scope="colgroup" colspan="4" class="span">${both('c_service')}</th>` +
    `<th scope="col" rowspan="2" class="num">${both('c_within')}</th></tr>`;
  const head2 = '<tr>' + ['wait', 'service'].map(() => TIME_HEADS.map((h) => `<th scope="col" class="num">${both(h)}</th>`).join('')).join('') + '</tr>';
  const body = data.rows.length
    ? data.rows.map((row) => `<tr data-key="${esc(row.key)}">${summaryRow(g, row, 'th')}</tr>`).join('')
    : `<tr><td class="empty" colspan="18">${both('none')}</td></tr>`;
  table.innerHTML = `<caption class="sr-only" data-overflow-ok>${esc(bothText('chart_bars', { group: groupLabel(g) }))}</caption>` +
    `<thead>${head1}${head2}</thead><tbody>${body}</tbody><tfoot><tr class="total">${summaryRow(g, Object.assign({}, data.total, { key: '' }), 'th')}</tr></tfoot>`;
  // The bars: in order for times (hours, weekdays, days), the busiest for names.
  const timeLike = g === 'hour' || g === 'weekday' || g === 'day';
  let rows = data.rows.filter((r) => r.key);
  if (!rows.length) { chart.innerHTML = ''; return; }
  const label = (r) => (g === 'weekday' ? (WEEKDAYS[Number(r.key) - 1] || [r.key])[0] : g === 'day' ? r.key.slice(8) + '/' + r.key.slice(5, 7) : g === 'hour' ? r.key : r.label || r.key);
  const series = [{ name: bothText('issued'), cls: 'issued' }, { name: bothText('served'), cls: 'served' }];
  const title = bothText('chart_bars', { group: groupLabel(g) });
  if (timeLike) {
    chart.innerHTML = columns({ title, series, labels: rows.map(label), values: rows.map((r) => [r.issued, r.served]), width: widthOf(chart) });
  } else {
    rows = rows.slice().sort((a, b) => b.issued - a.issued).slice(0, BARS_MAX);
    const note = data.rows.length > BARS_MAX ? bothText('chart_top', { n: BARS_MAX }) : '';
    chart.innerHTML = bars({ title: note ? `${title} — ${note}` : title, series, labels: rows.map(label), values: rows.map((r) => [r.issued, r.served]), width: widthOf(chart) });
  }
}

// ---------------------------------------------------------------------------- trend and heatmap

// Every day of the period, those without tickets as zero.
function daysOf(from, to) {
  const out = [];
  const d = new Date(from + 'T00:00:00Z');
  const end = new Date(to + 'T00:00:00Z');
  while (d <= end && out.length < 400) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

function renderTrend(data) {
  const chart = $('trend-chart');
  if (!data) { chart.innerHTML = ''; return; }
  const byDay = new Map(data.rows.map((r) => [r.key, r]));
  const days = daysOf(data.from, data.to);
  chart.innerHTML = trend({
    title: bothText('chart_trend', { from: data.from, to: data.to }),
    labels: days.map((d) => d.slice(8) + '/' + d.slice(5, 7)),
    series: [
      { name: bothText('issued'), cls: 'issued', values: days.map((d) => (byDay.get(d) || {}).issued || 0) },
      { name: bothText('served'), cls: 'served', values: days.map((d) => (byDay.get(d) || {}).served || 0) },
    ],
    width: widthOf(chart),
  });
}

function renderHeatmap(data) {
  const chart = $('heatmap-chart');
  if (!data) { chart.innerHTML = ''; return; }
  let best = { v: 0, d: 0, h: 0 };
  data.cells.forEach((row, d) => row.forEach((v, h) => { if (v > best.v) best = { v, d, h }; }));
  const when = best.v ? [`${WEEKDAYS[best.d][0]} ${String(best.h).padStart(2, '0')}:00`, `${WEEKDAYS[best.d][1]} ${String(best.h).padStart(2, '0')}:00`] : '—';
  chart.innerHTML = heatmap({
    title: bothText('chart_heat', { max: best.v, when }),
    rows: WEEKDAYS.map((d) => d[0] + ' / ' + d[1]),
    cells: data.cells,
    max: data.max,
    width: widthOf(chart),
  });
}

// ---------------------------------------------------------------------------- officers

function renderOfficers(data) {
  const table = $('officers-table');
  if (!data) { table.innerHTML = ''; return; }
  const cols = ['o_officer', 'o_served', 'o_open', 'o_paused', 'o_per_hour', 'o_mean', 'o_median'];
  const head = '<tr>' + cols.map((c, i) => `<th scope="col"${i ? ' class="num"' : ''}>${both(c)}</th>`).join('') + '</tr>';
  const rows = data.rows.slice().sort((a, b) => b.served - a.served);
  const body = rows.length ? rows.map((o) => `<tr data-officer="${esc(o.officer)}"><th scope="row">${esc(o.officer)}</th>` +
    `<td class="num" data-col="served">${num(o.served)}</td><td class="num">${hourMin(o.open_s)}</td><td class="num">${hourMin(o.paused_s)}</td>` +
    `<td class="num">${num(o.served_per_hour, 1)}</td><td class="num">${minSec(o.service && o.service.mean_s)}</td>` +
    `<td class="num">${minSec(o.service && o.service.median_s)}</td></tr>`).join('')
    : `<tr><td class="empty" colspan="7">${both('none')}</td></tr>`;
  const total = rows.reduce((t, o) => ({ served: t.served + o.served, open: t.open + o.open_s, paused: t.paused + o.paused_s }), { served: 0, open: 0, paused: 0 });
  const foot = rows.length ? `<tfoot><tr><th scope="row">${both('total')}</th><td class="num">${num(total.served)}</td>` +
    `<td class="num">${hourMin(total.open)}</td><td class="num">${hourMin(total.paused)}</td><td></td><td></td><td></td></tr></tfoot>` : '';
  table.innerHTML = `<thead>${head}</thead><tbody>${body}</tbody>${foot}`;
}

// ---------------------------------------------------------------------------- recap and weekly

function renderRecap(data) {
  const table = $('recap-table');
  if (!data) { table.innerHTML = ''; return; }
  const weekend = (day) => { const w = new Date(day + 'T00:00:00Z').getUTCDay(); return w === 0 || w === 6; };
  const dayHead = data.days.map((d) => `<th scope="col" class="num day${weekend(d) ? ' weekend' : ''}"><span class="sr-only" data-overflow-ok>${esc(d)}</span><span aria-hidden="true">${Number(d.slice(8))}</span></th>`).join('');
  const head = `<tr><th scope="col" class="num">${both('r_no')}</th><th scope="col">${both('r_agency')}</th><th scope="col">${both('r_service')}</th>${dayHead}<th scope="col" class="num">${both('r_total')}</th></tr>`;
  let last = null;
  const body = data.rows.length ? data.rows.map((r, i) => {
    const agency = r.agency === last ? '' : esc(r.agency_name || r.agency);
    last = r.agency;
    return `<tr><td class="num">${i + 1}</td><td class="agency">${agency}</td><th scope="row" class="service">${esc(r.service_name || r.service)}</th>` +
      r.days.map((n, j) => `<td class="num${weekend(data.days[j]) ? ' weekend' : ''}">${n ? num(n) : ''}</td>`).join('') +
      `<td class="num" data-col="total">${num(r.total)}</td></tr>`;
  }).join('') : `<tr><td class="empty" colspan="${data.days.length + 4}">${both('none')}</td></tr>`;
  const foot = `<tr><td></td><th scope="row" colspan="2">${both('total')}</th>` +
    data.totals.map((n, j) => `<td class="num${weekend(data.days[j]) ? ' weekend' : ''}">${num(n)}</td>`).join('') +
    `<td class="num" data-col="total">${num(data.total)}</td></tr>`;
  $('recap-period').textContent = data.month;
  table.innerHTML = `<caption class="sr-only" data-overflow-ok>${esc(bothText('title'))} ${esc(data.month)}</caption><thead>${head}</thead><tbody>${body}</tbody><tfoot>${foot}</tfoot>`;
}

function renderWeekly(data) {
  const table = $('weekly-table');
  const chart = $('weekly-chart');
  if (!data) { table.innerHTML = ''; chart.innerHTML = ''; return; }
  const head = `<tr><th scope="col">${both('w_day')}</th><th scope="col" class="num">${both('w_visitors')}</th><th scope="col" class="num">${both('w_served')}</th><th scope="col">${both('w_note')}</th></tr>`;
  const body = data.days.map((d, i) => {
    const marks = (d.day === data.busiest ? `<span class="badge amber">${both('busiest')}</span> ` : '') +
      (d.day === data.quietest ? `<span class="badge">${both('quietest')}</span>` : '');
    const cls = d.day === data.busiest ? ' class="busiest"' : d.day === data.quietest ? ' class="quietest"' : '';
    return `<tr${cls} data-day="${esc(d.day)}"><th scope="row">${esc(WEEKDAYS[i] ? WEEKDAYS[i][0] : '')}, ${esc(d.day)}<small lang="en">${esc(WEEKDAYS[i] ? WEEKDAYS[i][1] : '')}</small></th>` +
      `<td class="num">${num(d.visitors)}</td><td class="num">${num(d.served)}</td><td>${marks}</td></tr>`;
  }).join('');
  table.innerHTML = `<caption>${both('week', { week: data.week })}</caption><thead>${head}</thead><tbody>${body}</tbody>` +
    `<tfoot><tr><th scope="row">${both('total')}</th><td class="num">${num(data.visitors)}</td><td class="num">${num(data.served)}</td><td></td></tr></tfoot>`;
  chart.innerHTML = columns({
    title: bothText('week', { week: data.week }),
    series: [{ name: bothText('w_visitors'), cls: 'issued' }, { name: bothText('w_served'), cls: 'served' }],
    labels: data.days.map((d, i) => (WEEKDAYS[i] ? WEEKDAYS[i][0] : d.day.slice(8))),
    values: data.days.map((d) => [d.visitors, d.served]),
    width: widthOf(chart),
    height: 200,
  });
}

// ---------------------------------------------------------------------------- bookings

// A day `n` days after `day` (YYYY-MM-DD).
function dayPlus(day, n) {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// The bookings' last day: the period's, or up to a week ahead when asked (the seats
// booked for the coming days are what a manager plans with).
function bookingsTo(r) {
  if (!$('bookings-ahead').checked || !R.site) return r.to;
  const ahead = dayPlus(localDay(R.site.timezone), BOOKING_AHEAD_DAYS);
  return r.to > ahead ? r.to : ahead;
}

const B_TOTALS = ['booked', 'checked_in', 'no_show', 'cancelled'];
const B_COLS = ['quota', 'booked', 'checked_in', 'no_show', 'cancelled', 'pending', 'left'];

function renderBookings(data) {
  const table = $('bookings-table');
  const totals = $('bookings-totals');
  if (!data) { table.innerHTML = ''; totals.innerHTML = ''; $('bookings-period').textContent = ''; return; }
  $('bookings-period').textContent = `${data.from} – ${data.to}`;
  totals.innerHTML = B_TOTALS.map((k) => `<div class="total-card" data-total="${k}" data-value="${esc(data[k])}">` +
    `<div class="total-label">${both('b_' + k)}</div><div class="total-value">${num(data[k])}</div></div>`).join('');
  const today = localDay(R.site && R.site.timezone);
  const service = (code) => {
    const s = R.site && R.site.services.find((x) => x.code === code);
    return s ? `${esc(s.name)} <span class="code">${esc(code)}</span>` : esc(code);
  };
  const weekday = (day) => WEEKDAYS[(new Date(day + 'T00:00:00Z').getUTCDay() + 6) % 7];
  const head = `<tr><th scope="col">${both('b_date')}</th><th scope="col">${both('b_service')}</th><th scope="col">${both('b_session')}</th>` +
    B_COLS.map((c) => `<th scope="col" class="num">${both('b_' + c)}</th>`).join('') + '</tr>';
  const body = data.rows.length ? data.rows.map((r) => {
    const w = weekday(r.date);
    const upcoming = r.date > today ? ` <span class="badge">${both('b_upcoming')}</span>` : '';
    const session = r.start ? `${esc(r.start)}–${esc(r.end)}` : both('b_remote');
    return `<tr data-date="${esc(r.date)}" data-service="${esc(r.service)}" data-start="${esc(r.start || '')}"${r.date > today ? ' class="upcoming"' : ''}>` +
      `<th scope="row">${esc(w[0])}, ${esc(r.date)}<small lang="en">${esc(w[1])}</small>${upcoming}</th>` +
      `<td>${service(r.service)}</td><td class="session">${session}</td>` +
      B_COLS.map((c) => `<td class="num" data-col="${c}" data-value="${esc(r[c])}">${num(r[c])}</td>`).join('') + '</tr>';
  }).join('') : `<tr><td class="empty" colspan="${B_COLS.length + 3}">${both('b_none')}</td></tr>`;
  const sum = (c) => data.rows.reduce((t, r) => t + (r[c] || 0), 0);
  const foot = data.rows.length ? `<tfoot><tr><th scope="row" colspan="3">${both('total')}</th>` +
    B_COLS.map((c) => `<td class="num" data-col="${c}" data-value="${sum(c)}">${num(sum(c))}</td>`).join('') + '</tr></tfoot>' : '';
  table.innerHTML = `<caption class="sr-only" data-overflow-ok>${esc(bothText('b_caption', { from: data.from, to: data.to }))}</caption>` +
    `<thead>${head}</thead><tbody>${body}</tbody>${foot}`;
}

// ---------------------------------------------------------------------------- SKM

const SKM_KINDS = ['mpp', 'agency', 'service', 'counter', 'officer'];

// The SKM's scope: one of agency, service, counter, officer (or the controls' agency).
function skmScope(r) {
  const kind = $('skm-kind').value;
  const value = $('skm-value').value;
  if (kind === 'mpp' || !value) return r.agency ? { agency: r.agency } : {};
  return { [kind]: value };
}

function skmOptions(kind) {
  const site = R.site;
  const agency = S.agency || $('agency').value;
  const mine = (x) => !agency || x.agency === agency;
  switch (kind) {
    case 'agency': return site.agencies.filter((a) => !S.agency || a.code === S.agency).map((a) => [a.code, a.name]);
    case 'service': return site.services.filter(mine).map((s) => [s.code, s.name]);
    case 'counter': return site.counters.filter(mine).map((c) => [c.code, c.name]);
    case 'officer': return ((R.officers && R.officers.rows) || []).map((o) => [o.officer, o.officer]);
    default: return [];
  }
}

function fillSkmValues() {
  const kind = $('skm-kind').value;
  const select = $('skm-value');
  const was = select.value;
  const options = skmOptions(kind);
  select.disabled = kind === 'mpp';
  select.innerHTML = kind === 'mpp' ? '' : `<option value="">${esc(bothText('choose'))}</option>` +
    options.map(([v, l]) => `<option value="${esc(v)}"${v === was ? ' selected' : ''}>${esc(l)}${l !== v ? ' (' + esc(v) + ')' : ''}</option>`).join('');
}

const kinerja = (k) => (k ? both('kin_' + k.replace(/ /g, '_')) : '—');

function renderSkm(data) {
  const body = $('skm-body');
  if (!data) { body.innerHTML = ''; return; }
  const scope = $('skm-kind').value === 'mpp' || !$('skm-value').value ? '' : ' · ' + $('skm-value').selectedOptions[0].textContent;
  $('skm-period').textContent = `${data.from} – ${data.to}${scope}`;
  const sample = `<p class="sample">${both('sample', { min: num(data.min_sample), pop: num(data.population) })}</p>`;
  const warn = data.too_few ? `<p class="notice warn" id="skm-too-few">${both('too_few')}</p>` : '';
  if (data.ikm === null || data.ikm === undefined) {
    body.innerHTML = `<p class="notice">${both('no_answers')}</p>${sample}${warn}`;
    return;
  }
  const names = R.questions || [];
  const rows = (data.unsur || []).map((u) => {
    const weak = u.code === data.weakest;
    const en = (names.find((q) => q.code === u.code) || {}).name_en;
    return `<tr${weak ? ' class="weakest"' : ''} data-unsur="${esc(u.code)}"><th scope="row" class="code">${esc(u.code)}</th>` +
      `<td>${esc(u.name)}${en ? `<small lang="en">${esc(en)}</small>` : ''}${weak ? ` <span class="badge red">${both('weakest')}</span>` : ''}</td>` +
      `<td class="num">${num(u.nrr, 2)}</td><td class="num">${num(u.weighted, 3)}</td><td class="num">${num(u.converted, 2)}</td>` +
      `<td class="barcell" aria-hidden="true"><span class="nrr-bar" style="width:${Math.max(0, Math.min(100, ((u.nrr - 1) / 3) * 100))}%"></span></td></tr>`;
  }).join('');
  body.innerHTML =
    `<div class="ikm-row"><div class="ikm-card"><div class="ikm-label">${both('ikm')}</div><div class="ikm-value" id="skm-ikm" data-value="${esc(data.ikm)}">${num(data.ikm, 2)}</div>` +
    `<div class="ikm-sum">${both('ikm_sum')}</div></div>` +
    `<div class="ikm-card mutu"><div class="ikm-label">${both('mutu')}</div><div class="ikm-value mutu-${esc(data.mutu)}" id="skm-mutu">${esc(data.mutu || '—')}</div></div>` +
    `<div class="ikm-card"><div class="ikm-label">${both('kinerja')}</div><div class="ikm-kinerja" id="skm-kinerja">${kinerja(data.kinerja)}</div>` +
    `<div class="ikm-resp">${both('respondents', { n: num(data.respondents) })}</div></div></div>` +
    warn + sample +
    `<div class="table-wrap" data-overflow-ok><table class="grid unsur" id="skm-table"><thead><tr><th scope="col">${both('u_code')}</th><th scope="col">${both('u_name')}</th>` +
    `<th scope="col" class="num">${both('u_nrr')}</th><th scope="col" class="num">${both('u_weighted')}</th><th scope="col" class="num">${both('u_converted')}</th>` +
    `<th scope="col">${both('u_bar')}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

// ---------------------------------------------------------------------------- the page

function fillControls() {
  const site = R.site;
  const today = localDay(site.timezone);
  if (!$('from').value) $('from').value = today.slice(0, 8) + '01';
  if (!$('to').value) $('to').value = today;
  if (!$('recap-month').value) $('recap-month').value = today.slice(0, 7);
  if (!$('weekly-day').value) $('weekly-day').value = today;
  $('group').innerHTML = GROUPS.map((g) => `<option value="${g}"${g === 'service' ? ' selected' : ''}>${esc(bothText('g_' + g))}</option>`).join('');
  const agencies = site.agencies.filter((a) => !S.agency || a.code === S.agency);
  $('agency').innerHTML = (S.agency ? '' : `<option value="">${esc(bothText('whole_mpp'))}</option>`) +
    agencies.map((a) => `<option value="${esc(a.code)}">${esc(a.name)}</option>`).join('');
  $('agency').disabled = !!S.agency;
  $('skm-kind').innerHTML = SKM_KINDS.map((k) => `<option value="${k}">${esc(bothText('k_' + k))}</option>`).join('');
  fillSkmValues();
  for (const holder of document.querySelectorAll('.downloads')) {
    const name = holder.dataset.report;
    const what = holder.closest('section').querySelector('h2').firstChild.textContent.trim();
    const label = name === 'respondents' ? 'Responden SKM' : what;
    holder.innerHTML = `<span class="dl-label">${both(name === 'respondents' ? 'download_respondents' : 'download')}</span>` + ['csv', 'xlsx'].map((f) =>
      `<button type="button" class="plain dl" data-report="${name}" data-format="${f}">${f.toUpperCase()}<span class="sr-only" data-overflow-ok> ${esc(label)}</span></button>`).join('');
  }
  $('print-title').textContent = `${site.name} — ${bothText('title')}`;
}

async function enter() {
  if (!R.site) R.site = await loadSite();
  $('site-name').textContent = R.site.name;
  fillControls();
  if (!R.questions) {
    request('GET', API + '/surveys/questions').then((res) => {
      if (res.status === 200 && Array.isArray(res.data)) { R.questions = res.data; if (R.skm) renderSkm(R.skm); }
    }).catch(() => {});
  }
  R.ready = true;
  loadAll();
}

function wire() {
  $('controls').addEventListener('submit', (e) => { e.preventDefault(); loadAll(); });
  $('recap-month').addEventListener('change', () => { if ($('recap-month').value) load('recap', renderRecap); });
  $('weekly-day').addEventListener('change', () => { if ($('weekly-day').value) load('weekly', renderWeekly); });
  $('bookings-ahead').addEventListener('change', () => { if (R.ready) load('bookings', renderBookings); });
  $('skm-kind').addEventListener('change', () => { fillSkmValues(); if ($('skm-kind').value === 'mpp') load('skm', renderSkm); });
  $('skm-value').addEventListener('change', () => load('skm', renderSkm));
  $('agency').addEventListener('change', fillSkmValues);
  $('print').addEventListener('click', () => window.print());
  document.addEventListener('click', (e) => {
    const b = e.target.closest('button.dl');
    if (b) saveFile(b.dataset.report, b.dataset.format);
  });
  // Charts are drawn for the width they have: again after the window changes.
  let redraw = null;
  window.addEventListener('resize', () => {
    clearTimeout(redraw);
    redraw = setTimeout(() => {
      if (R.summary) renderSummary(R.summary);
      if (R.trend) renderTrend(R.trend);
      if (R.heatmap) renderHeatmap(R.heatmap);
      if (R.weekly) renderWeekly(R.weekly);
    }, 150);
  });
  window.addEventListener('beforeprint', () => {
    const now = new Date();
    $('print-title').textContent = `${R.site ? R.site.name : ''} — ${bothText('title')} · ${bothText('printed', { at: localDay(R.site && R.site.timezone, now), user: S.user })}`;
  });
}

const shell = staffShell(S, {
  title: [T.in('login_title', 0), T.in('login_title', 1)],
  roles: ['admin', 'supervisor'],
  onSignedIn: enter,
  onSignedOut: () => { R.ready = false; },
});
wire();
shell.start();
