// The notifications on the admin page: two sections. "Notifikasi" shows the outbox as
// `GET /api/v1/admin/outbox` says it (messages waiting, sent and failed, per channel,
// the last error, the latest failures) and puts the failed back in line
// (`POST /api/v1/admin/outbox/retry`). "Pengaturan notifikasi" edits `[notify]`
// (docs/booking.md) through `PUT /api/v1/admin/notify`: when to send, the channels (a
// row each, the fields its kind takes) and the texts. A channel's secret and token are
// never shown again once saved: left empty, the server keeps the one it has.

export const NOTIFY_TEXTS = {
  sec_outbox: ['Notifikasi', 'Notifications'],
  sec_notify: ['Pengaturan notifikasi', 'Notification settings'],
  outbox_intro: ['Pesan ke warga yang memesan (WhatsApp, SMS, webhook): yang menunggu, terkirim dan gagal per saluran. Antrean tidak pernah menunggu pesan.', 'Messages to people who booked (WhatsApp, SMS, webhook): waiting, sent and failed per channel. The queue never waits for them.'],
  o_pending: ['Menunggu', 'Waiting'],
  o_sent: ['Terkirim', 'Sent'],
  o_failed: ['Gagal', 'Failed'],
  o_oldest: ['Menunggu sejak', 'Waiting since'],
  o_channels: ['Per saluran', 'Per channel'],
  o_failures: ['Gagal terakhir', 'Latest failures'],
  o_channel: ['Saluran', 'Channel'],
  o_kind: ['Jenis', 'Kind'],
  o_last_sent: ['Terakhir terkirim', 'Last sent'],
  o_last_error: ['Galat terakhir', 'Last error'],
  o_id: ['No.', 'No.'],
  o_message: ['Pesan', 'Message'],
  o_booking: ['Kode booking', 'Booking code'],
  o_attempts: ['Percobaan', 'Attempts'],
  o_error: ['Galat', 'Error'],
  o_created: ['Dibuat', 'Made'],
  o_none_channels: ['Belum ada saluran. Tambahkan di Pengaturan notifikasi.', 'No channels yet. Add one in Notification settings.'],
  o_none_failed: ['Tidak ada pesan gagal.', 'No failed messages.'],
  o_gone: ['(tidak dikonfigurasi lagi)', '(no longer configured)'],
  refresh: ['Perbarui', 'Refresh'],
  retry: ['Kirim ulang yang gagal', 'Retry failed'],
  retried: ['{n} pesan gagal dikirim ulang.', '{n} failed messages put back in line.'],
  updated: ['Diperbarui {at}', 'Updated {at}'],
  kind_webhook: ['Webhook', 'Webhook'],
  kind_whatsapp_cloud: ['WhatsApp Cloud API', 'WhatsApp Cloud API'],
  kind_wa_gateway: ['Gateway WhatsApp', 'WhatsApp gateway'],
  kind_sms: ['Gateway SMS', 'SMS gateway'],
  m_booking_confirmed: ['Booking tercatat', 'Booking confirmed'],
  m_reminder: ['Pengingat', 'Reminder'],
  m_checked_in: ['Check-in', 'Checked in'],
  m_ahead: ['Giliran sudah dekat', 'Turn is near'],
  m_called: ['Dipanggil', 'Called'],
  m_missed: ['Tidak hadir', 'Missed'],
  m_cancelled: ['Dibatalkan', 'Cancelled'],
  // Settings.
  notify_intro: ['Kapan pesan dikirim, lewat saluran apa, dan teksnya. Berlaku untuk pesan baru; pesan yang sudah menunggu tidak berubah.', 'When messages go, through which channels, and what they say. For new messages; those already waiting keep theirs.'],
  n_ahead: ['Kirim "giliran sudah dekat" saat orang di depan tinggal', 'Send "turn is near" when this many are ahead'],
  h_ahead: ['0 = tidak dikirim. Kosong = 3.', '0 = never. Empty = 3.'],
  n_reminder_min: ['Pengingat (menit sebelum sesi)', 'Reminder (minutes before the session)'],
  h_reminder_min: ['0 = tidak dikirim. Kosong = 60.', '0 = never. Empty = 60.'],
  n_channels: ['Saluran', 'Channels'],
  n_channel_n: ['Saluran {n}', 'Channel {n}'],
  n_no_channels: ['Belum ada saluran: pesan tidak dibuat.', 'No channels: no messages are made.'],
  n_add_channel: ['Tambah saluran', 'Add a channel'],
  n_remove_channel: ['Hapus saluran {n}', 'Remove channel {n}'],
  n_name: ['Nama saluran', 'Channel name'],
  h_channel_name: ['a-z, 0-9, - dan _ (paling banyak 32).', 'a-z, 0-9, - and _ (at most 32).'],
  n_kind: ['Jenis', 'Kind'],
  n_url: ['Alamat (URL)', 'Address (URL)'],
  h_channel_url: ['Alamat lengkap http:// atau https:// gateway atau penerima.', 'The gateway\'s or receiver\'s full http:// or https:// address.'],
  n_secret: ['Kunci rahasia (HMAC)', 'Secret (HMAC key)'],
  h_secret: ['Kunci tanda tangan HMAC-SHA256 pesan webhook.', 'The key webhook messages are signed with (HMAC-SHA256).'],
  n_token: ['Token', 'Token'],
  h_token: ['Token akses API atau gateway.', 'The API\'s or gateway\'s access token.'],
  h_kept: ['Tersimpan. Kosongkan untuk tetap memakai yang ada.', 'Set. Leave empty to keep it.'],
  n_language: ['Bahasa', 'Language'],
  h_language: ['id, en atau mis. en_US. Kosong = id.', 'id, en or e.g. en_US. Empty = id.'],
  n_enabled: ['Aktif', 'Enabled'],
  n_to_field: ['Kolom nomor tujuan', 'Phone number field'],
  h_to_field: ['Kosong = target (WhatsApp) atau to (SMS).', 'Empty = target (WhatsApp) or to (SMS).'],
  n_text_field: ['Kolom teks', 'Text field'],
  h_text_field: ['Kosong = message (WhatsApp) atau text (SMS).', 'Empty = message (WhatsApp) or text (SMS).'],
  n_token_field: ['Kolom token', 'Token field'],
  h_token_field: ['Kosong = token dikirim di header Authorization.', 'Empty = the token goes in the Authorization header.'],
  n_templates: ['Teks pesan', 'Message texts'],
  h_templates: ['Kosong = teks bawaan. Variabel yang dapat dipakai:', 'Empty = the built-in text. The variables a text may use:'],
  n_text_id: ['Bahasa Indonesia', 'Indonesian'],
  n_text_en: ['Bahasa Inggris', 'English'],
  notify_saved: ['Pengaturan notifikasi tersimpan.', 'Notification settings saved.'],
  err_channel: ['Hanya a-z, 0-9, - dan _ (paling banyak 32).', 'Only a-z, 0-9, - and _ (at most 32).'],
};

