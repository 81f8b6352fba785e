// kafka-ts dashboard: a small single-page app over the broker's JSON API (/api/v1), redrawn by polling
// every POLL_MS. Pages (hash routes): #/ overview, #/topic/<name>, #/group/<id>, #/streams,
// #/stream/<appId> (a stream application's Streaming page).
// Charts are uPlot (global `uPlot`, loaded by index.html from /ui/vendor/uplot/). Every text that comes
// from the broker (topic names, client ids...) is put in the page as text, never as HTML.

const POLL_MS = 2000;
/** Samples asked for: the overview's sparklines (1 per second) and the pages' charts. */
const SPARK_POINTS = 60;
const CHART_POINTS = 300;
export const COLORS = { in: '#1f6feb', out: '#e8590c', total: '#343a40' };
const PALETTE = ['#1f6feb', '#e8590c', '#2b8a3e', '#ae3ec9', '#f59f00', '#0c8599', '#c2255c', '#5c940d', '#364fc7', '#a61e4d', '#087f5b', '#862e9c'];

// ---------------------------------------------------------------------------------------------------
// Helpers

/** Create an element: h('td', { class: 'num' }, 'text', child...). Strings become text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function fmtInt(n) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US');
}

function fmtBytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

function fmtRate(n, unit) {
  if (!n) return `0 ${unit}/s`;
  return unit === 'B' ? `${fmtBytes(n)}/s` : `${n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')} ${unit}/s`;
}

function fmtDuration(ms) {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return d > 0 ? `${d}d ${hh}h ${mm}m` : hh > 0 ? `${hh}h ${mm}m` : mm > 0 ? `${mm}m ${ss}s` : `${ss}s`;
}

function fmtTime(ms) {
  return ms > 0 ? new Date(ms).toLocaleString() : '–';
}

function topicHref(name) {
  return `#/topic/${encodeURIComponent(name)}`;
}

function groupHref(id) {
  return `#/group/${encodeURIComponent(id)}`;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error;
  }
}

async function api(path) {
  const r = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, body);
  return body;
}

function stat(label, value) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

function table(headers, rows) {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, headers.map((c) => (typeof c === 'string' ? h('th', {}, c) : h('th', { class: c.cls }, c.label))))),
    h('tbody', {}, rows.length > 0 ? rows : [h('tr', {}, h('td', { colspan: String(headers.length), class: 'muted' }, 'none'))]),
  );
}

/** uPlot's data from history: [seconds, ...series]. */
function uplotData(timestamps, series) {
  return [timestamps.map((t) => t / 1000), ...series];
}

// ---------------------------------------------------------------------------------------------------
// Charts

/** A small chart without axes (overview rows). */
function sparkline(el, seriesColors) {
  return new uPlot(
    {
      width: 160,
      height: 32,
      cursor: { show: false },
      select: { show: false },
      legend: { show: false },
      // x: the last SPARK_POINTS seconds, so that every row spans the same minute; y: from a little
      // below 0, so that a line at 0 stays visible.
      scales: { x: { time: false, range: (u, min, max) => [max - SPARK_POINTS, max] }, y: { range: (u, min, max) => [-Math.max(1, max) * 0.1, Math.max(1, max) * 1.1] } },
      axes: [{ show: false }, { show: false }],
      // The first series wider, the others thinner on top of it: equal values (in = out) stay visible.
      series: [{}, ...seriesColors.map((c, i) => ({ stroke: c, width: i === 0 ? 2.5 : 1.2, points: { show: false } }))],
    },
    [[], ...seriesColors.map(() => [])],
    el,
  );
}

/** A time chart with axes and a legend. */
function timeChart(el, series, yLabel) {
  const width = Math.max(320, el.clientWidth || 800);
  return new uPlot(
    {
      width,
      height: 240,
      // x: at least the last minute (a fresh page has only a few samples); y: from 0.
      scales: { x: { range: (u, min, max) => [Math.min(min ?? max - 60, max - 60), max] }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{}, { label: yLabel, size: 70 }],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: s.width ?? 2, dash: s.dash, points: { show: false }, value: (u, v) => (v === null || v === undefined ? '–' : s.fmt ? s.fmt(v) : fmtInt(v)) }))],
    },
    [[], ...series.map(() => [])],
    el,
  );
}

// ---------------------------------------------------------------------------------------------------
// Pages. Each page is { render(main) once, update() on every poll, destroy() }.

