// The manager's pages (`/admin`): log in as an admin, then read and change the site's
// configuration through the admin API, section by section. The configuration comes
// from `GET /api/v1/admin/config` with its version; every change is sent with
// `If-Match` set to the version its form was loaded from, so a change someone else made
// in between is never overwritten unseen (409 `version_conflict`: say so, reload). The
// live stream's `site.changed` events keep the page current. Every text: Bahasa
// Indonesia first, English beside.
import { bilingual, esc, follow, itemChanges, request, said, texts } from '/assets/antre.js';
import { BOOKING_TEXTS, bookingKind } from '/assets/admin/booking.js';
import { NOTIFY_TEXTS, notifyPanels } from '/assets/admin/notify.js';

const API = '/api/v1';
// The session's token lives as long as the browser tab: a shared PC forgets it.
const STORE = 'antre.admin.v1';
// The server refuses an import above this (docs/api.md, PUT /admin/config).
const IMPORT_LIMIT = 1024 * 1024;
// A "changed by someone else" notice stays this long.
const NOTICE_MS = 15000;
// Events that come in a burst (an import) reload the configuration once.
const RELOAD_DEBOUNCE_MS = 150;

const T = texts({
  connecting: ['Menghubungkan ke server…', 'Connecting to the server…'],
  online: ['Tersambung', 'Live'],
  offline: ['Terputus — menyambung ulang…', 'Offline — reconnecting…'],
  session_expired: ['Sesi berakhir. Silakan masuk lagi.', 'The session ended. Please log in again.'],
  admins_only: ['Halaman ini hanya untuk admin. Akun {user} berperan {role}.', 'This page is for admins only. Account {user} has the role {role}.'],
  net_error: ['Server tidak dapat dihubungi. Periksa jaringan lalu coba lagi.', 'The server cannot be reached. Check the network and try again.'],
  logged_out: ['Anda telah keluar.', 'You have logged out.'],
  // Sections.
  sec_site: ['Pengaturan situs', 'Site settings'],
  sec_agencies: ['Instansi', 'Agencies'],
  sec_services: ['Layanan', 'Services'],
  sec_counters: ['Loket', 'Counters'],
  sec_zones: ['Zona', 'Zones'],
  sec_devices: ['Kios & Papan', 'Kiosks & boards'],
  sec_users: ['Pengguna', 'Users'],
  sec_running: ['Teks berjalan', 'Running text'],
  sec_holidays: ['Hari libur', 'Holidays'],
  sec_import: ['Impor', 'Import'],
  // Lists.
  res_agencies: ['Instansi', 'Agencies'],
  res_services: ['Layanan', 'Services'],
  res_counters: ['Loket', 'Counters'],
  res_zones: ['Zona', 'Zones'],
  res_kiosks: ['Kios', 'Kiosks'],
  res_boards: ['Papan informasi', 'Hall boards'],
  res_users: ['Pengguna', 'Users'],
  res_holidays: ['Hari libur', 'Holidays'],
  one_agencies: ['instansi', 'agency'],
  one_services: ['layanan', 'service'],
  one_counters: ['loket', 'counter'],
  one_zones: ['zona', 'zone'],
  one_kiosks: ['kios', 'kiosk'],
  one_boards: ['papan', 'board'],
  one_users: ['pengguna', 'user'],
  one_holidays: ['hari libur', 'holiday'],
  add: ['Tambah', 'Add'],
  add_one: ['Tambah {what}', 'Add {what}'],
  edit_one: ['Ubah {what} {key}', 'Edit {what} {key}'],
  edit: ['Ubah', 'Edit'],
  delete: ['Hapus', 'Delete'],
  rotate: ['Token baru', 'New token'],
  password_btn: ['Sandi', 'Password'],
  filter: ['Saring {what}', 'Filter {what}'],
  filter_ph: ['Cari…', 'Search…'],
  shown: ['{n} dari {total}', '{n} of {total}'],
  none_match: ['Tidak ada yang cocok.', 'Nothing matches.'],
  none_yet: ['Belum ada.', 'None yet.'],
  actions: ['Aksi', 'Actions'],
  sort_hint: ['Urutkan', 'Sort'],
  // Columns and fields.
  f_code: ['Kode', 'Code'],
  f_short: ['Singkatan', 'Short name'],
  f_name: ['Nama', 'Name'],
  f_name_en: ['Nama (Inggris)', 'Name (English)'],
  f_spoken_name: ['Nama yang diucapkan', 'Spoken name'],
  f_agency: ['Instansi', 'Agency'],
  f_prefix: ['Awalan nomor', 'Number prefix'],
  f_keywords: ['Kata kunci', 'Keywords'],
  f_target_wait_min: ['Target tunggu (menit)', 'Target wait (minutes)'],
  f_avg_service_min: ['Rata-rata layanan (menit)', 'Average service (minutes)'],
  f_daily_quota: ['Kuota harian', 'Daily quota'],
  f_hours: ['Jam buka', 'Opening hours'],
  f_days: ['Hari buka', 'Opening days'],
  f_last_ticket: ['Tiket terakhir', 'Last ticket'],
  f_zone: ['Zona', 'Zone'],
  f_services: ['Layanan', 'Services'],
  f_printer: ['Printer (dikendalikan server)', 'Printer (driven by the server)'],
  f_token: ['Token', 'Token'],
  f_username: ['Nama pengguna', 'Username'],
  f_role: ['Peran', 'Role'],
  f_counters: ['Loket yang ditugaskan', 'Assigned counters'],
  col_counters: ['Loket', 'Counters'],
  f_disabled: ['Nonaktif (tidak dapat masuk)', 'Disabled (cannot log in)'],
  f_password: ['Kata sandi', 'Password'],
  f_new_password: ['Kata sandi baru (kosongkan bila tidak diganti)', 'New password (leave empty to keep it)'],
  f_status: ['Status', 'Status'],
  f_date: ['Tanggal', 'Date'],
  f_timezone: ['Zona waktu', 'Time zone'],
  f_priority_streak_max: ['Prioritas berturut-turut maks.', 'Priority calls in a row, at most'],
  f_no_show_grace_min: ['Tenggang tidak hadir (menit)', 'No-show grace (minutes)'],
  f_public_url: ['Alamat publik (untuk QR)', 'Public address (for the QR code)'],
  f_ticket_footer: ['Catatan kaki tiket', 'Ticket footer'],
  f_running_text: ['Teks berjalan bawaan', 'Default running text'],
  f_announce_english: ['Umumkan juga dalam bahasa Inggris', 'Announce in English too'],
  f_requirements: ['Persyaratan (satu per baris)', 'Requirements (one per line)'],
  f_requirements_en: ['Persyaratan, Inggris (satu per baris)', 'Requirements, English (one per line)'],
  f_procedure: ['Prosedur', 'Procedure'],
  f_procedure_en: ['Prosedur (Inggris)', 'Procedure (English)'],
  f_duration: ['Jangka waktu', 'Duration'],
  f_duration_en: ['Jangka waktu (Inggris)', 'Duration (English)'],
  f_fee: ['Biaya', 'Fee'],
  f_fee_en: ['Biaya (Inggris)', 'Fee (English)'],
  f_product: ['Produk layanan', 'Service product'],
  f_product_en: ['Produk layanan (Inggris)', 'Service product (English)'],
  h_code: ['Huruf kapital A-Z, angka 0-9, - dan _.', 'Capitals A-Z, digits 0-9, - and _.'],
  h_prefix: ['1 sampai 3 huruf kapital, mis. A atau PAS.', '1 to 3 capital letters, e.g. A or PAS.'],
  h_keywords: ['Dipisah koma: apa yang diketik warga di kios.', 'Comma-separated: what visitors type at the kiosk.'],
  h_hours: ['mis. 08:00-15:00 atau dengan istirahat 08:00-12:00,13:00-16:00; kosong = jam situs.', 'e.g. 08:00-15:00, or with a break 08:00-12:00,13:00-16:00; empty = the site\'s hours.'],
  h_site_hours: ['mis. 08:00-16:00 atau dengan istirahat 08:00-12:00,13:00-16:00.', 'e.g. 08:00-16:00, or with a break 08:00-12:00,13:00-16:00.'],
  h_byday: ['Hari dengan jam lain, mis. Jum 08:00-11:30,13:30-16:00; tulis "tutup" bila tutup hari itu; kosong = jam biasa.', 'Days with other hours, e.g. Fri 08:00-11:30,13:30-16:00; write "tutup" when closed that day; empty = the usual hours.'],
  f_hours_by_day: ['Jam per hari', 'Hours by day'],
  h_days_service: ['Tidak dipilih = hari situs.', 'None chosen = the site\'s days.'],
  h_last_ticket: ['mis. 14:30; kosong = sampai tutup.', 'e.g. 14:30; empty = until closing.'],
  h_quota: ['Kosong = tanpa batas.', 'Empty = no limit.'],
  h_spoken: ['Bagaimana papan mengucapkannya; kosong = namanya.', 'How the boards say it; empty = its name.'],
  h_printer: ['mis. tcp://192.168.1.50:9100; kosong = agen antre-kiosk.', 'e.g. tcp://192.168.1.50:9100; empty = the antre-kiosk agent.'],
  h_board_zone: ['Kosong = semua zona.', 'Empty = every zone.'],
  h_user_counters: ['Admin dan penyelia boleh membuka semua loket.', 'Admins and supervisors may open any counter.'],
  h_password: ['10 sampai 128 karakter. Pengguna harus menggantinya saat pertama masuk.', '10 to 128 characters. The user must replace it at the first log-in.'],
  h_user_agency: ['Hanya penyelia: membatasinya ke loket dan tiket satu instansi. Kosong = seluruh MPP.', 'Supervisors only: limits them to one agency\'s counters and tickets. Empty = the whole MPP.'],
  err_agency_role: ['Hanya penyelia yang dapat dibatasi ke satu instansi.', 'Only a supervisor can be limited to one agency.'],
  must_change: ['harus ganti sandi', 'must change password'],
  agency_counters: ['loket instansi {agency}', 'counters of agency {agency}'],
  h_holiday_services: ['Tidak dipilih = semua layanan tutup.', 'None chosen = every service is closed.'],
  h_public_url: ['mis. http://192.168.1.10:8080', 'e.g. http://192.168.1.10:8080'],
  picked: ['{n} dipilih', '{n} chosen'],
  filter_options: ['Saring {what}', 'Filter {what}'],
  no_zone: ['(semua zona)', '(every zone)'],
  choose: ['— pilih —', '— choose —'],
  role_admin: ['Admin', 'Admin'],
  role_supervisor: ['Penyelia', 'Supervisor'],
  role_officer: ['Petugas', 'Officer'],
  active: ['aktif', 'active'],
  disabled: ['nonaktif', 'disabled'],
  has_token: ['ada', 'set'],
  no_token: ['belum ada', 'none'],
  all_counters: ['semua loket', 'every counter'],
  all_services: ['semua layanan', 'every service'],
  n_services: ['{n} layanan', '{n} services'],
  n_counters: ['{n} loket', '{n} counters'],
  yes: ['ya', 'yes'],
  no: ['tidak', 'no'],
  d_mon: ['Sen', 'Mon'], d_tue: ['Sel', 'Tue'], d_wed: ['Rab', 'Wed'], d_thu: ['Kam', 'Thu'],
  d_fri: ['Jum', 'Fri'], d_sat: ['Sab', 'Sat'], d_sun: ['Min', 'Sun'],
  // Checks.
  err_required: ['Wajib diisi.', 'Required.'],
  err_code: ['Hanya huruf kapital A-Z, angka 0-9, - dan _ (paling banyak 32).', 'Only capitals A-Z, digits 0-9, - and _ (at most 32).'],
  err_prefix: ['Awalan harus 1 sampai 3 huruf kapital (A-Z).', 'A prefix is 1 to 3 capital letters (A-Z).'],
  err_minutes: ['Harus bilangan bulat lebih dari 0.', 'Must be a whole number above 0.'],
  err_count: ['Harus bilangan bulat 0 atau lebih.', 'Must be a whole number, 0 or more.'],
  err_hours: ['Tulis seperti 08:00-16:00, atau 08:00-12:00,13:00-16:00 dengan istirahat.', 'Write it like 08:00-16:00, or 08:00-12:00,13:00-16:00 with a break.'],
  err_time: ['Tulis seperti 14:30.', 'Write it like 14:30.'],
  err_username: ['1 sampai 64 huruf, angka, titik, - atau _.', '1 to 64 letters, digits, dots, - or _.'],
  err_password: ['Kata sandi harus 10 sampai 128 karakter.', 'A password has 10 to 128 characters.'],
  err_url: ['Harus diawali http:// atau https://.', 'Must start with http:// or https://.'],
  err_date: ['Pilih tanggal (TTTT-BB-HH).', 'Choose a date (YYYY-MM-DD).'],
  err_days: ['Pilih paling sedikit satu hari.', 'Choose at least one day.'],
  err_differ: ['Kedua kata sandi baru tidak sama.', 'The two new passwords differ.'],
  err_taken: ['Kode ini sudah dipakai.', 'This code is already in use.'],
  err_fix: ['Periksa isian yang ditandai.', 'Check the marked fields.'],
  conflict: ['Konfigurasi telah diubah orang lain sejak halaman ini memuatnya. Data terbaru sudah dimuat; periksa lalu simpan lagi.', 'Someone else changed the configuration since this page loaded it. The latest is loaded now; check, then save again.'],
  not_yet: ['Fitur ini belum tersedia di server ini.', 'This is not available on this server yet.'],
  // Outcomes.
  saved: ['Tersimpan: {what} {key}.', 'Saved: {what} {key}.'],
  deleted: ['Dihapus: {what} {key}.', 'Deleted: {what} {key}.'],
  changed_by: ['Konfigurasi diubah oleh {by} ({n} perubahan); tampilan sudah diperbarui.', 'The configuration was changed by {by} ({n} changes); the page is up to date.'],
  someone: ['pengguna lain', 'someone else'],
  confirm_delete_title: ['Hapus {what} {key}?', 'Delete {what} {key}?'],
  confirm_delete_text: ['{what} {key} akan dihapus dari konfigurasi. Ini tidak dapat dibatalkan.', '{what} {key} will be removed from the configuration. This cannot be undone.'],
  confirm_rotate_title: ['Buat token baru untuk {key}?', 'Make a new token for {key}?'],
  confirm_rotate_text: ['Token lama {key} langsung berhenti berlaku; perangkat itu harus dipasangi token baru.', 'The old token of {key} stops working at once; the device must be given the new one.'],
  token_for: ['Token baru untuk {what} {key}', 'New token for {what} {key}'],
  copied: ['Token tersalin.', 'Token copied.'],
  copy_failed: ['Tidak dapat menyalin otomatis: token sudah dipilih, tekan Ctrl+C.', 'Cannot copy automatically: the token is selected, press Ctrl+C.'],
  // Site, running text, import.
  site_intro: ['Nama, zona waktu, jam dan hari buka bawaan, serta aturan panggilan seluruh MPP.', 'The MPP\'s name, time zone, default opening hours and days, and calling rules.'],
  site_code: ['Kode situs: {code} (tetap).', 'Site code: {code} (fixed).'],
  save: ['Simpan', 'Save'],
  site_saved: ['Pengaturan situs tersimpan.', 'Site settings saved.'],
  running_intro: ['Teks yang berjalan di bawah papan informasi aula. Kosong = tidak ada teks. Berlaku segera di semua papan.', 'The text that runs along the bottom of the hall boards. Empty = none. Applies at once on every board.'],
  running_label: ['Teks berjalan', 'Running text'],
  running_saved: ['Teks berjalan diperbarui.', 'Running text updated.'],
  running_clear: ['Kosongkan', 'Clear'],
  import_intro: ['Tempel seluruh konfigurasi TOML (hasil "antre config export", sudah disunting). Periksa dulu perbedaannya; yang berbeda baru diterapkan setelah Anda menekan Terapkan.', 'Paste the whole configuration as TOML (from "antre config export", edited). Check the differences first; nothing changes until you press Apply.'],
  import_label: ['Konfigurasi TOML', 'Configuration TOML'],
  import_check: ['Periksa perbedaan', 'Show differences'],
  import_apply: ['Terapkan', 'Apply'],
  import_users_gone: ['Perhatian: pengguna berikut akan dihapus (tidak ada di berkas): {users}. Berkas hasil "antre config export" memuat semua pengguna.', 'Careful: these users would be removed (not in the file): {users}. A file from "antre config export" holds every user.'],
  import_none: ['Tidak ada perbedaan dengan konfigurasi sekarang.', 'No difference from the current configuration.'],
  import_n: ['{n} perubahan akan diterapkan:', '{n} changes would be made:'],
  import_done: ['Impor diterapkan: {n} perubahan (versi {v}).', 'Import applied: {n} changes (version {v}).'],
  import_too_big: ['Teks terlalu besar ({n} KiB); server menerima impor paling banyak 1 MiB.', 'The text is too big ({n} KiB); the server takes imports of at most 1 MiB.'],
  import_stale: ['Teks berubah sejak diperiksa: periksa lagi sebelum menerapkan.', 'The text changed since it was checked: check again before applying.'],
  version: ['Versi konfigurasi {v}', 'Configuration version {v}'],
  ...BOOKING_TEXTS,
  ...NOTIFY_TEXTS,
}, 'id');

