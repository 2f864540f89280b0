// The first start's setup form: checks its fields, sends them, and once the server has
// restarted on the new site opens the admin pages. (It cannot import the shared page
// module: the server that serves it has only this page.)

const $ = (id) => document.getElementById(id);

function fieldError(input, errorId, text) {
  const el = $(errorId);
  el.hidden = !text;
  el.textContent = text || '';
  input.setAttribute('aria-invalid', text ? 'true' : 'false');
  if (text) input.focus();
  return !!text;
}

async function submit(ev) {
  ev.preventDefault();
  $('form-error').hidden = true;
  const name = $('name').value.trim();
  const password = $('password').value;
  if (fieldError($('name'), 'name-error', name ? '' : 'Isi nama MPP. / Enter the name of the MPP.')) return;
  const bad = password.length < 10 ? 'Minimal 10 karakter. / At least 10 characters.'
    : password !== $('password2').value ? 'Kedua kata sandi tidak sama. / The two passwords differ.' : '';
  if (fieldError($('password'), 'password-error', bad)) return;
  $('submit').disabled = true;
  const body = {
    name, timezone: $('timezone').value, username: $('username').value.trim() || 'admin', password,
  };
  const code = $('setup-code').value.trim();
  if (code) body.setup_code = code;
  try {
    const res = await fetch('/api/v1/setup', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body),
    });
    if (res.status === 201) {
      $('done').hidden = false;
      document.body.dataset.done = '1';
      waitForServer();
      return;
    }
    const data = await res.json().catch(() => null);
    $('form-error').hidden = false;
    $('form-error').textContent = (data && data.error && data.error.message) || ('HTTP ' + res.status);
  } catch (_) {
    $('form-error').hidden = false;
    $('form-error').textContent = 'Server tidak terjangkau. / The server cannot be reached.';
  } finally {
    $('submit').disabled = false;
  }
}

// The server restarts on its new site: the admin pages open once it answers.
async function waitForServer() {
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 500));
    try {
      const res = await fetch('/api/v1/site', { cache: 'no-store' });
      if (res.status === 200) { location.href = '/admin'; return; }
    } catch (_) { /* restarting */ }
  }
}

$('setup').addEventListener('submit', submit);
