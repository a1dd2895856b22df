// Elements past the viewport's right edge that no fitting container scrolls or clips
// (a table's own scroller, a chart's SVG are fine).
() => {
  const width = window.innerWidth, out = [];
  const main = document.querySelector('[data-testid="stMain"]');
  if (main && main.scrollWidth > main.clientWidth + 1) out.push(`main scrolls sideways: ${main.scrollWidth}px`);
  for (const el of (main || document.body).querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1 || el.closest('.js-plotly-plot, [data-testid="stDataFrame"]')) continue;
    let held = false;
    for (let up = el.parentElement; up && up !== main; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (/(auto|scroll|hidden|clip)/.test(s.overflowX) && up.getBoundingClientRect().right <= width + 1) { held = true; break; }
    }
    if (!held) out.push(`${el.tagName.toLowerCase()}.${(el.className.baseVal ?? el.className).toString().slice(0, 40)} right=${Math.round(r.right)}`);
    if (out.length > 10) break;
  }
  return out;
}
