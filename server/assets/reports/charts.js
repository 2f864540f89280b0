// The reports' charts, drawn as SVG text (no library, no build step): columns (figures
// in time order), bars (figures by name), a trend line and the weekday × hour heatmap.
// Each chart is an image with a name and a description for screen readers; the same
// figures are in the tables beside them. Drawn for the width given (the chart's box),
// in CSS pixels, and scaled with it when printed.
import { esc, num } from '/assets/antre.js';

let ids = 0;
const FONT = 12;

// A round top for an axis (1, 2 or 5 × 10^k) and its ticks.
function scale(max) {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const raw = max / 4;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
  const top = Math.ceil(max / step) * step;
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Math.round(v * 1000) / 1000);
  return { top, ticks };
}

function open(width, height, title) {
  const id = `chart-${++ids}`;
  return `<svg class="svg-chart" role="img" aria-labelledby="${id}" viewBox="0 0 ${width} ${height}" width="100%" ` +
    `preserveAspectRatio="xMinYMin meet" font-size="${FONT}"><title id="${id}">${esc(title)}</title>`;
}

function legend(series, x, y) {
  let out = '';
  let at = x;
  for (const s of series) {
    out += `<rect class="${s.cls}" x="${at}" y="${y - 10}" width="12" height="12" rx="2"></rect>` +
      `<text class="axis" x="${at + 16}" y="${y}">${esc(s.name)}</text>`;
    at += 24 + s.name.length * 6.5;
  }
  return out;
}

// The value axis of a vertical chart: grid lines and their numbers.
function yAxis(s, left, right, top, bottom) {
  return s.ticks.map((v) => {
    const y = bottom - ((bottom - top) * v) / s.top;
    return `<line class="grid-line" x1="${left}" x2="${right}" y1="${y}" y2="${y}"></line>` +
      `<text class="axis" x="${left - 6}" y="${y + 4}" text-anchor="end">${num(v)}</text>`;
  }).join('');
}

// Every how many labels one is written so that they do not overlap.
const every = (count, room, size) => Math.max(1, Math.ceil(count / Math.max(1, Math.floor(room / size))));

/// Columns side by side per label: `values[i]` holds one figure per series.
export function columns({ title, series, labels, values, width, height = 240 }) {
  const w = Math.max(320, Math.round(width || 800));
  const top = 30, bottom = height - 24, left = 48, right = w - 10;
  const s = scale(Math.max(0, ...values.flat()));
  const slot = (right - left) / Math.max(1, labels.length);
  // A few columns stay slim rather than filling the width.
  const bar = Math.max(1, Math.min(48, (slot * 0.8) / series.length));
  const step = every(labels.length, right - left, 40);
  let out = open(w, height, title) + legend(series, left, 16) + yAxis(s, left, right, top, bottom);
  labels.forEach((label, i) => {
    const x0 = left + slot * i + (slot - bar * series.length) / 2;
    series.forEach((se, k) => {
      const v = values[i][k] || 0;
      const h = ((bottom - top) * v) / s.top;
      out += `<rect class="${se.cls}" x="${(x0 + bar * k).toFixed(1)}" y="${(bottom - h).toFixed(1)}" width="${Math.max(1, bar - 1).toFixed(1)}" height="${h.toFixed(1)}">` +
        `<title>${esc(label)} — ${esc(se.name)}: ${num(v)}</title></rect>`;
    });
    if (i % step === 0) out += `<text class="axis" x="${(left + slot * i + slot / 2).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${esc(label)}</text>`;
  });
  return out + `<line class="base-line" x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}"></line></svg>`;
}

