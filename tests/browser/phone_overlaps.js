// What overlaps in each chart: its title, axis titles, legend and annotations with each other, and
// any axis title with a plot area (a second panel's y title drawn over the first panel's data).
() => {
  const hits = [];
  const box = e => e.getBoundingClientRect();
  const meet = (a, b) => a.width > 0 && b.width > 0 && a.left < b.right - 1 && b.left < a.right - 1
      && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const name = e => `"${(e.textContent || e.getAttribute('class') || '').slice(0, 30)}"`;
  document.querySelectorAll('.js-plotly-plot').forEach((plot, i) => {
    const axisTitles = [...plot.querySelectorAll('[class^="g-x"][class$="title"] text, '
        + '[class^="g-y"][class$="title"] text')];
    const parts = [...plot.querySelectorAll('.gtitle, .legend .bg, .annotation-text'), ...axisTitles];
    for (let a = 0; a < parts.length; a++) {
      for (let b = a + 1; b < parts.length; b++) {
        if (meet(box(parts[a]), box(parts[b]))) hits.push(`chart ${i}: ${name(parts[a])} × ${name(parts[b])}`);
      }
    }
    const areas = [...plot.querySelectorAll('.draglayer .nsewdrag')];
    for (const title of axisTitles) {
      for (const area of areas) {
        if (meet(box(title), box(area))) hits.push(`chart ${i}: axis title ${name(title)} over a plot area`);
      }
    }
  });
  return hits;
}