function overviewPage() {
  const sparks = new Map(); // key → { u, el }
  const topicsBody = h('div', { id: 'topics' });
  const groupsBody = h('div', { id: 'groups' });
  let seen = new Set();

  function spark(key, colors, timestamps, series) {
    let s = sparks.get(key);
    if (!s) {
      const el = h('div', { class: 'spark' });
      s = { el, u: sparkline(el, colors) };
      sparks.set(key, s);
    }
    s.u.setData(uplotData(timestamps, series));
    seen.add(key);
    return s.el;
  }

  return {
    title: 'Overview',
    render(main) {
      main.append(h('h1', {}, 'Overview'), h('h2', {}, 'Topics'), h('div', { class: 'panel' }, topicsBody), h('h2', {}, 'Consumer groups (by lag)'), h('div', { class: 'panel' }, groupsBody));
    },
    async update() {
      const [t, g] = await Promise.all([api(`/api/v1/topics?history=${SPARK_POINTS}`), api(`/api/v1/groups?history=${SPARK_POINTS}`)]);
      seen = new Set();
      const topicRows = t.topics.map((x) =>
        h(
          'tr',
          { 'data-topic': x.name },
          h('td', {}, h('a', { href: topicHref(x.name) }, x.name)),
          h('td', { class: 'num' }, fmtInt(x.partitions)),
          h('td', { class: 'num' }, fmtBytes(x.sizeBytes)),
          h('td', { class: 'num' }, fmtInt(x.messages)),
          h('td', { class: 'num' }, fmtRate(x.rates.bytesInPerSec, 'B')),
          h('td', { class: 'num' }, fmtRate(x.rates.bytesOutPerSec, 'B')),
          h('td', {}, spark(`t:${x.name}`, [COLORS.in, COLORS.out], x.history.timestamps, [x.history.bytesInPerSec, x.history.bytesOutPerSec])),
        ),
      );
      topicsBody.replaceChildren(
        table(['Topic', { label: 'Partitions', cls: 'num' }, { label: 'Size', cls: 'num' }, { label: 'Messages', cls: 'num' }, { label: 'In', cls: 'num' }, { label: 'Out', cls: 'num' }, 'Throughput (in / out, 1 min)'], topicRows),
      );
      const groups = [...g.groups].sort((a, b) => b.totalLag - a.totalLag || (a.groupId < b.groupId ? -1 : 1));
      const groupRows = groups.map((x) =>
        h(
          'tr',
          { 'data-group': x.groupId },
          h('td', {}, h('a', { href: groupHref(x.groupId) }, x.groupId)),
          h('td', {}, h('span', { class: `state ${x.state}` }, x.state)),
          h('td', { class: 'num' }, fmtInt(x.members)),
          h('td', {}, x.topics.join(', ')),
          h('td', { class: `num ${x.totalLag > 0 ? 'lag-high' : ''}` }, fmtInt(x.totalLag)),
          h('td', {}, spark(`g:${x.groupId}`, [COLORS.total], x.history.timestamps, [x.history.totalLag])),
        ),
      );
      groupsBody.replaceChildren(table(['Group', 'State', { label: 'Members', cls: 'num' }, 'Topics', { label: 'Lag', cls: 'num' }, 'Lag (1 min)'], groupRows));
      for (const [key, s] of sparks) {
        if (!seen.has(key)) {
          s.u.destroy();
          sparks.delete(key);
        }
      }
    },
    destroy() {
      for (const s of sparks.values()) s.u.destroy();
    },
  };
}

