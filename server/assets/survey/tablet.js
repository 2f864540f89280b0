// A counter's survey tablet (`/survey/{counter}`), facing the visitor: signed in once by
// the counter's officer (or a supervisor or admin), it waits; as soon as the counter
// finishes a visit it asks that visitor the SKM questionnaire (the shared survey.js)
// about that ticket, thanks them, and goes back to waiting. It learns of a finished visit
// from `GET /api/v1/counters/{code}/survey`, asked every few seconds and at once when
// the stream says the counter completed a ticket. The officer never sees the answers:
// they go straight to the server and leave the screen when sent.
import { follow, loadSite, openModal, said, staffShell, staffSession } from '/assets/antre.js';
import { loadQuestions, survey, surveyTexts } from '/assets/survey.js';

const API = '/api/v1';
// How often the tablet asks whether a visit has just finished.
const POLL_MS = 2500;
// The thank-you screen stays this long before the tablet waits again.
const THANKS_MS = 6000;
// A visitor who walks away mid-survey: back to waiting after this long untouched.
const IDLE_MS = 90000;

const code = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() || '');
const $ = (id) => document.getElementById(id);
// A tablet stays signed in across restarts (its token lasts a working day).
const S = staffSession('antre.survey.v1.' + code, localStorage);
const A = {
  counter: null, questions: null, visit: null, asking: null, handled: new Set(),
  polls: 0, offered: 0, sent: 0, stream: null, timer: null, idleTimer: null,
};
window.antreSurvey = A; // for tests and for support staff
// The log-in frame (antre.js), made once the counter's name, the form's title, is known.
let shell = null;

function show(view) {
  document.body.dataset.view = view;
  $('signin').hidden = view !== 'signin';
  $('idle').hidden = view !== 'idle';
  $('asking').hidden = view !== 'asking';
  $('foot').hidden = view === 'signin' || view === 'boot';
  $('who').textContent = S.user || '';
}

function message(html) {
  $('message').innerHTML = html || '';
}

// Whether this user may run this counter's tablet: the server says (403 otherwise).
async function mayRun() {
  const res = await S.api('GET', `${API}/counters/${encodeURIComponent(code)}/survey`);
  if (res.ok || res.net) return null;
  return said(res.message);
}

function idle() {
  stopAsking();
  show('idle');
}

function stopAsking() {
  clearTimeout(A.idleTimer);
  if (A.asking) { A.asking.close(); A.asking = null; }
  A.visit = null;
}

const keyOf = (v) => `${v.number}|${v.finished_at}`;

// A visit to ask about, if the tablet is free for it.
async function offer(visit) {
  if (A.asking || A.handled.has(keyOf(visit))) return;
  if (!A.questions) A.questions = await loadQuestions();
  if (!A.questions) { message(surveyTexts.both('unavailable')); return; }
  if (A.asking) return;
  message('');
  A.visit = visit;
  A.offered++;
  show('asking');
  const key = keyOf(visit);
  A.asking = survey($('survey'), {
    questions: A.questions,
    number: visit.number,
    token: visit.track_token,
    onSkip() { A.handled.add(key); idle(); },
    onDone(outcome) {
      A.handled.add(key);
      if (outcome === 'sent') A.sent++;
      clearTimeout(A.idleTimer);
      A.idleTimer = setTimeout(idle, THANKS_MS);
    },
  });
  touched();
}

// Any touch or key keeps the survey open; none for a while ends it.
function touched() {
  if (!A.asking) return;
  const step = $('survey').dataset.step;
  if (step === 'thanks' || step === 'already' || step === 'refused') return;
  clearTimeout(A.idleTimer);
  A.idleTimer = setTimeout(() => {
    if (A.visit) A.handled.add(keyOf(A.visit));
    idle();
  }, IDLE_MS);
}

async function poll() {
  clearTimeout(A.timer);
  if (!S.token) return;
  const res = await S.api('GET', `${API}/counters/${encodeURIComponent(code)}/survey`);
  A.polls++;
  if (!S.token) return;
  if (res.ok) {
    $('conn').className = 'conn';
    $('conn').textContent = '';
    const visit = res.data;
    if (visit) offer(visit);
    // The visit is no longer offered (answered elsewhere, or too long ago): a survey
    // not yet started goes.
    else if (A.asking && $('survey').dataset.step === 'intro') idle();
  } else if (res.net) {
    $('conn').className = 'conn offline';
    $('conn').innerHTML = 'Terputus — mencoba lagi… <small lang="en">Offline — retrying…</small>';
  } else if (res.status === 403) {
    S.logOut();
    shell.toSignIn('', said(res.message));
    return;
  }
  A.timer = setTimeout(poll, POLL_MS);
}

async function boot() {
  const site = await loadSite();
  $('site-name').textContent = site.name;
  A.counter = site.counters.find((c) => c.code === code) || null;
  $('counter-name').textContent = A.counter ? A.counter.name : code;
  document.title = `Survei — ${A.counter ? A.counter.name : code} — Antre`;
  if (!A.counter) {
    show('idle');
    message(`Loket ${code} tidak ada. <small lang="en">There is no counter ${code}.</small>`);
    return;
  }
  const name = A.counter.name;
  shell = staffShell(S, {
    title: [`Tablet survei — ${name}`, `Survey tablet — ${name}`],
    allowed: mayRun,
    // The tablet's own views; its log-out asks first (below).
    show,
    onSignedIn: () => { idle(); poll(); },
    onSignedOut: () => { stopAsking(); clearTimeout(A.timer); },
  });
  document.addEventListener('pointerdown', touched, true);
  document.addEventListener('keydown', touched, true);
  $('logout-btn').addEventListener('click', () => openModal($('logout-dialog'), $('logout-cancel')));
  $('logout-cancel').addEventListener('click', () => $('logout-dialog').close());
  $('logout-go').addEventListener('click', () => { $('logout-dialog').close(); shell.logOut(); });
  // A completed visit at this counter: ask at once rather than at the next poll.
  A.stream = follow({
    zone: A.counter.zone,
    onEvent(e) {
      if (e.type === 'ticket.done' && e.ticket && e.ticket.counter === code && S.token && !A.asking) poll();
    },
  });
  A.questions = await loadQuestions();
  const refusal = (await S.resume()) ? await mayRun() : '';
  if (S.token && !refusal) { idle(); poll(); return; }
  if (refusal) S.logOut();
  shell.toSignIn('', refusal);
}

boot();
