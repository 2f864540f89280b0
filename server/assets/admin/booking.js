// A service's booking rules on the admin page: the "Booking" group of the service form.
// A checkbox adds or removes the service's `booking` object (`[services.booking]`,
// docs/booking.md); under it the rules' numbers and the sessions, one row each (days,
// start, end, quota, slot length, online only), added and removed with buttons. The
// fields are the admin page's own kinds (number, time, days, bool), drawn, read and
// checked by its functions (`kit`); the object sent is what `config_booking.rs` takes,
// nothing more (it refuses unknown fields). Semantics (a session ending before it
// starts, sessions that overlap) are the server's to judge: its refusal names the
// session, and is said in that session's row.

export const BOOKING_TEXTS = {
  f_booking: ['Pemesanan dari rumah (booking)', 'Booking from home'],
  f_bookable: ['Dapat dipesan', 'Bookable'],
  h_bookable: ['Warga memesan sesi di /booking, lalu check-in di kios atau loket.', 'Citizens book a session at /booking, then check in at a kiosk or counter.'],
  f_days_ahead: ['Hari ke depan', 'Days ahead'],
  h_days_ahead: ['Maks. 60. Kosong = 7.', 'At most 60. Empty = 7.'],
  f_release: ['Kuota dibuka pukul', 'Released at'],
  h_release: ['Kosong = 07:00.', 'Empty = 07:00.'],
  f_release_days_before: ['Kuota dibuka H-', 'Released days before'],
  h_release_days_before: ['Kosong = hari ke depan.', 'Empty = the days ahead.'],
  f_check_in_before_min: ['Check-in buka (menit)', 'Check-in opens (min)'],
  h_check_in_before_min: ['Sebelum sesi. Kosong = 30.', 'Before the session. Empty = 30.'],
  f_check_in_after_min: ['Check-in tutup (menit)', 'Check-in closes (min)'],
  h_check_in_after_min: ['Setelah mulai; lalu tidak hadir. Kosong = 15.', 'After the start; then no-show. Empty = 15.'],
  f_change_until_min: ['Ubah/batal s.d. (menit)', 'Change until (min)'],
  h_change_until_min: ['Sebelum sesi. Kosong = 60.', 'Before the session. Empty = 60.'],
  f_remote_quota: ['Kuota antre dari rumah', 'Remote queue places'],
  h_remote_quota: ['Per hari, diambil dari ponsel. 0 = tidak ada.', 'A day, taken from a phone. 0 = none.'],
  f_remote_hold_min: ['Antre dari rumah (menit)', 'Remote place (min)'],
  h_remote_hold_min: ['Harus check-in dalam waktu ini. Kosong = 120.', 'To be checked in within. Empty = 120.'],
  sessions: ['Sesi', 'Sessions'],
  h_sessions: ['Kuota online terpisah dari kuota harian tiket langsung. Sesi satu hari tidak boleh bertumpuk.', 'Online seats are apart from the walk-in daily quota. A day\'s sessions may not overlap.'],
  session_n: ['Sesi {n}', 'Session {n}'],
  no_sessions: ['Belum ada sesi.', 'No sessions yet.'],
  add_session: ['Tambah sesi', 'Add a session'],
  remove_session: ['Hapus sesi {n}', 'Remove session {n}'],
  f_session_days: ['Hari', 'Days'],
  h_session_days: ['Tidak dipilih = setiap hari layanan buka.', 'None chosen = every day the service is open.'],
  f_start: ['Mulai', 'Start'],
  f_end: ['Selesai', 'End'],
  f_quota: ['Kuota online', 'Online seats'],
  h_session_quota: ['Per sesi, atau per slot.', 'Per session, or per slot.'],
  f_slot_min: ['Slot (menit)', 'Slot (minutes)'],
  h_slot_min: ['Kosong = satu slot.', 'Empty = one slot.'],
  f_online_only: ['Hanya online (tiket langsung ditolak selama sesi)', 'Online only (walk-in tickets refused meanwhile)'],
  col_booking: ['Dapat dipesan', 'Bookable'],
  bookable_n: ['ya · {n} sesi', 'yes · sessions: {n}'],
  bookable_remote: ['ya · antre dari rumah', 'yes · remote queue'],
};

