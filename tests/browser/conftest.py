"""Browser tests: Playwright's Python API driving Debian's chromium.

Playwright cannot download its own browser builds on these machines, so the tests launch
/usr/bin/chromium (CHROMIUM_PATH overrides). Without it the tests skip with a reason — unless
REQUIRE_BROWSER_TESTS=1 (CI), when a missing browser fails the run instead.
"""

import os
import threading
import time
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
def page(request, browser, csp_violations):
    """A fresh browser context's page that records CSP violations; any left unchecked fail the
    test when it ends, so every browser test runs under the site's policy."""
    # Set up the live server (and its database) first, so that it is torn down after the page.
    live_server = request.getfixturevalue("live_server") if "live_server" in request.fixturenames else None
    if live_server is not None:
        RequestsInFlight.around(live_server)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.expose_function("__recordCspViolation", lambda report: csp_violations.append(report))
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.on("console", csp_violations.console)
    page.set_default_timeout(15_000)
    yield page
    csp_violations.assert_none(page, "left unchecked when the test ended")
    # Leaving a page sends its last requests (Wagtail's editor releases its editing session with
    # a beacon on unload). Let the server finish them before the test database is emptied: a
    # request still reading while the flush truncates deadlocks PostgreSQL.
    page.goto("about:blank")
    context.close()
    if live_server is not None:
        wait_until_idle(live_server)


def wait_until_idle(live_server, grace=0.3, timeout=10):
    """Wait until the live server answers no request, after `grace` seconds for late arrivals."""
    time.sleep(grace)
    in_flight = RequestsInFlight.around(live_server)
    with in_flight.changed:
        in_flight.changed.wait_for(lambda: in_flight.count == 0, timeout)


class RequestsInFlight:
    """A WSGI wrapper that counts the requests the live server is answering: a request ends when
    the server closes its response, after the last byte is sent."""

    def __init__(self, application):
        self.application = application
        self.count = 0
        self.changed = threading.Condition()

    @classmethod
    def around(cls, live_server):
        """The counter wrapped around the live server's application (once; the server asks for
        its application on every request)."""
        httpd = live_server.thread.httpd
        if not isinstance(httpd.get_app(), cls):
            httpd.set_app(cls(httpd.get_app()))
        return httpd.get_app()

    def __call__(self, environ, start_response):
        with self.changed:
            self.count += 1
        try:
            return TrackedResponse(self.application(environ, start_response), self.done)
        except BaseException:
            self.done()
            raise

    def done(self):
        with self.changed:
            self.count -= 1
            self.changed.notify_all()


class TrackedResponse:
    def __init__(self, result, on_close):
        self.result, self.on_close = result, on_close

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            self.on_close()


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