// "Indonesian<small lang=en>English</small>": every text a manager reads.
const both = (key, vars) => T.both(key, vars);
const bothText = (key, vars) => T.bothText(key, vars);
const $ = (id) => document.getElementById(id);
// A service's booking rules: their own module, drawn with this page's fields.
const booking = bookingKind({ fieldHtml, readField, checkFields, fieldError, both });

// ---------------------------------------------------------------------------- state

const saved = (() => { try { return JSON.parse(sessionStorage.getItem(STORE)) || {}; } catch (_) { return {}; } })();
const S = {
  token: saved.token || null, user: saved.user || '',
  config: null, version: null, section: 'site',
  filters: {}, sorts: {}, stream: null, online: false,
  form: null, confirm: null, imported: null, siteDirty: false,
  notices: 0, reloads: 0,
};
window.antreAdmin = S; // for tests and for support staff
// The notifications' sections (the outbox, `[notify]`): their own module.
const notify = notifyPanels({
  fieldHtml, readField, checkFields, fieldError, clearErrors, formAlert, focusInvalid,
  both, bothText, said, bilingual, esc, api, note, reload, S,
});
S.notify = notify.state;

function save() {
  if (S.token) sessionStorage.setItem(STORE, JSON.stringify({ token: S.token, user: S.user }));
  else sessionStorage.removeItem(STORE);
}