function topicPage(name) {
  const head = h('div', { class: 'panel stats' });
  const chartEl = h('div', { class: 'chart', id: 'throughput-chart' });
  const partitionsBody = h('div', { id: 'partitions' });
  const groupsBody = h('div', { id: 'topic-groups' });
  const configsBody = h('div', { id: 'configs' });
  let chart;
  return {
    title: `Topic ${name}`,
    render(main) {
      main.append(
        h('h1', {}, 'Topic ', h('code', {}, name)),
        head,
        h('h2', {}, 'Throughput'),
        h('div', { class: 'panel' }, chartEl, h('div', { class: 'legend-note' }, 'Bytes per second in (Produce) and out (Fetch), sampled every second by the broker.')),
        h('h2', {}, 'Partitions'),
        h('div', { class: 'panel' }, partitionsBody),
        h('h2', {}, 'Consumer groups'),
        h('div', { class: 'panel' }, groupsBody),
        h('h2', {}, 'Configuration'),
        h('div', { class: 'panel' }, configsBody),
      );
      chart = timeChart(chartEl, [
        // in wide, out dashed on top: both stay visible when every byte in is read once (in = out).
        { label: 'in', color: COLORS.in, width: 4, fmt: (v) => fmtRate(v, 'B') },
        { label: 'out', color: COLORS.out, width: 1.5, dash: [6, 4], fmt: (v) => fmtRate(v, 'B') },
      ], 'bytes/s');
    },
    async update() {
      const t = await api(`/api/v1/topics/${encodeURIComponent(name)}?history=${CHART_POINTS}`);
      head.replaceChildren(
        stat('Partitions', fmtInt(t.partitions)),
        stat('Size', fmtBytes(t.sizeBytes)),
        stat('Messages', fmtInt(t.messages)),
        stat('In', fmtRate(t.rates.bytesInPerSec, 'B')),
        stat('Out', fmtRate(t.rates.bytesOutPerSec, 'B')),
        stat('Messages in', fmtRate(t.rates.messagesInPerSec, 'msg')),
        stat('Topic id', t.topicId),
      );
      chart.setData(uplotData(t.history.timestamps, [t.history.bytesInPerSec, t.history.bytesOutPerSec]));
      partitionsBody.replaceChildren(
        table(
          ['Partition', 'Leader', { label: 'Log start offset', cls: 'num' }, { label: 'High watermark', cls: 'num' }, { label: 'Messages', cls: 'num' }, { label: 'Size', cls: 'num' }, { label: 'Segments', cls: 'num' }, { label: 'In', cls: 'num' }, { label: 'Out', cls: 'num' }],
          t.partitionDetails.map((p) =>
            h(
              'tr',
              { 'data-partition': String(p.partition) },
              h('td', {}, String(p.partition)),
              h('td', {}, String(p.leader)),
              h('td', { class: 'num' }, fmtInt(p.logStartOffset)),
              h('td', { class: 'num' }, fmtInt(p.highWatermark)),
              h('td', { class: 'num' }, fmtInt(p.messages)),
              h('td', { class: 'num' }, fmtBytes(p.sizeBytes)),
              h('td', { class: 'num' }, fmtInt(p.segmentCount)),
              h('td', { class: 'num' }, fmtRate(p.rates.bytesInPerSec, 'B')),
              h('td', { class: 'num' }, fmtRate(p.rates.bytesOutPerSec, 'B')),
            ),
          ),
        ),
      );
      groupsBody.replaceChildren(
        table(['Group', { label: 'Lag on this topic', cls: 'num' }], t.groups.map((g) => h('tr', {}, h('td', {}, h('a', { href: groupHref(g.groupId) }, g.groupId)), h('td', { class: `num ${g.lag > 0 ? 'lag-high' : ''}` }, fmtInt(g.lag))))),
      );
      const important = new Set(['retention.ms', 'retention.bytes', 'cleanup.policy', 'segment.bytes', 'segment.ms', 'max.message.bytes', 'message.timestamp.type']);
      const configs = [...t.configs].sort((a, b) => Number(important.has(b.name)) - Number(important.has(a.name)) || (a.name < b.name ? -1 : 1));
      configsBody.replaceChildren(table(['Key', 'Value', 'Source'], configs.map((c) => h('tr', {}, h('td', {}, h('code', {}, c.name)), h('td', {}, c.value ?? '–'), h('td', { class: 'muted' }, c.source)))));
    },
    resize() {
      chart?.setSize({ width: Math.max(320, chartEl.clientWidth), height: 240 });
    },
    destroy() {
      chart?.destroy();
    },
  };
}

