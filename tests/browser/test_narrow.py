"""Every page with charts on a 390-pixel-wide phone: a screenshot of each, and no chart that is cut, wider than its
place on the page, or has labels drawn over each other or cut short.

Screenshots: test-output/screenshots/<page>-390.png.
"""

from __future__ import annotations

import pytest

from . import helpers as h
from .test_browser import CHART_PAGES

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

#: for each chart: how far it runs past its place or the window, its renderer, and its texts that are cut short
#: ("…") or overlap another (each text's box turned with it: a rotated label's corners, from getBBox and the
#: screen transform, so that angled labels side by side are not taken to overlap; separating axis test).
CHART_TEXT = """() => {
  const corners = t => {
    const b = t.getBBox(), m = t.getScreenCTM();
    const s = 1;  // a pixel in from each side: touching boxes are not overlapping text
    return [[b.x + s, b.y + s], [b.x + b.width - s, b.y + s], [b.x + b.width - s, b.y + b.height - s],
            [b.x + s, b.y + b.height - s]].map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  const apart = (p, q) => [p, q].some(poly => poly.some((a, i) => {
    const b = poly[(i + 1) % poly.length], n = [b[1] - a[1], a[0] - b[0]];
    const span = pts => pts.map(([x, y]) => x * n[0] + y * n[1]);
    const sp = span(p), sq = span(q);
    return Math.max(...sp) <= Math.min(...sq) || Math.max(...sq) <= Math.min(...sp);
  }));
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map((el, i) => {
    const box = el.getBoundingClientRect();
    const svg = el.querySelector('svg.marks');
    const out = {index: i, name: (el.closest('[role="graphics-document"]') || el.querySelector(
                   '[role="graphics-document"]'))?.getAttribute('aria-label')?.slice(0, 80),
                 renderer: svg ? 'svg' : 'canvas', past_place: 0, past_window: 0, cut: [], overlaps: [], outside: []};
    const drawn = (svg || el.querySelector('canvas')).getBoundingClientRect();
    out.past_place = Math.max(0, drawn.right - box.right, box.left - drawn.left);
    out.past_window = Math.max(0, drawn.right - width, box.right - width);
    if (!svg) return out;
    // Vega hides a label that would overlap its neighbour (labelOverlap) by making it transparent
    const shown = t => t.textContent.trim() && t.getBBox().width > 0 && t.getAttribute('opacity') !== '0'
      && parseFloat(getComputedStyle(t).opacity) > 0;
    const texts = [...svg.querySelectorAll('text')].filter(shown);
    const polys = texts.map(corners);
    texts.forEach((t, j) => {
      if (t.textContent.trim().endsWith('…')) out.cut.push(t.textContent);
      const xs = polys[j].map(c => c[0]), ys = polys[j].map(c => c[1]);
      if (Math.min(...xs) < drawn.left - 1 || Math.max(...xs) > drawn.right + 1
          || Math.min(...ys) < drawn.top - 1 || Math.max(...ys) > drawn.bottom + 1) out.outside.push(t.textContent);
      for (let k = j + 1; k < texts.length; k++) {
        if (!apart(polys[j], polys[k])) out.overlaps.push([t.textContent, texts[k].textContent]);
      }
    });
    return out;
  });
}"""


@pytest.mark.parametrize("stem", CHART_PAGES)
def test_charts_are_whole_and_their_labels_apart_at_390_pixels(officer_server, new_page, stem):
    page = new_page()
    page.set_viewport_size(PHONE)  # opened on the phone, as a reader would, not narrowed after drawing
    h.open_page(page, officer_server.url, stem)
    h.wait_for_charts(page, timeout=10_000, patient=True)
    h.screenshot(page, f"{stem}-390")
    found = page.evaluate(CHART_TEXT)
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert found, f"{stem}: no chart at 390 pixels"
    assert page_width <= PHONE["width"], f"{stem}: the page is {page_width} pixels wide at 390"
    for c in found:
        what = f"{stem}: chart {c['index'] + 1} ({c['name']!r})"
        assert c["renderer"] == "svg", f"{what} is drawn on a canvas: its labels cannot be read back"
        assert c["past_place"] <= 1, f"{what} runs {c['past_place']:.0f} pixels past its place on the page"
        assert c["past_window"] <= 1, f"{what} runs {c['past_window']:.0f} pixels past the window"
        assert not c["cut"], f"{what} has labels cut short: {c['cut']}"
        assert not c["outside"], f"{what} has text outside the chart: {c['outside']}"
        assert not c["overlaps"], f"{what} has labels drawn over each other: {c['overlaps'][:5]}"