// One API request. Resolves to `{ok, status, data, code, message}`; a 401 anywhere ends
// the session and returns to the log-in form. `net` when no answer came.
async function api(method, path, { body, ifMatch } = {}) {
  let res;
  try {
    res = await request(method, API + path, { body, token: S.token, ifMatch });
  } catch (e) {
    return { ok: false, net: true, status: 0, code: 'network', message: bothText('net_error') };
  }
  const ok = res.status >= 200 && res.status < 300;
  const err = (res.data && res.data.error) || {};
  const out = { ok, status: res.status, data: res.data, code: err.code || (ok ? '' : 'http_' + res.status), message: err.message || (ok ? '' : 'HTTP ' + res.status) };
  if (res.status === 401 && S.token && path !== '/auth/login') toLogin('session_expired');
  if (res.status === 413) out.message = bothText('import_too_big', { n: '>1024' });
  return out;
}

// ---------------------------------------------------------------------------- checks

// Opening hours: one range or several with breaks, `08:00-12:00,13:00-16:00`.
const TIME = '([01]\\d|2[0-4]):[0-5]\\d';
const RANGES = new RegExp(`^${TIME}-${TIME}(,${TIME}-${TIME})*$`);
// What a manager writes for a day that is closed, in either language.
const CLOSED_WORDS = ['tutup', 'closed', '-'];
const CHECKS = {
  code: (v) => /^[A-Z0-9_-]{1,32}$/.test(v) ? null : 'err_code',
  prefix: (v) => /^[A-Z]{1,3}$/.test(v) ? null : 'err_prefix',
  minutes: (v) => Number.isInteger(v) && v > 0 ? null : 'err_minutes',
  count: (v) => Number.isInteger(v) && v >= 0 ? null : 'err_count',
  hours: (v) => RANGES.test(v) ? null : 'err_hours',
  byday: (v) => Object.values(v).every((r) => r === '' || RANGES.test(r)) ? null : 'err_hours',
  time: (v) => /^([01]\d|2[0-4]):[0-5]\d$/.test(v) ? null : 'err_time',
  username: (v) => /^[A-Za-z0-9._-]{1,64}$/.test(v) ? null : 'err_username',
  password: (v) => v.length >= 10 && v.length <= 128 ? null : 'err_password',
  url: (v) => /^https?:\/\/\S+$/.test(v) ? null : 'err_url',
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) ? null : 'err_date',
  channel: (v) => /^[a-z0-9_-]{1,32}$/.test(v) ? null : 'err_channel',
};

// ---------------------------------------------------------------------------- what is edited

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const ZONES = [['Asia/Jakarta', 'WIB'], ['Asia/Makassar', 'WITA'], ['Asia/Jayapura', 'WIT']];
const list = (name) => (S.config && Array.isArray(S.config[name]) ? S.config[name] : []);
const agencyOptions = () => list('agencies').map((a) => ({ value: a.code, label: `${a.code} — ${a.short}`, search: a.name }));
const zoneOptions = () => list('zones').map((z) => ({ value: z.code, label: `${z.code} — ${z.name}` }));
const serviceOptions = () => list('services').map((s) => ({
  value: s.code, label: s.name, extra: `${s.code} · ${s.agency} · ${s.prefix}`, search: `${s.name_en} ${(s.keywords || []).join(' ')}`,
}));
const counterOptions = () => list('counters').map((c) => ({ value: c.code, label: c.name, extra: `${c.code} · ${c.zone} · ${c.agency}` }));
const servingCount = (code) => list('counters').filter((c) => (c.services || []).includes(code)).length;
const nameCell = (a, b) => `${esc(a)}${b ? `<small lang="en">${esc(b)}</small>` : ''}`;
const codesCell = (codes, allKey) => codes && codes.length
  ? `<span class="codes">${esc(codes.slice(0, 6).join(', '))}${codes.length > 6 ? ` … (+${codes.length - 6})` : ''}</span>`
  : (allKey ? both(allKey) : '');

// The standard fields of a service (requirements, procedure, duration, fee, product),
// offered when the server's configuration has them.
const STANDARD = ['requirements', 'requirements_en', 'procedure', 'procedure_en', 'duration', 'duration_en', 'fee', 'fee_en', 'product', 'product_en'];

// Each list the admin API edits: its path, key, columns and form fields. A field:
// `name` (the TOML key), `type` (text, number, select, list, lines, textarea, bool,
// checks, days, password, date, booking), `required`, `check` (CHECKS), `hint`, `options`.
const RES = {
  agencies: {
    key: 'code',
    columns: [
      { name: 'code' }, { name: 'short' },
      { name: 'name', html: (a) => nameCell(a.name, a.name_en), value: (a) => a.name + ' ' + a.name_en },
      { name: 'services', label: 'f_services', num: true, value: (a) => list('services').filter((s) => s.agency === a.code).length },
    ],
    fields: () => [
      { name: 'code', required: true, check: 'code', hint: 'h_code', key: true },
      { name: 'short', required: true },
      { name: 'name', required: true, wide: true },
      { name: 'name_en', required: true, wide: true },
    ],
  },
  services: {
    key: 'code',
    columns: [
      { name: 'code' },
      { name: 'name', html: (s) => nameCell(s.name, s.name_en), value: (s) => s.name + ' ' + s.name_en + ' ' + (s.keywords || []).join(' ') },
      { name: 'agency' }, { name: 'prefix' },
      { name: 'target_wait_min', num: true }, { name: 'daily_quota', num: true },
      { name: 'counters', label: 'col_counters', num: true, value: (s) => servingCount(s.code) },
      { name: 'booking', label: 'col_booking', value: (s) => (s.booking ? 1 + (s.booking.sessions || []).length : 0), html: (s) => booking.cell(s) },
    ],
    fields: (item) => [
      { name: 'code', required: true, check: 'code', hint: 'h_code', key: true },
      { name: 'agency', type: 'select', required: true, options: agencyOptions },
      { name: 'prefix', required: true, check: 'prefix', hint: 'h_prefix' },
      { name: 'daily_quota', type: 'number', check: 'count', hint: 'h_quota' },
      { name: 'target_wait_min', type: 'number', required: true, check: 'minutes' },
      { name: 'avg_service_min', type: 'number', required: true, check: 'minutes' },
      { name: 'name', required: true, wide: true },
      { name: 'name_en', required: true, wide: true },
      { name: 'keywords', type: 'list', hint: 'h_keywords', wide: true },
      { name: 'hours', check: 'hours', hint: 'h_hours' },
      { name: 'last_ticket', check: 'time', hint: 'h_last_ticket' },
      { name: 'days', type: 'days', hint: 'h_days_service', wide: true },
      { name: 'hours_by_day', type: 'byday', check: 'byday', hint: 'h_byday', wide: true },
      { name: 'booking', type: 'booking', wide: true },
      ...STANDARD.map((name) => ({
        name, group: 'standard', type: name.startsWith('requirements') ? 'lines' : name.startsWith('procedure') ? 'textarea' : 'text',
        wide: name.startsWith('requirements') || name.startsWith('procedure'),
      })),
    ],
  },
  counters: {
    key: 'code',
    columns: [
      { name: 'code' }, { name: 'name' }, { name: 'zone' }, { name: 'agency' },
      { name: 'services', num: true, value: (c) => (c.services || []).length, html: (c) => esc(T.bothText('n_services', { n: (c.services || []).length })) },
    ],
    fields: () => [
      { name: 'code', required: true, check: 'code', hint: 'h_code', key: true },
      { name: 'name', required: true },
      { name: 'spoken_name', hint: 'h_spoken' },
      { name: 'zone', type: 'select', required: true, options: zoneOptions },
      { name: 'agency', type: 'select', required: true, options: agencyOptions },
      { name: 'services', type: 'checks', options: serviceOptions, wide: true, always: true },
    ],
  },
  zones: {
    key: 'code',
    columns: [
      { name: 'code' }, { name: 'name' }, { name: 'spoken_name' },
      { name: 'counters', label: 'col_counters', num: true, value: (z) => list('counters').filter((c) => c.zone === z.code).length },
    ],
    fields: () => [
      { name: 'code', required: true, check: 'code', hint: 'h_code', key: true },
      { name: 'name', required: true, wide: true },
      { name: 'spoken_name', hint: 'h_spoken', wide: true },
    ],
  },
  kiosks: {
    key: 'code', device: true,
    columns: [
      { name: 'code' }, { name: 'name' }, { name: 'zone' },
      { name: 'has_token', label: 'f_token', value: (k) => (k.has_token ? 1 : 0), html: (k) => both(k.has_token ? 'has_token' : 'no_token') },
      { name: 'printer' },
    ],
    fields: () => [
      { name: 'code', required: true, check: 'code', hint: 'h_code', key: true },
      { name: 'name', required: true },
      { name: 'zone', type: 'select', required: true, options: zoneOptions },
      { name: 'printer', hint: 'h_printer', wide: true },
    ],
  },
  boards: {
    key: 'code', device: true,
    columns: [
      { name: 'code' }, { name: 'name' }, { name: 'zone', html: (b) => (b.zone ? esc(b.zone) : both('no_zone')) },
      { name: 'has_token', label: 'f_token', value: (b) => (b.has_token ? 1 : 0), html: (b) => both(b.has_token ? 'has_token' : 'no_token') },
    ],
    fields: () => [
      { name: 'code', required: true, check: 'code', hint: 'h_code', key: true },
      { name: 'name', required: true },
      { name: 'zone', type: 'select', options: zoneOptions, hint: 'h_board_zone' },
    ],
  },
  users: {
    key: 'username',
    columns: [
      { name: 'username' },
      { name: 'role', value: (u) => u.role, html: (u) => both('role_' + u.role) },
      { name: 'counters', value: (u) => (u.counters || []).join(' ') + ' ' + (u.agency || ''),
        html: (u) => (u.role === 'officer' ? codesCell(u.counters) : u.agency ? both('agency_counters', { agency: u.agency }) : both('all_counters')) },
      { name: 'status', label: 'f_status', value: (u) => (u.disabled ? 2 : u.must_change_password ? 1 : 0),
        html: (u) => `<span class="${u.disabled ? 'off' : 'on'}">${both(u.disabled ? 'disabled' : 'active')}</span>` +
          (u.must_change_password ? `<span class="must">${both('must_change')}</span>` : '') },
    ],
    fields: (item) => [
      { name: 'username', required: true, check: 'username', key: true },
      { name: 'role', type: 'select', required: true, options: () => ['officer', 'supervisor', 'admin'].map((r) => ({ value: r, label: bothText('role_' + r) })) },
      { name: 'password', type: 'password', required: !item, check: 'password', label: item ? 'f_new_password' : 'f_password', hint: 'h_password' },
      { name: 'agency', type: 'select', options: agencyOptions, hint: 'h_user_agency' },
      { name: 'disabled', type: 'bool' },
      { name: 'counters', type: 'checks', options: counterOptions, hint: 'h_user_counters', wide: true, always: true },
    ],
    // The user's own fields: the API never takes back a password hash.
    body: (values) => {
      const b = { role: values.role, counters: values.counters || [], disabled: !!values.disabled };
      if (values.password) b.password = values.password;
      if (values.agency) b.agency = values.agency;
      return b;
    },
    // Only a supervisor is limited to one agency.
    check: (values) => (values.agency && values.role !== 'supervisor' ? { agency: 'err_agency_role' } : {}),
  },
  holidays: {
    key: 'date',
    columns: [
      { name: 'date' },
      { name: 'name', html: (h) => nameCell(h.name, h.name_en), value: (h) => h.name + ' ' + (h.name_en || '') },
      { name: 'services', value: (h) => (h.services || []).join(' '), html: (h) => codesCell(h.services, 'all_services') },
    ],
    fields: () => [
      { name: 'date', type: 'date', required: true, check: 'date', key: true },
      { name: 'name', required: true, wide: true },
      { name: 'name_en', wide: true },
      { name: 'services', type: 'checks', options: serviceOptions, hint: 'h_holiday_services', wide: true, always: true },
    ],
  },
};