const CHANNEL_KINDS = ['webhook', 'whatsapp_cloud', 'wa_gateway', 'sms'];
const MESSAGE_KINDS = ['booking_confirmed', 'reminder', 'checked_in', 'ahead', 'called', 'missed', 'cancelled'];
const FORM = ['wa_gateway', 'sms'];
// What a text may say (server/src/notify/message.rs, VARIABLES).
const VARIABLES = ['code', 'name', 'service', 'service_en', 'date', 'start', 'end', 'number', 'counter', 'ahead', 'site', 'link'];
// The kinds that take a field (the others refuse it or have no use for it).
const ONLY = {
  secret: ['webhook'], token: ['whatsapp_cloud', 'wa_gateway', 'sms'], language: ['whatsapp_cloud', 'wa_gateway', 'sms'],
  to_field: FORM, text_field: FORM, token_field: FORM,
};
// A server problem's word and the field it concerns, most telling first.
const PROBLEM_FIELDS = ['token_field', 'text_field', 'to_field', 'secret', 'token', 'url', 'language', 'name'];
// The outbox is looked at again this often while its section is shown.
const REFRESH_MS = 10000;

const RULES = [
  { name: 'ahead', label: 'n_ahead', type: 'number', check: 'count', hint: 'h_ahead' },
  { name: 'reminder_min', label: 'n_reminder_min', type: 'number', check: 'count', hint: 'h_reminder_min' },
];

