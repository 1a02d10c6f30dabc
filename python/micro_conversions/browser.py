"""Opens an HTML file in headless Chromium (Debian's package, driven by Playwright), with every
network request refused and recorded, takes a screenshot and counts what each plotly chart drew.

    python -m micro_conversions.browser build/report/index.html docs/images/report.png
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")

# What a plotly chart drew, by kind of SVG mark (plotly's own class names).
COUNT_MARKS = """
() => {
  const drawn = paths => [...paths].filter(p => (p.getAttribute('d') || '').length > 2).length;
  const out = {};
  for (const div of document.querySelectorAll('div.plotly-graph-div')) {
    const svg = div.querySelector('svg.main-svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    out[div.id] = {
      width: box.width,
      height: box.height,
      bars: div.querySelectorAll('.barlayer .point path').length,
      points: div.querySelectorAll('.scatterlayer .points path.point').length,
      lines: drawn(div.querySelectorAll('.scatterlayer path.js-line')),
      fills: drawn(div.querySelectorAll('.scatterlayer path.js-fill')),
      error_bars: div.querySelectorAll('.errorbar').length,
      sankey_nodes: div.querySelectorAll('.sankey-node').length,
      sankey_links: div.querySelectorAll('.sankey-link').length,
    };
  }
  return out;
}
"""


@dataclass
class Rendered:
    marks: dict[str, dict]  # chart div id -> counts of marks
    requests: list[str] = field(default_factory=list)  # every request other than the page itself
    errors: list[str] = field(default_factory=list)  # page errors and console errors


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def render(html_path: Path, png_path: Path | None = None, width: int = 1200) -> Rendered:
    """Loads `html_path` with the network refused, waits for the charts, counts their marks and,
    if `png_path` is given, saves a full-page screenshot there."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        raise RuntimeError("no Chromium found: apt-get install chromium (Debian's package)")
    page_url = html_path.resolve().as_uri()
    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": width, "height": 900}, offline=True)
            page = context.new_page()

            def route(route, request):
                if request.url == page_url:
                    route.continue_()
                else:
                    requests.append(request.url)
                    route.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
            page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.goto(page_url, wait_until="load")
            page.wait_for_function(
                "() => [...document.querySelectorAll('div.plotly-graph-div')]"
                ".every(d => d.querySelector('svg.main-svg'))"
            )
            page.wait_for_timeout(500)  # sankey and error bars are drawn after the first frame
            marks = page.evaluate(COUNT_MARKS)
            if png_path is not None:
                png_path.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(png_path), full_page=True)
        finally:
            browser.close()
    return Rendered(marks=marks, requests=requests, errors=errors)


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m micro_conversions.browser PAGE.html SHOT.png", file=sys.stderr)
        return 2
    rendered = render(Path(args[0]), Path(args[1]))
    for div_id, counts in rendered.marks.items():
        print(div_id, {k: v for k, v in counts.items() if v})
    print("requests:", rendered.requests or "none", "| errors:", rendered.errors or "none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def network_requests(html_path: Path, png_path: Path | None = None, settle_ms: int = 1500) -> Rendered:
    """Loads any page with the network refused; returns the requests it tried (other than files
    under the page's own folder) and its errors, optionally with a screenshot."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        raise RuntimeError("no Chromium found: apt-get install chromium (Debian's package)")
    folder = html_path.resolve().parent.as_uri() + "/"
    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True).new_page()

            def route(route, request):
                if request.url.startswith(folder):
                    route.continue_()
                else:
                    requests.append(request.url)
                    route.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            page.wait_for_timeout(settle_ms)
            if png_path is not None:
                page.screenshot(path=str(png_path))
        finally:
            browser.close()
    return Rendered(marks={}, requests=requests, errors=errors)