// A field's value in an item: `standard.fee` for a field of the `standard` group.
const valueOf = (item, f) => {
  if (!item) return undefined;
  if (f.group) return item[f.group] ? item[f.group][f.name] : undefined;
  return item[f.name];
};

// The form's values over the item as loaded, so that fields the form does not show are
// kept; an emptied optional field is left out (the TOML default), an emptied group too.
function merged(item, fields, values) {
  const body = item ? JSON.parse(JSON.stringify(item)) : {};
  for (const f of fields) {
    const holder = f.group ? (body[f.group] = body[f.group] || {}) : body;
    if (values[f.name] === undefined) delete holder[f.name];
    else holder[f.name] = values[f.name];
  }
  for (const f of fields) if (f.group && body[f.group] && !Object.keys(body[f.group]).length) delete body[f.group];
  return body;
}

const SITE_FIELDS = () => [
  { name: 'name', required: true, wide: true },
  { name: 'timezone', type: 'select', required: true, options: () => {
    const known = ZONES.map(([z, abbr]) => ({ value: z, label: `${z} (${abbr})` }));
    const now = S.config && S.config.site.timezone;
    return known.some((o) => o.value === now) || !now ? known : known.concat({ value: now, label: now });
  } },
  { name: 'hours', required: true, check: 'hours', hint: 'h_site_hours' },
  { name: 'days', type: 'days', required: true, wide: true },
  { name: 'hours_by_day', type: 'byday', check: 'byday', hint: 'h_byday', wide: true },
  { name: 'priority_streak_max', type: 'number', required: true, check: 'count' },
  { name: 'no_show_grace_min', type: 'number', required: true, check: 'count' },
  { name: 'public_url', check: 'url', hint: 'h_public_url', wide: true },
  { name: 'ticket_footer', wide: true },
  { name: 'running_text', wide: true },
  { name: 'announce_english', type: 'bool', wide: true },
];

const SECTIONS = [
  { id: 'site', build: buildSitePanel },
  { id: 'agencies', lists: ['agencies'] },
  { id: 'services', lists: ['services'] },
  { id: 'counters', lists: ['counters'] },
  { id: 'zones', lists: ['zones'] },
  { id: 'devices', lists: ['kiosks', 'boards'] },
  { id: 'users', lists: ['users'] },
  { id: 'running', build: buildRunningPanel },
  { id: 'holidays', lists: ['holidays'] },
  { id: 'outbox', build: (panel) => notify.buildOutbox(panel) },
  { id: 'notify', build: (panel) => notify.buildSettings(panel) },
  { id: 'import', build: buildImportPanel },
];

// ---------------------------------------------------------------------------- fields

// The HTML of one field; `p` prefixes its ids (one form per prefix).
function fieldHtml(p, f, value) {
  const id = `${p}-${f.name}`;
  const label = both(f.label || 'f_' + f.name);
  const req = f.required ? ' <span class="req" aria-hidden="true">*</span>' : '';
  const hint = f.hint ? `<span id="${id}-hint" class="hint">${both(f.hint)}</span>` : '';
  const err = `<span id="${id}-err" class="field-error" hidden></span>`;
  const described = `aria-describedby="${f.hint ? id + '-hint ' : ''}${id}-err"`;
  const required = f.required ? ' required aria-required="true"' : '';
  const readonly = f.readonly ? ' readonly' : '';
  const wide = f.wide ? ' wide' : '';
  const v = value === undefined || value === null ? '' : value;
  switch (f.type) {
    case 'select': {
      const options = f.options();
      const blank = f.required ? `<option value="">${esc(bothText('choose'))}</option>` : '<option value=""></option>';
      const extra = v !== '' && !options.some((o) => o.value === v) ? [{ value: v, label: v }] : [];
      return `<div class="field${wide}"><label for="${id}">${label}${req}</label>` +
        `<select id="${id}" name="${f.name}"${required} ${described}>${blank}` +
        options.concat(extra).map((o) => `<option value="${esc(o.value)}"${o.value === v ? ' selected' : ''}>${esc(o.label)}</option>`).join('') +
        `</select>${hint}${err}</div>`;
    }
    case 'bool':
      return `<div class="field check-field${wide}"><label for="${id}"><input type="checkbox" id="${id}" name="${f.name}"${v ? ' checked' : ''} ${described}> ${label}</label>${hint}${err}</div>`;
    case 'textarea':
    case 'lines': {
      const text = Array.isArray(v) ? v.join('\n') : v;
      return `<div class="field${wide}"><label for="${id}">${label}${req}</label>` +
        `<textarea id="${id}" name="${f.name}" rows="3"${required} ${described}>${esc(text)}</textarea>${hint}${err}</div>`;
    }
    case 'days': {
      const chosen = Array.isArray(v) ? v : [];
      return `<fieldset class="field days${wide}" id="${id}" ${described}><legend>${label}${req}</legend><div class="day-row">` +
        DAYS.map((d) => `<label><input type="checkbox" name="${f.name}" value="${d}"${chosen.includes(d) ? ' checked' : ''}> ${both('d_' + d)}</label>`).join('') +
        `</div>${hint}${err}</fieldset>`;
    }
    case 'byday': {
      const days = v && typeof v === 'object' ? v : {};
      return `<fieldset class="field byday${wide}" id="${id}" ${described}><legend>${label}</legend><div class="byday-row">` +
        DAYS.map((d) => {
          const has = Object.prototype.hasOwnProperty.call(days, d);
          const text = has ? (days[d] === '' ? 'tutup' : days[d]) : '';
          return `<label>${both('d_' + d)}<input type="text" name="${f.name}" data-day="${d}" value="${esc(text)}" autocomplete="off"></label>`;
        }).join('') + `</div>${hint}${err}</fieldset>`;
    }
    case 'checks': {
      const chosen = new Set(Array.isArray(v) ? v : []);
      const options = f.options();
      // What is chosen comes first, so it is seen without scrolling.
      const ordered = options.filter((o) => chosen.has(o.value)).concat(options.filter((o) => !chosen.has(o.value)));
      return `<fieldset class="field checks${wide}" id="${id}" ${described}><legend>${label}${req} ` +
        `<span class="picked" id="${id}-count">${esc(bothText('picked', { n: chosen.size }))}</span></legend>` +
        `<label class="sr-only" data-overflow-ok for="${id}-filter">${esc(bothText('filter_options', { what: T.in('f_' + f.name, 0) + ' / ' + T.in('f_' + f.name, 1) }))}</label>` +
        `<input type="search" id="${id}-filter" class="check-filter" autocomplete="off" placeholder="${esc(bothText('filter_ph'))}">` +
        `<div class="check-list" id="${id}-list" data-overflow-ok>` +
        ordered.map((o) => `<label data-search="${esc((o.value + ' ' + o.label + ' ' + (o.extra || '') + ' ' + (o.search || '')).toLowerCase())}">` +
          `<input type="checkbox" name="${f.name}" value="${esc(o.value)}"${chosen.has(o.value) ? ' checked' : ''}> ` +
          `<span class="opt">${esc(o.label)}</span>${o.extra ? ` <span class="extra">${esc(o.extra)}</span>` : ''}</label>`).join('') +
        `</div>${hint}${err}</fieldset>`;
    }
    case 'booking': return booking.html(p, f, v);
    default: {
      const type = { number: 'number', password: 'password', date: 'date' }[f.type] || 'text';
      const extra = f.type === 'number' ? ' min="0" step="1" inputmode="numeric"' : f.type === 'password' ? ' autocomplete="new-password"' : ' autocomplete="off"';
      const text = Array.isArray(v) ? v.join(', ') : v;
      return `<div class="field${wide}"><label for="${id}">${label}${req}</label>` +
        `<input type="${type}" id="${id}" name="${f.name}" value="${esc(text)}"${extra}${required}${readonly} ${described}>${hint}${err}</div>`;
    }
  }
}

