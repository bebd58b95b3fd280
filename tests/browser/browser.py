"""A real browser for the tests: Debian's chromium, headless, driven through
chromedriver by python3-selenium (`make deps-test` installs all three).

    from browser import browser, PHONE, DESKTOP
    b = browser(PHONE)              # the run's one chromium, reset, at 390x844
    b.get(server.base + "/track/" + tid)
    b.rect(".stepper li")           # where an element is, in CSS pixels
    b.screenshot("order-en-phone")  # build/screenshots/order-en-phone.png
    b.assert_clean()                # no console errors, no CSP violations
    b.axe()                         # axe-core's accessibility violations
    b.failed_requests()             # what the page asked for and did not get
    b.unreached_by_keyboard()       # controls that Tab never focuses

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
# axe-core, installed from the npm registry by `make deps-test` (npm ci, as
# tests/browser/package-lock.json records it).
AXE = os.path.join(ROOT, "tests", "browser", "node_modules", "axe-core", "axe.min.js")

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
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By                     # noqa: E402
from selenium.webdriver.common.keys import Keys                 # noqa: E402


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
/* A box that clips or scrolls what is too wide for it hides the rest the
 * same way: a table cut at its last column reads as cut. */
document.querySelectorAll("body *").forEach(function (el) {
  if (/^(TEXTAREA|INPUT|SELECT)$/.test(el.tagName)) return;
  var st = getComputedStyle(el), ox = st.overflowX;
  /* Cut with an ellipsis on purpose (a long name in a list) is not hidden. */
  /* Nor is a text kept for screen readers only (a 1px clipped box). */
  if (el.clientWidth <= 1 || st.textOverflow === "ellipsis" ||
      st.clip !== "auto" || st.clipPath !== "none") return;
  if (ox === "visible") {
    /* What spills out of a box (a date wider than its table cell) and is
     * cut by a box around it. */
    if (el.scrollWidth <= el.clientWidth + 1) return;
    var r = el.getBoundingClientRect(), wanted = r.left + el.scrollWidth;
    var lr = clipped(el, {left: r.left, right: wanted});
    if (lr[1] < wanted - 1 && lr[1] < vw - 0.5) {
      var tag = el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ?
                "." + el.className.trim().split(/\s+/).join(".") : "");
      out.push(tag + " hides " + Math.round(wanted - lr[1]) + "px of what it holds " +
               "(cut by a box around it)");
    }
    return;
  }
  if (el.scrollWidth > el.clientWidth + 1) {
    var name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
               (el.className && typeof el.className === "string" ?
                "." + el.className.trim().split(/\s+/).join(".") : "");
    out.push(name + " hides " + (el.scrollWidth - el.clientWidth) + "px of what it holds " +
             "(overflow " + ox + ")");
  }
});
var se = document.scrollingElement;
if (se.scrollWidth > se.clientWidth)
  out.unshift("the page scrolls sideways: " + se.scrollWidth + "px wide in " + se.clientWidth);
return out;
"""


# The page's keyboard controls as a person meets them: links, buttons,
# fields, summaries and anything given a tab stop, that show (not in a
# closed <details>, a hidden menu or an inert part) and are not disabled.
# A radio group is one stop (Tab enters it once; the arrows move within).
# Each is marked so that a focus listener can tell which Tab reached.
_CONTROLS = """
var sel = "a[href], area[href], button, input:not([type=hidden]), select, textarea, " +
          "summary, iframe, [tabindex], [contenteditable=''], [contenteditable=true]";
var out = [];
document.querySelectorAll(sel).forEach(function (el) {
  if (el.disabled || el.closest("[inert]") || el.tabIndex < 0) return;
  if (el.tagName === "SUMMARY" && el.parentElement.tagName !== "DETAILS") return;
  if (!el.checkVisibility({visibilityProperty: true}) || !el.getClientRects().length) return;
  out.push(el);
});
return out;
"""

_DESCRIBE = """
var el = arguments[0];
var name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
           (el.name ? "[name=" + el.name + "]" : "") +
           (el.getAttribute("href") ? "[href=" + el.getAttribute("href") + "]" : "");
var text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
return name + (text ? ' "' + text.slice(0, 40).replace(/\\s+/g, " ") + '"' : "");
"""

