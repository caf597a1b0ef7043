// A minimal SVG line chart for percentages over time (0–100 %). One <svg> is built once; update() only
// rewrites the path data, so the chart does not flicker on refresh.

const NS = 'http://www.w3.org/2000/svg';
const W = 1000;
const H = 170;
const PAD = { l: 36, r: 8, t: 8, b: 20 };

function svg(tag, attrs = {}) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** series: [{name, color}] -> {el, update(points: [{t: ms, values: [..]}], windowMs)} */
export function lineChart(series, label) {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': label });
  const plotW = W - PAD.l - PAD.r;
  const plotH = H - PAD.t - PAD.b;
  for (const pct of [0, 25, 50, 75, 100]) {
    const y = PAD.t + plotH * (1 - pct / 100);
    root.append(svg('line', { x1: PAD.l, x2: W - PAD.r, y1: y, y2: y, class: 'grid' }));
    const t = svg('text', { x: PAD.l - 4, y: y + 4, class: 'axis', 'text-anchor': 'end' });
    t.textContent = pct + '%';
    root.append(t);
  }
  const leftLabel = svg('text', { x: PAD.l, y: H - 4, class: 'axis' });
  const rightLabel = svg('text', { x: W - PAD.r, y: H - 4, class: 'axis', 'text-anchor': 'end' });
  rightLabel.textContent = 'now';
  root.append(leftLabel, rightLabel);
  const paths = series.map((s) => {
    const p = svg('path', { class: 'line', stroke: s.color, fill: 'none' });
    root.append(p);
    return p;
  });

  return {
    el: root,
    /** Shows the points of the last maxWindowMs; a shorter history is stretched over the width (at least 1 min). */
    update(points, maxWindowMs) {
      const now = Date.now();
      const span = points.length ? now - points[0].t : 0;
      const windowMs = Math.min(maxWindowMs, Math.max(60000, span));
      const from = now - windowMs;
      const secs = Math.round(windowMs / 1000);
      leftLabel.textContent = secs < 120 ? `-${secs} s` : `-${Math.round(secs / 60)} min`;
      const x = (t) => PAD.l + plotW * Math.max(0, (t - from) / windowMs);
      const y = (v) => PAD.t + plotH * (1 - Math.max(0, Math.min(100, v)) / 100);
      paths.forEach((path, i) => {
        let d = '';
        let pen = 'M';
        for (const p of points) {
          const v = p.values[i];
          if (p.t < from || v === null || v === undefined || !Number.isFinite(v)) { pen = 'M'; continue; }
          d += `${pen}${x(p.t).toFixed(1)},${y(v).toFixed(1)}`;
          pen = 'L';
        }
        path.setAttribute('d', d);
      });
    },
  };
}