function groupPage(id) {
  const head = h('div', { class: 'panel stats' });
  const chartEl = h('div', { class: 'chart', id: 'lag-chart' });
  const membersBody = h('div', { id: 'members' });
  const partitionsBody = h('div', { id: 'group-partitions' });
  let chart;
  let chartKeys = '';
  function ensureChart(partitions) {
    const shown = partitions.slice(0, PALETTE.length - 1);
    const keys = shown.map((p) => `${p.topic}-${p.partition}`).join(',');
    if (chart && keys === chartKeys) return shown;
    chart?.destroy();
    chartEl.replaceChildren();
    chart = timeChart(chartEl, [{ label: 'total', color: COLORS.total, dash: [6, 4] }, ...shown.map((p, i) => ({ label: `${p.topic}-${p.partition}`, color: PALETTE[i % PALETTE.length] }))], 'lag (messages)');
    chartKeys = keys;
    return shown;
  }
  return {
    title: `Group ${id}`,
    render(main) {
      main.append(
        h('h1', {}, 'Consumer group ', h('code', {}, id)),
        head,
        h('h2', {}, 'Lag over time'),
        h('div', { class: 'panel' }, chartEl, h('div', { class: 'legend-note' }, 'High watermark minus committed offset, per partition and in total, sampled every second by the broker.')),
        h('h2', {}, 'Partitions'),
        h('div', { class: 'panel' }, partitionsBody),
        h('h2', {}, 'Members'),
        h('div', { class: 'panel' }, membersBody),
      );
    },
    async update() {
      const g = await api(`/api/v1/groups/${encodeURIComponent(id)}?history=${CHART_POINTS}`);
      head.replaceChildren(
        stat('State', h('span', { class: `state ${g.state}` }, g.state)),
        stat('Protocol', g.protocol || '–'),
        stat('Members', fmtInt(g.members.length)),
        stat('Partitions', fmtInt(g.partitions)),
        stat('Total lag', h('span', { id: 'total-lag', class: g.totalLag > 0 ? 'lag-high' : '' }, fmtInt(g.totalLag))),
      );
      const shown = ensureChart(g.history.partitions);
      chart.setData(uplotData(g.history.timestamps, [g.history.totalLag, ...shown.map((p) => p.lag)]));
      partitionsBody.replaceChildren(
        table(
          ['Topic', 'Partition', { label: 'Committed offset', cls: 'num' }, { label: 'High watermark', cls: 'num' }, { label: 'Lag', cls: 'num' }, 'Member', 'Client id', 'Host'],
          g.partitionDetails.map((p) =>
            h(
              'tr',
              { 'data-tp': `${p.topic}-${p.partition}` },
              h('td', {}, h('a', { href: topicHref(p.topic) }, p.topic)),
              h('td', {}, String(p.partition)),
              h('td', { class: 'num' }, fmtInt(p.committedOffset)),
              h('td', { class: 'num' }, fmtInt(p.highWatermark)),
              h('td', { class: `num lag ${p.lag > 0 ? 'lag-high' : ''}` }, fmtInt(p.lag)),
              h('td', { class: 'muted' }, p.memberId ?? '–'),
              h('td', {}, p.clientId ?? '–'),
              h('td', {}, p.host ?? '–'),
            ),
          ),
        ),
      );
      membersBody.replaceChildren(
        table(
          ['Member id', 'Client id', 'Host', 'Assignment'],
          g.members.map((m) =>
            h(
              'tr',
              {},
              h('td', { class: 'muted' }, m.memberId),
              h('td', {}, m.clientId),
              h('td', {}, m.clientHost),
              h('td', {}, m.assignment ? m.assignment.map((a) => `${a.topic} [${a.partitions.join(', ')}]`).join('; ') || '(none)' : '–'),
            ),
          ),
        ),
      );
    },
    resize() {
      chart?.setSize({ width: Math.max(320, chartEl.clientWidth), height: 240 });
    },
    destroy() {
      chart?.destroy();
    },
  };
}

function streamHref(appId) {
  return `#/stream/${encodeURIComponent(appId)}`;
}

