"""Runs the HTTP tests (tests/http/test_*.py, functions named test_*) and
prints one closing line for the whole suite, unit tests included:
"tests: N passed, N failed". A test that raises harness.Skip is counted
apart, with its reason. A module's teardown_module(), when it has one, runs
after its tests (those it shares a server with)."""

import argparse
import glob
import importlib.util
import os
import re
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import Skip    # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--unit-log")
    ap.add_argument("--unit-status", type=int, default=0)
    ap.add_argument("only", nargs="?", help="substring of test names to run")
    args = ap.parse_args()

    upass = ufail = 0
    if args.unit_log:
        for line in open(args.unit_log, errors="replace"):
            m = re.match(r"^\S+: (\d+) passed, (\d+) failed$", line.strip())
            if m:
                upass += int(m.group(1))
                ufail += int(m.group(2))
        if args.unit_status and not ufail:
            ufail = 1       # a unit binary crashed before its summary

    passed = failed = skipped = 0
    failures = []
    for path in sorted(glob.glob(os.path.join(HERE, "test_*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for fn_name in sorted(n for n in dir(mod) if n.startswith("test_")):
            full = "%s.%s" % (name, fn_name)
            if args.only and args.only not in full:
                continue
            t0 = time.time()
            try:
                getattr(mod, fn_name)()
                passed += 1
                print("ok    %-60s %.1fs" % (full, time.time() - t0), flush=True)
            except Skip as why:
                skipped += 1
                print("skip  %-60s %s" % (full, why), flush=True)
            except Exception:
                failed += 1
                failures.append((full, traceback.format_exc()))
                print("FAIL  %s" % full, flush=True)
        # What a module shares between its tests (a server, its data) is
        # given back once they have run; a failure there is a failure.
        if hasattr(mod, "teardown_module"):
            try:
                mod.teardown_module()
            except Exception:
                failed += 1
                failures.append((name + ".teardown_module", traceback.format_exc()))
                print("FAIL  %s.teardown_module" % name, flush=True)
    for full, tb in failures:
        print("\n=== %s\n%s" % (full, tb))
    print("http: %d passed, %d failed%s" % (passed, failed,
                                            ", %d skipped" % skipped if skipped else ""))
    print("tests: %d passed, %d failed" % (passed + upass, failed + ufail))
    sys.exit(1 if failed or ufail else 0)


if __name__ == "__main__":
    main()