// Wires what fields need after they are in the page: the filters of checkbox lists,
// the booking group's switch and session buttons.
function wireFields(root) {
  for (const group of root.querySelectorAll('fieldset.booking')) booking.wire(root, group.id.replace(/-booking$/, ''));
  for (const set of root.querySelectorAll('fieldset.checks')) {
    const filter = set.querySelector('.check-filter');
    const count = set.querySelector('.picked');
    const narrow = () => {
      const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      for (const label of set.querySelectorAll('.check-list label')) {
        label.hidden = !words.every((w) => label.dataset.search.includes(w));
      }
    };
    filter.addEventListener('input', narrow);
    filter.addEventListener('change', narrow);
    // Enter in the filter must not submit the form.
    filter.addEventListener('keydown', (e) => { if (e.key === 'Enter') e.preventDefault(); });
    set.addEventListener('change', () => {
      count.textContent = bothText('picked', { n: set.querySelectorAll('.check-list input:checked').length });
    });
  }
}

// The value of a field as the API takes it (`undefined`: leave it out).
function readField(root, p, f) {
  const el = root.querySelector(`#${p}-${f.name}`);
  if (!el) return undefined;
  switch (f.type) {
    case 'bool': return el.checked;
    case 'days': {
      const days = [...el.querySelectorAll('input:checked')].map((i) => i.value);
      return days.length ? days : undefined;
    }
    case 'checks': return [...el.querySelectorAll('.check-list input:checked')].map((i) => i.value);
    case 'byday': {
      const out = {};
      for (const input of el.querySelectorAll('input[data-day]')) {
        const text = input.value.trim().replace(/\s+/g, '');
        if (!text) continue;
        out[input.dataset.day] = CLOSED_WORDS.includes(text.toLowerCase()) ? '' : text;
      }
      return Object.keys(out).length ? out : undefined;
    }
    case 'number': {
      const text = el.value.trim();
      if (!text) return el.validity && el.validity.badInput ? NaN : undefined;
      return Number(text);
    }
    case 'list': {
      const items = el.value.split(',').map((s) => s.trim()).filter(Boolean);
      return items.length ? items : undefined;
    }
    case 'lines': {
      const items = el.value.split('\n').map((s) => s.trim()).filter(Boolean);
      return items.length ? items : undefined;
    }
    case 'password': return el.value ? el.value : undefined;
    case 'booking': return booking.read(root, p);
    default: {
      const text = el.value.trim();
      return text ? text : undefined;
    }
  }
}

// Client-side checks: `{field: textKey}`.
function checkFields(fields, values, taken) {
  const errors = {};
  for (const f of fields) {
    const v = values[f.name];
    const empty = v === undefined || (Array.isArray(v) && !v.length);
    if (f.required && empty) { errors[f.name] = f.type === 'days' ? 'err_days' : 'err_required'; continue; }
    if (empty || !f.check) continue;
    const why = CHECKS[f.check](v);
    if (why) errors[f.name] = why;
  }
  if (taken) errors[taken.field] = errors[taken.field] || 'err_taken';
  return errors;
}

function clearErrors(root) {
  for (const el of root.querySelectorAll('.field-error')) { el.hidden = true; el.innerHTML = ''; }
  for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

// Says what is wrong next to the field (and marks it for screen readers).
function fieldError(root, p, name, html) {
  const el = root.querySelector(`#${p}-${name}`);
  const err = root.querySelector(`#${p}-${name}-err`);
  if (!el || !err) return false;
  err.innerHTML = html;
  err.hidden = false;
  el.setAttribute('aria-invalid', 'true');
  return true;
}

// The first field marked wrong, in the order of the form.
function focusInvalid(root) {
  const el = root.querySelector('[aria-invalid="true"]');
  const target = el && el.tagName === 'FIELDSET' ? el.querySelector('input') : el;
  if (target) target.focus();
}

function focusField(root, p, name) {
  const el = root.querySelector(`#${p}-${name}`);
  if (!el) return;
  const target = el.tagName === 'FIELDSET' ? el.querySelector('input') : el;
  if (target) target.focus();
}

// The field a server refusal concerns: the prefix of `prefix_taken`, the field an
// `invalid_body` names, the field whose name or value an `invalid_config` names.
function fieldOf(err, fields, values) {
  const names = fields.map((f) => f.name);
  const pick = (name) => (names.includes(name) ? name : null);
  const text = bilingual(err.message)[1];
  if (err.code === 'prefix_taken') return pick('prefix');
  if (err.code === 'password_length') return pick('password');
  if (err.code === 'invalid_body') {
    const m = /field `(\w+)`/.exec(text);
    return m ? pick(m[1]) : null;
  }
  if (err.code !== 'invalid_config') return null;
  const ref = /unknown (zone|agency|service|counter|day) "?([^"\s,;)]+)/.exec(text);
  if (ref) {
    const field = { zone: 'zone', agency: 'agency', service: 'services', counter: 'counters', day: 'days' }[ref[1]];
    if (pick(field)) return field;
  }
  const byName = [...names].sort((a, b) => b.length - a.length).find((n) => new RegExp(`\\b${n}\\b`).test(text));
  if (byName) return byName;
  if (/time zone/.test(text)) return pick('timezone');
  for (const f of fields) {
    const v = values[f.name];
    const shown = Array.isArray(v) ? v : v === undefined ? [] : [String(v)];
    if (shown.some((x) => x.length >= 2 && text.includes(x)) && !f.key) return f.name;
  }
  return null;
}

// A refusal shown where it belongs: next to its field, or above the buttons.
function showRefusal(root, p, err, fields, values, formErrorEl) {
  if (err.code === 'version_conflict') {
    formAlert(formErrorEl, both('conflict'));
    return;
  }
  const about = err.code === 'invalid_config' ? booking.refusal(root, p, bilingual(err.message)[1], said(err.message)) : null;
  if (about) {
    focusInvalid(root);
    formAlert(formErrorEl, both('err_fix'));
    return;
  }
  const field = fieldOf(err, fields, values);
  if (field && fieldError(root, p, field, said(err.message))) {
    focusField(root, p, field);
    formAlert(formErrorEl, both('err_fix'));
    return;
  }
  formAlert(formErrorEl, err.status === 404 && !err.code.startsWith('not_found') ? both('not_yet') : said(err.message));
}

function formAlert(el, html) {
  el.hidden = !html;
  el.innerHTML = html || '';
}

// ---------------------------------------------------------------------------- the page

function show(view) {
  document.body.dataset.view = view;
  $('login-view').hidden = view !== 'login';
  $('password-view').hidden = view !== 'password';
  $('admin-view').hidden = view !== 'admin';
  $('logout-btn').hidden = view !== 'admin';
  $('who').textContent = view === 'admin' ? S.user : '';
}

function toLogin(why) {
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
  S.token = null;
  S.pendingPassword = null;
  save();
  show('login');
  $('login-why').hidden = !why;
  $('login-why').innerHTML = why ? both(why) : '';
  $('login-user').value = S.user || '';
  $('login-password').value = '';
  $('login-error').hidden = true;
  (S.user ? $('login-password') : $('login-user')).focus();
}

