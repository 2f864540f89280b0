// The SKM questionnaire (Permenpan RB 14/2017), one module for the two places that ask
// it: the tablet facing the visitor at a counter (`/survey/{counter}`) and the phone
// page of a finished ticket (`/t/{token}`). The nine unsur come from the server
// (`GET /api/v1/surveys/questions`: the regulation's question and four answers, scored 1
// to 4), one per screen with big buttons, then the optional profile and a suggestion;
// the answers go to `POST /api/v1/surveys` with the ticket's tracking secret. Nothing
// names the visitor, and nothing of the answers stays on the screen once sent.
// Works by touch, mouse and keyboard alone (Tab and Enter, or the keys 1–4).
import { esc, request, said, sleep, texts } from '/assets/antre.js';

const T = texts({
  ask: ['Bagaimana pelayanan kami?', 'How was our service?'],
  ask_for: ['Nomor antrian {number}', 'Queue number {number}'],
  ask_about: ['9 pertanyaan singkat, sekitar 1 menit. Jawaban Anda tanpa nama dan tidak dilihat petugas.', '9 short questions, about a minute. Your answers carry no name and the officer does not see them.'],
  start: ['Isi survei', 'Take the survey'],
  skip: ['Tidak, terima kasih', 'No, thank you'],
  progress: ['Pertanyaan {n} dari {of}', 'Question {n} of {of}'],
  back: ['Kembali', 'Back'],
  keys: ['Pilih dengan menyentuh, atau tekan 1–4.', 'Touch an answer, or press 1–4.'],
  profile: ['Tentang Anda', 'About you'],
  profile_why: ['Boleh dilewati. Membantu kami memahami siapa yang kami layani.', 'Optional. It helps us understand whom we serve.'],
  gender: ['Jenis kelamin', 'Sex'],
  g_l: ['Laki-laki', 'Male'],
  g_p: ['Perempuan', 'Female'],
  age: ['Usia (tahun)', 'Age (years)'],
  education: ['Pendidikan', 'Education'],
  e_sd: ['SD', 'Primary school'], e_smp: ['SMP', 'Junior high school'], e_sma: ['SMA/SMK', 'Senior high school'],
  e_diploma: ['Diploma (D1–D4)', 'Diploma'], e_s1: ['S1', "Bachelor's degree"], e_s2: ['S2', "Master's degree"], e_s3: ['S3', 'Doctorate'],
  occupation: ['Pekerjaan', 'Occupation'],
  o_pns: ['PNS', 'Civil servant'], o_tni: ['TNI', 'Armed forces'], o_polri: ['POLRI', 'Police'], o_swasta: ['Pegawai swasta', 'Private employee'],
  o_wirausaha: ['Wirausaha', 'Self-employed'], o_pelajar: ['Pelajar/Mahasiswa', 'Student'], o_lainnya: ['Lainnya', 'Other'],
  none: ['— tidak diisi —', '— not given —'],
  suggestion: ['Saran dan masukan', 'Suggestions'],
  suggestion_hint: ['Boleh dikosongkan. Jangan menulis nama, NIK atau nomor telepon.', 'Optional. Please do not write names, ID or phone numbers.'],
  send: ['Kirim', 'Send'],
  sending: ['Mengirim…', 'Sending…'],
  thanks: ['Terima kasih!', 'Thank you!'],
  thanks_more: ['Jawaban Anda membantu kami memperbaiki pelayanan.', 'Your answers help us improve our service.'],
  already: ['Survei untuk nomor ini sudah diisi. Terima kasih.', 'The survey for this number has already been answered. Thank you.'],
  not_served: ['Survei dapat diisi setelah pelayanan selesai.', 'The survey opens once the service is finished.'],
  net: ['Tidak tersambung ke server. Jawaban Anda masih di sini: coba kirim lagi.', 'Not connected to the server. Your answers are still here: try sending again.'],
  retry: ['Kirim lagi', 'Send again'],
  age_bad: ['Usia 15 sampai 100 tahun, atau kosongkan.', 'Age 15 to 100, or leave it empty.'],
  unavailable: ['Survei belum dapat dimuat. Coba lagi sebentar.', 'The survey cannot be loaded yet. Try again shortly.'],
});
const both = (key, vars) => T.both(key, vars);
const EDUCATIONS = ['sd', 'smp', 'sma', 'diploma', 's1', 's2', 's3'];
const OCCUPATIONS = ['pns', 'tni', 'polri', 'swasta', 'wirausaha', 'pelajar', 'lainnya'];

let cached = null;

// The nine unsur with their questions and answers, from the server (asked again after
// a failure; `null` after `tries`).
export async function loadQuestions(tries = 5) {
  if (cached) return cached;
  for (let i = 0; i < tries; i++) {
    try {
      const res = await request('GET', '/api/v1/surveys/questions');
      if (res.status === 200 && Array.isArray(res.data) && res.data.length) {
        cached = res.data;
        return cached;
      }
    } catch (_) { /* tried again */ }
    await sleep(500 * (i + 1));
  }
  return null;
}

