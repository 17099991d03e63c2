/**
 * The throughput chart of `docs/performance.md`, drawn by `npm run bench` from its own results:
 * one horizontal bar per consumer (events per second as a ratio of the bare `@microsoft/signalr`
 * handler's, measured in the same run), the target of each row as a tick, and the consumer's CPU
 * time per event next to it. Plain SVG, no dependency.
 */

/** One bar. */
export interface ChartBar {
  readonly label: string;
  /** Throughput ÷ the bare handler's. */
  readonly ratio: number;
  /** Events per second (median). */
  readonly rate: number;
  /** CPU µs per event (median). */
  readonly cpuUs: number;
  /** The row's target ratio, if it has one. */
  readonly target?: number;
}

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The SVG text of the chart. */
export function throughputChart(bars: readonly ChartBar[], caption: string): string {
  const labelWidth = 330;
  const plotWidth = 420;
  const rowHeight = 26;
  const top = 40;
  const maxRatio = Math.max(1.2, ...bars.map((b) => b.ratio)) * 1.05;
  const x = (ratio: number): number => labelWidth + (ratio / maxRatio) * plotWidth;
  const height = top + bars.length * rowHeight + 50;
  const width = labelWidth + plotWidth + 200;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Hub event throughput vs a bare @microsoft/signalr handler (same run)</text>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1, 1.25].filter((t) => t <= maxRatio)) {
    const tx = x(tick).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${top + bars.length * rowHeight}" stroke="${tick === 1 ? '#888' : '#e4e4e4'}"/>`,
    );
    out.push(`<text x="${tx}" y="${top + bars.length * rowHeight + 16}" text-anchor="middle" fill="#555">${tick.toFixed(2)}×</text>`);
  }
  bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const missed = bar.target !== undefined && bar.ratio < bar.target;
    const fill = bar.target === undefined ? '#9aa7b8' : missed ? '#d9534f' : '#3c8d5a';
    out.push(`<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escapeXml(bar.label)}</text>`);
    out.push(
      `<rect x="${labelWidth}" y="${y + 4}" width="${(x(bar.ratio) - labelWidth).toFixed(1)}" height="${rowHeight - 8}" fill="${fill}"/>`,
    );
    if (bar.target !== undefined) {
      const tx = x(bar.target).toFixed(1);
      out.push(`<line x1="${tx}" y1="${y + 1}" x2="${tx}" y2="${y + rowHeight - 1}" stroke="#000" stroke-width="2"/>`);
    }
    const text = `${bar.ratio.toFixed(2)}× · ${Math.round(bar.rate).toLocaleString('en')} ev/s · ${bar.cpuUs.toFixed(1)} µs CPU/ev`;
    out.push(`<text x="${(x(bar.ratio) + 6).toFixed(1)}" y="${y + 16}" fill="#222">${escapeXml(text)}</text>`);
  });
  const legendY = top + bars.length * rowHeight + 36;
  out.push(
    `<text x="10" y="${legendY}" fill="#555">${escapeXml(caption)} · green: meets its target (black tick), red: misses it, grey: no target</text>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