// The rules' numbers, as the admin page's fields.
const RULES = [
  { name: 'days_ahead', type: 'number', check: 'count', hint: 'h_days_ahead' },
  { name: 'release', check: 'time', hint: 'h_release' },
  { name: 'release_days_before', type: 'number', check: 'count', hint: 'h_release_days_before' },
  { name: 'check_in_before_min', type: 'number', check: 'count', hint: 'h_check_in_before_min' },
  { name: 'check_in_after_min', type: 'number', check: 'count', hint: 'h_check_in_after_min' },
  { name: 'change_until_min', type: 'number', check: 'count', hint: 'h_change_until_min' },
  { name: 'remote_quota', type: 'number', check: 'count', hint: 'h_remote_quota' },
  { name: 'remote_hold_min', type: 'number', check: 'count', hint: 'h_remote_hold_min' },
];

// One session's fields.
const SESSION = [
  { name: 'days', type: 'days', label: 'f_session_days', hint: 'h_session_days', wide: true },
  { name: 'start', required: true, check: 'time' },
  { name: 'end', required: true, check: 'time' },
  { name: 'quota', type: 'number', required: true, check: 'minutes', hint: 'h_session_quota' },
  { name: 'slot_min', type: 'number', check: 'minutes', hint: 'h_slot_min' },
  { name: 'online_only', type: 'bool', wide: true },
];

// What a server refusal says of a session, and the field it concerns.
const SESSION_WORDS = [[/slot_min/, 'slot_min'], [/quota/, 'quota'], [/start before it ends/, 'end'], [/unknown day/, 'days']];