// "Indonesian / English", or one text where both say the same ("Webhook").
function oneOrBoth(bothText, key) {
  const text = bothText(key);
  const [id, en] = text.split(' / ');
  return id === en ? id : text;
}

function channelFields(ch, bothText) {
  return [
    { name: 'name', label: 'n_name', required: true, check: 'channel', hint: 'h_channel_name' },
    { name: 'kind', label: 'n_kind', type: 'select', required: true, options: () => CHANNEL_KINDS.map((k) => ({ value: k, label: oneOrBoth(bothText, 'kind_' + k) })) },
    { name: 'url', label: 'n_url', required: true, check: 'url', hint: 'h_channel_url', wide: true },
    { name: 'secret', label: 'n_secret', type: 'password', hint: ch && ch.has_secret ? 'h_kept' : 'h_secret' },
    { name: 'token', label: 'n_token', type: 'password', hint: ch && ch.has_token ? 'h_kept' : 'h_token' },
    { name: 'language', label: 'n_language', hint: 'h_language' },
    { name: 'enabled', label: 'n_enabled', type: 'bool' },
    { name: 'to_field', label: 'n_to_field', hint: 'h_to_field' },
    { name: 'text_field', label: 'n_text_field', hint: 'h_text_field' },
    { name: 'token_field', label: 'n_token_field', hint: 'h_token_field' },
  ];
}

const TEMPLATE_FIELDS = [
  { name: 'id', label: 'n_text_id', type: 'textarea' },
  { name: 'en', label: 'n_text_en', type: 'textarea' },
];

