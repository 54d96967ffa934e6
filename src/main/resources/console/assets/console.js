/*
 * Goldgate operator console.
 *
 * The server sends each page as an empty HTML shell (<body data-page=... data-params=...>); this
 * file renders it from the admin JSON API (/admin/*), authenticated by the console session cookie.
 * No framework and no library: the DOM is built with createElement and textContent, so data from
 * the API is never parsed as HTML, and charts and the lineage graph are drawn as inline SVG. The
 * Content-Security-Policy forbids inline scripts and styles: looks come from classes in
 * console.css, never from style attributes.
 */
(function () {
  'use strict';

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const PAGE_SIZE = 50;
  const POLL_MS = 500;
  /** Recipients drawn one by one in the audit charts; the rest are summed as "others". */
  const MAX_SERIES = 8;

  // ------------------------------------------------------------------ DOM helpers

  /** Sets attributes, classes, text and listeners; values are always set as text, never as markup. */
  function applyProps(el, props) {
    if (!props) return;
    for (const key of Object.keys(props)) {
      const value = props[key];
      if (value == null || value === false) continue;
      if (key === 'class') {
        const cls = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
        if (cls) el.setAttribute('class', cls);
      } else if (key === 'text') {
        el.textContent = String(value);
      } else if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value);
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }

  function appendKids(el, kids) {
    for (const kid of kids.flat(Infinity)) {
      if (kid == null || kid === false) continue;
      el.append(kid instanceof Node ? kid : String(kid));
    }
    return el;
  }

  /** An HTML element: h('td', {class: 'num'}, text, child, ...). */
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    applyProps(el, props);
    return appendKids(el, kids);
  }

  /** An SVG element. */
  function s(tag, props, ...kids) {
    const el = document.createElementNS(SVG_NS, tag);
    applyProps(el, props);
    return appendKids(el, kids);
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  }

  const enc = encodeURIComponent;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // ------------------------------------------------------------------ formatting

  const intFormat = new Intl.NumberFormat('en-US');
  const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

  function fmtInt(n) {
    return n == null || Number.isNaN(Number(n)) ? '—' : intFormat.format(Number(n));
  }

  /** Decimal units, so chart ticks at round numbers read as round sizes. */
  function fmtBytes(n) {
    if (n == null) return '—';
    let v = Number(n);
    const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
    let i = 0;
    while (Math.abs(v) >= 1000 && i < units.length - 1) {
      v /= 1000;
      i++;
    }
    return (i === 0 ? intFormat.format(v) : oneDecimal.format(v)) + ' ' + units[i];
  }

  function fmtCompact(n) {
    const v = Number(n);
    const abs = Math.abs(v);
    if (abs >= 1e9) return oneDecimal.format(v / 1e9) + 'G';
    if (abs >= 1e6) return oneDecimal.format(v / 1e6) + 'M';
    if (abs >= 1e3) return oneDecimal.format(v / 1e3) + 'k';
    return oneDecimal.format(v);
  }

  function fmtSeconds(sec) {
    if (sec == null) return '—';
    const v = Math.max(0, Math.round(Number(sec)));
    if (v < 60) return v + ' s';
    if (v < 3600) return Math.floor(v / 60) + ' min' + (v % 60 && v < 600 ? ' ' + (v % 60) + ' s' : '');
    if (v < 86400) return Math.floor(v / 3600) + ' h' + (Math.floor(v / 60) % 60 ? ' ' + (Math.floor(v / 60) % 60) + ' min' : '');
    return oneDecimal.format(v / 86400) + ' d';
  }

  function fmtMillis(ms) {
    if (ms == null) return '—';
    return ms < 1000 ? fmtInt(ms) + ' ms' : oneDecimal.format(ms / 1000) + ' s';
  }

  const pad2 = (n) => String(n).padStart(2, '0');

  function toDate(value) {
    if (value == null || value === '') return null;
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }

  /** Local time as YYYY-MM-DD HH:MM:SS: unambiguous in every locale. */
  function fmtTime(value) {
    const d = toDate(value);
    if (!d) return '—';
    return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  }

  function fmtAgo(value) {
    const d = toDate(value);
    if (!d) return '—';
    const sec = (d.getTime() - Date.now()) / 1000;
    const abs = Math.abs(sec);
    let text;
    if (abs < 45) text = sec < 0 ? 'just now' : 'in a moment';
    else if (abs < 3600) text = Math.round(abs / 60) + ' min';
    else if (abs < 86400) text = Math.round(abs / 3600) + ' h';
    else text = Math.round(abs / 86400) + ' d';
    if (abs < 45) return text;
    return sec < 0 ? text + ' ago' : 'in ' + text;
  }

  /** A <time> showing how long ago, with the exact local and UTC times on hover. */
  function timeEl(value, mode) {
    const d = toDate(value);
    if (!d) return h('span', { class: 'muted' }, '—');
    return h('time', { datetime: d.toISOString(), title: fmtTime(d) + ' (' + d.toISOString() + ')' },
      mode === 'absolute' ? fmtTime(d) : fmtAgo(d));
  }

  function plural(n, one, many) {
    return fmtInt(n) + ' ' + (Number(n) === 1 ? one : many || one + 's');
  }

  // ------------------------------------------------------------------ API

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  let leaving = false;

  function toLogin() {
    if (leaving) return;
    leaving = true;
    const next = location.pathname + location.search;
    location.assign('/console/login?next=' + enc(next));
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  /**
   * Calls the admin API with the session cookie; non-GET calls carry the CSRF token. A 401 or 403
   * means the session is gone (expired, signed out, admin token changed): back to sign-in.
   */
  async function api(path, options) {
    const opts = options || {};
    const method = opts.method || 'GET';
    const headers = { Accept: 'application/json' };
    let body;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken();
    let res;
    try {
      res = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, 'NETWORK', 'The gateway cannot be reached (' + (e && e.message ? e.message : 'network error') + ')');
    }
    if (res.status === 401 || res.status === 403) {
      toLogin();
      throw new ApiError(res.status, 'SESSION', 'Your session has ended: signing in again…');
    }
    if (res.status === 204) return null;
    const text = await res.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = null;
      }
    }
    if (!res.ok) {
      const message = data && typeof data.message === 'string' ? data.message : `${res.status} ${res.statusText || 'error'}`;
      throw new ApiError(res.status, (data && data.errorCode) || 'HTTP_' + res.status, message);
    }
    return data;
  }

  /** Runs requests side by side; each failure is reported once and the page renders what it got. */
  async function loadAll(requests) {
    const keys = Object.keys(requests);
    const settled = await Promise.allSettled(keys.map((k) => requests[k]));
    const out = {};
    const failures = [];
    settled.forEach((r, i) => {
      if (r.status === 'fulfilled') out[keys[i]] = r.value;
      else {
        out[keys[i]] = undefined;
        failures.push(r.reason);
      }
    });
    if (failures.length) showError(failures[0]);
    return out;
  }

  // ------------------------------------------------------------------ page chrome

  function errorBox() {
    let box = document.getElementById('error');
    if (!box) {
      box = h('div', { id: 'error', role: 'alert', class: 'error-banner', hidden: true });
      const main = document.getElementById('content');
      if (main && main.parentNode) main.parentNode.insertBefore(box, main);
      else document.body.prepend(box);
    }
    return box;
  }

  function showError(err) {
    if (err && err.code === 'SESSION') return;
    const message = err instanceof Error ? err.message : String(err);
    const box = errorBox();
    clear(box);
    box.append(
      h('span', { class: 'error-icon', 'aria-hidden': 'true' }, '!'),
      h('span', { class: 'error-text' }, message || 'Something went wrong'),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: clearError }, 'Dismiss'));
    box.hidden = false;
  }

  function clearError() {
    const box = document.getElementById('error');
    if (box) {
      clear(box);
      box.hidden = true;
    }
  }

  function pageHeader(title, subtitle, actions, crumbs) {
    return h('header', { class: 'page-header' },
      crumbs ? h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, crumbs) : null,
      h('div', { class: 'page-header-row' },
        h('div', { class: 'page-title' }, h('h1', null, title), subtitle ? h('p', { class: 'subtitle' }, subtitle) : null),
        actions ? h('div', { class: 'page-actions' }, actions) : null));
  }

  function card(title, body, opts) {
    const o = opts || {};
    return h('section', { class: ['card', o.cls], 'aria-label': o.label || (typeof title === 'string' ? title : null) },
      title ? h('header', { class: 'card-header' }, h('h2', null, title), o.aside ? h('div', { class: 'card-aside' }, o.aside) : null) : null,
      h('div', { class: ['card-body', o.flush ? 'flush' : null] }, body));
  }

  /** A deliberate "nothing here" block. */
  function emptyState(title, text, action) {
    return h('div', { class: 'empty', 'data-empty': '' },
      h('div', { class: 'empty-mark', 'aria-hidden': 'true' }),
      h('p', { class: 'empty-title' }, title),
      text ? h('p', { class: 'empty-text' }, text) : null,
      action || null);
  }

  function loadingState(text) {
    return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text || 'Loading…');
  }

  /** A table in a horizontally scrolling wrapper; columns: [{label, cls}]. */
  function dataTable(id, columns, rows, emptyText, caption) {
    const tbody = h('tbody');
    if (rows.length) appendKids(tbody, rows);
    else tbody.append(h('tr', { class: 'empty-row' }, h('td', { colspan: columns.length, 'data-empty': '' }, emptyText || 'Nothing to show')));
    return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption || id },
      h('table', { id, class: 'data' },
        caption ? h('caption', { class: 'sr-only' }, caption) : null,
        h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.cls }, c.label)))),
        tbody));
  }

  function badge(text, tone, attrs) {
    return h('span', Object.assign({ class: ['badge', 'badge-' + (tone || 'muted')] }, attrs || {}), text);
  }

  function chips(items, empty, linkOf) {
    if (!items || !items.length) return h('span', { class: 'muted' }, empty || '—');
    return h('span', { class: 'chips' }, items.map((it) => (linkOf ? h('a', { class: 'chip', href: linkOf(it) }, it) : h('span', { class: 'chip' }, it))));
  }

  function tablePath(name) {
    const parts = String(name).split('.');
    return '/console/tables/' + parts.map(enc).join('/');
  }

  function button(label, props) {
    return h('button', Object.assign({ type: 'button', class: 'btn' }, props || {}), label);
  }

  // ------------------------------------------------------------------ charts

  /** Series colours are classes (c0..c9): no style attribute is ever written. */
  const PALETTE = 10;

  function niceStep(raw) {
    if (raw <= 0) return 1;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  }

  function niceTicks(max, count, integer) {
    let step = niceStep((max > 0 ? max : 1) / count);
    if (integer) step = Math.max(1, Math.round(step));
    const top = Math.max(step, Math.ceil((max > 0 ? max : 1) / step) * step);
    const ticks = [];
    for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
    return { top, ticks };
  }

  /** Ticks for seconds at round durations (15 s, 1 min, 5 min, 1 h, ...). */
  const DURATION_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

  function durationTicks(max, count) {
    const target = (max > 0 ? max : 1) / count;
    const step = DURATION_STEPS.find((st) => st >= target) || niceStep(target / 86400) * 86400;
    const top = Math.max(step, Math.ceil((max > 0 ? max : 1) / step) * step);
    const ticks = [];
    for (let v = 0; v <= top; v += step) ticks.push(v);
    return { top, ticks };
  }

  /** A duration short enough for an axis: 45s, 5m, 1.5h, 2d. */
  function fmtDurationShort(sec) {
    const v = Number(sec) || 0;
    if (v < 60) return oneDecimal.format(v) + 's';
    if (v < 3600) return oneDecimal.format(v / 60) + 'm';
    if (v < 86400) return oneDecimal.format(v / 3600) + 'h';
    return oneDecimal.format(v / 86400) + 'd';
  }

  const TIME_STEPS = [60, 300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map((x) => x * 1000);
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  function timeTicks(from, to, maxTicks) {
    const span = Math.max(1, to - from);
    const step = TIME_STEPS.find((st) => span / st <= maxTicks) || TIME_STEPS[TIME_STEPS.length - 1];
    const offset = new Date(from).getTimezoneOffset() * 60000;
    const ticks = [];
    for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) ticks.push(t);
    const label = (t) => {
      const d = new Date(t);
      const midnight = d.getHours() === 0 && d.getMinutes() === 0;
      if (step >= 86400000 || midnight) return MONTHS[d.getMonth()] + ' ' + d.getDate();
      return pad2(d.getHours()) + ':' + pad2(d.getMinutes());
    };
    return { ticks, label };
  }

  function timeLabel(t, bucketMs) {
    const a = fmtTime(t).slice(0, 16);
    return bucketMs ? a + '–' + fmtTime(t + bucketMs).slice(11, 16) : fmtTime(t);
  }

  /**
   * Draws a time chart into svg at the given width.
   * spec: {from, to (ms), bucketMs, times: [bucket start ms], bars: [{key, label, cls, values, recipient}]
   * (stacked), lines: [{key, label, cls, points: [[ms, value]], axis: 'left'|'right', recipient}],
   * yLabel, y2Label, yFormat, y2Format, yInteger, y2Integer, emptyText, height}
   */
  function drawTimeChart(svg, spec, width) {
    clear(svg);
    const bars = spec.bars || [];
    const lines = spec.lines || [];
    const right = lines.filter((l) => l.axis === 'right');
    const height = spec.height || 220;
    const m = { top: 26, right: right.length ? 60 : 16, bottom: 28, left: 58 };
    const iw = Math.max(40, width - m.left - m.right);
    const ih = height - m.top - m.bottom;
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const from = spec.from;
    const to = Math.max(spec.to, from + 1);
    const xOf = (t) => m.left + ((t - from) / (to - from)) * iw;
    const times = spec.times || [];
    const bucketMs = spec.bucketMs || 0;

    let leftMax = 0;
    times.forEach((_, i) => {
      leftMax = Math.max(leftMax, bars.reduce((sum, b) => sum + (Number(b.values[i]) || 0), 0));
    });
    lines.filter((l) => l.axis !== 'right').forEach((l) => l.points.forEach((p) => { leftMax = Math.max(leftMax, Number(p[1]) || 0); }));
    let rightMax = 0;
    right.forEach((l) => l.points.forEach((p) => { rightMax = Math.max(rightMax, Number(p[1]) || 0); }));
    const hasData = leftMax > 0 || rightMax > 0 || lines.some((l) => l.points.length > 0 && spec.showFlatLines);

    const yFormat = spec.yFormat || fmtCompact;
    const y2Format = spec.y2Format || fmtCompact;
    const ly = spec.yDuration ? durationTicks(leftMax, ih >= 150 ? 4 : 3) : niceTicks(leftMax, ih >= 150 ? 4 : 3, spec.yInteger);
    const ry = niceTicks(rightMax, ih >= 150 ? 4 : 3, spec.y2Integer);
    const yOf = (v) => m.top + ih - (v / ly.top) * ih;
    const y2Of = (v) => m.top + ih - (v / ry.top) * ih;

    const grid = s('g', { class: 'grid', 'aria-hidden': 'true' });
    ly.ticks.forEach((v) => {
      const y = yOf(v);
      grid.append(
        s('line', { x1: m.left, x2: m.left + iw, y1: y, y2: y, class: v === 0 ? 'axis-line' : 'grid-line' }),
        s('text', { x: m.left - 8, y: y + 4, class: 'tick tick-left' }, yFormat(v)));
    });
    if (right.length) {
      ry.ticks.forEach((v) => grid.append(s('text', { x: m.left + iw + 8, y: y2Of(v) + 4, class: 'tick tick-right' }, y2Format(v))));
    }
    const xt = timeTicks(from, to, Math.max(2, Math.floor(iw / 84)));
    xt.ticks.forEach((t) => {
      const x = xOf(t);
      grid.append(
        s('line', { x1: x, x2: x, y1: m.top + ih, y2: m.top + ih + 4, class: 'axis-line' }),
        s('text', { x, y: m.top + ih + 18, class: 'tick tick-x' }, xt.label(t)));
    });
    if (spec.yLabel) grid.append(s('text', { x: 2, y: 12, class: 'axis-title axis-title-left' }, spec.yLabel));
    if (spec.y2Label && right.length) grid.append(s('text', { x: width - 2, y: 12, class: 'axis-title axis-title-right' }, spec.y2Label));
    svg.append(grid);

    if (!hasData) {
      svg.append(s('text', { x: m.left + iw / 2, y: m.top + ih / 2, class: 'chart-empty', 'data-empty': '' }, spec.emptyText || 'No data in this window'));
      return;
    }

    // Hover columns under the marks: every bucket's figures as one tooltip, even where bars are 0.
    const bw = bucketMs ? (bucketMs / (to - from)) * iw : 0;
    if (bw && spec.columnTitle) {
      const cols = s('g', { class: 'hover-columns' });
      times.forEach((t, i) => {
        cols.append(s('rect', { x: xOf(t), y: m.top, width: Math.max(1, bw), height: ih, class: 'hover-col' },
          s('title', null, spec.columnTitle(i, t))));
      });
      svg.append(cols);
    }

    if (bars.length && bw) {
      const gap = bw > 6 ? Math.min(2, bw * 0.2) : 0;
      const barG = s('g', { class: 'bars' });
      times.forEach((t, i) => {
        let acc = 0;
        bars.forEach((b) => {
          const v = Number(b.values[i]) || 0;
          if (v <= 0) return;
          const y1 = yOf(acc + v);
          const y0 = yOf(acc);
          acc += v;
          barG.append(s('rect', {
            x: xOf(t) + gap / 2, y: y1, width: Math.max(1, bw - gap), height: Math.max(0.5, y0 - y1),
            class: ['bar', b.cls], 'data-series': b.key, 'data-recipient': b.recipient,
          }, s('title', null, `${b.label} · ${timeLabel(t, bucketMs)}: ${(b.format || yFormat)(v)}`)));
        });
      });
      svg.append(barG);
    }

    lines.forEach((l) => {
      if (!l.points.length) return;
      const yf = l.axis === 'right' ? y2Of : yOf;
      const fmt = l.format || (l.axis === 'right' ? y2Format : yFormat);
      const d = l.points.map((p, i) => {
        const x = xOf(p[0]);
        const y = yf(Number(p[1]) || 0);
        if (l.step && i > 0) return `H${x.toFixed(1)}V${y.toFixed(1)}`;
        return (i ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1);
      }).join('');
      const g = s('g', { class: ['series', l.cls], 'data-series': l.key, 'data-recipient': l.recipient });
      if (l.area) {
        const base = yf(0).toFixed(1);
        const first = xOf(l.points[0][0]).toFixed(1);
        const last = xOf(l.points[l.points.length - 1][0]).toFixed(1);
        g.append(s('path', { d: `${d}L${last} ${base}L${first} ${base}Z`, class: 'area' }));
      }
      g.append(s('path', { d, class: ['line', l.dashed ? 'dashed' : null] }, s('title', null, l.label)));
      if (l.points.length <= 120 && !l.noDots) {
        l.points.forEach((p) => g.append(s('circle', { cx: xOf(p[0]), cy: yf(Number(p[1]) || 0), r: l.points.length > 40 ? 2 : 3, class: 'dot' },
          s('title', null, `${l.label} · ${fmtTime(p[0])}: ${fmt(Number(p[1]) || 0)}${p[2] ? ' · ' + p[2] : ''}`))));
      }
      svg.append(g);
    });
  }

  /** The legend for a chart spec, as HTML (it wraps on narrow screens). */
  function legendOf(spec) {
    const items = [];
    (spec.bars || []).forEach((b) => items.push({ label: b.label, cls: b.cls, shape: 'box', recipient: b.recipient }));
    (spec.lines || []).forEach((l) => items.push({ label: l.label + (l.axis === 'right' && spec.y2Label ? ' (right axis)' : ''), cls: l.cls, shape: l.dashed ? 'dash' : 'line', recipient: l.recipient }));
    if (!items.length) return null;
    return h('ul', { class: 'legend', 'aria-label': 'Legend' },
      items.map((it) => h('li', { 'data-recipient': it.recipient },
        h('span', { class: ['swatch', 'swatch-' + it.shape, it.cls], 'aria-hidden': 'true' }), it.label)));
  }

  /**
   * A figure holding a time chart that redraws at its container's width (so text stays legible
   * at 390 px instead of being scaled down).
   */
  function timeChart(opts) {
    const svg = s('svg', Object.assign({ class: ['chart', opts.cls], role: 'img', 'aria-label': opts.label, id: opts.id }, opts.attrs || {}));
    const fig = h('figure', { class: 'chart-figure' },
      opts.title ? h('figcaption', { class: 'chart-title' }, opts.title, opts.note ? h('span', { class: 'chart-note' }, opts.note) : null) : null,
      h('div', { class: 'chart-box' }, svg),
      legendOf(opts.spec));
    drawTimeChart(svg, opts.spec, opts.initialWidth || 640);
    let lastWidth = 0;
    if (typeof ResizeObserver === 'function') {
      const box = fig.querySelector('.chart-box');
      const ro = new ResizeObserver(() => {
        requestAnimationFrame(() => {
          if (!box.isConnected) {
            ro.disconnect();
            return;
          }
          const w = Math.floor(box.clientWidth);
          if (w > 0 && Math.abs(w - lastWidth) > 2) {
            lastWidth = w;
            drawTimeChart(svg, opts.spec, w);
          }
        });
      });
      ro.observe(box);
    }
    return fig;
  }

  /** Bucket starts of a timeline answer, in ms. */
  function timelineFrame(tl) {
    const buckets = (tl && tl.buckets) || [];
    const bucketMs = ((tl && tl.bucketSeconds) || 3600) * 1000;
    const times = buckets.map((b) => new Date(b.start).getTime());
    const from = Math.min(toDate(tl && tl.from) ? new Date(tl.from).getTime() : Date.now() - 86400000, times.length ? times[0] : Infinity);
    const to = toDate(tl && tl.to) ? new Date(tl.to).getTime() : (times.length ? times[times.length - 1] + bucketMs : Date.now());
    return { buckets, bucketMs, times, from, to };
  }

  // ------------------------------------------------------------------ shared look-ups

  function recipientState(r) {
    const tokens = r.tokens || [];
    const active = tokens.filter((t) => t.state === 'active');
    const pending = r.activation && r.activation.state === 'pending';
    let state;
    let tone;
    if (active.length) {
      state = 'active';
      tone = 'ok';
    } else if (pending) {
      state = 'pending activation';
      tone = 'info';
    } else if (tokens.length && tokens.every((t) => t.state === 'revoked')) {
      state = 'revoked';
      tone = 'err';
    } else if (tokens.length) {
      state = 'expired';
      tone = 'warn';
    } else if ((r.federationPolicies || []).length) {
      state = 'federated';
      tone = 'info';
    } else if (r.activation && r.activation.state === 'expired') {
      state = 'link expired';
      tone = 'warn';
    } else {
      state = 'no credential';
      tone = 'muted';
    }
    return { state, tone, active, pending };
  }

  function shareNamesOf(tables, recipients) {
    const names = new Set();
    (tables || []).forEach((t) => (t.shares || []).forEach((n) => names.add(String(n).split('.')[0])));
    (recipients || []).filter((r) => r.source === 'catalog').forEach((r) => (r.shares || []).forEach((n) => names.add(n)));
    return Array.from(names).sort();
  }

  function lastSegment(location) {
    const trimmed = String(location || '').replace(/\/+$/, '');
    return trimmed.slice(trimmed.lastIndexOf('/') + 1) || trimmed;
  }

  // ================================================================== pages

  // ------------------------------------------------------------------ overview

  async function overviewPage(main) {
    main.append(pageHeader('Overview', 'Health, inventory and the last 24 hours of traffic of this replica'), loadingState());
    const data = await loadAll({
      status: api('/admin/status'),
      timeline: api('/admin/audit/timeline?bucket=PT1H'),
      materialization: api('/admin/features/materialization'),
    });
    clear(main);
    const st = data.status || {};
    const health = st.health || {};
    const counts = st.counts || {};
    main.append(pageHeader('Overview', st.stateStore ? 'State store: ' + st.stateStore : 'Health, inventory and traffic of this replica'));

    const healthDesc = {
      catalog: 'Share catalog and table metadata',
      redis: st.stateStore && st.stateStore !== 'embedded' ? st.stateStore : 'Recipients, audit and online features',
      flight: 'Arrow Flight and Flight SQL endpoint',
    };
    const toneOf = (v) => (v === 'up' ? 'ok' : v === 'down' ? 'err' : v === 'embedded' ? 'info' : 'muted');
    const healthTiles = ['catalog', 'redis', 'flight'].map((key) => {
      const value = health[key] || 'unknown';
      return h('div', { class: ['tile', 'tile-health', 'tone-' + toneOf(value)] },
        h('div', { class: 'tile-label' }, key === 'redis' ? 'Redis' : key === 'flight' ? 'Flight' : 'Catalog'),
        h('div', { class: 'tile-status' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { 'data-health': key }, value)),
        h('div', { class: 'tile-desc' }, healthDesc[key]));
    });
    const countDefs = [
      ['shares', 'Shares', '/console/tables'],
      ['tables', 'Tables', '/console/tables'],
      ['recipients', 'Recipients', '/console/recipients'],
      ['featureViews', 'Feature views', '/console/features'],
    ];
    const countTiles = countDefs.map(([key, label, href]) =>
      h('a', { class: 'tile tile-count', href },
        h('div', { class: 'tile-label' }, label),
        h('div', { class: 'tile-value', 'data-count': key }, counts[key] == null ? '—' : fmtInt(counts[key]))));
    main.append(h('div', { class: 'tiles tiles-health' }, healthTiles), h('div', { class: 'tiles tiles-count' }, countTiles));

    // Traffic of the last 24 h.
    const tl = data.timeline;
    const f = timelineFrame(tl);
    const total = f.buckets.reduce((a, b) => ({ requests: a.requests + (b.requests || 0), bytes: a.bytes + (b.bytes || 0), errors: a.errors + (b.errors || 0) }), { requests: 0, bytes: 0, errors: 0 });
    const spec = {
      from: f.from, to: f.to, bucketMs: f.bucketMs, times: f.times,
      bars: [
        { key: 'ok', label: 'Requests', cls: 'c-ok', values: f.buckets.map((b) => Math.max(0, (b.requests || 0) - (b.errors || 0))) },
        { key: 'errors', label: 'Errors', cls: 'c-err', values: f.buckets.map((b) => b.errors || 0) },
      ],
      lines: [{ key: 'bytes', label: 'Bytes sent', cls: 'c-bytes', axis: 'right', noDots: true, points: f.buckets.map((b, i) => [f.times[i] + f.bucketMs / 2, b.bytes || 0]) }],
      yLabel: 'requests', y2Label: 'bytes', yInteger: true, y2Integer: true, y2Format: fmtBytes,
      emptyText: tl ? 'No requests in the last 24 hours' : 'Traffic is unavailable',
      columnTitle: (i, t) => {
        const b = f.buckets[i];
        return `${timeLabel(t, f.bucketMs)}\n${plural(b.requests || 0, 'request')}, ${plural(b.errors || 0, 'error')}\n${fmtBytes(b.bytes || 0)} sent`;
      },
    };
    const summary = h('dl', { class: 'stats' },
      h('div', null, h('dt', null, 'Requests'), h('dd', null, fmtInt(total.requests))),
      h('div', null, h('dt', null, 'Bytes sent'), h('dd', null, fmtBytes(total.bytes))),
      h('div', null, h('dt', null, 'Errors'), h('dd', { class: total.errors ? 'text-err' : null }, fmtInt(total.errors))),
      h('div', null, h('dt', null, 'Error rate'), h('dd', null, total.requests ? oneDecimal.format((100 * total.errors) / total.requests) + ' %' : '—')));
    main.append(card('Traffic, last 24 hours', [summary, timeChart({ id: 'traffic-chart', label: 'Requests and bytes per hour over the last 24 hours', spec })],
      { aside: h('a', { href: '/console/audit', class: 'link' }, 'Open audit log →') }));

    // Busiest recipients and feature freshness, side by side.
    const byRecipient = (tl && tl.byRecipient) || {};
    const top = Object.keys(byRecipient).map((name) => {
      const rows = byRecipient[name] || [];
      return { name, requests: rows.reduce((a, b) => a + (b.requests || 0), 0), bytes: rows.reduce((a, b) => a + (b.bytes || 0), 0), errors: rows.reduce((a, b) => a + (b.errors || 0), 0) };
    }).sort((a, b) => b.requests - a.requests).slice(0, 8);
    const recipientsCard = card('Busiest recipients', top.length
      ? dataTable('top-recipients', [{ label: 'Recipient' }, { label: 'Requests', cls: 'num' }, { label: 'Bytes', cls: 'num' }, { label: 'Errors', cls: 'num' }],
        top.map((r) => h('tr', { 'data-recipient': r.name },
          h('td', { class: 'nowrap' }, r.name ? h('a', { href: '/console/audit?recipient=' + enc(r.name) }, r.name) : h('span', { class: 'muted' }, '(unauthenticated)')),
          h('td', { class: 'num' }, fmtInt(r.requests)), h('td', { class: 'num' }, fmtBytes(r.bytes)),
          h('td', { class: ['num', r.errors ? 'text-err' : null] }, fmtInt(r.errors)))), '', 'Busiest recipients')
      : emptyState('No recipient traffic', 'Reads by recipients in the last 24 hours appear here.'), { flush: top.length > 0 });

    const mat = data.materialization || {};
    const views = Object.keys(mat).sort();
    const freshness = card('Feature freshness', views.length
      ? dataTable('freshness', [{ label: 'View' }, { label: 'State' }, { label: 'Lag', cls: 'num' }],
        views.map((v) => {
          const p = mat[v] || {};
          return h('tr', { 'data-view': v },
            h('td', null, h('a', { href: '/console/features' }, v)),
            h('td', null, stateBadge(p.state)),
            lagCellOf(p));
        }), '', 'Feature freshness')
      : emptyState('No online feature views', 'Feature views defined in feature-defs/ and served online appear here.'), { flush: views.length > 0 });
    main.append(h('div', { class: 'grid-2' }, recipientsCard, freshness));
  }

  // ------------------------------------------------------------------ tables

  async function tablesPage(main) {
    main.append(pageHeader('Tables', 'Every Delta table the gateway reads, where it is shared and who can reach it'), loadingState());
    const data = await loadAll({ tables: api('/admin/tables'), recipients: api('/admin/recipients') });
    clear(main);
    const tables = data.tables || [];
    const recipients = data.recipients || [];
    const byShare = new Map();
    recipients.forEach((r) => (r.shares || []).forEach((sh) => {
      if (!byShare.has(sh)) byShare.set(sh, []);
      byShare.get(sh).push(r.name);
    }));

    // One row per shared name (the table page is addressed by it); tables only feature views read get one row by location.
    const rows = [];
    tables.forEach((t) => {
      const names = (t.shares || []).slice().sort();
      if (!names.length) rows.push({ entry: t, name: null, others: [] });
      names.forEach((n) => rows.push({ entry: t, name: n, others: names.filter((o) => o !== n) }));
    });
    const shareCount = new Set(rows.filter((r) => r.name).map((r) => r.name.split('.')[0])).size;
    const search = h('input', { type: 'search', class: 'input search', placeholder: 'Filter tables…', 'aria-label': 'Filter tables' });
    const names = rows.filter((r) => r.name).length;
    main.append(pageHeader('Tables', `${plural(names, 'shared table')} in ${plural(shareCount, 'share')} · ${plural(tables.length, 'location')}`, search));

    const trs = rows.map((r) => {
      const t = r.entry;
      const share = r.name ? r.name.split('.')[0] : null;
      const reach = new Set(t.recipients || (share ? byShare.get(share) || [] : []));
      Object.values(t.featureViewReaders || {}).forEach((list) => (list || []).forEach((n) => reach.add(n)));
      const sizeCell = h('td', { class: 'num' }, t.sizeBytes != null ? fmtBytes(t.sizeBytes) : h('span', { class: 'muted' }, '—'));
      const nameCell = r.name
        ? h('td', { class: 'name' }, h('a', { href: tablePath(r.name), class: 'strong' }, r.name),
          r.others.length ? h('div', { class: 'sub' }, 'also ' + r.others.join(', ')) : null,
          h('div', { class: 'sub mono location', title: t.location }, t.location))
        : h('td', { class: 'name' }, h('span', { class: 'strong' }, lastSegment(t.location)), ' ', badge('features only', 'muted'),
          h('div', { class: 'sub mono location', title: t.location }, t.location));
      const tr = h('tr', { 'data-table': r.name || undefined, 'data-location': t.location },
        nameCell,
        h('td', null, share ? h('span', { class: 'chip' }, share) : h('span', { class: 'muted' }, '—')),
        h('td', { class: 'num' }, t.version != null ? fmtInt(t.version) : h('span', { class: 'text-err', title: t.error || 'version unreadable' }, 'unreadable')),
        sizeCell,
        h('td', null, timeEl(t.lastAccess)),
        h('td', null, chips(Array.from(reach).sort(), 'nobody')),
        h('td', null, chips(t.featureViews || [], '—')),
        h('td', null, t.flight ? badge('Flight', 'info') : h('span', { class: 'muted' }, '—')));
      if (r.name) {
        tr.classList.add('clickable');
        tr.addEventListener('click', (ev) => {
          if (ev.target.closest('a, button')) return;
          location.assign(tablePath(r.name));
        });
      }
      tr.dataset.search = [r.name, t.location, ...(t.featureViews || []), ...reach].join(' ').toLowerCase();
      return tr;
    });
    const table = dataTable('tables',
      [{ label: 'Table' }, { label: 'Share' }, { label: 'Version', cls: 'num' }, { label: 'Size', cls: 'num' }, { label: 'Last access' },
        { label: 'Recipients' }, { label: 'Feature views' }, { label: 'Flight' }],
      trs, 'No tables', 'Tables');
    if (!rows.length) {
      main.append(card(null, emptyState('No tables yet', 'Tables appear here once a share in shares/*.yaml publishes them or a feature view reads them.')));
      return;
    }
    const none = h('p', { class: 'filter-none', hidden: true, 'data-empty': '' }, 'No table matches the filter.');
    search.addEventListener('input', () => {
      const q = search.value.trim().toLowerCase();
      let shown = 0;
      trs.forEach((tr) => {
        const hit = !q || tr.dataset.search.includes(q);
        tr.hidden = !hit;
        if (hit) shown++;
      });
      none.hidden = shown > 0;
    });
    main.append(card(null, [table, none], { flush: true }));
  }

  async function tablePage(main, params) {
    const share = params.share || '';
    const schema = params.schema || '';
    const name = params.table || '';
    const full = `${share}.${schema}.${name}`;
    const crumbs = [h('a', { href: '/console/tables' }, 'Tables'), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', null, share),
      h('span', { 'aria-hidden': 'true' }, ' / '), h('span', null, schema)];
    main.append(pageHeader(name || 'Table', full, null, crumbs), loadingState());
    let t;
    try {
      t = await api(`/admin/tables/${enc(share)}/${enc(schema)}/${enc(name)}`);
    } catch (e) {
      clear(main).append(pageHeader(name || 'Table', full, null, crumbs));
      if (e.status === 404) {
        main.append(card(null, emptyState('No such table', `No share publishes ${full}.`, h('a', { class: 'btn', href: '/console/tables' }, 'Back to tables'))));
        return;
      }
      throw e;
    }
    clear(main);
    const parts = new Set(t.partitionColumns || []);
    main.append(pageHeader(t.table || name, `${t.share}.${t.schema}.${t.table}`, h('a', { class: 'btn', href: '/console/audit?table=' + enc(`${t.share}.${t.schema}.${t.table}`) }, 'Audit events'), crumbs));
    const facts = h('dl', { class: 'facts' },
      fact('Version', fmtInt(t.version)),
      fact('Size', fmtBytes(t.sizeBytes)),
      fact('Files', fmtInt(t.numFiles)),
      fact('Last access', timeEl(t.lastAccess)),
      fact('Partitioned by', chips(t.partitionColumns || [], 'not partitioned')),
      fact('Location', h('span', { class: 'mono break' }, t.location || '—'), 'wide'));
    main.append(card('Details', [t.error ? h('p', { class: 'notice notice-err' }, 'The table cannot be read: ' + t.error) : null, facts]));

    const columns = t.columns || [];
    const colTable = dataTable('table-columns', [{ label: 'Column' }, { label: 'Type' }, { label: 'Nullable' }],
      columns.map((c) => h('tr', { 'data-column': c.name },
        h('td', { class: 'mono nowrap' }, c.name, parts.has(c.name) ? [' ', badge('partition', 'info')] : null),
        h('td', { class: 'mono type' }, typeof c.type === 'string' ? c.type : JSON.stringify(c.type)),
        h('td', null, c.nullable ? 'yes' : h('span', { class: 'strong' }, 'no')))),
      'No columns', 'Columns');
    const history = t.history || [];
    const histTable = dataTable('table-history', [{ label: 'Version', cls: 'num' }, { label: 'Time' }, { label: 'Operation' }],
      history.map((v) => h('tr', { 'data-version': v.version },
        h('td', { class: 'num' }, fmtInt(v.version)),
        h('td', null, timeEl(v.timestamp, 'absolute')),
        h('td', null, h('span', { class: 'chip op' }, v.operation || '—')))),
      'No history', 'History');
    main.append(h('div', { class: 'grid-2 grid-wide-left' },
      card(`Schema · ${plural(columns.length, 'column')}`, colTable, { flush: true }),
      card('Recent history', histTable, { flush: true, aside: h('span', { class: 'muted' }, 'newest first') })));
    main.append(card('Who reads it', h('dl', { class: 'facts facts-rows' },
      fact('Recipients', (t.recipients || []).length
        ? chips(t.recipients, null, (n) => '/console/recipients#' + enc(n))
        : h('span', { class: 'muted', 'data-empty': '' }, `Nobody yet: grant the share ${t.share} on the Recipients page.`), 'wide'),
      fact('Feature views', (t.featureViews || []).length
        ? chips(t.featureViews, null, () => '/console/features')
        : h('span', { class: 'muted', 'data-empty': '' }, 'No feature view reads this table.'), 'wide'))));
  }

  function fact(label, value, cls) {
    return h('div', { class: ['fact', cls] }, h('dt', null, label), h('dd', null, value));
  }

  // ------------------------------------------------------------------ recipients

  const CREATE_FIELDS = ['name', 'comment', 'shares', 'ipAllowList', 'tokenLifetime', 'credential', 'properties'];

  async function recipientsPage(main) {
    main.append(pageHeader('Recipients', 'Who may read what, and with which credential'), loadingState());
    const data = await loadAll({ recipients: api('/admin/recipients'), tables: api('/admin/tables') });
    clear(main);
    const state = { recipients: data.recipients || [], shares: shareNamesOf(data.tables, data.recipients) };
    const toForm = button('New recipient', {
      class: 'btn btn-primary', onclick: () => {
        const input = document.getElementById('cr-name');
        input.scrollIntoView({ block: 'center', behavior: 'smooth' });
        input.focus({ preventScroll: true });
      },
    });
    const header = pageHeader('Recipients', '', toForm);
    const linkSlot = h('div', { class: 'link-slot', 'aria-live': 'polite' });
    const listCard = h('div');
    main.append(header, linkSlot, listCard, createForm(state, linkSlot, reload));

    function render() {
      const list = state.recipients;
      const sub = header.querySelector('.subtitle');
      const text = `${plural(list.length, 'recipient')} · ${list.filter((r) => recipientState(r).state === 'active').length} with an active credential`;
      if (sub) sub.textContent = text;
      else header.querySelector('.page-title').append(h('p', { class: 'subtitle' }, text));
      clear(listCard).append(card(null, list.length ? recipientTable(list, linkSlot, reload)
        : emptyState('No recipients yet', 'Create one with the form: it gets a one-time activation link to hand over.'), { flush: list.length > 0 }));
      if (location.hash) {
        let wanted = location.hash.slice(1);
        try {
          wanted = decodeURIComponent(wanted);
        } catch (e) {
          /* a malformed hash names nobody */
        }
        const target = listCard.querySelector(`tr[data-recipient="${CSS.escape(wanted)}"]`);
        if (target) target.classList.add('highlight');
      }
    }

    async function reload() {
      try {
        state.recipients = (await api('/admin/recipients')) || [];
        render();
      } catch (e) {
        showError(e);
      }
    }
    render();
  }

  function recipientTable(list, linkSlot, reload) {
    const rows = list.map((r) => {
      const st = recipientState(r);
      const tokens = r.tokens || [];
      const newest = tokens.slice().sort((a, b) => String(b.issuedAt || '').localeCompare(String(a.issuedAt || '')))[0];
      const tokenCell = h('td', { class: 'nowrap', 'data-token-state': newest ? newest.state : 'none' });
      if (!tokens.length) tokenCell.append(h('span', { class: 'muted' }, r.activation && r.activation.state === 'pending' ? 'not activated' : 'none'));
      else {
        const kind = newest.type === 'client_secret' ? 'client secret' : 'bearer token';
        tokenCell.append(badge(newest.state, newest.state === 'active' ? 'ok' : newest.state === 'revoked' ? 'err' : 'warn'), ' ', h('span', { class: 'sub-inline' }, kind));
        const lines = [];
        if (st.active.length > 1) lines.push(`${st.active.length} active (rotation grace)`);
        const ending = st.active.map((t) => t.expiresAt).filter(Boolean).sort()[0];
        if (ending) lines.push('ends ' + fmtAgo(ending));
        else if (newest.state === 'active') lines.push('no expiry');
        if (newest.state === 'revoked' && newest.revokedAt) lines.push('revoked ' + fmtAgo(newest.revokedAt));
        if (newest.state === 'expired' && newest.expiresAt) lines.push('expired ' + fmtAgo(newest.expiresAt));
        if (lines.length) tokenCell.append(h('div', { class: 'sub' }, lines.join(' · ')));
      }
      const credCell = h('td', { class: 'nowrap' }, h('span', { class: ['badge', 'badge-' + st.tone], 'data-credential-state': st.state }, st.state));
      if (r.activation) {
        const a = r.activation;
        const note = a.state === 'pending' ? 'link pending, expires ' + fmtAgo(a.expiresAt) : a.state === 'used' ? 'link used ' + fmtAgo(a.usedAt) : 'link expired ' + fmtAgo(a.expiresAt);
        credCell.append(h('div', { class: 'sub' }, note));
      }
      const catalog = r.source === 'catalog';
      const why = catalog ? 'Declared in shares/*.yaml: change it there' : null;
      const actions = h('td', { class: 'actions' },
        button('Rotate', { class: 'btn btn-small', 'data-action': 'rotate', disabled: catalog, title: why, 'aria-label': `Rotate credentials of ${r.name}`, onclick: () => rotateDialog(r, linkSlot, reload) }),
        button('Revoke', { class: 'btn btn-small btn-warn', 'data-action': 'revoke', disabled: catalog, title: why, 'aria-label': `Revoke ${r.name}`, onclick: () => revokeDialog(r, reload) }),
        button('Delete', { class: 'btn btn-small btn-danger', 'data-action': 'delete', disabled: catalog, title: why, 'aria-label': `Delete ${r.name}`, onclick: () => deleteDialog(r, reload) }));
      const props = Object.keys(r.properties || {});
      return h('tr', { 'data-recipient': r.name, id: 'recipient-' + r.name },
        h('td', { class: 'name' },
          h('span', { class: 'nowrap' }, h('span', { class: 'strong' }, r.name), ' ', badge(r.source || 'api', catalog ? 'muted' : 'info')),
          r.comment ? h('div', { class: 'sub' }, r.comment) : null,
          props.length ? h('div', { class: 'sub mono', title: props.map((k) => k + '=' + r.properties[k]).join('\n') }, props.map((k) => k + '=' + r.properties[k]).join(', ')) : null),
        h('td', null, chips(r.shares || [], 'no shares'), (r.featureServices || []).length ? h('div', { class: 'sub' }, 'services: ' + r.featureServices.join(', ')) : null),
        tokenCell,
        credCell,
        h('td', null, (r.ipAllowList || []).length ? chips(r.ipAllowList) : h('span', { class: 'muted' }, 'anywhere')),
        h('td', null, timeEl(r.createdAt)),
        actions);
    });
    return dataTable('recipients',
      [{ label: 'Recipient' }, { label: 'Shares' }, { label: 'Token' }, { label: 'Credential' }, { label: 'IP allow-list' }, { label: 'Created' }, { label: 'Actions', cls: 'actions' }],
      rows, 'No recipients', 'Recipients');
  }

  /** A labelled control with its help text and its inline error slot. */
  function field(id, label, control, help, errorFor, cls) {
    const errId = 'err-' + id;
    const helpId = help ? 'help-' + id : null;
    control.setAttribute('aria-describedby', [helpId, errId].filter(Boolean).join(' '));
    return h('div', { class: ['field', cls] },
      h('label', { for: id }, label),
      control,
      help ? h('p', { class: 'help', id: helpId }, help) : null,
      h('p', { class: 'field-error', id: errId, 'data-error-for': errorFor }));
  }

  function clearFieldErrors(form) {
    form.querySelectorAll('[data-error-for]').forEach((el) => { el.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  }

  /** Puts an API 400 message ("field: reason", "ipAllowList[2]: ...", "properties.x: ...") under its field. */
  function showFieldError(form, message, fallbackField) {
    const m = /^([A-Za-z]+)(?:\[\d+\]|\.[^:\s]*)?:\s*(.*)$/s.exec(message || '');
    let fieldName = m ? m[1] : fallbackField;
    let slot = fieldName ? form.querySelector(`[data-error-for="${CSS.escape(fieldName)}"]`) : null;
    if (!slot) {
      slot = form.querySelector('[data-error-for="form"]');
      fieldName = null;
    }
    if (!slot) {
      showError(message);
      return;
    }
    slot.textContent = message;
    if (fieldName) {
      const control = form.querySelector(`[name="${CSS.escape(fieldName)}"]`);
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        control.focus();
      }
    }
  }

  function lines(text) {
    return String(text || '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  }

  function createForm(state, linkSlot, reload) {
    const name = h('input', { id: 'cr-name', name: 'name', class: 'input', autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. acme-analytics' });
    const comment = h('input', { id: 'cr-comment', name: 'comment', class: 'input', autocomplete: 'off', placeholder: 'Who they are, why they read' });
    const shareBoxes = state.shares.length
      ? h('div', { class: 'checks' }, state.shares.map((sh) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'shares', value: sh }), h('span', null, sh))))
      : h('p', { class: 'muted' }, 'The catalog has no shares.');
    const ip = h('textarea', { id: 'cr-ip', name: 'ipAllowList', class: 'input mono', rows: '3', spellcheck: 'false', placeholder: '10.0.0.0/8\n2001:db8::/32' });
    const lifetime = h('input', { id: 'cr-lifetime', name: 'tokenLifetime', class: 'input mono', autocomplete: 'off', placeholder: 'P90D' });
    const credential = h('select', { id: 'cr-credential', name: 'credential', class: 'input' },
      h('option', { value: 'bearer_token' }, 'Bearer token (profile v1)'),
      h('option', { value: 'oauth_client_credentials' }, 'OAuth client credentials (profile v2)'),
      h('option', { value: 'none' }, 'None (federation sign-in only)'));
    const props = h('textarea', { id: 'cr-props', name: 'properties', class: 'input mono', rows: '3', spellcheck: 'false', placeholder: 'region=EU\ntier=gold' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create recipient');
    const form = h('form', { id: 'create-recipient', class: 'form-grid', novalidate: true, 'aria-labelledby': 'create-title' },
      field('cr-name', 'Name', name, "1–64 lower-case letters, digits, '.', '_' or '-'", 'name'),
      field('cr-comment', 'Comment', comment, 'Optional: who they are, what for', 'comment', 'span-2'),
      h('fieldset', { class: 'field span-all', 'aria-describedby': 'err-cr-shares' }, h('legend', null, 'Shares'), shareBoxes,
        h('p', { class: 'field-error', id: 'err-cr-shares', 'data-error-for': 'shares' })),
      field('cr-ip', 'IP allow-list', ip, 'One CIDR or address per line; empty: from anywhere', 'ipAllowList'),
      field('cr-props', 'Properties', props, 'name=value per line (used by row filters)', 'properties'),
      h('div', { class: 'stack' },
        field('cr-credential', 'Credential', credential, null, 'credential'),
        field('cr-lifetime', 'Token lifetime', lifetime, 'ISO-8601, e.g. P90D; empty: no expiry', 'tokenLifetime')),
      h('p', { class: 'form-error span-all', 'data-error-for': 'form', role: 'alert' }),
      h('div', { class: 'form-actions span-all' }, submit, h('button', { type: 'reset', class: 'btn btn-ghost' }, 'Clear')));

    form.addEventListener('reset', () => clearFieldErrors(form));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearFieldErrors(form);
      const body = { name: name.value.trim() };
      if (comment.value.trim()) body.comment = comment.value.trim();
      body.shares = Array.from(form.querySelectorAll('input[name="shares"]:checked')).map((c) => c.value);
      const ips = lines(ip.value);
      if (ips.length) body.ipAllowList = ips;
      if (lifetime.value.trim()) body.tokenLifetime = lifetime.value.trim();
      body.credential = credential.value;
      const properties = {};
      for (const [i, line] of lines(props.value).entries()) {
        const eq = line.indexOf('=');
        if (eq <= 0) {
          showFieldError(form, `properties: line ${i + 1} is not name=value`);
          return;
        }
        properties[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
      }
      if (Object.keys(properties).length) body.properties = properties;
      submit.disabled = true;
      submit.setAttribute('aria-busy', 'true');
      try {
        const issued = await api('/admin/recipients', { method: 'POST', body });
        form.reset();
        showLink(linkSlot, issued, 'created');
        await reload();
      } catch (e) {
        if (e.status === 400) showFieldError(form, e.message);
        else if (e.status === 409) showFieldError(form, e.message, 'name');
        else showError(e);
      } finally {
        submit.disabled = false;
        submit.removeAttribute('aria-busy');
      }
    });
    return h('section', { class: 'card form-card', 'aria-labelledby': 'create-title' },
      h('header', { class: 'card-header' }, h('h2', { id: 'create-title' }, 'New recipient')),
      h('div', { class: 'card-body' }, form));
  }

  /** The activation link, shown once: it is not kept anywhere, so leaving the page loses it. */
  function showLink(slot, issued, what) {
    clear(slot);
    const r = (issued && issued.recipient) || {};
    const a = issued && issued.activation;
    const lines2 = [];
    if (issued && issued.previousTokensEndAt) lines2.push(`Previous tokens stop ${fmtAgo(issued.previousTokensEndAt)} (${fmtTime(issued.previousTokensEndAt)}).`);
    if (!a) {
      slot.append(h('div', { class: 'notice notice-ok', role: 'status' },
        h('p', { class: 'strong' }, `Recipient ${r.name || ''} ${what}.`),
        h('p', null, 'No activation link: it signs in through its federation policies.'), lines2.map((l) => h('p', null, l))));
      return;
    }
    const status = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
    const code = h('code', { id: 'activation-link', class: 'link-box' }, a.url);
    const copy = h('button', { type: 'button', id: 'copy-link', class: 'btn btn-primary btn-small' }, 'Copy link');
    copy.addEventListener('click', async () => {
      try {
        if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(a.url);
        else legacyCopy(code);
        status.textContent = 'Copied';
      } catch (e) {
        legacyCopy(code);
        status.textContent = 'Selected: press Ctrl+C to copy';
      }
      setTimeout(() => { status.textContent = ''; }, 2500);
    });
    const done = button('Done', { class: 'btn btn-ghost btn-small', onclick: () => clear(slot) });
    slot.append(h('div', { class: 'notice notice-link', role: 'status' },
      h('div', { class: 'notice-head' }, h('p', { class: 'strong' }, `Activation link for ${r.name || 'the recipient'}`), done),
      h('p', { class: 'muted' }, `Shown once: copy it now and hand it to the recipient. It works once and expires ${fmtAgo(a.expiresAt)} (${fmtTime(a.expiresAt)}).`
        + (a.tokenLifetime ? ` The token it makes lasts ${a.tokenLifetime}.` : '')),
      h('div', { class: 'link-row' }, code, copy, status),
      lines2.map((l) => h('p', { class: 'muted' }, l))));
    copy.focus();
  }

  function legacyCopy(el) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try {
      document.execCommand('copy');
    } catch (e) {
      /* the selection is there for the user to copy */
    }
  }

  /** A modal built on <dialog>; removed from the page when closed, so only one is ever present. */
  function openDialog(form, onClose) {
    document.querySelectorAll('dialog.modal').forEach((d) => d.remove());
    const dialog = h('dialog', { class: 'modal', 'aria-labelledby': form.querySelector('h2') ? form.querySelector('h2').id : null }, form);
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (onClose) onClose();
    });
    dialog.addEventListener('click', (ev) => {
      if (ev.target === dialog) dialog.close();
    });
    document.body.append(dialog);
    dialog.showModal();
    const first = form.querySelector('input, select, textarea, button[data-confirm]');
    if (first) first.focus();
    return dialog;
  }

  function dialogActions(confirmLabel, tone) {
    const confirm = h('button', { type: 'submit', class: ['btn', tone || 'btn-primary'], 'data-confirm': '' }, confirmLabel);
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost', 'data-cancel': '' }, 'Cancel');
    return { confirm, cancel, row: h('div', { class: 'dialog-actions' }, cancel, confirm) };
  }

  async function runDialog(dialog, form, confirm, action) {
    confirm.disabled = true;
    confirm.setAttribute('aria-busy', 'true');
    clearFieldErrors(form);
    try {
      await action();
      dialog.close();
    } catch (e) {
      if (e.status === 400) showFieldError(form, e.message);
      else if (e.code !== 'SESSION') {
        const slot = form.querySelector('[data-error-for="form"]');
        if (slot) slot.textContent = e.message;
        else showError(e);
      }
    } finally {
      confirm.disabled = false;
      confirm.removeAttribute('aria-busy');
    }
  }

  function rotateDialog(r, linkSlot, reload) {
    const oauth = (r.tokens || []).some((t) => t.type === 'client_secret');
    const grace = h('input', { id: 'rot-grace', name: 'gracePeriod', class: 'input mono', autocomplete: 'off', placeholder: 'PT24H' });
    const lifetime = h('input', { id: 'rot-lifetime', name: 'tokenLifetime', class: 'input mono', autocomplete: 'off', placeholder: 'P90D' });
    const credential = h('select', { id: 'rot-credential', name: 'credential', class: 'input' },
      h('option', { value: 'bearer_token', selected: !oauth }, 'Bearer token (profile v1)'),
      h('option', { value: 'oauth_client_credentials', selected: oauth }, 'OAuth client secret (profile v2)'));
    const act = dialogActions('Rotate');
    const form = h('form', { id: 'rotate', novalidate: true },
      h('h2', { id: 'rotate-title' }, `Rotate credentials of ${r.name}`),
      h('p', { class: 'muted' }, 'A new one-time activation link is issued. The current tokens keep working for the grace period, then stop.'),
      field('rot-grace', 'Grace period', grace, 'ISO-8601, one unit: P7D, PT24H, PT30M; empty or 0: they stop now', 'gracePeriod'),
      h('div', { class: 'field-row' },
        field('rot-lifetime', 'New token lifetime', lifetime, 'Empty: no expiry', 'tokenLifetime'),
        field('rot-credential', 'Credential', credential, null, 'credential')),
      h('p', { class: 'form-error', 'data-error-for': 'form', role: 'alert' }),
      act.row);
    const dialog = openDialog(form);
    act.cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const body = { credential: credential.value };
      if (grace.value.trim()) body.gracePeriod = grace.value.trim();
      if (lifetime.value.trim()) body.tokenLifetime = lifetime.value.trim();
      runDialog(dialog, form, act.confirm, async () => {
        const issued = await api(`/admin/recipients/${enc(r.name)}/token`, { method: 'POST', body });
        showLink(linkSlot, issued, 'rotated');
        reload();
      });
    });
  }

  function confirmDialog(id, title, text, label, tone, action) {
    const act = dialogActions(label, tone);
    const form = h('form', { id, novalidate: true },
      h('h2', { id: id + '-title' }, title),
      h('p', null, text),
      h('p', { class: 'form-error', 'data-error-for': 'form', role: 'alert' }),
      act.row);
    const dialog = openDialog(form);
    act.cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      runDialog(dialog, form, act.confirm, action);
    });
  }

  function revokeDialog(r, reload) {
    confirmDialog('revoke', `Revoke ${r.name}?`,
      'Every token and client secret of this recipient, a link not yet opened and its federation policies stop working now, on every replica. Rotate afterwards to let it back in.',
      'Revoke now', 'btn-warn', async () => {
        await api(`/admin/recipients/${enc(r.name)}/revoke`, { method: 'POST' });
        reload();
      });
  }

  function deleteDialog(r, reload) {
    confirmDialog('delete', `Delete ${r.name}?`,
      'The recipient and its grants are removed and its tokens stop working at once. This cannot be undone.',
      'Delete recipient', 'btn-danger', async () => {
        await api(`/admin/recipients/${enc(r.name)}`, { method: 'DELETE' });
        reload();
      });
  }

  // ------------------------------------------------------------------ audit

  const PROTOCOLS = ['delta-sharing', 'flight', 'flight-sql', 'features'];
  const BUCKETS = [60, 300, 900, 1800, 3600, 10800, 21600, 43200, 86400];

  function isoBucket(sec) {
    if (sec % 86400 === 0) return 'P' + sec / 86400 + 'D';
    if (sec % 3600 === 0) return 'PT' + sec / 3600 + 'H';
    if (sec % 60 === 0) return 'PT' + sec / 60 + 'M';
    return 'PT' + sec + 'S';
  }

  /** datetime-local value (local time) -> ISO instant, or ''. */
  function localToIso(value) {
    const d = toDate(value);
    return d ? d.toISOString() : '';
  }

  function isoToLocal(value) {
    const d = toDate(value);
    if (!d) return '';
    return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  }

  function isErrorStatus(status) {
    const n = Number(status);
    if (!Number.isNaN(n) && String(status).trim() !== '') return n >= 400;
    return status != null && status !== 'OK';
  }

  async function auditPage(main) {
    main.append(pageHeader('Audit', 'Who read what, when, and how it went'), loadingState());
    const q = new URLSearchParams(location.search);
    const filters = {
      recipient: q.get('recipient') || '',
      table: q.get('table') || '',
      protocol: q.get('protocol') || '',
      status: q.get('status') || '',
      from: q.get('from') || '',
      to: q.get('to') || '',
    };
    const lookups = await loadAll({ recipients: api('/admin/recipients'), tables: api('/admin/tables') });
    clear(main);
    main.append(pageHeader('Audit', 'Who read what, when, and how it went'));

    const recipientNames = (lookups.recipients || []).map((r) => r.name).sort();
    const tableNames = [];
    (lookups.tables || []).forEach((t) => (t.shares || []).forEach((n) => tableNames.push(n)));
    tableNames.sort();

    const input = (name, props) => h('input', Object.assign({ id: 'f-' + name, name, class: 'input', autocomplete: 'off' }, props || {}));
    const fRecipient = input('recipient', { list: 'dl-recipients', placeholder: 'any', value: filters.recipient });
    const fTable = input('table', { list: 'dl-tables', placeholder: 'share.schema.table', value: filters.table });
    const fProtocol = h('select', { id: 'f-protocol', name: 'protocol', class: 'input' },
      h('option', { value: '' }, 'any'), PROTOCOLS.map((p) => h('option', { value: p, selected: p === filters.protocol }, p)));
    const fStatus = input('status', { list: 'dl-status', placeholder: 'any', value: filters.status });
    const fFrom = input('from', { type: 'datetime-local', value: isoToLocal(filters.from) });
    const fTo = input('to', { type: 'datetime-local', value: isoToLocal(filters.to) });
    const quick = (label, hours) => button(label, {
      class: 'btn btn-small btn-ghost', onclick: () => {
        fFrom.value = isoToLocal(new Date(Date.now() - hours * 3600000));
        fTo.value = '';
        form.requestSubmit();
      },
    });
    const lab = (id, text, control) => h('div', { class: 'filter' }, h('label', { for: id }, text), control);
    const form = h('form', { id: 'audit-filters', class: 'filters', novalidate: true, 'aria-label': 'Audit filters' },
      lab('f-recipient', 'Recipient', fRecipient),
      lab('f-table', 'Table', fTable),
      lab('f-protocol', 'Protocol', fProtocol),
      lab('f-status', 'Status', fStatus),
      lab('f-from', 'From', fFrom),
      lab('f-to', 'To', fTo),
      h('div', { class: 'filter filter-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, 'Apply'),
        button('Reset', {
          class: 'btn btn-ghost', onclick: () => {
            [fRecipient, fTable, fStatus, fFrom, fTo].forEach((el) => { el.value = ''; });
            fProtocol.value = '';
            form.requestSubmit();
          },
        })),
      h('div', { class: 'quick' }, h('span', { class: 'muted' }, 'Last'), quick('1 h', 1), quick('24 h', 24), quick('7 d', 168), quick('30 d', 720)),
      h('p', { class: 'form-error', 'data-error-for': 'form', role: 'alert' }),
      h('datalist', { id: 'dl-recipients' }, recipientNames.map((n) => h('option', { value: n }))),
      h('datalist', { id: 'dl-tables' }, tableNames.map((n) => h('option', { value: n }))),
      h('datalist', { id: 'dl-status' }, ['success', 'error', '200', '401', '403', '404', '500', 'OK', 'UNAUTHENTICATED', 'NOT_FOUND', 'INVALID_ARGUMENT'].map((n) => h('option', { value: n }))));
    main.append(card(null, form, { cls: 'filters-card' }));

    const chartsSlot = h('div', { class: 'charts-3' });
    const eventsSlot = h('div');
    main.append(chartsSlot, eventsSlot);

    const paging = { tokens: [null], index: 0 };

    function current() {
      return {
        recipient: fRecipient.value.trim(),
        table: fTable.value.trim(),
        protocol: fProtocol.value,
        status: fStatus.value.trim(),
        from: localToIso(fFrom.value),
        to: localToIso(fTo.value),
      };
    }

    function query(f, extra) {
      const p = new URLSearchParams();
      Object.keys(f).forEach((k) => { if (f[k]) p.set(k, f[k]); });
      Object.keys(extra || {}).forEach((k) => { if (extra[k] != null && extra[k] !== '') p.set(k, extra[k]); });
      return p.toString();
    }

    async function loadCharts(f) {
      const fromMs = f.from ? new Date(f.from).getTime() : (f.to ? new Date(f.to).getTime() : Date.now()) - 86400000;
      const toMs = f.to ? new Date(f.to).getTime() : Date.now();
      const spanSec = Math.max(60, (toMs - fromMs) / 1000);
      const bucket = BUCKETS.find((b) => spanSec / b <= 96) || 86400 * Math.ceil(spanSec / 86400 / 96);
      clear(chartsSlot).append(loadingState('Loading charts…'));
      let tl;
      try {
        tl = await api('/admin/audit/timeline?' + query(f, { bucket: isoBucket(bucket) }));
      } catch (e) {
        clear(chartsSlot);
        filterError(e);
        return;
      }
      clear(chartsSlot);
      const fr = timelineFrame(tl);
      const byRecipient = (tl && tl.byRecipient) || {};
      const index = new Map(fr.times.map((t, i) => [t, i]));
      const names = Object.keys(byRecipient).map((name) => ({
        name,
        requests: (byRecipient[name] || []).reduce((a, b) => a + (b.requests || 0), 0),
      })).sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name)).map((x) => x.name);
      const shown = names.length > MAX_SERIES ? names.slice(0, MAX_SERIES - 1) : names;
      const rest = names.slice(shown.length);
      // Recipients past the first few, those the gateway left out, and calls without a recipient
      // (failed sign-ins) are one grey "other" series: the total of the bars is the window's total.
      const seriesOf = (metric) => {
        const out = shown.map((name, k) => ({ name, cls: 'c' + (k % PALETTE), values: new Array(fr.times.length).fill(0), list: [name] }));
        out.forEach((sr) => sr.list.forEach((n) => (byRecipient[n] || []).forEach((b) => {
          const i = index.get(new Date(b.start).getTime());
          if (i != null) sr.values[i] += b[metric] || 0;
        })));
        const other = fr.buckets.map((b, i) => Math.max(0, (b[metric] || 0) - out.reduce((sum, sr) => sum + sr.values[i], 0)));
        const series = out.map((sr) => ({ key: sr.name, label: sr.name, cls: sr.cls, values: sr.values, recipient: sr.name }));
        if (other.some((v) => v > 0)) {
          series.push({ key: '(other)', label: rest.length || (tl && tl.recipientsOmitted) ? 'Other recipients, unauthenticated' : 'Unauthenticated', cls: 'c-other', values: other, recipient: '(other)' });
        }
        return series;
      };
      const defs = [
        ['requests', 'audit-requests-chart', 'Requests', 'requests', fmtCompact, true],
        ['bytes', 'audit-bytes-chart', 'Bytes sent', 'bytes', fmtBytes, false],
        ['errors', 'audit-errors-chart', 'Errors', 'errors', fmtCompact, true],
      ];
      const windowNote = `${fmtTime(fr.from).slice(0, 16)} – ${fmtTime(fr.to).slice(0, 16)} · ${isoBucket(fr.bucketMs / 1000).replace('PT', '').toLowerCase()} buckets`;
      defs.forEach(([metric, id, title, unit, fmt, integer]) => {
        const bars = seriesOf(metric);
        const spec = {
          from: fr.from, to: fr.to, bucketMs: fr.bucketMs, times: fr.times, bars, lines: [],
          yLabel: unit, yFormat: fmt, yInteger: integer, height: 200,
          emptyText: metric === 'errors' ? 'No errors in this window' : 'No events in this window',
          columnTitle: (i, t) => {
            const parts = bars.filter((b) => b.values[i]).map((b) => `${b.label}: ${fmt(b.values[i])}`);
            return timeLabel(t, fr.bucketMs) + '\n' + (parts.length ? parts.join('\n') : 'none');
          },
        };
        const fig = timeChart({ id, label: `${title} per recipient over time`, spec, initialWidth: 360 });
        // A recipient's bar narrows the page to that recipient.
        fig.addEventListener('click', (ev) => {
          const mark = ev.target.closest('[data-recipient]');
          const who = mark && mark.getAttribute('data-recipient');
          if (who && who !== '(other)' && who !== fRecipient.value) {
            fRecipient.value = who;
            form.requestSubmit();
          }
        });
        chartsSlot.append(card(title, fig, { cls: 'chart-card filterable' }));
      });
      chartsSlot.append(h('p', { class: 'muted chart-window' }, windowNote + (tl && tl.truncated ? ` · only the first ${fmtInt(tl.scanned)} events were counted` : '')));
    }

    async function loadEvents(f) {
      const token = paging.tokens[paging.index];
      clear(eventsSlot).append(loadingState('Loading events…'));
      let page;
      try {
        page = await api('/admin/audit?' + query(f, { limit: PAGE_SIZE, pageToken: token }));
      } catch (e) {
        clear(eventsSlot).append(card(null, emptyState('Events unavailable', e.status === 400 ? 'Correct the filters above.' : e.message)));
        filterError(e);
        return;
      }
      // The filters the list endpoint does not know are applied here too, so the page never shows what the filter excludes.
      const events = ((page && page.events) || []).filter((e) =>
        (!f.protocol || e.protocol === f.protocol) && (!f.status || statusMatches(e.status, f.status)));
      if (page && page.nextPageToken) paging.tokens[paging.index + 1] = page.nextPageToken;
      else paging.tokens.length = paging.index + 1;
      const rows = events.map((e) => {
        const err = isErrorStatus(e.status);
        const target = e.table ? `${e.share}.${e.schema}.${e.table}` : (e.featureViews || []).join(', ');
        return h('tr', { 'data-operation': e.operation, 'data-recipient': e.recipient || '', 'data-status': e.status, class: err ? 'row-err' : null },
          h('td', { class: 'nowrap' }, timeEl(e.time, 'absolute')),
          h('td', { class: 'nowrap' }, e.recipient ? e.recipient : h('span', { class: 'muted' }, '—')),
          h('td', null, h('span', { class: 'chip' }, e.protocol)),
          h('td', null, h('span', { class: 'mono' }, e.operation), e.count ? h('span', { class: 'muted' }, ` ×${fmtInt(e.count)}`) : null,
            e.message ? h('div', { class: 'sub msg', title: e.message }, e.message) : null),
          h('td', { class: 'mono nowrap' }, e.table ? h('a', { href: tablePath(target) }, target) : target || h('span', { class: 'muted' }, '—'),
            e.version != null ? h('span', { class: 'muted' }, ' v' + e.version) : null),
          h('td', null, badge(e.status, err ? 'err' : 'ok', { title: e.errorCode || null })),
          h('td', { class: 'num' }, e.bytes != null ? fmtBytes(e.bytes) : '—'),
          h('td', { class: 'num' }, e.rows != null ? fmtInt(e.rows) : e.files != null ? plural(e.files, 'file') : '—'),
          h('td', { class: 'num' }, fmtMillis(e.latencyMs)),
          h('td', { class: 'mono', title: e.userAgent || null }, e.clientIp || '—'));
      });
      const hasNext = paging.tokens.length > paging.index + 1;
      const prev = button('← Newer', { class: 'btn btn-small', disabled: paging.index === 0, 'data-page': 'prev', onclick: () => { paging.index--; loadEvents(f); } });
      const next = button('Older →', { class: 'btn btn-small', disabled: !hasNext, 'data-page': 'next', onclick: () => { paging.index++; loadEvents(f); } });
      const pager = h('div', { class: 'pager' }, h('span', { class: 'muted' }, `Page ${paging.index + 1} · ${plural(events.length, 'event')}`), prev, next);
      clear(eventsSlot).append(card('Events', [
        dataTable('audit-events',
          [{ label: 'Time' }, { label: 'Recipient' }, { label: 'Protocol' }, { label: 'Operation' }, { label: 'Table / views' }, { label: 'Status' },
            { label: 'Bytes', cls: 'num' }, { label: 'Rows', cls: 'num' }, { label: 'Latency', cls: 'num' }, { label: 'Client' }],
          rows, paging.index === 0 ? 'No events match these filters' : 'No more events', 'Audit events'),
      ], { flush: true, aside: pager }));
    }

    /** A 400 names the filter at fault ("'table' must be share.schema.table ..."): shown by the filters. */
    function filterError(e) {
      if (e.code === 'SESSION') return;
      if (e.status !== 400) {
        showError(e);
        return;
      }
      form.querySelector('[data-error-for="form"]').textContent = e.message;
      const m = /^'(\w+)'/.exec(e.message);
      const control = m ? form.querySelector(`[name="${CSS.escape(m[1])}"]`) : null;
      if (control) control.setAttribute('aria-invalid', 'true');
    }

    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearError();
      clearFieldErrors(form);
      const f = current();
      const url = location.pathname + (query(f) ? '?' + query(f) : '');
      history.replaceState(null, '', url);
      paging.tokens = [null];
      paging.index = 0;
      loadCharts(f);
      loadEvents(f);
    });
    const f0 = current();
    loadCharts(f0);
    loadEvents(f0);
  }

  function statusMatches(status, filter) {
    const f = filter.toLowerCase();
    const st = String(status || '').toLowerCase();
    if (f === 'error' || f === 'errors') return isErrorStatus(status);
    if (f === 'ok' || f === 'success') return !isErrorStatus(status);
    return st === f;
  }

  // ------------------------------------------------------------------ lineage

  const KIND_LABEL = { table: 'Table', share: 'Share', recipient: 'Recipient', view: 'Feature view', service: 'Feature service' };

  async function lineagePage(main) {
    main.append(pageHeader('Lineage', 'Tables to shares to recipients, and tables to feature views to feature services'), loadingState());
    const data = await loadAll({
      tables: api('/admin/tables'),
      recipients: api('/admin/recipients'),
      views: api('/admin/features/views'),
    });
    clear(main);
    const graph = buildGraph(data.tables || [], data.recipients || [], data.views || {});
    main.append(pageHeader('Lineage', `${plural(graph.count('table'), 'table')} · ${plural(graph.count('share'), 'share')} · ${plural(graph.count('recipient'), 'recipient')} · ${plural(graph.count('view'), 'feature view')}`));
    if (!graph.nodes.length) {
      main.append(card(null, emptyState('Nothing to draw yet', 'Once shares publish tables or feature views read them, their lineage is drawn here.')));
      return;
    }
    const legend = h('ul', { class: 'legend lineage-legend', 'aria-label': 'Node kinds' },
      Object.keys(KIND_LABEL).map((k) => h('li', null, h('span', { class: ['swatch', 'swatch-box', 'k-' + k], 'aria-hidden': 'true' }), KIND_LABEL[k])));
    main.append(card(null, [legend, h('div', { class: 'lineage-wrap', tabindex: '0', role: 'region', 'aria-label': 'Lineage graph' }, drawLineage(graph)),
      h('p', { class: 'muted help' }, 'Hover or focus a node to follow its lineage; Enter opens it.')]));
  }

  /** Nodes and edges from the inventory: one table node per location, named by its first shared name. */
  function buildGraph(tables, recipients, views) {
    const nodes = new Map();
    const edges = new Map();
    const add = (kind, key, label, extra) => {
      const id = kind + ':' + key;
      if (!nodes.has(id)) nodes.set(id, Object.assign({ id, kind, key, label }, extra || {}));
      return id;
    };
    const link = (from, to) => {
      const id = from + '->' + to;
      if (!edges.has(id)) edges.set(id, { id, from, to });
    };
    const shareRecipients = new Map();
    recipients.forEach((r) => (r.shares || []).forEach((sh) => {
      if (!shareRecipients.has(sh)) shareRecipients.set(sh, []);
      shareRecipients.get(sh).push(r.name);
    }));
    tables.forEach((t) => {
      const names = (t.shares || []).slice().sort();
      const key = names[0] || t.location;
      const tid = add('table', key, names[0] || lastSegment(t.location), {
        sub: names.length > 1 ? `also ${names.slice(1).join(', ')}` : names.length ? '' : t.location,
        location: t.location,
        href: names[0] ? tablePath(names[0]) : null,
      });
      names.forEach((n) => {
        const share = n.split('.')[0];
        const sid = add('share', share, share);
        link(tid, sid);
      });
      (t.featureViews || []).forEach((v) => link(tid, add('view', v, v, { href: '/console/features' })));
    });
    Array.from(nodes.values()).filter((n) => n.kind === 'share').forEach((sh) => {
      (shareRecipients.get(sh.key) || []).forEach((r) => link(sh.id, add('recipient', r, r, { href: '/console/recipients#' + enc(r) })));
    });
    recipients.forEach((r) => add('recipient', r.name, r.name, { href: '/console/recipients#' + enc(r.name) }));
    // Feature services, from each view's summary (GET /admin/features/views).
    Object.keys(views || {}).forEach((v) => {
      const vid = add('view', v, v, { href: '/console/features' });
      ((views[v] || {}).services || []).forEach((svc) => link(vid, add('service', svc, svc)));
    });
    const list = Array.from(nodes.values());
    return { nodes: list, edges: Array.from(edges.values()), count: (kind) => list.filter((n) => n.kind === kind).length };
  }

  function drawLineage(graph) {
    const longest = graph.nodes.reduce((m, n) => Math.max(m, n.label.length), 0);
    const NODE_W = Math.max(180, Math.min(300, Math.round(longest * 7.4 + 30)));
    const NODE_H = 42;
    const GAP_Y = 12;
    const GAP_X = 116;
    const PAD = 16;
    const BAND_GAP = 40;
    const HEAD = 34;
    const byKind = (k) => graph.nodes.filter((n) => n.kind === k);
    const out = new Map();
    const inc = new Map();
    graph.edges.forEach((e) => {
      if (!out.has(e.from)) out.set(e.from, []);
      if (!inc.has(e.to)) inc.set(e.to, []);
      out.get(e.from).push(e.to);
      inc.get(e.to).push(e.from);
    });
    // Order each column by the mean position of what feeds it (barycenter), to keep edges short and uncrossed.
    const pos = new Map();
    const orderBy = (list, parentsOf) => {
      const scored = list.map((n, i) => {
        const ps = (parentsOf(n.id) || []).filter((p) => pos.has(p)).map((p) => pos.get(p));
        return { n, score: ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : 1e6 + i };
      });
      scored.sort((a, b) => a.score - b.score || a.n.label.localeCompare(b.n.label));
      scored.forEach((x, i) => pos.set(x.n.id, i));
      return scored.map((x) => x.n);
    };
    // Two barycenter sweeps: shares by name, tables by their shares, shares by their tables, tables
    // again; tables that only feed feature views go last, next to the views band.
    const mean = (ids) => {
      const ps = ids.filter((x) => pos.has(x)).map((x) => pos.get(x));
      return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : null;
    };
    const sortBy = (list, score) => {
      const scored = list.map((n, i) => ({ n, s: score(n, i) }));
      scored.sort((a, b) => a.s - b.s || a.n.label.localeCompare(b.n.label));
      scored.forEach((x, i) => pos.set(x.n.id, i));
      return scored.map((x) => x.n);
    };
    let shares = sortBy(byKind('share'), () => 0);
    const tableScore = (n, i) => {
      const m = mean((out.get(n.id) || []).filter((x) => x.startsWith('share:')));
      return m == null ? 1e6 + i : m;
    };
    let tables = sortBy(byKind('table'), tableScore);
    shares = sortBy(shares, (n, i) => {
      const m = mean(inc.get(n.id) || []);
      return m == null ? 1e6 + i : m;
    });
    tables = sortBy(tables, tableScore);
    const recipients = orderBy(byKind('recipient'), (id) => inc.get(id));
    const views = orderBy(byKind('view'), (id) => inc.get(id));
    const services = orderBy(byKind('service'), (id) => inc.get(id));

    const colX = [0, 1, 2].map((c) => PAD + c * (NODE_W + GAP_X));
    const place = (list, col, y0) => {
      let y = y0;
      list.forEach((n) => {
        n.x = colX[col];
        n.y = y;
        y += NODE_H + GAP_Y;
      });
      return y;
    };
    const top = PAD + HEAD;
    const tEnd = place(tables, 0, top);
    const shareEnd = place(shares, 1, top);
    const recEnd = place(recipients, 2, top);
    const bandY = (views.length || services.length) ? Math.max(shareEnd, recEnd) + (shares.length || recipients.length ? BAND_GAP : 0) : 0;
    const vEnd = place(views, 1, bandY);
    const sEnd = place(services, 2, bandY);
    const height = Math.max(tEnd, shareEnd, recEnd, vEnd, sEnd) + PAD;
    const width = colX[2] + NODE_W + PAD;

    const svg = s('svg', { id: 'lineage', class: 'lineage', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Lineage graph' });
    const heads = s('g', { class: 'col-heads', 'aria-hidden': 'true' });
    [['Tables', 0], ['Shares', 1], ['Recipients', 2]].forEach(([t, c]) => heads.append(s('text', { x: colX[c], y: PAD + 14, class: 'col-head' }, t)));
    if (views.length || services.length) {
      heads.append(s('text', { x: colX[1], y: bandY - 10, class: 'col-head' }, 'Feature views'),
        s('line', { x1: colX[1], x2: width - PAD, y1: bandY - 26, y2: bandY - 26, class: 'band-line' }));
      if (services.length) heads.append(s('text', { x: colX[2], y: bandY - 10, class: 'col-head' }, 'Feature services'));
    }
    svg.append(heads);

    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const edgeG = s('g', { class: 'edges' });
    const edgeEls = new Map();
    graph.edges.forEach((e) => {
      const a = byId.get(e.from);
      const b = byId.get(e.to);
      if (!a || !b || a.x == null || b.x == null) return;
      const x1 = a.x + NODE_W;
      const y1 = a.y + NODE_H / 2;
      const x2 = b.x;
      const y2 = b.y + NODE_H / 2;
      const mx = (x1 + x2) / 2;
      const path = s('path', { d: `M${x1} ${y1}C${mx} ${y1} ${mx} ${y2} ${x2} ${y2}`, class: ['edge', 'e-' + b.kind], 'data-edge': e.id },
        s('title', null, `${KIND_LABEL[a.kind]} ${a.label} → ${KIND_LABEL[b.kind]} ${b.label}`));
      edgeEls.set(e.id, path);
      edgeG.append(path);
    });
    svg.append(edgeG);

    const nodeG = s('g', { class: 'nodes' });
    const nodeEls = new Map();
    const maxChars = Math.floor((NODE_W - 22) / 7.2);
    const cut = (text, n) => (text.length > n ? text.slice(0, n - 1) + '…' : text);
    graph.nodes.forEach((n) => {
      if (n.x == null) return;
      const g = s('g', {
        class: ['node', 'k-' + n.kind, n.href ? 'linked' : null], 'data-node': n.id, 'data-location': n.location,
        transform: `translate(${n.x} ${n.y})`, tabindex: '0', role: n.href ? 'link' : 'img',
        'aria-label': `${KIND_LABEL[n.kind]} ${n.label}${n.sub ? ', ' + n.sub : ''}`,
      },
      s('title', null, `${KIND_LABEL[n.kind]}: ${n.label}${n.location && n.location !== n.label ? '\n' + n.location : ''}${n.sub && n.sub !== n.location ? '\n' + n.sub : ''}`),
      s('rect', { width: NODE_W, height: NODE_H, rx: 7, class: 'node-box' }),
      s('rect', { width: 5, height: NODE_H, rx: 2, class: 'node-mark' }),
      s('text', { x: 14, y: 16, class: 'node-kind' }, KIND_LABEL[n.kind].toUpperCase()),
      s('text', { x: 14, y: 32, class: 'node-label' }, cut(n.label, maxChars)));
      if (n.href) {
        const go = () => location.assign(n.href);
        g.addEventListener('click', go);
        g.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter') go();
        });
      }
      nodeEls.set(n.id, g);
      nodeG.append(g);
    });
    svg.append(nodeG);

    // Highlight what a node comes from and what it feeds, transitively.
    const reach = (start, next) => {
      const seen = new Set([start]);
      const stack = [start];
      while (stack.length) {
        const id = stack.pop();
        (next.get(id) || []).forEach((x) => {
          if (!seen.has(x)) {
            seen.add(x);
            stack.push(x);
          }
        });
      }
      return seen;
    };
    const focus = (id) => {
      const down = reach(id, out);
      const up = reach(id, inc);
      svg.classList.add('focused');
      nodeEls.forEach((el, nid) => el.classList.toggle('hl', down.has(nid) || up.has(nid)));
      graph.edges.forEach((e) => {
        const el = edgeEls.get(e.id);
        if (el) el.classList.toggle('hl', (down.has(e.from) && down.has(e.to)) || (up.has(e.from) && up.has(e.to)));
      });
    };
    const blur = () => {
      svg.classList.remove('focused');
      nodeEls.forEach((el) => el.classList.remove('hl'));
      edgeEls.forEach((el) => el.classList.remove('hl'));
    };
    nodeEls.forEach((el, id) => {
      el.addEventListener('mouseenter', () => focus(id));
      el.addEventListener('focus', () => focus(id));
      el.addEventListener('mouseleave', blur);
      el.addEventListener('blur', blur);
    });
    return svg;
  }

  // ------------------------------------------------------------------ features

  /** PT5M -> "5 min", P1D -> "1 d": a schedule as people say it. */
  function isoDurationText(iso) {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(String(iso));
    if (!m) return String(iso);
    const secs = (Number(m[1] || 0) * 86400) + (Number(m[2] || 0) * 3600) + (Number(m[3] || 0) * 60) + Number(m[4] || 0);
    return fmtSeconds(secs);
  }

  function stateTone(state) {
    return state === 'running' ? 'info' : state === 'failed' ? 'err' : state === 'not run' ? 'muted' : 'ok';
  }

  function stateBadge(state) {
    return badge(state || 'unknown', stateTone(state), { 'data-state': state || 'unknown' });
  }

  function lagText(p) {
    if (!p || p.lagVersions == null) return '—';
    if (!p.lagVersions) return 'up to date';
    return `${plural(p.lagVersions, 'version')} · ${fmtSeconds(p.lagSeconds)}`;
  }

  /** Lag in versions, and how old the oldest commit not yet online is, in a table cell. */
  function lagCellOf(p) {
    const td = h('td', { class: 'num nowrap' });
    if (!p || p.lagVersions == null) td.append('—');
    else if (!p.lagVersions) td.append(h('span', { class: 'text-ok' }, 'up to date'));
    else td.append(plural(p.lagVersions, 'version'), h('div', { class: 'sub' }, fmtSeconds(p.lagSeconds) + ' behind'));
    return td;
  }

  function progressText(p) {
    const pct = Math.max(0, Math.min(100, Number(p && p.percent) || 0));
    return `${Math.round(pct)}% · ${(p && p.state) || 'unknown'}`;
  }

  async function featuresPage(main) {
    main.append(pageHeader('Features', 'Online feature views: how fresh they are, and their materialization runs'), loadingState());
    const data = await loadAll({
      mat: api('/admin/features/materialization'),
      history: api('/admin/features/materialization/history'),
      views: api('/admin/features/views'),
    });
    clear(main);
    const mat = data.mat || {};
    const summaries = data.views || {};
    const history = data.history || {};
    const views = Array.from(new Set([...Object.keys(mat), ...Object.keys(history)])).sort();
    const running = views.filter((v) => mat[v] && mat[v].state === 'running').length;
    main.append(pageHeader('Features', `${plural(views.length, 'online view')}${running ? ` · ${running} running` : ''}`));
    if (!views.length) {
      main.append(card(null, emptyState('No online feature views', 'Define feature views in feature-defs/*.yaml: each online one is materialized from its Gold table into the online store.')));
      return;
    }
    const rows = new Map();
    const trs = views.map((v) => {
      const row = featureRow(v, mat[v] || { view: v, state: 'not run' }, history[v] || [], summaries[v] || {});
      rows.set(v, row);
      return row.tr;
    });
    main.append(card(null, dataTable('features',
      [{ label: 'View' }, { label: 'Layout' }, { label: 'State' }, { label: 'Last run' }, { label: 'Rows', cls: 'num' }, { label: 'Lag', cls: 'num' },
        { label: 'Progress' }, { label: '', cls: 'actions' }],
      trs, 'No views', 'Feature views'), { flush: true }));

    const chartsSlot = h('div', { class: 'charts-2' });
    main.append(h('h2', { class: 'section-title' }, 'Lag over time'), chartsSlot);
    const charts = new Map();
    views.forEach((v) => {
      const holder = h('div');
      charts.set(v, holder);
      chartsSlot.append(holder);
      drawLag(holder, v, history[v] || [], mat[v]);
    });

    const watchers = new Set();

    /** Polls every 500 ms while the view runs (or until the POST that started it answers). */
    async function watch(view, untilDone) {
      if (watchers.has(view)) return;
      watchers.add(view);
      const row = rows.get(view);
      try {
        for (;;) {
          await sleep(POLL_MS);
          if (!row.tr.isConnected) return;
          let all;
          try {
            all = await api('/admin/features/materialization');
          } catch (e) {
            if (e.code === 'SESSION') return;
            showError(e);
            return;
          }
          const p = all && all[view];
          // While our own POST is pending, a state other than running is the previous run's: keep showing ours.
          if (p && (!untilDone || p.state === 'running')) row.update(p);
          const finished = untilDone ? untilDone() : !p || p.state !== 'running';
          if (finished) return;
        }
      } finally {
        watchers.delete(view);
      }
    }

    async function refreshHistory(view) {
      try {
        const hist = (await api('/admin/features/materialization/history')) || {};
        const all = (await api('/admin/features/materialization')) || {};
        views.forEach((v) => {
          if (all[v]) rows.get(v).update(all[v], hist[v]);
        });
        drawLag(charts.get(view), view, hist[view] || [], all[view]);
      } catch (e) {
        showError(e);
      }
    }

    rows.forEach((row, view) => {
      row.button.addEventListener('click', async () => {
        clearError();
        row.button.disabled = true;
        row.button.setAttribute('aria-busy', 'true');
        row.button.textContent = 'Running…';
        row.update(Object.assign({}, row.last, { state: 'running', percent: 0 }));
        let done = false;
        const poll = watch(view, () => done);
        try {
          const p = await api(`/admin/features/views/${enc(view)}/materialize`, { method: 'POST' });
          done = true;
          if (p) row.update(Object.assign({}, row.last, p));
        } catch (e) {
          done = true;
          showError(e);
        } finally {
          await poll;
          row.button.disabled = false;
          row.button.removeAttribute('aria-busy');
          row.button.textContent = 'Materialize now';
          await refreshHistory(view);
        }
      });
      if (row.last && row.last.state === 'running') {
        watch(view).then(() => refreshHistory(view));
      }
    });
  }

  function featureRow(view, p0, hist, summary) {
    const layout = summary.layout;
    const facts = [];
    if (summary.schedule) facts.push('every ' + isoDurationText(summary.schedule));
    if (summary.features != null) facts.push(plural(summary.features, 'feature'));
    const source = summary.table
      ? (summary.shared !== false && String(summary.table).split('.').length === 3 ? h('a', { href: tablePath(summary.table), class: 'mono' }, summary.table) : h('span', { class: 'mono' }, summary.table))
      : null;
    const stateCell = h('td');
    const lastRunCell = h('td');
    const rowsCell = h('td', { class: 'num' });
    let lagCell = h('td', { class: 'num' });
    const bar = h('progress', { max: '100', value: '0', 'aria-label': `Materialization of ${view}` });
    const progressLabel = h('span', { class: 'progress-text', 'data-progress': '' });
    const progressCell = h('td', { class: 'progress-cell' }, h('div', { class: 'progress-wrap' }, bar, progressLabel));
    const btn = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'materialize', 'aria-label': `Materialize ${view} now` }, 'Materialize now');
    const layoutCell = h('td');
    const tr = h('tr', { 'data-view': view },
      h('td', { class: 'name' }, h('span', { class: 'strong' }, view),
        source ? h('div', { class: 'sub nowrap' }, 'from ', source) : null,
        facts.length ? h('div', { class: 'sub' }, facts.join(' · ')) : null,
        (summary.services || []).length ? h('div', { class: 'sub' }, 'serves ', summary.services.join(', ')) : null),
      layoutCell, stateCell, lastRunCell, rowsCell, lagCell, progressCell, h('td', { class: 'actions' }, btn));
    const row = { tr, button: btn, last: p0, history: hist };
    row.update = (p, newHistory) => {
      row.last = p;
      if (newHistory) row.history = newHistory;
      clear(layoutCell).append(layout ? h('span', { class: 'chip' }, layout) : h('span', { class: 'muted' }, '—'));
      clear(stateCell).append(stateBadge(p.state));
      if (p.mode && p.mode !== 'none') stateCell.append(h('div', { class: 'sub' }, p.mode + (p.tableVersion != null && p.tableVersion >= 0 ? ' · to v' + p.tableVersion : '')));
      if (p.error) stateCell.append(h('div', { class: 'sub text-err msg', title: p.error }, p.error));
      const runs = (row.history || []).filter((x) => !x.kind || x.kind === 'run');
      const lastSample = runs.length ? runs[runs.length - 1] : null;
      const lastRun = p.finishedAt || p.lastRun || p.startedAt || (lastSample && lastSample.time);
      clear(lastRunCell).append(lastRun ? timeEl(lastRun) : h('span', { class: 'muted' }, p.state === 'not run' ? 'never' : '—'));
      if (p.millis) lastRunCell.append(h('div', { class: 'sub' }, 'took ' + fmtMillis(p.millis)));
      clear(rowsCell).append(p.written != null || p.rowsRead != null ? fmtInt(p.written != null ? p.written : p.rowsRead) : '—');
      if (p.rowsRead != null && p.state !== 'not run') rowsCell.append(h('div', { class: 'sub' }, `${fmtInt(p.rowsRead)} read${p.rowsPerSecond ? ' · ' + fmtCompact(p.rowsPerSecond) + '/s' : ''}`));
      lagCell.replaceWith(lagCell = lagCellOf(p));
      const pct = Math.max(0, Math.min(100, Number(p.percent) || 0));
      // A finished run that read nothing (up to date, or a no-op) is complete, so 100%; a failed one shows how far it got.
      const shownPct = p.state === 'materialized' || p.state === 'up to date' ? (pct || 100) : pct;
      bar.value = shownPct;
      bar.className = 'bar-' + stateTone(p.state);
      progressLabel.textContent = progressText(Object.assign({}, p, { percent: shownPct }));
      if (p.filesTotal && p.state === 'running') progressLabel.append(h('span', { class: 'muted' }, ` · ${fmtInt(p.filesRead)}/${fmtInt(p.filesTotal)} files`));
    };
    row.update(p0);
    return row;
  }

  function drawLag(holder, view, samples, current) {
    const points = samples.map((x) => [new Date(x.time).getTime(), x]).filter((x) => !Number.isNaN(x[0]));
    const note = (x) => `${x.kind === 'check' ? 'lag check' : x.kind === 'now' ? 'now' : 'run'}, ${x.state}${x.kind === 'run' ? `, ${plural(x.rows || 0, 'row')} in ${fmtMillis(x.millis || 0)}` : ''}`;
    const known = (key) => points.filter(([, x]) => x[key] != null).map(([t, x]) => [t, x[key], note(x)]);
    const now = Date.now();
    // The status answer is the lag now: the line runs up to it.
    if (points.length && current && current.lagVersions != null && now > points[points.length - 1][0]) {
      points.push([now, { kind: 'now', state: current.state, lagVersions: current.lagVersions, lagSeconds: current.lagSeconds }]);
    }
    // At least a quarter of an hour, so a few fresh samples are not crammed against the right edge.
    const first = points.length ? Math.min(points[0][0], now - 900000) : now - 86400000;
    const last = Math.max(now, points.length ? points[points.length - 1][0] : now);
    const from = first;
    const to = last + (last - first) * 0.02;
    const failed = points.filter((p) => p[1].state === 'failed' && (!p[1].kind || p[1].kind === 'run')).length;
    const spec = {
      from, to, bucketMs: 0, times: [], bars: [],
      lines: [
        { key: 'lagSeconds', label: 'Lag (seconds)', cls: 'c0', area: true, points: known('lagSeconds'), format: fmtSeconds },
        { key: 'lagVersions', label: 'Lag (versions)', cls: 'c1', axis: 'right', step: true, dashed: true, noDots: true, points: known('lagVersions'), format: (v) => plural(v, 'version') },
      ],
      yLabel: 'lag', y2Label: 'versions', yFormat: fmtDurationShort, yDuration: true, y2Integer: true, height: 180, showFlatLines: true,
      emptyText: points.length ? 'No lag' : 'No runs recorded yet',
    };
    clear(holder).append(card(view, timeChart({ cls: 'lag-chart', attrs: { 'data-view': view }, label: `Lag of ${view} over time`, spec, initialWidth: 480 }), {
      cls: 'chart-card',
      aside: h('span', { class: 'muted' }, `${plural(samples.length, 'sample')}${failed ? ` · ${failed} failed` : ''} · now ${lagText(current)}`),
    }));
  }

  // ------------------------------------------------------------------ boot

  const PAGES = {
    overview: overviewPage,
    tables: tablesPage,
    table: tablePage,
    recipients: recipientsPage,
    audit: auditPage,
    lineage: lineagePage,
    features: featuresPage,
  };

  function markNav(page) {
    const active = page === 'table' ? 'tables' : page;
    document.querySelectorAll('nav a[data-nav]').forEach((a) => {
      if (a.getAttribute('data-nav') === active) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
  }

  function readParams() {
    const raw = document.body.getAttribute('data-params');
    if (!raw) return {};
    try {
      const v = JSON.parse(raw);
      return v && typeof v === 'object' ? v : {};
    } catch (e) {
      return {};
    }
  }

  async function boot() {
    window.addEventListener('error', (ev) => {
      showError(ev.error || ev.message);
    });
    window.addEventListener('unhandledrejection', (ev) => {
      ev.preventDefault();
      showError(ev.reason);
    });
    const page = document.body.getAttribute('data-page');
    markNav(page);
    const render = PAGES[page];
    const main = document.getElementById('content');
    if (!render || !main) return;
    errorBox();
    clear(main);
    main.setAttribute('aria-busy', 'true');
    try {
      await render(main, readParams());
    } catch (e) {
      showError(e);
      if (!main.querySelector('.page-header')) main.append(pageHeader('Console', ''));
      main.querySelectorAll('.loading').forEach((el) => el.remove());
    } finally {
      main.removeAttribute('aria-busy');
      main.querySelectorAll(':scope > .loading').forEach((el) => el.remove());
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