async function onLogin(ev) {
  ev.preventDefault();
  $('login-error').hidden = true;
  $('login-submit').disabled = true;
  try {
    const password = $('login-password').value;
    const res = await api('POST', '/auth/login', { body: { username: $('login-user').value.trim(), password } });
    $('login-password').value = '';
    if (!res.ok) {
      $('login-error').innerHTML = res.net ? both('net_error') : said(res.message);
      $('login-error').hidden = false;
      $('login-password').focus();
      return;
    }
    if (res.data.role !== 'admin') {
      // Not for this page: the session just made is ended again.
      request('POST', API + '/auth/logout', { token: res.data.token }).catch(() => {});
      const role = [T.in('role_' + res.data.role, 0), T.in('role_' + res.data.role, 1)];
      $('login-error').innerHTML = both('admins_only', { user: res.data.username, role });
      $('login-error').hidden = false;
      $('login-user').focus();
      return;
    }
    S.token = res.data.token;
    S.user = res.data.username;
    if (res.data.must_change_password) {
      // Another admin gave this password: the admin chooses their own first (until
      // then the server refuses everything else). Kept in memory only, for that.
      S.pendingPassword = password;
      show('password');
      $('new-password').focus();
      return;
    }
    save();
    await enter();
  } finally {
    $('login-submit').disabled = false;
  }
}

async function onNewPassword(ev) {
  ev.preventDefault();
  const fresh = $('new-password').value;
  const why = fresh.length < 10 || fresh.length > 128 ? 'err_password' : fresh !== $('new-password-2').value ? 'err_differ' : null;
  $('new-password').setAttribute('aria-invalid', String(why === 'err_password'));
  $('new-password-2').setAttribute('aria-invalid', String(why === 'err_differ'));
  if (why) {
    formAlert($('password-error'), both(why));
    $(why === 'err_password' ? 'new-password' : 'new-password-2').focus();
    return;
  }
  $('password-submit').disabled = true;
  const res = await api('POST', '/auth/password', { body: { current: S.pendingPassword, new: fresh } });
  $('password-submit').disabled = false;
  if (!res.ok) {
    if (S.token) { formAlert($('password-error'), res.net ? both('net_error') : said(res.message)); $('new-password').focus(); }
    return;
  }
  S.pendingPassword = null;
  $('new-password').value = '';
  $('new-password-2').value = '';
  formAlert($('password-error'), '');
  S.token = res.data.token;
  save();
  await enter();
}

async function logOut() {
  const token = S.token;
  if (token) request('POST', API + '/auth/logout', { token }).catch(() => {});
  toLogin('logged_out');
}

async function enter() {
  show('admin');
  $('login-why').hidden = true;
  if (!$('tabs').children.length) buildSections();
  await reload();
  if (!S.token) return;
  selectSection(sectionFromHash() || S.section, false);
  connect();
}

// ---------------------------------------------------------------------------- sections

function sectionFromHash() {
  const id = location.hash.replace(/^#/, '');
  return SECTIONS.some((s) => s.id === id) ? id : null;
}

function buildSections() {
  $('tabs').innerHTML = SECTIONS.map((s) =>
    `<button type="button" role="tab" id="tab-${s.id}" aria-controls="panel-${s.id}" aria-selected="false" tabindex="-1">${both('sec_' + s.id)}</button>`).join('');
  const panels = $('panels');
  for (const s of SECTIONS) {
    const panel = document.createElement('section');
    panel.id = `panel-${s.id}`;
    panel.className = 'panel' + (s.lists && s.lists.length > 1 ? ' split' : '');
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', `tab-${s.id}`);
    panel.hidden = true;
    panels.appendChild(panel);
    if (s.lists) panel.innerHTML = s.lists.map(listHtml).join('');
    else s.build(panel);
    if (s.lists) s.lists.forEach(wireList);
  }
  $('tabs').addEventListener('click', (e) => {
    const tab = e.target.closest('[role="tab"]');
    if (tab) selectSection(tab.id.slice(4), true);
  });
  $('tabs').addEventListener('keydown', (e) => {
    const tabs = [...$('tabs').querySelectorAll('[role="tab"]')];
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    selectSection(tabs[(to + tabs.length) % tabs.length].id.slice(4), true);
  });
}

function selectSection(id, focus) {
  S.section = id;
  for (const s of SECTIONS) {
    const on = s.id === id;
    const tab = $(`tab-${s.id}`);
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`panel-${s.id}`).hidden = !on;
  }
  if (focus) $(`tab-${id}`).focus();
  if (location.hash !== '#' + id) history.replaceState(null, '', '#' + id);
  if (id === 'running') loadRunningText();
  notify.showOutbox(id === 'outbox');
}

// ---------------------------------------------------------------------------- lists

function columnsOf(name) {
  return RES[name].columns;
}

function listHtml(name) {
  const label = (c) => both(c.label || 'f_' + c.name);
  return `<section class="res" aria-labelledby="h-${name}">` +
    `<div class="res-head"><h2 id="h-${name}">${both('res_' + name)}</h2>` +
    `<span class="count" id="count-${name}" aria-live="polite"></span><span class="spacer"></span>` +
    `<label class="sr-only" data-overflow-ok for="filter-${name}">${esc(bothText('filter', { what: T.in('res_' + name, 0) + ' / ' + T.in('res_' + name, 1) }))}</label>` +
    `<input type="search" id="filter-${name}" class="filter" autocomplete="off" placeholder="${esc(bothText('filter_ph'))}">` +
    `<button type="button" class="primary" id="add-${name}">+ ${both('add_one', { what: [T.in('one_' + name, 0), T.in('one_' + name, 1)] })}</button></div>` +
    `<div class="table-wrap" id="wrap-${name}" tabindex="0" role="region" aria-labelledby="h-${name}" data-overflow-ok>` +
    `<table class="grid" id="table-${name}"><thead><tr>` +
    columnsOf(name).map((c) => `<th scope="col" data-col="${c.name}"${c.num ? ' class="num"' : ''}><button type="button" data-sort="${c.name}">${label(c)}<span class="arrow" aria-hidden="true"></span></button></th>`).join('') +
    `<th scope="col" class="acts">${both('actions')}</th></tr></thead><tbody id="rows-${name}"></tbody></table></div></section>`;
}

function wireList(name) {
  // `change` too (a value set without typing), but only a new value re-renders: a row
  // replaced under the pointer would lose the click that blurred the filter.
  const filter = (e) => {
    if ((S.filters[name] || '') === e.target.value) return;
    S.filters[name] = e.target.value;
    renderList(name);
  };
  $(`filter-${name}`).addEventListener('input', filter);
  $(`filter-${name}`).addEventListener('change', filter);
  $(`add-${name}`).addEventListener('click', () => openForm(name, null));
  $(`table-${name}`).querySelector('thead').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-sort]');
    if (!b) return;
    const sort = S.sorts[name];
    S.sorts[name] = { col: b.dataset.sort, dir: sort && sort.col === b.dataset.sort && sort.dir === 'ascending' ? 'descending' : 'ascending' };
    renderList(name);
  });
  $(`rows-${name}`).addEventListener('click', (e) => {
    const b = e.target.closest('button[data-act]');
    if (!b) return;
    const item = list(name).find((x) => String(x[RES[name].key]) === b.dataset.key);
    if (!item) return;
    if (b.dataset.act === 'edit') openForm(name, item);
    else if (b.dataset.act === 'password') openForm(name, item, 'password');
    else if (b.dataset.act === 'delete') askDelete(name, item);
    else if (b.dataset.act === 'rotate') askRotate(name, item);
  });
}

const cellValue = (c, item) => (c.value ? c.value(item) : item[c.name]);

function renderList(name) {
  const res = RES[name];
  const all = list(name);
  const words = String(S.filters[name] || '').toLowerCase().split(/\s+/).filter(Boolean);
  const cols = columnsOf(name);
  let rows = all;
  if (words.length) {
    rows = all.filter((item) => {
      const text = cols.map((c) => cellValue(c, item)).concat(item[res.key]).join(' ').toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }
  const sort = S.sorts[name] || { col: res.key, dir: 'ascending' };
  const col = cols.find((c) => c.name === sort.col) || cols[0];
  const sign = sort.dir === 'ascending' ? 1 : -1;
  rows = rows.slice().sort((a, b) => {
    const x = cellValue(col, a), y = cellValue(col, b);
    if (x === y) return 0;
    if (x === undefined || x === null || x === '') return 1;
    if (y === undefined || y === null || y === '') return -1;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * sign;
    return String(x).localeCompare(String(y), 'id', { numeric: true, sensitivity: 'base' }) * sign;
  });
  for (const th of $(`table-${name}`).querySelectorAll('th[data-col]')) {
    if (th.dataset.col === col.name) th.setAttribute('aria-sort', sort.dir);
    else th.removeAttribute('aria-sort');
    th.querySelector('.arrow').textContent = th.dataset.col === col.name ? (sort.dir === 'ascending' ? ' ▲' : ' ▼') : '';
  }
  $(`count-${name}`).textContent = bothText('shown', { n: rows.length, total: all.length });
  const key = (item) => esc(item[res.key]);
  const button = (act, textKey, item, cls) => {
    const k = String(item[res.key]);
    // The row's key is part of the button's name for screen readers ("Ubah Edit L01").
    return `<button type="button" class="small${cls ? ' ' + cls : ''}" data-act="${act}" data-key="${esc(k)}">` +
      `${both(textKey)}<span class="sr-only"> ${esc(k)}</span></button>`;
  };
  const html = rows.map((item) =>
    `<tr data-key="${key(item)}">` + cols.map((c) => {
      const v = c.html ? c.html(item) : esc(cellValue(c, item) === undefined || cellValue(c, item) === null ? '' : cellValue(c, item));
      return `<td${c.num ? ' class="num"' : ''}>${v}</td>`;
    }).join('') +
    `<td class="acts">${button('edit', 'edit', item)}` +
    (name === 'users' ? button('password', 'password_btn', item) : '') +
    (res.device ? button('rotate', 'rotate', item) : '') +
    `${button('delete', 'delete', item, 'danger')}</td></tr>`).join('');
  const empty = `<tr><td colspan="${cols.length + 1}" class="empty">${both(all.length ? 'none_match' : 'none_yet')}</td></tr>`;
  const body = $(`rows-${name}`);
  const focused = document.activeElement && body.contains(document.activeElement) ? document.activeElement : null;
  const again = focused && focused.dataset.act ? `button[data-act="${focused.dataset.act}"][data-key="${CSS.escape(focused.dataset.key)}"]` : null;
  body.innerHTML = rows.length ? html : empty;
  if (again && body.querySelector(again)) body.querySelector(again).focus();
}

function renderAll() {
  if (!S.config) return;
  $('site-name').textContent = S.config.site ? S.config.site.name : '';
  for (const s of SECTIONS) if (s.lists) s.lists.forEach(renderList);
  // The site form is filled again only for a new version, and never under the
  // manager's typing (their save then meets the version conflict, and says so).
  if (!S.siteDirty && (!S.siteForm || S.siteForm.version !== S.version)) fillSitePanel();
  notify.render();
  $('version').textContent = bothText('version', { v: S.version });
}

// ---------------------------------------------------------------------------- loading

// The configuration and its version, afresh.
async function reload() {
  const res = await api('GET', '/admin/config');
  if (!res.ok) {
    if (res.status !== 401) note(said(res.message), 'error');
    return false;
  }
  S.config = res.data.config;
  S.version = res.data.version;
  S.reloads++;
  renderAll();
  return true;
}

let reloadTimer = null;
function reloadSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(reload, RELOAD_DEBOUNCE_MS);
}

let noticeTimer = null;
function note(html, level) {
  const n = $('notice');
  n.className = 'notice' + (level ? ' ' + level : '');
  n.innerHTML = html;
  S.notices++;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { n.innerHTML = ''; n.className = 'notice'; }, NOTICE_MS);
}

