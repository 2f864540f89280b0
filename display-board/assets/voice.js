// The board's voice: says an announcement from its clips, composed in the browser.
//
// Each clip (`GET /api/v1/clips/{name}.wav`, a word or the chime) is fetched once,
// decoded (Web Audio) and kept for as long as the page is open, so after the first
// calls of the day a call costs no download. The clips and pauses of a call are
// scheduled back to back on the audio clock, with the same short gap between words as
// the server's composer, so every board sounds alike; the length of an announcement
// is known before it starts. Without Web Audio the voice plays the server's composed
// WAV (`announcement.audio`) in an <audio> element instead.

// Silence between two words, as the server's composer (clips.rs, WORD_GAP_MS).
const WORD_GAP_S = 0.05;
// Scheduled this far ahead, so the first clip starts whole.
const LEAD_S = 0.05;
// An announcement that has not ended this long after its planned end is taken as
// ended (a stalled audio device must not stop the queue).
const STALL_MARGIN_MS = 5000;
// Unknown length (the <audio> fallback): given up after this.
const FALLBACK_STALL_MS = 30000;
// Waiting for the audio device to run (autoplay): longer means a tap is needed.
const RESUME_WAIT_MS = 1000;

// Thrown when the browser will not play before someone touches the page.
export class Blocked extends Error {
  constructor() {
    super('audio needs a tap');
    this.name = 'Blocked';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A voice with Web Audio, or with an <audio> element where there is none.
export function createVoice() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  return Ctx ? webAudioVoice(Ctx) : elementVoice();
}

function webAudioVoice(Ctx) {
  const ctx = new Ctx();
  const buffers = new Map(); // name -> AudioBuffer, or null: the server has no such clip
  const loading = new Map(); // name -> Promise
  let sources = [];
  let finish = null;

  function clip(name) {
    if (buffers.has(name)) return Promise.resolve(buffers.get(name));
    if (loading.has(name)) return loading.get(name);
    const p = (async () => {
      try {
        const res = await fetch(`/api/v1/clips/${encodeURIComponent(name)}.wav`);
        if (res.status === 404) {
          buffers.set(name, null);
          console.warn(`no clip "${name}": said without it`);
          return null;
        }
        if (!res.ok) return null;
        const buffer = await ctx.decodeAudioData(await res.arrayBuffer());
        buffers.set(name, buffer);
        voice.clips = buffers.size;
        return buffer;
      } catch (e) {
        // Not reachable now: this call goes without it; the next one asks again.
        return null;
      } finally {
        loading.delete(name);
      }
    })();
    loading.set(name, p);
    return p;
  }

  // Runs the audio device, or throws Blocked.
  async function running() {
    if (ctx.state === 'running') return;
    try {
      await Promise.race([ctx.resume(), sleep(RESUME_WAIT_MS)]);
    } catch (e) {
      // Refused: the same as not running.
    }
    if (ctx.state !== 'running') throw new Blocked();
  }

  const fallback = elementVoice();
  const voice = {
    kind: 'webaudio',
    ctx,
    clips: 0,
    // Within a click: lets the audio run from now on.
    unlock() { return ctx.resume().catch(() => {}); },
    // Fetches (once) and decodes the clips of `parts`.
    async prepare(parts) {
      await Promise.all([...new Set(parts.filter((p) => p[0] !== '~'))].map(clip));
    },
    // Says `turn.parts`. `onStart(durationMs, startsAt)` is called when the sound
    // starts, with the announcement's length and when it started (performance.now());
    // resolves when it has ended. Throws Blocked when the browser wants a tap first.
    async say(turn, onStart) {
      // A call without clips (a server that sends none): the server's composed WAV.
      if (!turn.parts.some((p) => p[0] !== '~')) return fallback.say(turn, onStart);
      await voice.prepare(turn.parts);
      await running();
      let t = ctx.currentTime + LEAD_S;
      const start = t;
      let previousWasClip = false;
      let last = null;
      sources = [];
      for (const part of turn.parts) {
        if (part[0] === '~') {
          t += Number(part.slice(1)) / 1000 || 0;
          previousWasClip = false;
          continue;
        }
        const buffer = buffers.get(part);
        if (!buffer) continue;
        if (previousWasClip) t += WORD_GAP_S;
        const src = ctx.createBufferSource();
        src.buffer = buffer;
        src.connect(ctx.destination);
        src.start(t);
        sources.push(src);
        last = src;
        t += buffer.duration;
        previousWasClip = true;
      }
      if (!last) throw new Error('none of the clips could be fetched');
      const durationMs = (t - start) * 1000;
      // When the sound starts, on the page's clock (performance.now()).
      const startsAt = performance.now() + (start - ctx.currentTime) * 1000;
      await new Promise((resolve) => {
        const timer = setTimeout(done, (t - ctx.currentTime) * 1000 + STALL_MARGIN_MS);
        function done() {
          clearTimeout(timer);
          finish = null;
          resolve();
        }
        finish = done;
        last.onended = done;
        // The sound starts LEAD_S from now; the panel changes with it.
        setTimeout(() => onStart(durationMs, startsAt), LEAD_S * 1000);
      });
    },
    // Silences what is being said; say() resolves.
    stop() {
      fallback.stop();
      for (const s of sources) {
        try { s.stop(); } catch (e) { /* not started */ }
      }
      sources = [];
      if (finish) finish();
    },
  };
  return voice;
}

// No Web Audio: the server's composed WAV in an <audio> element.
function elementVoice() {
  const audio = new Audio();
  audio.preload = 'auto';
  let finish = null;
  const voice = {
    kind: 'element',
    unlock() { return Promise.resolve(); },
    async prepare() {},
    async say(turn, onStart) {
      if (!turn.call.audio) return;
      audio.src = turn.call.audio;
      await new Promise((resolve, reject) => {
        const timer = setTimeout(done, FALLBACK_STALL_MS);
        function done() {
          clearTimeout(timer);
          audio.onended = audio.onerror = null;
          finish = null;
          resolve();
        }
        finish = done;
        audio.onended = done;
        audio.onerror = done;
        audio.play().then(
          () => onStart(Number.isFinite(audio.duration) ? audio.duration * 1000 : null),
          (err) => {
            clearTimeout(timer);
            finish = null;
            if (err && err.name === 'NotAllowedError') reject(new Blocked());
            else resolve();
          },
        );
      });
    },
    stop() {
      audio.pause();
      if (finish) finish();
    },
  };
  return voice;
}
