// The error CDF as a hand-written SVG (no plotting package): log-scaled metres on x, the share of
// answers within that error on y, one line per series.
import { cdf } from './scorer.js';

export interface Series {
  label: string;
  errors: readonly number[];
  color: string;
  dashed?: boolean;
}

const W = 900;
const H = 440;
const M = { left: 60, right: 300, top: 40, bottom: 50 };
const X_MIN = 1;
const X_MAX = 10_000;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const px = (m: number): number => M.left + ((Math.log10(Math.min(Math.max(m, X_MIN), X_MAX)) - Math.log10(X_MIN)) / (Math.log10(X_MAX) - Math.log10(X_MIN))) * (W - M.left - M.right);
const py = (share: number): number => H - M.bottom - share * (H - M.top - M.bottom);

export function cdfSvg(title: string, series: readonly Series[]): string {
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<title>${esc(title)}</title>`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${M.left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  for (let e = 0; e <= 4; e++) {
    const x = px(10 ** e).toFixed(1);
    parts.push(`<line x1="${x}" y1="${py(0)}" x2="${x}" y2="${py(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${x}" y="${py(0) + 18}" text-anchor="middle">${(10 ** e).toLocaleString('en-US')} m</text>`);
  }
  for (let s = 0; s <= 10; s += 2) {
    const y = py(s / 10).toFixed(1);
    parts.push(`<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 8}" y="${Number(y) + 4}" text-anchor="end">${s * 10} %</text>`);
  }
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">error (metres, log scale)</text>`);
  parts.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">answers within the error</text>`);
  series.forEach((s, i) => {
    const steps = cdf(s.errors, 400);
    if (steps.length > 0) {
      let d = `M${px(steps[0][0]).toFixed(1)},${py(0).toFixed(1)}`;
      let prev = 0;
      for (const [err, share] of steps) {
        const x = px(err).toFixed(1);
        d += ` L${x},${py(prev).toFixed(1)} L${x},${py(share).toFixed(1)}`;
        prev = share;
      }
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    }
    const ly = M.top + 10 + i * 22;
    const lx = W - M.right + 15;
    parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${lx + 34}" y="${ly + 4}">${esc(`${s.label} (n=${s.errors.length})`)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