// The two sections, with the admin page's `kit`: its fields (`fieldHtml`, `readField`,
// `checkFields`, `fieldError`, `clearErrors`, `formAlert`, `focusInvalid`), texts
// (`both`, `bothText`, `said`, `bilingual`, `esc`), `api`, `note`, `reload` and its
// state `S`.
export function notifyPanels(kit) {
  const { fieldHtml, readField, checkFields, fieldError, clearErrors, formAlert, focusInvalid, both, bothText, said, bilingual, esc, api, note, reload, S } = kit;
  const $ = (id) => document.getElementById(id);
  const N = { form: null, dirty: false, stats: null, loads: 0, timer: null, retries: 0 };

  // A moment (RFC 3339) as the site's clock reads it: "29/11 14:05".
  function at(iso) {
    if (!iso) return '—';
    const zone = S.config && S.config.site ? S.config.site.timezone : undefined;
    try {
      return new Date(iso).toLocaleString('id-ID', { timeZone: zone, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' });
    } catch (_) {
      return iso;
    }
  }
  const count = (n) => Number(n || 0).toLocaleString('id-ID');
  const kindOf = (k) => (k && NOTIFY_TEXTS['kind_' + k] ? both('kind_' + k) : k ? esc(k) : both('o_gone'));
  const messageOf = (k) => (NOTIFY_TEXTS['m_' + k] ? both('m_' + k) : esc(k));
  const head = (keys) => '<tr>' + keys.map(([k, num]) => `<th scope="col"${num ? ' class="num"' : ''}>${both(k)}</th>`).join('') + '</tr>';

  // ------------------------------------------------------------------------ the outbox

  function buildOutbox(panel) {
    panel.innerHTML = `<div class="pane outbox"><h2 id="h-outbox">${both('sec_outbox')}</h2><p class="intro">${both('outbox_intro')}</p>` +
      `<div class="row start outbox-head"><div id="outbox-totals" class="totals"></div><span class="spacer"></span>` +
      `<div class="outbox-acts"><div class="row"><button type="button" id="outbox-refresh" class="ghost dark">${both('refresh')}</button>` +
      `<button type="button" id="outbox-retry" class="primary" disabled>${both('retry')}</button></div>` +
      `<span id="outbox-updated" class="version"></span></div></div>` +
      `<div id="outbox-error" class="form-error" role="alert" hidden></div>` +
      `<div class="outbox-tables" id="outbox-tables" tabindex="0" role="region" aria-labelledby="h-outbox" data-overflow-ok>` +
      `<h3 id="h-outbox-channels">${both('o_channels')}</h3>` +
      `<table class="grid" id="outbox-channels" aria-labelledby="h-outbox-channels"><thead>` +
      head([['o_channel'], ['o_kind'], ['o_pending', 1], ['o_sent', 1], ['o_failed', 1], ['o_last_sent'], ['o_last_error']]) +
      '</thead><tbody></tbody></table>' +
      `<h3 id="h-outbox-failures">${both('o_failures')}</h3>` +
      `<table class="grid" id="outbox-failures" aria-labelledby="h-outbox-failures"><thead>` +
      head([['o_id', 1], ['o_channel'], ['o_message'], ['o_booking'], ['o_attempts', 1], ['o_error'], ['o_created']]) +
      '</thead><tbody></tbody></table></div></div>';
    panel.querySelector('#outbox-refresh').addEventListener('click', loadOutbox);
    panel.querySelector('#outbox-retry').addEventListener('click', retryFailed);
  }

  async function loadOutbox() {
    const at0 = ++N.loads;
    const res = await api('GET', '/admin/outbox');
    if (at0 !== N.loads) return;
    if (!res.ok) {
      if (res.status !== 401) formAlert($('outbox-error'), said(res.message));
      return;
    }
    formAlert($('outbox-error'), '');
    N.stats = res.data;
    renderOutbox(res.data);
  }

  function renderOutbox(o) {
    const card = (key, value, text) => `<div class="total-card" data-total="${key}" data-value="${esc(value)}">` +
      `<div class="total-label">${both('o_' + key)}</div><div class="total-value">${text}</div></div>`;
    $('outbox-totals').innerHTML = card('pending', o.pending, count(o.pending)) + card('sent', o.sent, count(o.sent)) +
      card('failed', o.failed, count(o.failed)) + card('oldest', o.oldest_pending_at || '', esc(at(o.oldest_pending_at)));
    $('outbox-totals').querySelector('[data-total="failed"]').classList.toggle('bad', o.failed > 0);
    const channels = o.channels || [];
    $('outbox-channels').tBodies[0].innerHTML = channels.length ? channels.map((c) =>
      `<tr data-channel="${esc(c.name)}"><th scope="row">${esc(c.name)}</th><td>${kindOf(c.kind)}</td>` +
      `<td class="num" data-col="pending">${count(c.pending)}</td><td class="num" data-col="sent">${count(c.sent)}</td>` +
      `<td class="num${c.failed ? ' bad' : ''}" data-col="failed">${count(c.failed)}</td><td>${esc(at(c.last_sent_at))}</td>` +
      `<td class="error-text" data-col="last_error">${c.last_error ? esc(c.last_error) : '—'}</td></tr>`).join('')
      : `<tr><td colspan="7" class="empty">${both('o_none_channels')}</td></tr>`;
    const failed = o.failed_recent || [];
    $('outbox-failures').tBodies[0].innerHTML = failed.length ? failed.map((f) =>
      `<tr data-id="${esc(f.id)}"><td class="num">${esc(f.id)}</td><td>${esc(f.channel)}</td><td>${messageOf(f.kind)}</td>` +
      `<td class="codes">${esc(f.booking || '—')}</td><td class="num">${count(f.attempts)}</td>` +
      `<td class="error-text">${f.last_error ? esc(f.last_error) : '—'}</td><td>${esc(at(f.created_at))}</td></tr>`).join('')
      : `<tr><td colspan="7" class="empty">${both('o_none_failed')}</td></tr>`;
    $('outbox-retry').disabled = !o.failed;
    $('outbox-updated').innerHTML = both('updated', { at: at(new Date().toISOString()) });
  }

  async function retryFailed() {
    $('outbox-retry').disabled = true;
    const res = await api('POST', '/admin/outbox/retry', { body: {} });
    if (!res.ok) {
      if (res.status !== 401) formAlert($('outbox-error'), said(res.message));
      $('outbox-retry').disabled = false;
      return;
    }
    N.retries++;
    note(both('retried', { n: res.data.retried }), 'ok');
    await loadOutbox();
  }

  // Shown: looked at now and every little while, until another section is chosen.
  function showOutbox(on) {
    clearInterval(N.timer);
    N.timer = null;
    if (!on) return;
    loadOutbox();
    N.timer = setInterval(() => { if (!document.hidden && S.token) loadOutbox(); }, REFRESH_MS);
  }

  // ------------------------------------------------------------------------ the settings

  function buildSettings(panel) {
    panel.innerHTML = `<div class="pane"><h2 id="h-notify">${both('sec_notify')}</h2><p class="intro">${both('notify_intro')}</p>` +
      `<form id="notify-form" class="site-form" novalidate aria-labelledby="h-notify"><div id="notify-fields" class="notify-fields" data-overflow-ok></div>` +
      `<div id="notify-error" class="form-error" role="alert" hidden></div>` +
      `<div class="row"><span class="spacer"></span><button type="submit" id="notify-save" class="primary">${both('save')}</button></div></form></div>`;
    const form = panel.querySelector('#notify-form');
    form.addEventListener('submit', saveSettings);
    form.addEventListener('input', () => { N.dirty = true; });
    form.addEventListener('change', (e) => {
      N.dirty = true;
      if (e.target.matches('select[name="kind"]')) showKindFields(e.target.closest('fieldset.channel'));
    });
    form.addEventListener('click', (e) => {
      const remove = e.target.closest('button[data-remove-channel]');
      if (remove) { removeChannel(Number(remove.dataset.removeChannel)); return; }
      if (e.target.closest('#n-add-channel')) addChannel();
    });
  }

  const channelRows = () => [...document.querySelectorAll('#n-channels > fieldset.channel')];

  function channelHtml(i, ch) {
    const p = `n-ch${i}`;
    const c = ch || { kind: 'webhook', enabled: true, language: 'id' };
    const kind = c.kind || 'webhook';
    const fields = channelFields(ch, bothText);
    return `<fieldset class="channel" id="${p}" data-row="${i}"><legend>${both('n_channel_n', { n: i + 1 })}</legend><div class="channel-fields">` +
      fields.map((f) => {
        const value = f.type === 'password' ? '' : f.name === 'enabled' ? c.enabled !== false : c[f.name];
        const only = ONLY[f.name];
        return only ? `<div class="slot" data-kinds="${only.join(' ')}"${only.includes(kind) ? '' : ' hidden'}>${fieldHtml(p, f, value)}</div>` : fieldHtml(p, f, value);
      }).join('') + '</div>' +
      `<div class="row"><button type="button" class="small danger" data-remove-channel="${i}">${both('n_remove_channel', { n: i + 1 })}</button></div></fieldset>`;
  }

  function showKindFields(row) {
    if (!row) return;
    const kind = row.querySelector('select[name="kind"]').value;
    for (const slot of row.querySelectorAll('.slot[data-kinds]')) slot.hidden = !slot.dataset.kinds.split(' ').includes(kind);
  }

  function channelsHtml(channels) {
    return channels.length ? channels.map((c, i) => channelHtml(i, c)).join('') : `<p class="hint">${both('n_no_channels')}</p>`;
  }

  function fillSettings() {
    const cfg = (S.config && S.config.notify) || {};
    N.form = { version: S.version, channels: (cfg.channels || []).map((c) => ({ ...c })) };
    const templates = cfg.templates || {};
    $('notify-fields').innerHTML = `<div class="fields">${RULES.map((f) => fieldHtml('n', f, cfg[f.name])).join('')}</div>` +
      `<h3 id="h-n-channels">${both('n_channels')}</h3>` +
      `<div id="n-channels" class="channel-rows" role="group" aria-labelledby="h-n-channels">${channelsHtml(N.form.channels)}</div>` +
      `<div class="row start"><button type="button" class="ghost dark" id="n-add-channel">+ ${both('n_add_channel')}</button></div>` +
      `<h3 id="h-n-templates">${both('n_templates')}</h3><p class="hint" id="n-templates-hint">${both('h_templates')} ` +
      `<code>${VARIABLES.map((v) => esc('{' + v + '}')).join(' ')}</code></p>` +
      `<div class="templates">` + MESSAGE_KINDS.map((k) => `<fieldset class="template" id="n-tpl-${k}" aria-describedby="n-templates-hint">` +
        `<legend>${both('m_' + k)}</legend><div class="template-fields">` +
        TEMPLATE_FIELDS.map((f) => fieldHtml(`n-tpl-${k}`, f, (templates[k] || {})[f.name])).join('') + '</div></fieldset>').join('') + '</div>';
    N.dirty = false;
  }

  // The rows as typed, drawn again (after one is added or removed): what the server
  // knows of each (`has_secret`, `has_token`) stays with its row.
  function typedChannels() {
    return channelRows().map((row, i) => {
      const c = { ...(N.form.channels[i] || {}) };
      for (const f of channelFields(null, bothText)) {
        const el = row.querySelector(`#n-ch${i}-${f.name}`);
        if (f.type === 'password') c['typed_' + f.name] = el.value;
        else if (f.type === 'bool') c[f.name] = el.checked;
        else c[f.name] = el.value;
      }
      return c;
    });
  }

  function redrawChannels(channels) {
    N.form.channels = channels;
    $('n-channels').innerHTML = channelsHtml(channels);
    // Typed secrets are put back where they were typed.
    channels.forEach((c, i) => {
      for (const name of ['secret', 'token']) if (c && c['typed_' + name]) $(`n-ch${i}-${name}`).value = c['typed_' + name];
    });
  }

  function addChannel() {
    const channels = typedChannels().concat(null);
    redrawChannels(channels);
    N.dirty = true;
    $(`n-ch${channels.length - 1}-name`).focus();
  }

  function removeChannel(i) {
    const channels = typedChannels();
    channels.splice(i, 1);
    redrawChannels(channels);
    N.dirty = true;
    const rows = channelRows();
    const row = rows[Math.min(i, rows.length - 1)];
    (row ? row.querySelector('button[data-remove-channel]') : $('n-add-channel')).focus();
  }

  // What the form says, as `PUT /admin/notify` takes it; and what is wrong with it.
  function readSettings(root) {
    const body = {};
    const errors = {};
    const rules = {};
    for (const f of RULES) rules[f.name] = readField(root, 'n', f);
    Object.assign(errors, checkFields(RULES, rules, null));
    for (const f of RULES) if (rules[f.name] !== undefined) body[f.name] = rules[f.name];
    body.channels = channelRows().map((row, i) => {
      const p = `n-ch${i}`;
      const kind = row.querySelector('select[name="kind"]').value;
      const fields = channelFields(null, bothText).filter((f) => !ONLY[f.name] || ONLY[f.name].includes(kind));
      const values = {};
      for (const f of fields) values[f.name] = readField(root, p, f);
      for (const [name, why] of Object.entries(checkFields(fields, values, null))) errors[`ch${i}-${name}`] = why;
      const c = {};
      for (const f of fields) if (values[f.name] !== undefined) c[f.name] = values[f.name];
      return c;
    });
    const templates = {};
    for (const k of MESSAGE_KINDS) {
      const t = {};
      for (const f of TEMPLATE_FIELDS) {
        const v = readField(root, `n-tpl-${k}`, f);
        if (v !== undefined) t[f.name] = v;
      }
      if (Object.keys(t).length) templates[k] = t;
    }
    body.templates = templates;
    return { body, errors };
  }

  // The server's problems ("notify channel "wa": …; notify template "called": …"), each
  // said at the field it concerns. Returns whether any found its place.
  function placeProblems(root, message) {
    const text = bilingual(message)[1].replace(/^.*?\bnotify: /, '');
    let placed = false;
    for (const problem of text.split('; ')) {
      const html = esc(problem);
      const channel = /notify channel "([^"]*)"/.exec(problem);
      const template = /notify template "(\w+)"/.exec(problem);
      let id = null;
      if (channel) {
        const rows = channelRows();
        let i = rows.findIndex((row) => row.querySelector('input[name="name"]').value.trim() === channel[1]);
        if (i < 0) i = 0;
        const field = PROBLEM_FIELDS.find((f) => new RegExp(`\\b${f}\\b`).test(problem.replace(/^notify channel "[^"]*"/, ''))) || 'name';
        id = `ch${i}-${field}`;
      } else if (template) {
        const lang = /the (id|en) text/.exec(problem);
        id = `tpl-${template[1]}-${lang ? lang[1] : 'id'}`;
      } else {
        id = RULES.map((f) => f.name).find((f) => new RegExp(`\\b${f}\\b`).test(problem));
      }
      // A field the channel's kind hides (a secret kept from another kind): its kind.
      const el = id && root.querySelector(`#n-${id}`);
      if (el && el.closest('[hidden]') && channel) id = id.replace(/-\w+$/, '-kind');
      if (id && fieldError(root, 'n', id, html)) placed = true;
    }
    return placed;
  }

  async function saveSettings(ev) {
    ev.preventDefault();
    const F = N.form;
    if (!F) return;
    const root = $('notify-fields');
    clearErrors(root);
    formAlert($('notify-error'), '');
    const { body, errors } = readSettings(root);
    const wrong = Object.keys(errors);
    if (wrong.length) {
      for (const id of wrong) fieldError(root, 'n', id, both(errors[id]));
      formAlert($('notify-error'), both('err_fix'));
      focusInvalid(root);
      return;
    }
    $('notify-save').disabled = true;
    const res = await api('PUT', '/admin/notify', { body, ifMatch: F.version });
    $('notify-save').disabled = false;
    if (!res.ok) {
      if (res.status === 401) return;
      if (res.code === 'version_conflict') {
        formAlert($('notify-error'), both('conflict'));
        N.dirty = false;
        await reload();
        return;
      }
      // Said at the fields concerned when they can be found, else above the buttons.
      const placed = res.code === 'invalid_config' && placeProblems(root, res.message);
      formAlert($('notify-error'), placed ? both('err_fix') : said(res.message));
      if (placed) focusInvalid(root);
      return;
    }
    N.dirty = false;
    note(both('notify_saved'), 'ok');
    await reload();
  }

  return {
    buildOutbox,
    buildSettings,
    showOutbox,
    // The settings form, filled again for a new version unless the manager is typing.
    render() {
      if ($('notify-fields') && !N.dirty && (!N.form || N.form.version !== S.version)) fillSettings();
    },
    state: N,
  };
}