function connect() {
  if (S.stream) return;
  S.stream = follow({
    onEvent(e) {
      if (e.type === 'site.changed') {
        const by = e.detail && e.detail.by;
        if (by !== S.user) {
          const n = e.detail && e.detail.changes ? e.detail.changes.length : 0;
          note(both('changed_by', { by: by || [T.in('someone', 0), T.in('someone', 1)], n }), 'info');
        }
        if (S.token) reloadSoon();
      } else if (e.type === 'board.running_text') {
        const text = e.detail && typeof e.detail.running_text === 'string' ? e.detail.running_text : '';
        const field = $('running-text');
        if (field && !S.runningDirty) field.value = text;
      }
    },
    onOnline() {
      S.online = true;
      renderConn();
      // Back after a drop: whatever changed meanwhile.
      if (S.everOnline && S.token && S.config) reloadSoon();
      S.everOnline = true;
    },
    onOffline() { S.online = false; renderConn(); },
  });
}

function renderConn() {
  const c = $('conn');
  c.hidden = false;
  c.className = 'conn ' + (S.online ? 'online' : 'offline');
  c.innerHTML = both(S.online ? 'online' : 'offline');
}

// ---------------------------------------------------------------------------- dialogs

const returnFocus = new Map();
function openDialog(id, focus) {
  const d = $(id);
  if (!d.open) {
    const from = document.activeElement;
    returnFocus.set(id, {
      el: from,
      again: from && from.dataset && from.dataset.act ? `button[data-act="${from.dataset.act}"][data-key="${CSS.escape(from.dataset.key)}"]` : null,
    });
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
  if (d.open) return;
  d.hidden = true;
  if (id === 'form-dialog') S.form = null;
  if (id === 'confirm-dialog') S.confirm = null;
  if (id === 'token-dialog') $('token-value').value = '';
  const back = returnFocus.get(id);
  returnFocus.delete(id);
  if (document.querySelector('dialog[open]')) return;
  let el = back && back.el;
  if ((!el || !el.isConnected) && back && back.again) el = document.querySelector(back.again);
  if (el && el.isConnected && el.offsetParent !== null) el.focus();
}

// The add/edit form of one item. `focusOn`: a field to start at (reset password).
function openForm(name, item, focusOn) {
  const res = RES[name];
  const fields = res.fields(item).map((f) => (f.key && item ? { ...f, readonly: true } : f));
  S.form = { name, item, fields, version: S.version };
  const what = [T.in('one_' + name, 0), T.in('one_' + name, 1)];
  $('form-title').innerHTML = item ? both('edit_one', { what, key: item[res.key] }) : both('add_one', { what });
  $('form-fields').innerHTML = fields.map((f) => fieldHtml('f', f, valueOf(item, f))).join('');
  wireFields($('form-fields'));
  formAlert($('form-error'), '');
  $('form-save').disabled = false;
  const first = focusOn || (item ? fields.find((f) => !f.key).name : fields[0].name);
  openDialog('form-dialog');
  focusField($('form-fields'), 'f', first);
}

async function saveForm(ev) {
  ev.preventDefault();
  const F = S.form;
  if (!F) return;
  const res = RES[F.name];
  const root = $('form-fields');
  clearErrors(root);
  formAlert($('form-error'), '');
  const values = {};
  for (const f of F.fields) values[f.name] = readField(root, 'f', f);
  const key = F.item ? String(F.item[res.key]) : values[res.key];
  const taken = !F.item && key && list(F.name).some((x) => String(x[res.key]) === key) ? { field: res.key } : null;
  const errors = Object.assign(res.check ? res.check(values) : {}, checkFields(F.fields, values, taken));
  if (F.fields.some((f) => f.type === 'booking')) Object.assign(errors, booking.check(root, 'f'));
  const wrong = Object.keys(errors);
  if (wrong.length) {
    for (const f of wrong) fieldError(root, 'f', f, both(errors[f]));
    formAlert($('form-error'), both('err_fix'));
    focusInvalid(root);
    return;
  }
  let body;
  if (res.body) body = res.body(values);
  else {
    body = merged(F.item, F.fields, values);
    delete body.has_token;
    delete body[res.key];
  }
  $('form-save').disabled = true;
  const answer = await api('PUT', `/admin/${F.name}/${encodeURIComponent(key)}`, { body, ifMatch: F.version });
  $('form-save').disabled = false;
  if (S.form !== F) return;
  if (!answer.ok) {
    if (answer.status === 401) return;
    showRefusal(root, 'f', answer, F.fields, values, $('form-error'));
    if (answer.code === 'version_conflict') {
      await reload();
      F.version = S.version;
    }
    return;
  }
  const what = [T.in('one_' + F.name, 0), T.in('one_' + F.name, 1)];
  closeDialog('form-dialog');
  note(both('saved', { what, key }), 'ok');
  if (answer.data && answer.data.token) showToken(F.name, key, answer.data.token);
  await reload();
}

function askDelete(name, item) {
  const key = String(item[RES[name].key]);
  const what = [T.in('one_' + name, 0), T.in('one_' + name, 1)];
  S.confirm = { kind: 'delete', name, key, version: S.version };
  $('confirm-title').innerHTML = both('confirm_delete_title', { what, key });
  $('confirm-text').innerHTML = both('confirm_delete_text', { what, key });
  $('confirm-go').innerHTML = both('delete');
  formAlert($('confirm-error'), '');
  openDialog('confirm-dialog', $('confirm-cancel'));
}

function askRotate(name, item) {
  const key = String(item[RES[name].key]);
  S.confirm = { kind: 'rotate', name, key, item, version: S.version };
  $('confirm-title').innerHTML = both('confirm_rotate_title', { key });
  $('confirm-text').innerHTML = both('confirm_rotate_text', { key });
  $('confirm-go').innerHTML = both('rotate');
  formAlert($('confirm-error'), '');
  openDialog('confirm-dialog', $('confirm-cancel'));
}

async function confirmGo() {
  const C = S.confirm;
  if (!C) return;
  const path = `/admin/${C.name}/${encodeURIComponent(C.key)}`;
  $('confirm-go').disabled = true;
  let answer;
  if (C.kind === 'delete') answer = await api('DELETE', path, { ifMatch: C.version });
  else {
    const body = JSON.parse(JSON.stringify(C.item));
    delete body.has_token;
    delete body.code;
    answer = await api('PUT', path + '?rotate_token=true', { body, ifMatch: C.version });
  }
  $('confirm-go').disabled = false;
  if (S.confirm !== C) return;
  if (!answer.ok) {
    if (answer.status === 401) return;
    formAlert($('confirm-error'), answer.code === 'version_conflict' ? both('conflict') : said(answer.message));
    if (answer.code === 'version_conflict') { await reload(); C.version = S.version; }
    return;
  }
  const what = [T.in('one_' + C.name, 0), T.in('one_' + C.name, 1)];
  closeDialog('confirm-dialog');
  if (C.kind === 'delete') {
    S.config = answer.data.config;
    S.version = answer.data.version;
    renderAll();
    note(both('deleted', { what, key: C.key }), 'ok');
  } else {
    showToken(C.name, C.key, answer.data.token);
    await reload();
  }
}

// A device's new token, shown this once: the server keeps only its hash.
function showToken(name, key, token) {
  $('token-title').innerHTML = both('token_for', { what: [T.in('one_' + name, 0), T.in('one_' + name, 1)], key });
  $('token-value').value = token;
  $('token-copied').innerHTML = '';
  openDialog('token-dialog', $('token-value'));
  $('token-value').select();
}

async function copyToken() {
  const field = $('token-value');
  field.focus();
  field.select();
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(field.value); ok = true; }
  } catch (_) { ok = false; }
  if (!ok) { try { ok = document.execCommand('copy'); } catch (_) { ok = false; } }
  $('token-copied').innerHTML = both(ok ? 'copied' : 'copy_failed');
}