function streamsPage() {
  const body = h('div', { id: 'streams' });
  return {
    title: 'Streaming',
    render(main) {
      main.append(
        h('h1', {}, 'Streaming'),
        h(
          'p',
          { class: 'muted' },
          'Stream applications (StreamingContexts with spark.ui.enabled=true and spark.ui.dashboard.url set to this broker) that registered here. Open one for its Streaming page: batches, input rate, scheduling delay and processing time.',
        ),
        h('div', { class: 'panel' }, body),
      );
    },
    async update() {
      const s = await api('/api/v1/streams');
      const now = Date.now();
      body.replaceChildren(
        table(
          ['Application', 'App id', 'Batch interval', 'Status URL', 'Registered', 'Last seen'],
          s.streams.map((a) =>
            h(
              'tr',
              { 'data-app': a.appId },
              h('td', {}, h('a', { href: streamHref(a.appId) }, a.name)),
              h('td', {}, h('code', {}, a.appId)),
              h('td', {}, a.batchIntervalMs ? fmtBatchDuration(a.batchIntervalMs) : '–'),
              h('td', {}, /^https?:\/\//.test(a.statusUrl) ? h('a', { href: a.statusUrl, target: '_blank', rel: 'noopener' }, a.statusUrl) : a.statusUrl),
              h('td', {}, fmtTime(a.registeredAt)),
              h('td', {}, `${fmtDuration(now - a.lastSeenAt)} ago`),
            ),
          ),
        ),
      );
    },
    destroy() {},
  };
}

// ---------------------------------------------------------------------------------------------------
// One stream application's Streaming page, as Spark's Streaming tab (streaming/ui/StreamingPage.scala),
// from the application's status document read through the broker (GET /api/v1/streams/:appId/status).

/** Spark's UIUtils.formatDuration: "12 ms", "1.5 s", "2.1 min", "1.2 h". */
function fmtBatchDuration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1).replace(/\.0$/, '') : Math.round(s)} s`;
  const m = s / 60;
  if (m < 60) return `${m.toFixed(1)} min`;
  return `${(m / 60).toFixed(1)} h`;
}

/** Spark's batch time form: 2024/01/01 12:00:01 (with ms when the interval is under a second). */
function fmtBatchTime(ms, withMs) {
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${withMs ? `.${p(d.getMilliseconds(), 3)}` : ''}`;
}

export const STREAM_COLORS = { inputRate: '#1f6feb', schedulingDelay: '#e8590c', processingTime: '#2b8a3e', totalDelay: '#ae3ec9' };

/** The four metrics of Spark's Streaming tab: value of a completed batch (null = unknown). */
const STREAM_METRICS = [
  { key: 'inputRate', label: 'Input Rate', unit: 'records/sec', value: (b, s) => (b.numRecords * 1000) / s.batchIntervalMs, avg: (s) => s.avgInputRate, fmt: (v) => `${v < 10 ? v.toFixed(2) : Math.round(v).toLocaleString('en-US')} records/sec` },
  { key: 'schedulingDelay', label: 'Scheduling Delay', unit: 'ms', value: (b) => b.schedulingDelay, avg: (s) => s.avgSchedulingDelay, fmt: fmtBatchDuration },
  { key: 'processingTime', label: 'Processing Time', unit: 'ms', value: (b) => b.processingDelay, avg: (s) => s.avgProcessingTime, fmt: fmtBatchDuration },
  { key: 'totalDelay', label: 'Total Delay', unit: 'ms', value: (b) => b.totalDelay, avg: (s) => s.avgTotalDelay, fmt: fmtBatchDuration },
];

/** A batch timeline: one point per completed batch (x = batch time). */
function batchTimeline(el, color, unit, intervalSec) {
  return new uPlot(
    {
      width: Math.max(300, el.clientWidth || 600),
      height: 160,
      legend: { show: false },
      scales: { x: { range: (u, min, max) => (min === null || min === max ? [(max ?? 0) - intervalSec * 10, (max ?? 0) + intervalSec] : [min, max]) }, y: { range: (u, min, max) => [0, Math.max(1, (max ?? 0) * 1.15)] } },
      axes: [{}, { label: unit, size: 60 }],
      series: [{}, { stroke: color, width: 2, fill: `${color}22`, spanGaps: true, points: { show: true, size: 4, fill: color } }],
    },
    [[], []],
    el,
  );
}

/** A histogram (counts of batches per value bucket), drawn as bars; its x range is `rangeRef.range`. */
function batchHistogram(el, color, unit, rangeRef) {
  return new uPlot(
    {
      width: Math.max(220, el.clientWidth || 320),
      height: 160,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: () => rangeRef.range }, y: { range: (u, min, max) => [0, Math.max(1, (max ?? 0) * 1.15)] } },
      axes: [{ label: unit, values: (u, ticks) => ticks.map((t) => (Math.abs(t) >= 1000 ? `${(t / 1000).toFixed(1)}k` : String(Math.round(t * 100) / 100))) }, { label: 'batches', size: 50 }],
      series: [{}, { stroke: color, fill: `${color}aa`, width: 1, paths: uPlot.paths.bars({ size: [0.9, 80], align: 0 }), points: { show: false } }],
    },
    [[], []],
    el,
  );
}

