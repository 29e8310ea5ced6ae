"""Browser tests: Playwright's Python API driving Debian's chromium.

Playwright cannot download its own browser builds on these machines, so the tests launch
/usr/bin/chromium (CHROMIUM_PATH overrides). Without it the tests skip with a reason — unless
REQUIRE_BROWSER_TESTS=1 (CI), when a missing browser fails the run instead.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told the calls are deliberate (they are: test set-up).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Flags this machine needs: no sandbox as root, and no background calls to Google services,
# which the closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"chromium not found at {CHROMIUM}; `make test` installs it (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Runs in every document and frame before the page's own scripts: each Content-Security-Policy
# violation is handed to the test through an exposed function, which survives navigations.
RECORD_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__recordCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${document.location.href}` +
    ` (${event.sourceFile || "?"}:${event.lineNumber})${event.sample ? ": " + event.sample : ""}`
  );
});
"""


class CspViolations(list):
    """What the browser reported as blocked by the Content-Security-Policy, in the order it came:
    `securitypolicyviolation` events and console messages that name the policy."""

    def console(self, message):
        if "Content Security Policy" in message.text:
            self.append(f"console: {message.text}")

    def assert_none(self, page, where=""):
        """Fail, naming them, if the page (or an earlier one) reported any violation so far."""
        page.wait_for_timeout(150)  # reports arrive asynchronously; let the last ones in
        found, self[:] = list(self), []
        assert not found, f"CSP violations {where or 'on ' + page.url}:\n" + "\n".join(found)


@pytest.fixture
def csp_violations():
    return CspViolations()


@pytest.fixture
def page(browser, csp_violations):
    """A fresh browser context's page that records CSP violations; any left unchecked fail the
    test when it ends, so every browser test runs under the site's policy."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.expose_function("__recordCspViolation", lambda report: csp_violations.append(report))
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.on("console", csp_violations.console)
    page.set_default_timeout(15_000)
    yield page
    csp_violations.assert_none(page, "left unchecked when the test ended")
    context.close()


@pytest.fixture
def axe_check():
    """Run axe-core on the page; fail on any serious or critical violation, naming them."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad
        )
        assert not bad, f"axe found serious/critical violations on {page.url}:\n{details}"
        return results

    return check
