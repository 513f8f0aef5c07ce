// /stats charts: each <figure class="chart" data-src data-keys> becomes an SVG line chart of the
// named series of its JSON ({days: [...], series: {name: [value|null, ...]}}). Hand-made SVG,
// no library; plain script (no inline code, per the CSP).
(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const LABELS = { wifi: 'WiFi', cell: 'Cells', blue: 'Bluetooth', gsm: 'GSM', wcdma: 'UMTS', lte: 'LTE', nr: 'NR', reports: 'Reports' };
  const PAD = { left: 58, right: 14, top: 12, bottom: 30 };
  const fmt = new Intl.NumberFormat('en-US');
  const short = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
  const loads = new Map();

  const load = (url) => {
    if (!loads.has(url)) loads.set(url, fetch(url).then((res) => (res.ok ? res.json() : Promise.reject(new Error(`${url}: HTTP ${res.status}`)))));
    return loads.get(url);
  };

  const el = (name, attrs, text) => {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };

  /** A round upper bound and its tick step: 0, step, 2·step … ≥ max, 3 to 5 ticks. */
  const niceScale = (max) => {
    if (max <= 0) return { top: 1, step: 1 };
    const raw = max / 4;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw && Number.isInteger(s) === true) ?? 10 * mag;
    const unit = Math.max(1, step);
    return { top: Math.ceil(max / unit) * unit, step: unit };
  };

  function draw(figure, data) {
    const plot = figure.querySelector('.chart-plot');
    const names = figure.dataset.keys === '*' ? Object.keys(data.series) : figure.dataset.keys.split(',').filter((k) => k in data.series);
    const values = names.flatMap((n) => data.series[n].filter((v) => v !== null));
    plot.textContent = '';
    if (data.days.length === 0 || values.length === 0) {
      const p = document.createElement('p');
      p.className = 'muted chart-empty';
      p.textContent = 'No data yet: figures appear after the worker’s first hourly statistics run.';
      plot.append(p);
      return;
    }
    // Drawn at the plot's real width, so text and dots keep their size on a phone.
    const W = Math.max(260, Math.round(plot.clientWidth));
    const H = Math.min(280, Math.max(180, Math.round(W * 0.5)));
    const { top, step } = niceScale(Math.max(...values));
    const n = data.days.length;
    const x = (i) => (n === 1 ? (PAD.left + W - PAD.right) / 2 : PAD.left + (i * (W - PAD.left - PAD.right)) / (n - 1));
    const y = (v) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
    const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': figure.querySelector('h2')?.textContent ?? 'chart' });

    for (let v = 0; v <= top; v += step) {
      svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : 'grid' }));
      svg.append(el('text', { x: PAD.left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, short.format(v)));
    }
    const labelled = n === 1 ? [0] : [...new Set([0, Math.floor((n - 1) / 2), n - 1])];
    for (const i of labelled) {
      const anchor = n === 1 ? 'middle' : i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle';
      svg.append(el('text', { x: x(i), y: H - 8, class: 'tick', 'text-anchor': anchor }, data.days[i]));
    }

    const legend = document.createElement('ul');
    legend.className = 'legend';
    names.forEach((name, s) => {
      const series = data.series[name];
      const cls = `series series-${s % 8}`;
      // Split at missing days: a gap is not a zero.
      const runs = [[]];
      series.forEach((v, i) => {
        if (v !== null) runs[runs.length - 1].push([x(i), y(v)]);
        else if (runs[runs.length - 1].length > 0) runs.push([]);
      });
      for (const r of runs.filter((r) => r.length > 1)) svg.append(el('polyline', { points: r.map((p) => p.join(',')).join(' '), class: cls, fill: 'none' }));
      // Dots where few days are shown, so one day of data is visible at all.
      if (n <= 45) {
        series.forEach((v, i) => {
          if (v === null) return;
          const dot = el('circle', { cx: x(i), cy: y(v), r: 4.5, class: `${cls} dot` });
          dot.append(el('title', {}, `${LABELS[name] ?? name} ${data.days[i]}: ${fmt.format(v)}`));
          svg.append(dot);
        });
      }
      const latest = [...series].reverse().find((v) => v !== null);
      const item = document.createElement('li');
      item.dataset.series = name;
      item.dataset.value = latest === undefined ? '' : String(latest);
      const swatch = document.createElement('span');
      swatch.className = `swatch series-${s % 8}`;
      const label = document.createElement('span');
      label.textContent = `${LABELS[name] ?? name} `;
      const value = document.createElement('strong');
      value.textContent = latest === undefined ? '–' : fmt.format(latest);
      item.append(swatch, label, value);
      legend.append(item);
    });
    plot.append(svg, legend);
    figure.classList.add('chart-ready');
  }

  for (const figure of document.querySelectorAll('figure.chart[data-src]')) {
    load(figure.dataset.src)
      .then((data) => draw(figure, data))
      .catch((err) => {
        figure.querySelector('.chart-plot').textContent = 'The figures could not be loaded.';
        console.warn(err.message);
      });
  }
})();