// The questionnaire in `root` (emptied first) for the ticket `number` whose tracking
// secret is `token`. `onDone(outcome)` is told 'sent', 'already' (answered before) or
// 'refused'; `onSkip`, when given, offers "no thanks" on the first screen. Returns
// `{close()}`, which empties `root`. `root.dataset.step` says where the visitor is
// ('intro', 'q1'…'q9', 'profile', 'sending', 'thanks', 'already', 'error').
export function survey(root, { questions, number, token, onDone, onSkip, intro = true }) {
  const answers = new Array(questions.length).fill(0);
  const profile = { gender: '', age: '', education: '', occupation: '', suggestion: '' };
  let closed = false;
  root.classList.add('skm-survey');

  let first = true;
  const step = (name, html, at) => {
    if (closed) return;
    root.dataset.step = name;
    root.innerHTML = html;
    const target = at ? root.querySelector(at) : root.querySelector('h2, h1');
    if (target && !/^(BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) target.setAttribute('tabindex', '-1');
    if (target && (focus || !first)) target.focus({ preventScroll: true });
    // Each new screen from its top (on a phone the questionnaire is below the ticket).
    const top = root.getBoundingClientRect().top;
    if (!first && (top < 0 || top > innerHeight / 3)) root.scrollIntoView({ block: 'start' });
    first = false;
  };

  function showIntro() {
    step('intro',
      `<div class="skm-intro"><h2 class="skm-ask">${both('ask')}</h2>` +
      (number ? `<p class="skm-number">${both('ask_for', { number })}</p>` : '') +
      `<p class="skm-about">${both('ask_about')}</p>` +
      `<div class="skm-actions"><button type="button" class="skm-primary" data-go="start">${both('start')}</button>` +
      (onSkip ? `<button type="button" class="skm-secondary" data-go="skip">${both('skip')}</button>` : '') +
      '</div></div>', 'h2');
  }

  function showQuestion(i) {
    const q = questions[i];
    const chosen = answers[i];
    const buttons = [0, 1, 2, 3].map((k) => {
      const score = k + 1;
      return `<button type="button" class="skm-answer a${score}" data-score="${score}" aria-pressed="${chosen === score}">` +
        `<span class="skm-score" aria-hidden="true">${score}</span><span class="skm-label">${esc(q.labels[k])}` +
        `<small lang="en">${esc(q.labels_en ? q.labels_en[k] : '')}</small></span></button>`;
    }).join('');
    step('q' + (i + 1),
      `<div class="skm-question"><p class="skm-progress">${both('progress', { n: i + 1, of: questions.length })}</p>` +
      `<div class="skm-bar" aria-hidden="true"><span style="width:${Math.round((i / questions.length) * 100)}%"></span></div>` +
      `<p class="skm-unsur">${esc(q.code)} · ${esc(q.name)}<small lang="en">${esc(q.name_en || '')}</small></p>` +
      `<h2 id="skm-q" class="skm-q">${esc(q.question)}<small lang="en">${esc(q.question_en || '')}</small></h2>` +
      `<div class="skm-answers" role="group" aria-labelledby="skm-q">${buttons}</div>` +
      `<p class="skm-keys">${both('keys')}</p>` +
      `<div class="skm-nav"><button type="button" class="skm-secondary" data-go="back">${both('back')}</button></div></div>`, 'h2');
  }

  const option = (key, value, chosen) => `<option value="${value}"${chosen === value ? ' selected' : ''}>${esc(T.bothText(key))}</option>`;

  function showProfile(error) {
    const genders = ['l', 'p'].map((g) => `<label class="skm-choice"><input type="radio" name="skm-gender" value="${g}"${profile.gender === g ? ' checked' : ''}> ${both('g_' + g)}</label>`).join('');
    step('profile',
      `<form class="skm-profile" novalidate><h2 class="skm-q">${both('profile')}</h2><p class="skm-about">${both('profile_why')}</p>` +
      `<fieldset class="skm-field"><legend>${both('gender')}</legend><div class="skm-choices">${genders}</div></fieldset>` +
      `<div class="skm-row"><div class="skm-field"><label for="skm-age">${both('age')}</label>` +
      `<input id="skm-age" type="number" inputmode="numeric" min="15" max="100" step="1" value="${esc(profile.age)}" aria-describedby="skm-age-error">` +
      `<span id="skm-age-error" class="skm-error" role="alert">${error === 'age' ? both('age_bad') : ''}</span></div>` +
      `<div class="skm-field"><label for="skm-education">${both('education')}</label><select id="skm-education">` +
      option('none', '', profile.education) + EDUCATIONS.map((e) => option('e_' + e, e, profile.education)).join('') + '</select></div></div>' +
      `<div class="skm-field"><label for="skm-occupation">${both('occupation')}</label><select id="skm-occupation">` +
      option('none', '', profile.occupation) + OCCUPATIONS.map((o) => option('o_' + o, o, profile.occupation)).join('') + '</select></div>' +
      `<div class="skm-field"><label for="skm-suggestion">${both('suggestion')}</label>` +
      `<textarea id="skm-suggestion" rows="3" maxlength="1000" aria-describedby="skm-suggestion-hint">${esc(profile.suggestion)}</textarea>` +
      `<span id="skm-suggestion-hint" class="skm-hint">${both('suggestion_hint')}</span></div>` +
      `<p class="skm-error skm-send-error" role="alert"></p>` +
      `<div class="skm-nav"><button type="button" class="skm-secondary" data-go="back">${both('back')}</button>` +
      `<button type="submit" class="skm-primary" data-go="send">${both('send')}</button></div></form>`, error === 'age' ? '#skm-age' : 'h2');
  }

  function readProfile() {
    const g = root.querySelector('input[name="skm-gender"]:checked');
    profile.gender = g ? g.value : '';
    profile.age = root.querySelector('#skm-age').value.trim();
    profile.education = root.querySelector('#skm-education').value;
    profile.occupation = root.querySelector('#skm-occupation').value;
    profile.suggestion = root.querySelector('#skm-suggestion').value;
  }

  function finish(name, html, outcome) {
    step(name, `<div class="skm-end ${name}"><h2 class="skm-ask">${html}</h2>` +
      (name === 'thanks' ? `<p class="skm-about">${both('thanks_more')}</p>` : '') + '</div>', 'h2');
    // Nothing of the answers stays behind.
    answers.fill(0);
    Object.keys(profile).forEach((k) => { profile[k] = ''; });
    if (onDone) onDone(outcome);
  }

  async function send() {
    readProfile();
    const age = profile.age === '' ? null : Number(profile.age);
    if (age !== null && !(Number.isInteger(age) && age >= 15 && age <= 100)) { showProfile('age'); return; }
    const body = { track_token: token, answers: answers.slice() };
    const p = {};
    if (profile.gender) p.gender = profile.gender;
    if (age !== null) p.age = age;
    if (profile.education) p.education = profile.education;
    if (profile.occupation) p.occupation = profile.occupation;
    if (Object.keys(p).length) body.profile = p;
    if (profile.suggestion.trim()) body.suggestion = profile.suggestion.trim();
    const go = root.querySelector('[data-go="send"]');
    go.disabled = true;
    go.innerHTML = both('sending');
    root.dataset.step = 'sending';
    let res = null;
    try { res = await request('POST', '/api/v1/surveys', { body }); } catch (_) { res = null; }
    if (closed) return;
    const code = res && res.data && res.data.error ? res.data.error.code : '';
    if (res && res.status === 201) finish('thanks', both('thanks'), 'sent');
    else if (code === 'already_answered') finish('already', both('already'), 'already');
    else if (code === 'not_served') finish('refused', both('not_served'), 'refused');
    else {
      root.dataset.step = 'profile';
      go.disabled = false;
      go.innerHTML = res ? both('send') : both('retry');
      const err = root.querySelector('.skm-send-error');
      err.innerHTML = res ? said(res.data && res.data.error ? res.data.error.message : 'HTTP ' + res.status) : both('net');
      go.focus();
      if (res && res.status >= 400 && res.status < 500 && res.status !== 400 && res.status !== 429) {
        finish('refused', err.innerHTML, 'refused');
      }
    }
  }

  // The question shown, by its step name.
  const current = () => (/^q\d+$/.test(root.dataset.step || '') ? Number(root.dataset.step.slice(1)) - 1 : -1);

  function answer(i, score) {
    answers[i] = score;
    for (const b of root.querySelectorAll('.skm-answer')) b.setAttribute('aria-pressed', String(Number(b.dataset.score) === score));
    // A moment to see the choice taken, then on.
    setTimeout(() => {
      if (closed || current() !== i) return;
      if (i + 1 < questions.length) showQuestion(i + 1);
      else showProfile();
    }, 180);
  }

  const onClick = (e) => {
    const a = e.target.closest('.skm-answer');
    if (a && current() >= 0) { answer(current(), Number(a.dataset.score)); return; }
    const b = e.target.closest('button[data-go]');
    if (!b) return;
    const go = b.dataset.go;
    if (go === 'start') showQuestion(0);
    else if (go === 'skip') { if (onSkip) onSkip(); }
    else if (go === 'back') {
      const i = current();
      if (i > 0) showQuestion(i - 1);
      else if (i === 0) { if (intro) showIntro(); }
      else if (root.dataset.step === 'profile') { readProfile(); showQuestion(questions.length - 1); }
    }
  };
  const onSubmit = (e) => { e.preventDefault(); if (root.dataset.step === 'profile') send(); };
  const onKey = (e) => {
    const i = current();
    if (i < 0 || e.ctrlKey || e.altKey || e.metaKey) return;
    if (/^[1-4]$/.test(e.key)) { e.preventDefault(); answer(i, Number(e.key)); }
  };
  root.addEventListener('click', onClick);
  root.addEventListener('submit', onSubmit);
  root.addEventListener('keydown', onKey);

  if (intro) showIntro();
  else showQuestion(0);

  return {
    close() {
      closed = true;
      root.removeEventListener('click', onClick);
      root.removeEventListener('submit', onSubmit);
      root.removeEventListener('keydown', onKey);
      root.innerHTML = '';
      delete root.dataset.step;
    },
  };
}

// The words a host page needs around the questionnaire (the load failure).
export const surveyTexts = T;
