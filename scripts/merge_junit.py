#!/usr/bin/env python3
"""Merge JUnit XML files (ctest --output-junit, gtest XML, shards) into one.

usage: merge_junit.py -o MERGED.xml [--name NAME] IN.xml...

The result has a <testsuites> root holding every input's <testsuite> elements (a file whose
root is <testsuites> contributes its children), with tests / failures / errors / skipped /
time summed on the root. Suites of the same name from different files (the release and
sanitizer runs, or shards) are kept apart by appending the file name. A failure whose
message is empty (ctest leaves it empty and puts the test output in <system-out>) gets the
output's seed, replay and counterexample lines as its message, so CI pages show them.

Standard library only. Exit status 1 when an input cannot be parsed.
"""
import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

COUNTS = ("tests", "failures", "errors", "skipped", "disabled")
KEY_LINE = re.compile(r"(^|\s)(replay:|counterexample:|counterexample graph:|replay it alone)|RC_PARAMS=|\bseed \d+")


def number(value, default=0.0):
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def suite_counts(suite):
    """Counts of one <testsuite>, from its test cases (attributes can be stale in shards)."""
    cases = suite.findall("testcase")
    counts = dict.fromkeys(COUNTS, 0)
    counts["tests"] = len(cases)
    for case in cases:
        if case.find("failure") is not None:
            counts["failures"] += 1
        if case.find("error") is not None:
            counts["errors"] += 1
        if case.find("skipped") is not None or case.get("status") in ("notrun", "disabled"):
            counts["skipped"] += 1
    return counts


def fill_failure_messages(suite):
    for case in suite.findall("testcase"):
        failure = case.find("failure")
        if failure is None or failure.get("message"):
            continue
        text = (failure.text or "") + "\n" + "".join(node.text or "" for node in case.findall("system-out"))
        lines = [line.strip() for line in text.splitlines() if KEY_LINE.search(line)]
        if lines:
            # Keep the message short: the first few lines that name a seed or a replay command.
            failure.set("message", "\n".join(dict.fromkeys(lines[:8])))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--name", default="merged")
    parser.add_argument("inputs", nargs="+")
    args = parser.parse_args()

    root = ET.Element("testsuites", name=args.name)
    totals = dict.fromkeys(COUNTS, 0)
    total_time = 0.0
    seen = set()
    status = 0
    for path in args.inputs:
        try:
            tree = ET.parse(path)
        except (ET.ParseError, OSError) as e:
            print(f"merge_junit: cannot parse {path}: {e}", file=sys.stderr)
            status = 1
            continue
        top = tree.getroot()
        suites = [top] if top.tag == "testsuite" else list(top.iter("testsuite"))
        for suite in suites:
            name = suite.get("name", "")
            if name in ("", "(empty)"):  # ctest names its suite after nothing
                name = os.path.splitext(os.path.basename(path))[0]
                suite.set("name", name)
            if name in seen:
                name = f"{name} [{os.path.basename(path)}]"
                suite.set("name", name)
            seen.add(name)
            suite.set("file", path)
            fill_failure_messages(suite)
            counts = suite_counts(suite)
            for key in ("tests", "failures", "errors", "skipped"):
                suite.set(key, str(counts[key]))
                totals[key] += counts[key]
            total_time += number(suite.get("time"))
            root.append(suite)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    root.set("time", f"{total_time:.3f}")
    ET.ElementTree(root).write(args.output, encoding="utf-8", xml_declaration=True)
    print(f"merge_junit: {len(args.inputs)} files -> {args.output}: {totals['tests']} tests, "
          f"{totals['failures']} failures, {totals['errors']} errors, {totals['skipped']} skipped")
    return status


if __name__ == "__main__":
    sys.exit(main())