# What looks like a control but is not one: a label or span dressed as a
# button (class "button" or role=button) that Tab can never reach.
_FAKE_CONTROLS = """
var out = [];
document.querySelectorAll(".button, [role=button]").forEach(function (el) {
  if (/^(A|BUTTON|INPUT|SELECT|TEXTAREA|SUMMARY)$/.test(el.tagName) && el.tabIndex >= 0) return;
  if (el.tabIndex >= 0 && el.hasAttribute("tabindex")) return;
  if (!el.checkVisibility({visibilityProperty: true})) return;
  out.push(el);
});
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
        # The performance log carries the DevTools network events, which
        # failed_requests() reads.
        o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=o)
        self.driver.set_page_load_timeout(30)
        self.cdp("Page.addScriptToEvaluateOnNewDocument", source=_WATCH_CSP)
        self.size, self.mobile = None, False
        self.scripts = []
        self.axe_source = None

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
        self.color_scheme(None)
        self.console()          # drop what the last test left
        self.failed_requests()
        return self

    def resize(self, width, height, mobile=None):
        mobile = width < 600 if mobile is None else mobile
        self.cdp("Emulation.setDeviceMetricsOverride", width=width, height=height,
                 deviceScaleFactor=1, mobile=mobile)
        self.cdp("Emulation.setTouchEmulationEnabled", enabled=mobile)
        self.size, self.mobile = (width, height), mobile

    def color_scheme(self, scheme):
        """Emulates a device set to SCHEME ("light" or "dark"; None: the
        default) for prefers-color-scheme, from the next page on."""
        self.cdp("Emulation.setEmulatedMedia", media="",
                 features=[{"name": "prefers-color-scheme", "value": scheme or ""}])

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

    def failed_requests(self):
        """What was asked for since the last call (or reset) and not had,
        from the browser's own network events: "URL: 404", "URL: net::…";
        the page's own address and a favicon the browser asks for by itself
        included. Reading empties the log."""
        import json
        try:
            entries = self.driver.get_log("performance")
        except WebDriverException:
            return []
        urls, failed = {}, []
        for e in entries:
            m = json.loads(e["message"])["message"]
            p = m.get("params", {})
            if m["method"] == "Network.requestWillBeSent":
                urls[p["requestId"]] = p["request"]["url"]
            elif m["method"] == "Network.responseReceived" and p["response"]["status"] >= 400:
                failed.append("%s: %d" % (p["response"]["url"], p["response"]["status"]))
            elif m["method"] == "Network.loadingFailed" and not p.get("canceled"):
                failed.append("%s: %s" % (urls.get(p["requestId"], "?"),
                                          p.get("blockedReason") or p.get("errorText")))
        return failed

    def axe(self, **options):
        """axe-core's accessibility violations on the page as it is now,
        each {id, impact, help, nodes: [{target, summary}]}; [] when none.
        axe.min.js goes in through the DevTools protocol, so the page's CSP
        (scripts from its own origin only) neither blocks nor reports it."""
        if self.axe_source is None:
            if not os.path.exists(AXE):
                raise AssertionError("axe-core is missing: make deps-test installs it "
                                     "(npm ci in tests/browser)")
            with open(AXE) as f:
                self.axe_source = f.read()
        if not self.js("return !!window.axe"):
            self.cdp("Runtime.evaluate", expression=self.axe_source)
        self.driver.set_script_timeout(60)
        result = self.driver.execute_async_script("""
          var done = arguments[arguments.length - 1];
          axe.run(document, arguments[0]).then(function (r) {
            done(r.violations.map(function (v) {
              return {id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.map(function (n) {
                        return {target: n.target.join(" "),
                                summary: (n.failureSummary || "").replace(/\\s+/g, " ")};
                      })};
            }));
          }, function (e) { done([{id: "axe-error", impact: "critical", help: String(e),
                                   nodes: []}]); });
        """, dict({"resultTypes": ["violations"]}, **options))
        return result

    def unreached_by_keyboard(self, extra_tabs=5):
        """The controls Tab never focuses, going once through the page from
        its top as a keyboard user does, and what looks like a control (a
        label dressed as a button) but takes no focus; as descriptions, []
        when the keyboard reaches everything."""
        controls = self.js(_CONTROLS)
        # A tab stop of our own at the top of the page, focused, so that the
        # first Tab goes to the page's first control.
        self.js("""var start = document.createElement("span");
          start.tabIndex = -1; start.id = "hm-tab-start";
          document.body.insertBefore(start, document.body.firstChild);
          start.focus({preventScroll: true});
          window.__hmReached = new Set();
          document.addEventListener("focusin", function (e) {
            window.__hmReached.add(e.target);
          }, true);""")
        reached = 0
        # Tab stops the list does not hold (a scrolling box is one in
        # chromium) make the way longer: go on until nothing new is reached.
        for _ in range(4):
            ActionChains(self.driver).send_keys(Keys.TAB * (len(controls) + extra_tabs)).perform()
            missed = self._missed(controls)
            if not missed or self.js("return window.__hmReached.size") == reached:
                break
            reached = self.js("return window.__hmReached.size")
        out = ["Tab never reaches " + self.js(_DESCRIBE, el) for el in missed]
        out += ["looks like a control but takes no focus: " + self.js(_DESCRIBE, el)
                for el in self.js(_FAKE_CONTROLS)]
        self.js("""document.getElementById("hm-tab-start").remove();
          if (document.activeElement) document.activeElement.blur();
          window.scrollTo(0, 0);""")
        return out

    def _missed(self, controls):
        return self.js("""
          var reached = window.__hmReached, groups = new Set();
          reached.forEach(function (el) {
            if (el.type === "radio") groups.add((el.form ? el.form.action : "") + "|" + el.name);
          });
          return arguments[0].filter(function (el) {
            if (reached.has(el)) return false;
            if (el.type === "radio" && el.name &&
                groups.has((el.form ? el.form.action : "") + "|" + el.name)) return false;
            return true;
          });""", controls)

    def csp_violations(self):
        return self.js("return window.__hmCsp || []")

    def assert_clean(self):
        """No script errors, failed loads or CSP violations on this page
        since it was opened (the console is read, and so emptied)."""
        # Not counted: the page's own status (a not-found page is a 404 on
        # purpose; HTTP tests check statuses). The favicon is: every page
        # links one, and the web server serves /favicon.ico.
        own = self.url.split("#")[0] + " - Failed to load resource"
        problems = ["%s: %s" % e for e in self.console()
                    if e[0] in ("SEVERE", "WARNING") and not e[1].startswith(own)]
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