// ---------------------------------------------------------------------------- site settings

function buildSitePanel(panel) {
  panel.innerHTML = `<div class="pane"><h2 id="h-site">${both('sec_site')}</h2>` +
    `<p class="intro">${both('site_intro')} <span id="site-code"></span></p>` +
    `<form id="site-form" class="site-form" novalidate aria-labelledby="h-site"><div id="site-fields" class="fields" data-overflow-ok></div>` +
    `<div id="site-error" class="form-error" role="alert" hidden></div>` +
    `<div class="row"><span id="version" class="version"></span><span class="spacer"></span>` +
    `<button type="submit" id="site-save" class="primary">${both('save')}</button></div></form></div>`;
  panel.querySelector('#site-form').addEventListener('submit', saveSite);
  panel.querySelector('#site-form').addEventListener('input', () => { S.siteDirty = true; });
  panel.querySelector('#site-form').addEventListener('change', () => { S.siteDirty = true; });
}

function fillSitePanel() {
  const site = S.config && S.config.site;
  if (!site) return;
  S.siteForm = { version: S.version, fields: SITE_FIELDS() };
  $('site-code').innerHTML = both('site_code', { code: site.code });
  $('site-fields').innerHTML = S.siteForm.fields.map((f) => fieldHtml('s', f, site[f.name])).join('');
  wireFields($('site-fields'));
}

async function saveSite(ev) {
  ev.preventDefault();
  const F = S.siteForm;
  if (!F) return;
  const root = $('site-fields');
  clearErrors(root);
  formAlert($('site-error'), '');
  const values = {};
  for (const f of F.fields) values[f.name] = readField(root, 's', f);
  const errors = checkFields(F.fields, values, null);
  if (Object.keys(errors).length) {
    for (const f of Object.keys(errors)) fieldError(root, 's', f, both(errors[f]));
    formAlert($('site-error'), both('err_fix'));
    focusField(root, 's', F.fields.find((f) => errors[f.name]).name);
    return;
  }
  const body = merged(S.config.site, F.fields, values);
  delete body.code;
  $('site-save').disabled = true;
  const answer = await api('PUT', '/admin/site', { body, ifMatch: F.version });
  $('site-save').disabled = false;
  if (!answer.ok) {
    if (answer.status === 401) return;
    showRefusal(root, 's', answer, F.fields, values, $('site-error'));
    if (answer.code === 'version_conflict') { S.siteDirty = false; await reload(); }
    return;
  }
  S.siteDirty = false;
  note(both('site_saved'), 'ok');
  await reload();
}

// ---------------------------------------------------------------------------- running text

function buildRunningPanel(panel) {
  panel.innerHTML = `<div class="pane"><h2 id="h-running">${both('sec_running')}</h2><p class="intro">${both('running_intro')}</p>` +
    `<form id="running-form" novalidate aria-labelledby="h-running"><div class="field wide"><label for="running-text">${both('running_label')}</label>` +
    `<textarea id="running-text" rows="3" maxlength="500" aria-describedby="running-error"></textarea></div>` +
    `<div id="running-error" class="form-error" role="alert" hidden></div>` +
    `<div class="row"><button type="button" id="running-clear" class="ghost dark">${both('running_clear')}</button><span class="spacer"></span>` +
    `<button type="submit" class="primary" id="running-save">${both('save')}</button></div></form></div>`;
  panel.querySelector('#running-form').addEventListener('submit', (e) => { e.preventDefault(); saveRunningText($('running-text').value.trim()); });
  panel.querySelector('#running-text').addEventListener('input', () => { S.runningDirty = true; });
  panel.querySelector('#running-clear').addEventListener('click', () => saveRunningText(''));
}

async function loadRunningText() {
  if (S.runningDirty) return;
  const res = await api('GET', '/running-text');
  if (res.ok && res.data && !S.runningDirty) $('running-text').value = res.data.text || '';
}

async function saveRunningText(text) {
  formAlert($('running-error'), '');
  const res = await api('PUT', '/running-text', { body: { text } });
  if (!res.ok) {
    if (res.status !== 401) formAlert($('running-error'), said(res.message));
    return;
  }
  S.runningDirty = false;
  $('running-text').value = res.data && typeof res.data.text === 'string' ? res.data.text : text;
  note(both('running_saved'), 'ok');
}

// ---------------------------------------------------------------------------- import

function buildImportPanel(panel) {
  panel.innerHTML = `<div class="pane import"><h2 id="h-import">${both('sec_import')}</h2><p class="intro">${both('import_intro')}</p>` +
    `<div class="field wide grow"><label for="import-text">${both('import_label')}</label>` +
    `<textarea id="import-text" class="code" spellcheck="false" aria-describedby="import-error"></textarea></div>` +
    `<div id="import-error" class="form-error" role="alert" hidden></div>` +
    `<div class="row"><button type="button" id="import-check" class="ghost dark">${both('import_check')}</button>` +
    `<button type="button" id="import-apply" class="primary" disabled>${both('import_apply')}</button></div>` +
    `<div id="import-result" class="import-result" role="status" tabindex="0" aria-label="${esc(bothText('sec_import'))}" data-overflow-ok></div></div>`;
  panel.querySelector('#import-check').addEventListener('click', () => runImport(true));
  panel.querySelector('#import-apply').addEventListener('click', () => runImport(false));
  panel.querySelector('#import-text').addEventListener('input', () => { $('import-apply').disabled = true; });
}

async function runImport(dry) {
  const text = $('import-text').value;
  formAlert($('import-error'), '');
  const size = new Blob([JSON.stringify({ toml: text })]).size;
  if (size > IMPORT_LIMIT) { formAlert($('import-error'), both('import_too_big', { n: Math.ceil(size / 1024) })); return; }
  if (!dry && (!S.imported || S.imported.text !== text)) { formAlert($('import-error'), both('import_stale')); return; }
  const version = dry ? S.version : S.imported.version;
  $('import-check').disabled = $('import-apply').disabled = true;
  const res = await api('PUT', '/admin/config' + (dry ? '?dry_run=true' : ''), { body: { toml: text }, ifMatch: version });
  $('import-check').disabled = false;
  if (!res.ok) {
    if (res.status === 401) return;
    S.imported = null;
    formAlert($('import-error'), res.code === 'version_conflict' ? both('conflict') : said(res.message));
    if (res.code === 'version_conflict') await reload();
    return;
  }
  const changes = res.data.changes || [];
  if (dry) {
    S.imported = { text, version: res.data.version, changes };
    $('import-apply').disabled = !changes.length;
    // Users the file leaves out are removed: said first, since it may lock people out.
    const gone = changes.filter((c) => c.item === 'user' && !c.after).map((c) => c.code);
    const warn = gone.length ? `<p class="warning">${both('import_users_gone', { users: gone.join(', ') })}</p>` : '';
    $('import-result').innerHTML = changes.length ? `${warn}<p>${both('import_n', { n: changes.length })}</p>${itemChanges(changes)}` : `<p>${both('import_none')}</p>`;
  } else {
    S.imported = null;
    $('import-result').innerHTML = `<p class="ok">${both('import_done', { n: changes.length, v: res.data.version })}</p>${itemChanges(changes)}`;
    await reload();
  }
}

// ---------------------------------------------------------------------------- start

async function boot() {
  $('login-form').addEventListener('submit', onLogin);
  $('password-form').addEventListener('submit', onNewPassword);
  $('logout-btn').addEventListener('click', logOut);
  $('form').addEventListener('submit', saveForm);
  $('form-cancel').addEventListener('click', () => closeDialog('form-dialog'));
  $('confirm-cancel').addEventListener('click', () => closeDialog('confirm-dialog'));
  $('confirm-go').addEventListener('click', confirmGo);
  $('token-copy').addEventListener('click', copyToken);
  $('token-close').addEventListener('click', () => closeDialog('token-dialog'));
  $('token-value').addEventListener('focus', () => $('token-value').select());
  for (const id of ['form-dialog', 'confirm-dialog', 'token-dialog']) $(id).addEventListener('close', () => onDialogClosed(id));
  window.addEventListener('hashchange', () => { const id = sectionFromHash(); if (id && S.token) selectSection(id, false); });
  if (!S.token) { toLogin(''); return; }
  const me = await api('GET', '/auth/me');
  if (!S.token) return; // 401: already at the log-in form
  // A password still to be chosen needs the current one: asked at the log-in form.
  if (!me.ok || me.data.role !== 'admin' || me.data.must_change_password) { toLogin(me.net ? '' : 'session_expired'); return; }
  S.user = me.data.username;
  await enter();
}

boot();
