// The order in which the board says its calls, and what it says for each: the rules of
// the board agent (`display-board/src/queue.rs`, where they are unit-tested), the same
// here so that a hall hears the same from the page and from the agent.
//
// - Every call of the board's zone is queued and said, in the order it was made; none
//   is dropped because others wait.
// - A recall goes to the back of the queue. A recall of a call that still waits is not
//   queued twice: the waiting call will be said, now counted from the recall.
// - A backlog is worked off faster without losing what a citizen listens for: the chime
//   and "nomor antrian" open a run of calls said back to back, not every call of it, and
//   the English phrase is left out while other calls wait. The number, the counter and
//   the place are always said.
// - A call is left out (shown as left out, never said) only when it is older than
//   MAX_AGE_MS when its turn comes: ten minutes, which no burst reaches (a lobby board
//   of a 60-counter MPP says the opening burst in about six minutes) and beyond which a
//   counter has recalled (a fresh call) or moved on (docs/board.md).
//
// Parts are written as on the wire: a clip's name, or `~MS` for a pause.

export const MAX_AGE_MS = 10 * 60 * 1000;
// A call that starts within this of the end of the previous one continues its run.
export const RUN_WINDOW_MS = 2000;
// Silence after a call before the next: shorter while calls wait.
export const BACKLOG_GAP_MS = 300;
export const GAP_MS = 700;
// Between the Indonesian and the English announcement: a new sentence.
const BETWEEN_LANGUAGES = '~700';
const CHIME = 'chime';
const OPENING = ['nomor', 'antrian'];

// Whether a board of `boardZone` (null: a lobby board) says where a counter of
// `counterZone` is: for every counter outside its own zone.
export function saysPlace(counterZone, boardZone) {
  return boardZone !== counterZone;
}

// The parts a call is said with: its words (the chime and "nomor antrian" only when it
// opens a run), then its place, then, when `english`, the English phrase.
export function spoken(call, opening, english) {
  let parts = call.parts.slice();
  if (!opening) {
    if (parts[0] === CHIME) {
      parts.shift();
      if (parts[0] && parts[0][0] === '~') parts.shift();
    }
    if (parts[0] === OPENING[0] && parts[1] === OPENING[1]) parts = parts.slice(2);
  }
  if (call.place) parts = parts.concat(call.place.parts);
  if (english && call.partsEn.length) parts = parts.concat([BETWEEN_LANGUAGES], call.partsEn);
  return parts;
}

// The calls waiting to be said. A call: {seq, recall, number, counter, madeMs, text,
// textEn, parts, partsEn, place: {zone, name, text, parts} or null, audio}; times in
// milliseconds on one clock.
export class Queue {
  constructor() {
    this.waiting = [];
    this.lastEndMs = null;
  }

  get length() { return this.waiting.length; }

  // 'queued', 'merged' (a recall of a call still waiting) or 'left-out' (too old).
  push(call, nowMs) {
    if (nowMs - call.madeMs > MAX_AGE_MS) return 'left-out';
    if (call.recall) {
      const w = this.waiting.find((c) => c.number === call.number && c.counter === call.counter);
      if (w) {
        w.madeMs = Math.max(w.madeMs, call.madeMs);
        return 'merged';
      }
    }
    this.waiting.push(call);
    return 'queued';
  }

  // Calls too old to say are taken out first (`leftOut`, in call order); then the
  // turn of the next call, if any: {call, parts, text, opening, english, waiting, gapMs}.
  next(nowMs) {
    const leftOut = this.waiting.filter((c) => nowMs - c.madeMs > MAX_AGE_MS);
    this.waiting = this.waiting.filter((c) => !(nowMs - c.madeMs > MAX_AGE_MS));
    const call = this.waiting.shift();
    if (!call) return { leftOut, turn: null };
    const opening = this.lastEndMs === null || nowMs - this.lastEndMs > RUN_WINDOW_MS;
    const waiting = this.waiting.length;
    const english = waiting === 0 && call.partsEn.length > 0;
    return {
      leftOut,
      turn: {
        call,
        parts: spoken(call, opening, english),
        text: call.place ? `${call.text}, ${call.place.text}` : call.text,
        opening,
        english,
        waiting,
        gapMs: waiting > 0 ? BACKLOG_GAP_MS : GAP_MS,
      },
    };
  }

  // The turn given by next() has been said (or could not be), at `nowMs`.
  done(nowMs) {
    this.lastEndMs = nowMs;
  }

  // A turn that could not start (the browser wants a tap first) goes back to the front.
  putBack(call) {
    this.waiting.unshift(call);
  }

  // Everything waiting, given up (the board was muted).
  clear() {
    const all = this.waiting;
    this.waiting = [];
    return all;
  }
}