// The booking group, drawn and read with the admin page's `kit`: `fieldHtml`,
// `readField`, `checkFields`, `fieldError`, `both`.
export function bookingKind(kit) {
  const { fieldHtml, readField, checkFields, fieldError, both } = kit;
  const rowsOf = (root, p) => [...root.querySelectorAll(`#${p}-booking-rows > fieldset.session`)];

  function rowHtml(p, i, s) {
    const rp = `${p}-booking-s${i}`;
    const value = (f) => (f.name === 'online_only' ? !!s.online_only : s[f.name]);
    return `<fieldset class="session" id="${rp}" data-row="${i}" aria-describedby="${rp}-err">` +
      `<legend>${both('session_n', { n: i + 1 })}</legend><div class="session-fields">` +
      SESSION.map((f) => fieldHtml(rp, f, value(f))).join('') + '</div>' +
      `<span id="${rp}-err" class="field-error" hidden></span>` +
      `<div class="row"><button type="button" class="small danger" data-remove-session="${i}">${both('remove_session', { n: i + 1 })}</button></div></fieldset>`;
  }

  function rowsHtml(p, sessions) {
    return sessions.length ? sessions.map((s, i) => rowHtml(p, i, s)).join('') : `<p class="hint no-sessions">${both('no_sessions')}</p>`;
  }

  // A row's values as typed (not checked), to draw the rows again after one goes.
  function rawRow(row) {
    const input = (name) => row.querySelector(`[id$="-${name}"]`);
    return {
      days: [...row.querySelectorAll('input[name="days"]:checked')].map((i) => i.value),
      start: input('start').value, end: input('end').value, quota: input('quota').value,
      slot_min: input('slot_min').value, online_only: input('online_only').checked,
    };
  }

  return {
    html(p, f, value) {
      const b = value && typeof value === 'object' ? value : null;
      const id = `${p}-booking`;
      const rules = b || {};
      return `<fieldset class="field booking wide" id="${id}" aria-describedby="${id}-hint ${id}-err">` +
        `<legend>${both('f_booking')}</legend>` +
        `<label class="bookable" for="${id}-on"><input type="checkbox" id="${id}-on"${b ? ' checked' : ''}> ${both('f_bookable')}</label>` +
        `<span id="${id}-hint" class="hint">${both('h_bookable')}</span>` +
        `<span id="${id}-err" class="field-error" hidden></span>` +
        `<div id="${id}-body" class="booking-body"${b ? '' : ' hidden'}>` +
        `<div class="booking-rules">${RULES.map((r) => fieldHtml(id, r, rules[r.name])).join('')}</div>` +
        `<h3 class="sessions-title" id="${id}-sessions">${both('sessions')}</h3>` +
        `<p class="hint">${both('h_sessions')}</p>` +
        `<div id="${id}-rows" class="session-rows" role="group" aria-labelledby="${id}-sessions">${rowsHtml(p, (b && b.sessions) || [])}</div>` +
        `<div class="row start"><button type="button" class="ghost dark" id="${id}-add">+ ${both('add_session')}</button></div>` +
        '</div></fieldset>';
    },

    wire(root, p) {
      const group = root.querySelector(`#${p}-booking`);
      if (!group) return;
      const id = `${p}-booking`;
      const body = group.querySelector(`#${id}-body`);
      group.querySelector(`#${id}-on`).addEventListener('change', (e) => {
        body.hidden = !e.target.checked;
        // A service made bookable starts with one session to fill in.
        if (e.target.checked && !rowsOf(root, p).length) root.querySelector(`#${id}-rows`).innerHTML = rowsHtml(p, [{}]);
      });
      group.querySelector(`#${id}-add`).addEventListener('click', () => {
        const sessions = rowsOf(root, p).map(rawRow).concat({});
        root.querySelector(`#${id}-rows`).innerHTML = rowsHtml(p, sessions);
        const rows = rowsOf(root, p);
        rows[rows.length - 1].querySelector('input').focus();
      });
      group.querySelector(`#${id}-rows`).addEventListener('click', (e) => {
        const b = e.target.closest('button[data-remove-session]');
        if (!b) return;
        const at = Number(b.dataset.removeSession);
        const sessions = rowsOf(root, p).map(rawRow);
        sessions.splice(at, 1);
        root.querySelector(`#${id}-rows`).innerHTML = rowsHtml(p, sessions);
        // The focus goes to the remove button of the row now in its place, else the
        // one before, else to "add a session".
        const rows = rowsOf(root, p);
        const row = rows[Math.min(at, rows.length - 1)];
        (row ? row.querySelector('button[data-remove-session]') : group.querySelector(`#${id}-add`)).focus();
      });
    },

    // The `booking` object as the API takes it; `undefined` when not bookable.
    read(root, p) {
      const on = root.querySelector(`#${p}-booking-on`);
      if (!on || !on.checked) return undefined;
      const id = `${p}-booking`;
      const out = {};
      for (const f of RULES) {
        const v = readField(root, id, f);
        if (v !== undefined) out[f.name] = v;
      }
      out.sessions = rowsOf(root, p).map((row, i) => {
        const s = {};
        for (const f of SESSION) {
          const v = readField(root, `${id}-s${i}`, f);
          if (v !== undefined && v !== false) s[f.name] = v;
        }
        return s;
      });
      return out;
    },

    // The form's checks of the group: `{'booking-days_ahead': textKey, 'booking-s0-start': …}`.
    check(root, p) {
      const errors = {};
      const on = root.querySelector(`#${p}-booking-on`);
      if (!on || !on.checked) return errors;
      const id = `${p}-booking`;
      const rules = {};
      for (const f of RULES) rules[f.name] = readField(root, id, f);
      for (const [name, why] of Object.entries(checkFields(RULES, rules, null))) errors[`booking-${name}`] = why;
      rowsOf(root, p).forEach((row, i) => {
        const s = {};
        for (const f of SESSION) s[f.name] = readField(root, `${id}-s${i}`, f);
        for (const [name, why] of Object.entries(checkFields(SESSION, s, null))) errors[`booking-s${i}-${name}`] = why;
      });
      return errors;
    },

    // A server refusal about the booking rules, said where it belongs: in the session
    // it names (its field marked), at the rule it names, or at the group. Returns the
    // element to focus, or null when the refusal is not about booking.
    refusal(root, p, text, html) {
      const group = root.querySelector(`#${p}-booking`);
      if (!group || !/\bbooking\b/.test(text)) return null;
      const id = `${p}-booking`;
      const session = /session (\d+)/.exec(text);
      const row = session ? root.querySelector(`#${id}-s${Number(session[1]) - 1}`) : null;
      if (row) {
        const word = SESSION_WORDS.find(([re]) => re.test(text));
        const err = row.querySelector(`#${row.id}-err`);
        err.innerHTML = html;
        err.hidden = false;
        const field = word ? row.querySelector(`#${row.id}-${word[1]}`) : null;
        (field || row).setAttribute('aria-invalid', 'true');
        return field || row;
      }
      const rule = RULES.map((r) => r.name).sort((a, b) => b.length - a.length).find((n) => new RegExp(`\\b${n}\\b`).test(text));
      if (rule && fieldError(root, id, rule, html)) return root.querySelector(`#${id}-${rule}`);
      fieldError(root, p, 'booking', html);
      return group;
    },

    // The services table's cell.
    cell(s) {
      const b = s.booking;
      if (!b) return `<span class="muted">${both('no')}</span>`;
      const n = (b.sessions || []).length;
      return n || !b.remote_quota ? both('bookable_n', { n }) : both('bookable_remote');
    },
  };
}
