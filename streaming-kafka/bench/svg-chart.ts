/**
 * A small, dependency-free SVG line-chart writer for the stream benchmark's time series (processing
 * time, scheduling delay, input rate... of each approach over the run), for the README.
 *
 * Why not uPlot (a dependency of the project, used by the broker's web UI): it draws on a canvas
 * in a browser DOM, so a Node script would need a headless browser or a DOM emulation to get an
 * image out of it. Writing SVG text directly needs nothing, gives a small text file that diffs
 * well and that GitHub shows in a README (`![chart](bench/streams.svg)`).
 *
 * The picture: a title (and optional subtitle), one shared legend (one colour and dash pattern per
 * series name, the same in every panel), then the panels stacked vertically over a shared x axis
 * (time), each with its title, y axis (ticks at "nice" 1/2/5 steps, labels with k/M suffixes, the
 * label with its unit), grid lines and clipped lines. The background is an explicit white rectangle
 * and all colours are fixed, so it reads the same in GitHub's light and dark themes (an SVG in an
 * `<img>` does not see the page's colour scheme). Colours: the Okabe–Ito palette (colour-blind safe),
 * yellow last; dash patterns make series distinguishable in grey scale too.
 */

/** One line: `points` are `[x, y]`; x in seconds (or ms with `xUnit: 'ms'`). Non-finite points break the line. */
export interface ChartSeries {
  name: string;
  points: readonly (readonly [number, number])[];
}

/** One panel (one y axis). */
export interface ChartPanel {
  /** Shown above the plot, e.g. "Processing time per batch". */
  title: string;
  /** Y axis label, e.g. "processing time". */
  yLabel: string;
  /** Unit shown after the label in parentheses, e.g. "ms", "records/s"; "" for none. */
  unit: string;
  series: ChartSeries[];
  /** Lower end of the y axis (default: 0, or the smallest y when negative). */
  yMin?: number;
  /** Upper end of the y axis (default: the largest y, rounded up to a tick). Lines above are clipped. */
  yMax?: number;
}

/** What {@link renderTimeSeriesSvg} draws. Sizes in px. */
export interface TimeSeriesChart {
  title: string;
  /** A smaller second line under the title (e.g. the run's parameters). */
  subtitle?: string;
  panels: ChartPanel[];
  /** Total width, px (default 960). */
  width?: number;
  /** Total height, px (default: the header (about 60–100 px, more when the legend wraps), 210 px per panel, a 14 px footer). When given, the panels share what the header and footer leave. */
  height?: number;
  /** Unit of the points' x values: 's' (default) or 'ms' (shown in seconds). */
  xUnit?: 's' | 'ms';
  /** X axis label (default "time since start (s)"). */
  xLabel?: string;
}

/** Okabe–Ito, ordered for a white background (yellow, the weakest on white, last). */
export const CHART_PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'] as const;
const DASHES = ['', '7 4', '2 3', '9 3 2 3'] as const;

const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const TEXT = '#1f2328';
const MUTED = '#59636e';
const GRID = '#e6e8eb';
const AXIS = '#8c959f';

/** Text for XML content and attribute values: `& < > " '` escaped, characters not allowed in XML 1.0 dropped. */
export function escapeXml(s: string): string {
  return String(s)
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A coordinate with one decimal (small files). */
function c(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** 1, 2 or 5 × 10^k nearest to `raw` (Heckbert's nice numbers, rounded). */
function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

/** The multiples of `step` within [min, max] (rounded to 12 significant digits). */
function ticksWithStep(min: number, max: number, step: number): { ticks: number[]; step: number } {
  const ticks: number[] = [];
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { ticks, step };
}

/** Tick values at multiples of a nice step (1, 2 or 5 × 10^k) within [min, max], about `target` of them, and the step. */
export function niceTicks(min: number, max: number, target = 5): { ticks: number[]; step: number } {
  if (!(max > min)) return { ticks: [min], step: 1 };
  return ticksWithStep(min, max, niceStep((max - min) / Math.max(1, target)));
}

/** A tick label: k/M suffixes from 10,000 up, decimals as the step needs, thousands separators below. */
export function formatTick(v: number, step: number, maxAbs: number): string {
  let div = 1;
  let suffix = '';
  if (maxAbs >= 1e6) {
    div = 1e6;
    suffix = 'M';
  } else if (maxAbs >= 1e4) {
    div = 1e3;
    suffix = 'k';
  }
  const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(step / div) + 1e-9)));
  if (v === 0) return '0';
  const x = v / div;
  const text = x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return text + suffix;
}

/** Approximate width of `s` in px at `size` px (sans-serif, average glyph ≈ 0.58 em). */
function textWidth(s: string, size: number): number {
  return s.length * size * 0.58;
}

/**
 * The chart as an SVG document (a string starting with `<svg`, UTF-8 text, no external resources):
 * see the module comment for the layout. Series get their colour and dash by name, in order of first
 * appearance over all panels; points are drawn in x order; a panel without finite points says "no data".
 * Errors: `RangeError` for a width or height that is not a positive finite number, or a height too small
 * for the panels (less than 60 px each).
 */