/** 10 buckets over [min, max] of `values` → { data: uPlot data (x = bucket centre, y = count), range: x range }. */
function histogramData(values) {
  const xs = values.filter((v) => v !== null && v !== undefined && Number.isFinite(v));
  const BUCKETS = 10;
  if (xs.length === 0) return { data: [[], []], range: [0, 1] };
  const lo = Math.min(...xs);
  const hi = Math.max(...xs) > lo ? Math.max(...xs) : lo + 1;
  const w = (hi - lo) / BUCKETS;
  const counts = new Array(BUCKETS).fill(0);
  for (const v of xs) counts[Math.min(BUCKETS - 1, Math.floor((v - lo) / w))]++;
  return { data: [counts.map((_, i) => lo + (i + 0.5) * w), counts], range: [lo, hi] };
}

function offsetRangesCell(b) {
  const lines = [];
  for (const i of b.inputs) for (const r of i.offsetRanges ?? []) lines.push(h('div', { class: 'range' }, `${r.topic}-${r.partition}: [${r.fromOffset}, ${r.untilOffset}) ${fmtInt(r.count)}`));
  return h('td', { class: 'ranges' }, lines.length > 0 ? lines : '–');
}

function outputOpsCell(b) {
  const ok = b.numCompletedOutputOps;
  const text = `${ok}/${b.numTotalOutputOps}`;
  return h('td', { class: 'num' }, b.numFailedOutputOps > 0 ? h('span', { class: 'error', title: b.firstFailureReason ?? '' }, `${text} (${b.numFailedOutputOps} failed)`) : text);
}

/** Completed batches shown in the table (the charts use every retained batch). */
const COMPLETED_ROWS = 100;

