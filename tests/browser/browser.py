"""A real browser for the tests: Debian's chromium, headless, driven through
chromedriver by python3-selenium (`make deps-test` installs all three).

    from browser import browser, PHONE, DESKTOP
    b = browser(PHONE)              # the run's one chromium, reset, at 390x844
    b.get(server.base + "/track/" + tid)
    b.rect(".stepper li")           # where an element is, in CSS pixels
    b.screenshot("order-en-phone")  # build/screenshots/order-en-phone.png
    b.assert_clean()                # no console errors, no CSP violations

Chromium starts once per test run (about two seconds) and is shared: each
browser() call clears its cookies, cache and storage and sets the viewport,
so a test sees a first visit whatever ran before it. The viewport is set by
device emulation, not by the window, so a phone is exactly its width (a
headless window cannot be narrower than 500px) and reads the viewport meta
tag as a phone does. The first call of a run empties the screenshot
directory (HALLMARK_SCREENSHOTS, which make sets to $(BUILD)/screenshots):
it holds what this run saw."""

import atexit
import base64
import glob
import os
import re
import shutil
import sys
import tempfile
import time
from collections import namedtuple

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCREENSHOTS = os.environ.get("HALLMARK_SCREENSHOTS", os.path.join(ROOT, "build", "screenshots"))
CHROMIUM = os.environ.get("HALLMARK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("HALLMARK_CHROMEDRIVER", "/usr/bin/chromedriver")

PHONE = (390, 844)          # a current mid-size phone, portrait
DESKTOP = (1280, 900)

try:
    import selenium         # noqa: F401
except ImportError:
    # Debian's python3-selenium, when python3 on PATH is not Debian's own.
    sys.path.append("/usr/lib/python3/dist-packages")
from selenium import webdriver                                  # noqa: E402
from selenium.common.exceptions import WebDriverException       # noqa: E402
from selenium.webdriver.chrome.service import Service           # noqa: E402
from selenium.webdriver.common.by import By                     # noqa: E402


class Rect(namedtuple("Rect", "left top right bottom")):
    """A box in CSS pixels, relative to the viewport (getBoundingClientRect)."""

    @property
    def width(self):
        return self.right - self.left

    @property
    def height(self):
        return self.bottom - self.top

    @property
    def cx(self):
        return (self.left + self.right) / 2

    @property
    def cy(self):
        return (self.top + self.bottom) / 2


# Runs in every page before its own scripts (through the DevTools protocol,
# so the page's CSP does not apply to it): keeps each CSP violation, which a
# test reads with csp_violations().
_WATCH_CSP = """
window.__hmCsp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__hmCsp.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") +
                      " at " + e.sourceFile + ":" + e.lineNumber);
});
"""

# The boxes that stick out of the viewport sideways, each as much of it as
# its clipping ancestors (overflow other than visible) let show: a box kept
# out of sight on purpose (a honeypot, visually-hidden text) shows nothing
# and is not counted. Only the outermost of a nest is named.
_OVERFLOW = """
var vw = document.documentElement.clientWidth, out = [], seen = new Set();
function clipped(el, r) {
  var left = r.left, right = r.right;
  for (var a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    var s = getComputedStyle(a);
    if (s.overflowX !== "visible" || s.clipPath !== "none" || s.clip !== "auto") {
      var ar = a.getBoundingClientRect();
      left = Math.max(left, ar.left); right = Math.min(right, ar.right);
    }
  }
  return [left, right];
}
document.querySelectorAll("body *").forEach(function (el) {
  var r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return;
  var s = getComputedStyle(el);
  if (s.visibility === "hidden" || s.clip !== "auto") return;
  var lr = clipped(el, r);
  if (lr[1] - lr[0] <= 1) return;           /* nothing of it shows */
  if (lr[0] < -0.5 || lr[1] > vw + 0.5) {
    seen.add(el);
    if (seen.has(el.parentElement)) return;
    var name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
               (el.className && typeof el.className === "string" ?
                "." + el.className.trim().split(/\\s+/).join(".") : "");
    out.push(name + " spans " + Math.round(lr[0]) + ".." + Math.round(lr[1]) +
             " of 0.." + vw);
  }
});
var se = document.scrollingElement;
if (se.scrollWidth > se.clientWidth)
  out.unshift("the page scrolls sideways: " + se.scrollWidth + "px wide in " + se.clientWidth);
return out;
"""


class Browser:
    """One headless chromium. Use browser() to get the run's shared one."""

    def __init__(self, accept_language="en-GB,en"):
        if not os.path.exists(CHROMIUM) or not os.path.exists(CHROMEDRIVER):
            raise AssertionError("chromium or chromedriver is missing "
                                 "(make deps-test installs chromium and chromium-driver)")
        self.profile = tempfile.mkdtemp(prefix="hallmark-chromium-")
        o = webdriver.ChromeOptions()
        o.binary_location = CHROMIUM
        for arg in ("--headless=new",
                    # The tests run as root in CI, where chromium's sandbox
                    # cannot start; the browser loads only the tests' own
                    # pages on loopback.
                    "--no-sandbox",
                    "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions",
                    "--no-first-run", "--no-default-browser-check",
                    "--disable-background-networking", "--disable-sync",
                    "--disable-component-update", "--hide-scrollbars",
                    "--force-device-scale-factor=1", "--window-size=1280,900",
                    "--user-data-dir=" + self.profile):
            o.add_argument(arg)
        o.add_experimental_option("prefs", {"intl.accept_languages": accept_language})
        o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=o)
        self.driver.set_page_load_timeout(30)
        self.cdp("Page.addScriptToEvaluateOnNewDocument", source=_WATCH_CSP)
        self.size, self.mobile = None, False
        self.scripts = []

    # --- Control -------------------------------------------------------

    def cdp(self, cmd, **params):
        """A DevTools protocol command (chromium's own, beyond WebDriver)."""
        return self.driver.execute_cdp_cmd(cmd, params)

    def alive(self):
        try:
            self.driver.execute_script("return 1")
            return True
        except WebDriverException:
            return False

    def reset(self, size=DESKTOP):
        """A first visit from here on: no cookies, cache or storage, a blank
        page, the viewport SIZE (width, height); a width under 600 is a phone
        (touch, the viewport meta tag)."""
        self.driver.get("about:blank")
        for identifier in self.scripts:
            self.cdp("Page.removeScriptToEvaluateOnNewDocument", identifier=identifier)
        self.scripts = []
        self.cdp("Network.clearBrowserCookies")
        self.cdp("Network.clearBrowserCache")
        self.cdp("Storage.clearDataForOrigin", origin="*", storageTypes="all")
        self.resize(*size)
        self.console()          # drop what the last test left
        return self

    def resize(self, width, height, mobile=None):
        mobile = width < 600 if mobile is None else mobile
        self.cdp("Emulation.setDeviceMetricsOverride", width=width, height=height,
                 deviceScaleFactor=1, mobile=mobile)
        self.cdp("Emulation.setTouchEmulationEnabled", enabled=mobile)
        self.size, self.mobile = (width, height), mobile

    def before_scripts(self, source):
        """Runs the JavaScript SOURCE in every page opened from now on (until
        the next reset), before the page's own scripts and outside its CSP:
        to take away a feature an older browser lacks, say."""
        self.scripts.append(self.cdp("Page.addScriptToEvaluateOnNewDocument",
                                     source=source)["identifier"])

    def get(self, url):
        """Opens URL and waits until it and its deferred scripts have run."""
        self.driver.get(url)
        self.wait("document.readyState === 'complete'")
        return self

    def wait(self, condition, timeout=10):
        """Waits until the JavaScript expression CONDITION is true."""
        deadline = time.time() + timeout
        while True:
            try:
                if self.js("return !!(%s)" % condition):
                    return
            except WebDriverException:
                pass            # between two pages: no document to ask yet
            if time.time() > deadline:
                raise AssertionError("timed out waiting for: " + condition)
            time.sleep(0.05)

    def js(self, script, *args):
        """Runs SCRIPT (a function body: `return` a value) in the page."""
        return self.driver.execute_script(script, *args)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def click(self, css, navigates=True):
        """Clicks the first match of CSS as a person would (chromedriver
        scrolls it into view); when it NAVIGATES, waits for the new page."""
        if navigates:
            self.js("window.__hmOld = true")
        self.find(css).click()
        if navigates:
            self.wait("!window.__hmOld && document.readyState === 'complete'")
        return self

    @property
    def url(self):
        return self.driver.current_url

    # --- Looking -------------------------------------------------------

    def rect(self, target):
        """Where TARGET (a CSS selector: its first match; or an element) is."""
        el = self.find(target) if isinstance(target, str) else target
        r = self.js("var r = arguments[0].getBoundingClientRect();"
                    "return [r.left, r.top, r.right, r.bottom];", el)
        return Rect(*r)

    def rects(self, css):
        return [self.rect(el) for el in self.find_all(css)]

    def text_rect(self, target):
        """Where the text inside TARGET is drawn (not its box): where a
        label's words sit in a full-width block, say."""
        el = self.find(target) if isinstance(target, str) else target
        r = self.js("var g = document.createRange(); g.selectNodeContents(arguments[0]);"
                    "var r = g.getBoundingClientRect();"
                    "return [r.left, r.top, r.right, r.bottom];", el)
        return Rect(*r)

    def style(self, target, prop):
        el = self.find(target) if isinstance(target, str) else target
        return self.js("return getComputedStyle(arguments[0]).getPropertyValue(arguments[1])",
                       el, prop)

    def viewport(self):
        return tuple(self.js("return [document.documentElement.clientWidth, innerHeight]"))

    def horizontal_overflow(self):
        """What sticks out of the viewport sideways (a phone user scrolls
        or misses it), as descriptions; [] when nothing does."""
        return self.js(_OVERFLOW)

    # --- Problems ------------------------------------------------------

    def console(self):
        """The console messages since the last call: (level, text)."""
        try:
            entries = self.driver.get_log("browser")
        except WebDriverException:
            entries = []
        return [(e["level"], e["message"]) for e in entries]

    def csp_violations(self):
        return self.js("return window.__hmCsp || []")

    def assert_clean(self):
        """No script errors, failed loads or CSP violations on this page
        since it was opened (the console is read, and so emptied)."""
        # Not counted: the page's own status (a not-found page is a 404 on
        # purpose; HTTP tests check statuses), and /favicon.ico, which the
        # browser asks for by itself (Hallmark has none).
        own = self.url.split("#")[0] + " - Failed to load resource"
        problems = ["%s: %s" % e for e in self.console()
                    if e[0] in ("SEVERE", "WARNING") and not e[1].startswith(own)
                    and "/favicon.ico - Failed to load resource" not in e[1]]
        problems += ["CSP: " + v for v in self.csp_violations()]
        if problems:
            raise AssertionError("the browser reported:\n  " + "\n  ".join(problems))

    # --- Keeping -------------------------------------------------------

    def screenshot(self, name, full_page=True, element=None):
        """Saves the page as SCREENSHOTS/NAME.png for a person to look at:
        the whole page by default (the viewport's width, the document's
        height), else the viewport, or only ELEMENT (a CSS selector).
        Returns the path."""
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, re.sub(r"[^A-Za-z0-9._-]", "_", name) + ".png")
        params = {"format": "png"}
        tall = full_page or element
        if tall:
            # Photos out of sight wait to load until scrolled to: load them
            # now, or the picture shows their empty boxes.
            self.js("document.querySelectorAll('img[loading=lazy]')"
                    ".forEach(function (i) { i.loading = 'eager'; })")
            self.wait("Array.prototype.every.call(document.images,"
                      " function (i) { return i.complete; })")
            # A viewport as tall as the page, rather than DevTools' capture
            # beyond the viewport, which shifts a right-to-left page sideways.
            width, height = self.size
            h = self.js("return document.documentElement.scrollHeight")
            self.cdp("Emulation.setDeviceMetricsOverride", width=width, height=max(h, height),
                     deviceScaleFactor=1, mobile=self.mobile)
            self.js("window.scrollTo(0, 0)")
        try:
            if element:
                x, y, w, h = self.js("var r = arguments[0].getBoundingClientRect();"
                                     "return [r.left, r.top, r.width, r.height]",
                                     self.find(element))
                params["clip"] = {"x": x, "y": y, "width": w, "height": h, "scale": 1}
            data = self.cdp("Page.captureScreenshot", **params)["data"]
        finally:
            if tall:
                self.resize(*self.size, mobile=self.mobile)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path

    def quit(self):
        try:
            self.driver.quit()
        except Exception:
            pass
        shutil.rmtree(self.profile, ignore_errors=True)


_shared = None


def browser(size=DESKTOP):
    """The run's chromium (started on first use, restarted if it died),
    reset to a first visit at SIZE."""
    global _shared
    if _shared is None:
        # What this run saw, not what an earlier one did.
        for old in glob.glob(os.path.join(SCREENSHOTS, "*.png")):
            os.remove(old)
    if _shared is None or not _shared.alive():
        if _shared is not None:
            _shared.quit()
        _shared = Browser()
    return _shared.reset(size)


@atexit.register
def _quit():
    if _shared is not None:
        _shared.quit()