export function renderTimeSeriesSvg(chart: TimeSeriesChart): string {
  const W = chart.width ?? 960;
  if (!(W > 0) || !Number.isFinite(W)) throw new RangeError(`renderTimeSeriesSvg: width must be a positive number, got ${W}`);
  const xDiv = chart.xUnit === 'ms' ? 1000 : 1;
  const xLabel = chart.xLabel ?? 'time since start (s)';
  const panels = chart.panels;

  // Series styles by name.
  const names: string[] = [];
  for (const p of panels) for (const s of p.series) if (!names.includes(s.name)) names.push(s.name);
  const style = (name: string): { color: string; dash: string } => {
    const i = names.indexOf(name);
    return { color: CHART_PALETTE[i % CHART_PALETTE.length]!, dash: DASHES[(i + Math.floor(i / CHART_PALETTE.length)) % DASHES.length]! };
  };

  // ids unique per chart (title), so that several charts can be inlined into one HTML page
  let h = 0x811c9dc5;
  for (let i = 0; i < chart.title.length; i++) h = Math.imul(h ^ chart.title.charCodeAt(i), 0x01000193);
  const idPrefix = `tsc${(h >>> 0).toString(36)}`;

  const left = 84;
  const right = 28;
  const plotW = Math.max(10, W - left - right);

  // Header: title, subtitle, legend rows (items wrap).
  let y = 32;
  const out: string[] = [];
  const header: string[] = [];
  header.push(`<text x="${left}" y="${y}" font-size="18" font-weight="600" fill="${TEXT}">${escapeXml(chart.title)}</text>`);
  if (chart.subtitle) {
    y += 20;
    header.push(`<text x="${left}" y="${y}" font-size="12.5" fill="${MUTED}">${escapeXml(chart.subtitle)}</text>`);
  }
  y += 14;
  let lx = left;
  const legendRow = 20;
  let ly = y + 12;
  for (const name of names) {
    const w = 30 + textWidth(name, 12.5) + 22;
    if (lx > left && lx + w > W - right) {
      lx = left;
      ly += legendRow;
    }
    const s = style(name);
    header.push(
      `<g><line x1="${c(lx)}" y1="${c(ly - 4)}" x2="${c(lx + 24)}" y2="${c(ly - 4)}" stroke="${s.color}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>` +
        `<text x="${c(lx + 30)}" y="${c(ly)}" font-size="12.5" fill="${TEXT}">${escapeXml(name)}</text></g>`,
    );
    lx += w;
  }
  const headerH = (names.length > 0 ? ly + 12 : y) + 6;
  const footerH = 14;

  const n = Math.max(1, panels.length);
  let panelH = 210;
  if (chart.height !== undefined) {
    if (!(chart.height > 0) || !Number.isFinite(chart.height)) throw new RangeError(`renderTimeSeriesSvg: height must be a positive number, got ${chart.height}`);
    panelH = (chart.height - headerH - footerH) / n;
    if (panelH < 60) throw new RangeError(`renderTimeSeriesSvg: height ${chart.height} px leaves ${Math.floor(panelH)} px per panel (at least 60 needed)`);
  }
  const H = chart.height ?? Math.ceil(headerH + panelH * n + footerH);

  // Shared x domain.
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const p of panels) {
    for (const s of p.series) {
      for (const [px, py] of s.points) {
        if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
        const x = px / xDiv;
        if (x < xMin) xMin = x;
        if (x > xMax) xMax = x;
      }
    }
  }
  if (!(xMax >= xMin)) {
    xMin = 0;
    xMax = 1;
  } else if (xMax === xMin) {
    xMin -= 0.5;
    xMax += 0.5;
  }
  const xt = niceTicks(xMin, xMax, Math.max(2, Math.round(plotW / 90)));
  const xAbs = Math.max(Math.abs(xMin), Math.abs(xMax));
  const sx = (x: number): number => left + ((x - xMin) / (xMax - xMin)) * plotW;

  panels.forEach((p, pi) => {
    const top = headerH + pi * panelH;
    const plotTop = top + 26;
    const plotBottom = top + panelH - 30;
    const plotH = plotBottom - plotTop;
    let dMin = Infinity;
    let dMax = -Infinity;
    for (const s of p.series) {
      for (const [px, py] of s.points) {
        if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
        if (py < dMin) dMin = py;
        if (py > dMax) dMax = py;
      }
    }
    const hasData = dMax >= dMin;
    let yMin = p.yMin ?? (hasData ? Math.min(0, dMin) : 0);
    let yMax = p.yMax ?? (hasData ? dMax : 1);
    if (!(yMax > yMin)) yMax = yMin + (yMin === 0 ? 1 : Math.abs(yMin));
    // a nice step for about one tick per 40 px, then the ends rounded out to it (unless given)
    const step = niceStep((yMax - yMin) / Math.max(2, Math.round(plotH / 40)));
    if (p.yMax === undefined) yMax = Math.ceil(yMax / step - 1e-9) * step;
    if (p.yMin === undefined && yMin < 0) yMin = Math.floor(yMin / step + 1e-9) * step;
    const yt = ticksWithStep(yMin, yMax, step);
    const yAbs = Math.max(Math.abs(yMin), Math.abs(yMax));
    const sy = (v: number): number => plotBottom - ((v - yMin) / (yMax - yMin)) * plotH;
    const clipId = `${idPrefix}-${pi}`;

    out.push(`<g>`);
    out.push(`<text x="${left}" y="${c(top + 14)}" font-size="13.5" font-weight="600" fill="${TEXT}">${escapeXml(p.title)}</text>`);
    out.push(`<clipPath id="${clipId}"><rect x="${c(left - 4)}" y="${c(plotTop - 4)}" width="${c(plotW + 8)}" height="${c(plotH + 8)}"/></clipPath>`);
    // grid and y ticks
    for (const v of yt.ticks) {
      const gy = sy(v);
      out.push(`<line x1="${c(left)}" y1="${c(gy)}" x2="${c(left + plotW)}" y2="${c(gy)}" stroke="${GRID}" stroke-width="1"/>`);
      out.push(`<text x="${c(left - 8)}" y="${c(gy + 4)}" font-size="11.5" fill="${MUTED}" text-anchor="end">${escapeXml(formatTick(v, yt.step, yAbs))}</text>`);
    }
    for (const v of xt.ticks) {
      const gx = sx(v);
      out.push(`<line x1="${c(gx)}" y1="${c(plotTop)}" x2="${c(gx)}" y2="${c(plotBottom)}" stroke="${GRID}" stroke-width="1"/>`);
      out.push(`<line x1="${c(gx)}" y1="${c(plotBottom)}" x2="${c(gx)}" y2="${c(plotBottom + 4)}" stroke="${AXIS}" stroke-width="1"/>`);
      out.push(`<text x="${c(gx)}" y="${c(plotBottom + 17)}" font-size="11.5" fill="${MUTED}" text-anchor="middle">${escapeXml(formatTick(v, xt.step, xAbs))}</text>`);
    }
    // axes
    out.push(`<line x1="${c(left)}" y1="${c(plotBottom)}" x2="${c(left + plotW)}" y2="${c(plotBottom)}" stroke="${AXIS}" stroke-width="1"/>`);
    out.push(`<line x1="${c(left)}" y1="${c(plotTop)}" x2="${c(left)}" y2="${c(plotBottom)}" stroke="${AXIS}" stroke-width="1"/>`);
    const yTitle = p.unit ? `${p.yLabel} (${p.unit})` : p.yLabel;
    const yc = (plotTop + plotBottom) / 2;
    out.push(`<text x="${c(18)}" y="${c(yc)}" font-size="12" fill="${MUTED}" text-anchor="middle" transform="rotate(-90 18 ${c(yc)})">${escapeXml(yTitle)}</text>`);
    // series
    if (!hasData) {
      out.push(`<text x="${c(left + plotW / 2)}" y="${c(yc + 4)}" font-size="13" fill="${MUTED}" text-anchor="middle">no data</text>`);
    }
    out.push(`<g clip-path="url(#${clipId})" fill="none" stroke-width="2" stroke-linejoin="round" stroke-linecap="round">`);
    for (const s of p.series) {
      const st = style(s.name);
      const pts = s.points
        .map(([px, py], i) => [px / xDiv, py, i] as const)
        .filter(([px]) => Number.isFinite(px))
        .sort((a, b) => a[0] - b[0] || a[2] - b[2]);
      let d = '';
      let pen = false;
      let drawn = 0;
      const marks: string[] = [];
      for (const [px, py] of pts) {
        if (!Number.isFinite(py)) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${c(sx(px))} ${c(sy(py))}`;
        pen = true;
        drawn++;
        marks.push(`<circle cx="${c(sx(px))}" cy="${c(sy(py))}" r="2.6"/>`);
      }
      if (drawn === 0) continue;
      out.push(`<path d="${d}" stroke="${st.color}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}><title>${escapeXml(s.name)}</title></path>`);
      // markers where points are sparse enough to tell apart (and always for a lone point)
      if (drawn <= Math.max(1, plotW / 40)) out.push(`<g fill="${st.color}" stroke="none">${marks.join('')}</g>`);
    }
    out.push(`</g></g>`);
  });

  const lastBottom = headerH + n * panelH - 30;
  out.push(`<text x="${c(left + plotW / 2)}" y="${c(Math.min(H - 8, lastBottom + 36))}" font-size="12" fill="${MUTED}" text-anchor="middle">${escapeXml(xLabel)}</text>`);

  const label = escapeXml(chart.title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${c(W)}" height="${c(H)}" viewBox="0 0 ${c(W)} ${c(H)}" role="img" aria-label="${label}" font-family="${escapeXml(FONT)}">\n` +
    `<title>${label}</title>\n` +
    `<rect x="0" y="0" width="${c(W)}" height="${c(H)}" fill="#ffffff"/>\n` +
    header.join('\n') +
    '\n' +
    out.join('\n') +
    '\n</svg>\n'
  );
}