function streamPage(appId) {
  const head = h('div', { class: 'panel stats', id: 'stream-stats' });
  const summary = h('p', { class: 'muted', id: 'stream-summary' });
  const metricsBody = h('tbody');
  const activeBody = h('div', { id: 'active-batches' });
  const completedTitle = h('h2', {}, 'Completed Batches');
  const completedBody = h('div', { id: 'completed-batches' });
  const inputsBody = h('div', { id: 'input-streams' });
  const receiversTitle = h('h2', { id: 'receivers-title' }, 'Receivers');
  const receiversBody = h('div', { id: 'receivers' });
  const charts = []; // { metric, timeline, histogram, tlEl, hiEl, avgEl }
  let title = appId;
  const nameEl = h('span', {}, appId);
  return {
    title: `Streaming ${appId}`,
    render(main) {
      main.append(
        h('h1', {}, 'Streaming Statistics · ', nameEl, ' ', h('code', {}, appId)),
        summary,
        head,
        h('h2', {}, 'Timelines and histograms'),
        h(
          'div',
          { class: 'panel' },
          h('table', { class: 'stream-metrics' }, h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'Timelines (completed batches)'), h('th', {}, 'Histograms'))), metricsBody),
        ),
        h('h2', {}, 'Active Batches'),
        h('div', { class: 'panel' }, activeBody),
        completedTitle,
        h('div', { class: 'panel' }, completedBody),
        h('h2', {}, 'Input streams'),
        h('div', { class: 'panel' }, inputsBody),
        receiversTitle,
        h('div', { class: 'panel' }, receiversBody),
      );
    },
    async update() {
      const s = await api(`/api/v1/streams/${encodeURIComponent(appId)}/status`);
      if (s.appName !== title) {
        title = s.appName;
        nameEl.textContent = s.appName;
        document.title = `Streaming ${s.appName} · kafka-ts`;
      }
      const withMs = s.batchIntervalMs % 1000 !== 0;
      summary.textContent =
        s.startTime !== null
          ? `Running batches of ${fmtBatchDuration(s.batchIntervalMs)} for ${fmtDuration(s.now - s.startTime)} since ${fmtBatchTime(s.startTime, false)} (${fmtInt(s.numCompletedBatches)} completed batches, ${fmtInt(s.numTotalProcessedRecords)} records) · ${s.state}`
          : `Not started (${s.state})`;
      head.replaceChildren(
        stat('Batch interval', h('span', { id: 'batch-interval' }, fmtBatchDuration(s.batchIntervalMs))),
        stat('Completed batches', h('span', { id: 'completed-count' }, fmtInt(s.numCompletedBatches))),
        stat('Active batches', fmtInt(s.numActiveBatches)),
        stat('Records received', fmtInt(s.numTotalReceivedRecords)),
        stat('Records processed', fmtInt(s.numTotalProcessedRecords)),
        stat('State', h('span', { class: `state ${s.state === 'ACTIVE' ? 'Stable' : 'Empty'}` }, s.state)),
      );
      // completed batches oldest first for the charts
      const batches = [...s.completedBatches].reverse();
      const xs = batches.map((b) => b.batchTime / 1000);
      if (charts.length === 0) {
        for (const m of STREAM_METRICS) {
          const color = STREAM_COLORS[m.key];
          const tlEl = h('div', { class: 'stream-chart', id: `timeline-${m.key}` });
          const hiEl = h('div', { class: 'stream-chart', id: `histogram-${m.key}` });
          const avgEl = h('div', { class: 'value' });
          metricsBody.append(h('tr', { 'data-metric': m.key }, h('td', { class: 'metric' }, h('div', { class: 'metric-name', style: `color:${color}` }, m.label), h('div', { class: 'muted' }, 'avg'), avgEl), h('td', {}, tlEl), h('td', {}, hiEl)));
          const rangeRef = { range: [0, 1] };
          charts.push({ m, tlEl, hiEl, avgEl, rangeRef, timeline: batchTimeline(tlEl, color, m.unit, s.batchIntervalMs / 1000), histogram: batchHistogram(hiEl, color, m.unit, rangeRef) });
        }
      }
      for (const c of charts) {
        const values = batches.map((b) => c.m.value(b, s));
        const avg = c.m.avg(s);
        c.avgEl.textContent = avg === null ? '–' : c.m.fmt(avg);
        c.timeline.setData([xs, values]);
        const hd = histogramData(values);
        c.rangeRef.range = hd.range;
        c.histogram.setData(hd.data);
      }
      const isDirect = s.activeBatches.concat(s.completedBatches).some((b) => b.inputs.some((i) => i.offsetRanges));
      const rangesHead = isDirect ? ['Offset ranges'] : [];
      activeBody.replaceChildren(
        table(
          ['Batch Time', { label: 'Records', cls: 'num' }, { label: 'Scheduling Delay', cls: 'num' }, { label: 'Processing Time', cls: 'num' }, { label: 'Output Ops: Succeeded/Total', cls: 'num' }, 'Status', ...rangesHead],
          s.activeBatches.map((b) =>
            h(
              'tr',
              { 'data-batch': String(b.batchTime) },
              h('td', {}, fmtBatchTime(b.batchTime, withMs)),
              h('td', { class: 'num' }, fmtInt(b.numRecords)),
              h('td', { class: 'num' }, fmtBatchDuration(b.schedulingDelay)),
              h('td', { class: 'num' }, b.processingStartTime !== null ? fmtBatchDuration(s.now - b.processingStartTime) : '–'),
              outputOpsCell(b),
              h('td', {}, b.status === 'PROCESSING' ? 'processing' : 'queued'),
              isDirect ? offsetRangesCell(b) : null,
            ),
          ),
        ),
      );
      completedTitle.textContent = `Completed Batches (last ${fmtInt(Math.min(COMPLETED_ROWS, s.completedBatches.length))} out of ${fmtInt(s.numCompletedBatches)})`;
      completedBody.replaceChildren(
        table(
          ['Batch Time', { label: 'Records', cls: 'num' }, { label: 'Scheduling Delay', cls: 'num' }, { label: 'Processing Time', cls: 'num' }, { label: 'Total Delay', cls: 'num' }, { label: 'Output Ops: Succeeded/Total', cls: 'num' }, ...rangesHead],
          s.completedBatches.slice(0, COMPLETED_ROWS).map((b) =>
            h(
              'tr',
              { 'data-batch': String(b.batchTime) },
              h('td', {}, fmtBatchTime(b.batchTime, withMs)),
              h('td', { class: 'num' }, fmtInt(b.numRecords)),
              h('td', { class: 'num' }, fmtBatchDuration(b.schedulingDelay)),
              h('td', { class: 'num' }, fmtBatchDuration(b.processingDelay)),
              h('td', { class: 'num' }, fmtBatchDuration(b.totalDelay)),
              outputOpsCell(b),
              isDirect ? offsetRangesCell(b) : null,
            ),
          ),
        ),
      );
      inputsBody.replaceChildren(table(['Id', 'Input stream'], s.inputStreams.map((i) => h('tr', {}, h('td', {}, String(i.id)), h('td', {}, i.name)))));
      // Receivers (Spark's Streaming tab: "Receivers (n / m active)", then one row per receiver with its
      // status, host, average event rate over the retained batches, last error time and message).
      const activeReceivers = s.receivers.filter((r) => r.active).length;
      receiversTitle.textContent = s.receivers.length === 0 ? 'Receivers' : `Receivers (${fmtInt(activeReceivers)} / ${fmtInt(s.receivers.length)} active)`;
      receiversBody.replaceChildren(
        s.receivers.length === 0
          ? h('p', { class: 'muted' }, 'No receivers: this application reads with the Direct stream or a queue stream (Receiver input streams list theirs here).')
          : table(
              ['Receiver', 'Status', 'Location', { label: 'Avg rate (records/sec)', cls: 'num' }, 'Last error time', 'Last error'],
              s.receivers.map((r) =>
                h(
                  'tr',
                  { 'data-receiver': String(r.streamId) },
                  h('td', { class: 'receiver-name', style: 'white-space:nowrap' }, r.streamName),
                  h('td', {}, h('span', { class: `state ${r.active ? 'Stable' : 'Empty'}` }, r.active ? 'ACTIVE' : 'INACTIVE')),
                  h('td', {}, r.location),
                  h('td', { class: 'num' }, r.avgEventRate === null ? '–' : r.avgEventRate.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })),
                  h('td', { class: 'error-time', style: 'white-space:nowrap' }, r.lastErrorTime === null ? '–' : fmtBatchTime(r.lastErrorTime, true)),
                  h('td', { class: r.lastError ? 'error' : 'muted' }, r.lastError ?? '–'),
                ),
              ),
            ),
      );
    },
    resize() {
      for (const c of charts) {
        c.timeline.setSize({ width: Math.max(300, c.tlEl.clientWidth), height: 160 });
        c.histogram.setSize({ width: Math.max(220, c.hiEl.clientWidth), height: 160 });
      }
    },
    destroy() {
      for (const c of charts) {
        c.timeline.destroy();
        c.histogram.destroy();
      }
    },
  };
}

