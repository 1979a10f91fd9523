"""What every page is checked for in a real browser: axe-core finds no serious or critical
accessibility violation, and nothing is wider than the window."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# The content keeps at least a 16-pixel margin from each edge of the window.
MIN_MARGIN_PX = 16


def serious_violations(page, name: str = "") -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    # A heading can be visible before the page's stylesheets have arrived (colour contrast and
    # sizes depend on them).
    page.wait_for_load_state("load")
    page.evaluate(AXE.read_text())  # evaluated by the browser's devtools, not the page's CSP
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    prefix = f"{name}: " if name else ""
    return [
        f"{prefix}{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def too_wide(page, name: str) -> list[str]:
    """The page, with its width, when the document is wider than the window, and when its
    content touches an edge of the window (no margin left to read it by)."""
    page.wait_for_load_state("load")
    if page.locator("main").count() != 1:
        return [f"{name}: not one <main> but {page.locator('main').count()}"]
    width, window, left, right = page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const box = main.getBoundingClientRect();
            const style = getComputedStyle(main);
            return [
                document.documentElement.scrollWidth,
                window.innerWidth,
                box.left + parseFloat(style.paddingLeft),
                window.innerWidth - box.right + parseFloat(style.paddingRight),
            ];
        }"""
    )
    problems = []
    if width > window:
        problems.append(f"{name}: {width} px wide in a {window} px window")
    if min(left, right) < MIN_MARGIN_PX:
        problems.append(f"{name}: margins of {left:.0f} and {right:.0f} px")
    return problems