/// Horizontal bars per label (names), each with one bar per series and its figure.
export function bars({ title, series, labels, values, width }) {
  const w = Math.max(360, Math.round(width || 800));
  const rowH = 10 * series.length + 10;
  const top = 28, height = top + labels.length * rowH + 8;
  const nameW = Math.min(320, Math.round(w * 0.32));
  const left = nameW + 10, right = w - 60;
  const max = Math.max(1, ...values.flat());
  const chars = Math.floor(nameW / 6.6);
  let out = open(w, height, title) + legend(series, left, 16);
  labels.forEach((label, i) => {
    const y = top + i * rowH;
    const short = label.length > chars ? label.slice(0, chars - 1) + '…' : label;
    out += `<text class="axis name" x="${nameW}" y="${y + rowH / 2 + 3}" text-anchor="end"><title>${esc(label)}</title>${esc(short)}</text>`;
    series.forEach((se, k) => {
      const v = values[i][k] || 0;
      const len = ((right - left) * v) / max;
      const by = y + 3 + k * 10;
      out += `<rect class="${se.cls}" x="${left}" y="${by}" width="${Math.max(v ? 1 : 0, len).toFixed(1)}" height="9"><title>${esc(label)} — ${esc(se.name)}: ${num(v)}</title></rect>` +
        `<text class="axis value" x="${(left + len + 4).toFixed(1)}" y="${by + 8}">${num(v)}</text>`;
    });
  });
  return out + `<line class="base-line" x1="${left}" x2="${left}" y1="${top}" y2="${height - 8}"></line></svg>`;
}

/// Lines over time: `series[k].values[i]` for `labels[i]`.
export function trend({ title, labels, series, width, height = 240 }) {
  const w = Math.max(320, Math.round(width || 800));
  const top = 30, bottom = height - 24, left = 48, right = w - 26;
  const s = scale(Math.max(0, ...series.map((se) => Math.max(0, ...se.values))));
  const n = labels.length;
  const x = (i) => (n < 2 ? (left + right) / 2 : left + ((right - left) * i) / (n - 1));
  const y = (v) => bottom - ((bottom - top) * v) / s.top;
  const step = every(n, right - left, 44);
  let out = open(w, height, title) + legend(series, left, 16) + yAxis(s, left, right, top, bottom);
  labels.forEach((label, i) => {
    if (i % step === 0) out += `<text class="axis" x="${x(i).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${esc(label)}</text>`;
  });
  for (const se of series) {
    const points = se.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    out += `<polyline class="line ${se.cls}" points="${points}"></polyline>`;
    if (n <= 62) {
      out += se.values.map((v, i) => `<circle class="dot ${se.cls}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3"><title>${esc(labels[i])} — ${esc(se.name)}: ${num(v)}</title></circle>`).join('');
    }
  }
  return out + `<line class="base-line" x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}"></line></svg>`;
}

// A cell's colour: from pale to deep blue with the count.
function shade(t) {
  const a = [238, 243, 251], b = [11, 58, 140];
  const c = a.map((v, i) => Math.round(v + (b[i] - v) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/// The weekday × hour heatmap: `cells[weekday - 1][hour]`, rows named by `rows`. Hours
/// without any ticket at either end are left out (office hours are always shown).
export function heatmap({ title, rows, cells, max, width }) {
  const w = Math.max(360, Math.round(width || 800));
  const used = [];
  cells.forEach((r) => r.forEach((v, h) => { if (v > 0) used.push(h); }));
  const lo = Math.min(8, ...used), hi = Math.max(16, ...used);
  const hours = [];
  for (let h = lo; h <= hi; h++) hours.push(h);
  const left = 90, top = 22, cellH = 30;
  const cellW = (w - left - 6) / hours.length;
  const height = top + rows.length * cellH + 4;
  let out = open(w, height, title);
  hours.forEach((h, j) => {
    out += `<text class="axis" x="${(left + cellW * j + cellW / 2).toFixed(1)}" y="${top - 6}" text-anchor="middle">${String(h).padStart(2, '0')}</text>`;
  });
  rows.forEach((name, d) => {
    const y = top + d * cellH;
    out += `<text class="axis" x="${left - 8}" y="${y + cellH / 2 + 4}" text-anchor="end">${esc(name)}</text>`;
    hours.forEach((h, j) => {
      const v = (cells[d] && cells[d][h]) || 0;
      const t = max > 0 ? v / max : 0;
      const x = left + cellW * j;
      out += `<rect x="${(x + 1).toFixed(1)}" y="${y + 1}" width="${(cellW - 2).toFixed(1)}" height="${cellH - 2}" rx="3" fill="${shade(t)}">` +
        `<title>${esc(name)} ${String(h).padStart(2, '0')}:00 — ${num(v)}</title></rect>`;
      if (v > 0 && cellW >= 24) {
        out += `<text x="${(x + cellW / 2).toFixed(1)}" y="${y + cellH / 2 + 4}" text-anchor="middle" fill="${t > 0.45 ? '#fff' : '#14202b'}">${num(v)}</text>`;
      }
    });
  });
  return out + '</svg>';
}