function notFoundPage(what) {
  return { title: 'Not found', render(main) { main.append(h('h1', {}, 'Not found'), h('p', { class: 'muted' }, what)); }, async update() {}, destroy() {} };
}

// ---------------------------------------------------------------------------------------------------
// Router and polling

let page;
let generation = 0;
const main = document.getElementById('main');
const status = document.getElementById('status');

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const parts = hash.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { nav: 'overview', page: overviewPage() };
  if (parts[0] === 'topic' && parts.length === 2) return { nav: 'overview', page: topicPage(parts[1]) };
  if (parts[0] === 'group' && parts.length === 2) return { nav: 'overview', page: groupPage(parts[1]) };
  if (parts[0] === 'streams') return { nav: 'streams', page: streamsPage() };
  if (parts[0] === 'stream' && parts.length === 2) return { nav: 'streams', page: streamPage(parts[1]) };
  return { nav: '', page: notFoundPage(`No page ${hash}`) };
}

async function refresh() {
  const gen = generation;
  const p = page;
  try {
    await p.update();
    if (gen !== generation) return;
    status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    status.className = 'muted';
    document.body.dataset.loaded = 'true';
  } catch (e) {
    if (gen !== generation) return;
    if (e instanceof ApiError && e.status === 404) {
      main.replaceChildren(h('h1', {}, 'Not found'), h('p', { class: 'error' }, `${e.code}: ${e.message}`));
      document.body.dataset.loaded = 'true';
    }
    status.textContent = `Update failed: ${e.message}`;
    status.className = 'error';
  }
}

async function updateCluster() {
  try {
    const c = await api('/api/v1/cluster');
    document.getElementById('cluster').textContent = `cluster ${c.clusterId} · node ${c.nodeId} · kafka-ts ${c.version} · ${c.listeners.join(', ')} · up ${fmtDuration(c.uptimeMs)}`;
  } catch {
    document.getElementById('cluster').textContent = 'broker unreachable';
  }
}

function navigate() {
  page?.destroy();
  generation++;
  delete document.body.dataset.loaded;
  const r = route();
  page = r.page;
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === r.nav);
  document.title = `${page.title} · kafka-ts`;
  main.replaceChildren();
  page.render(main);
  void refresh();
}

window.addEventListener('hashchange', navigate);
window.addEventListener('resize', () => page?.resize?.());
navigate();
void updateCluster();
setInterval(() => {
  if (document.hidden) return;
  void refresh();
  void updateCluster();
}, POLL_MS);
