#!/usr/bin/env python3
"""The catalogs are complete and sound (make test runs this):

- src/po/hallmark.pot is what the sources say (make pot was run);
- every shipped language has a catalog that msgfmt --check accepts, with
  every message translated, none fuzzy;
- a translation keeps the {variables} of a notification text and only
  the strftime codes fmt.c knows in a date format;
- the special messages (language name, text direction) are set.

A language is shipped when it is listed here: removing a catalog fails."""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PO = os.path.join(ROOT, "src", "po")
SHIPPED = ["ar", "de", "es", "fr", "it"]
DATE_CODES = re.compile(r"%(-?[dHI]|[aAbBeMpY%])")
VAR = re.compile(r"\{[a-z_]+\}")

failures = []


def fail(msg):
    failures.append(msg)


def entries(path):
    """(msgctxt, msgid, msgid_plural, [msgstr…], fuzzy) of a .po file, parsed
    from msgcat's normalised output (one line per string, no wrapping)."""
    text = subprocess.run(["msgcat", "--no-wrap", "--no-location", path], capture_output=True,
                          text=True, check=True).stdout
    out, cur = [], None

    def unq(s):
        esc = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
        return re.sub(r"\\(.)", lambda m: esc.get(m.group(1), m.group(1)), s[1:-1])

    last = None
    for line in text.splitlines() + [""]:
        if not line.strip():
            if cur and cur["msgid"]:
                out.append(cur)
            cur, last = None, None
            continue
        if cur is None:
            cur = {"ctx": None, "msgid": None, "plural": None, "strs": [], "fuzzy": False}
        if line.startswith("#,") and "fuzzy" in line:
            cur["fuzzy"] = True
        if line.startswith('"') and last:
            # A continuation: msgcat breaks strings after each \n.
            if last == "strs":
                cur["strs"][-1] += unq(line)
            else:
                cur[last] += unq(line)
            continue
        m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line)
        if m:
            key, val = m.group(1), unq(m.group(2))
            last = {"msgctxt": "ctx", "msgid": "msgid", "msgid_plural": "plural"}.get(key, "strs")
            if last == "strs":
                cur["strs"].append(val)
            else:
                cur[last] = val
    return out


def check_language(code):
    path = os.path.join(PO, code + ".po")
    if not os.path.exists(path):
        fail("%s: missing (a shipped language)" % os.path.relpath(path, ROOT))
        return
    r = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, path],
                       capture_output=True, text=True)
    if r.returncode:
        fail("%s: msgfmt --check: %s" % (code, r.stderr.strip()))
    if "untranslated" in r.stderr or "fuzzy" in r.stderr:
        fail("%s: not complete: %s" % (code, r.stderr.strip()))
    r = subprocess.run(["msgcmp", path, os.path.join(PO, "hallmark.pot")],
                       capture_output=True, text=True)
    if r.returncode:
        fail("%s: does not translate every message of hallmark.pot (make pot merges them):\n%s"
             % (code, r.stderr.strip()[:2000]))
    for e in entries(path):
        if e["fuzzy"]:
            fail("%s: fuzzy: %r" % (code, e["msgid"]))
        for s in e["strs"]:
            if not s:
                continue        # untranslated: said above
            if VAR.findall(e["msgid"]) and sorted(set(VAR.findall(s))) != sorted(set(VAR.findall(e["msgid"]))):
                fail("%s: %r: the {variables} differ in %r" % (code, e["msgid"][:60], s[:80]))
            if e["ctx"] in ("date", "long date", "date and time"):
                left = DATE_CODES.sub("", s)
                if "%" in left:
                    fail("%s: %s format %r uses a code fmt.c does not know" % (code, e["ctx"], s))
        if e["ctx"] == "text direction" and e["strs"] and e["strs"][0] not in ("ltr", "rtl"):
            fail("%s: text direction must be ltr or rtl, not %r" % (code, e["strs"][0]))
        if e["ctx"] == "language name" and e["strs"] and e["strs"][0] in ("", "English"):
            fail("%s: the language's name in itself is missing" % code)


def main():
    r = subprocess.run([sys.executable, os.path.join(PO, "extract.py"), "--check"],
                       capture_output=True, text=True)
    if r.returncode:
        fail((r.stdout + r.stderr).strip())
    for code in SHIPPED:
        check_language(code)
    extra = sorted(f[:-3] for f in os.listdir(PO) if f.endswith(".po") and f[:-3] not in SHIPPED)
    for code in extra:
        check_language(code)
    for f in failures:
        print("i18n: " + f)
    print("i18n: %d language(s) checked, %d problem(s)" % (len(SHIPPED) + len(extra), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
