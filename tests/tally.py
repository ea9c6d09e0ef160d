#!/usr/bin/env python3
"""Count every test that ran, across meson test logs, and print the final
'N passed, N failed, N skipped' line. TAP tests count per test case (their
stdout is kept in testlog.json); other tests count once by their result.
A TAP test whose binary failed without a failing case (crash, timeout,
missing plan) counts one extra failure, so that no crash is lost."""
import json
import re
import sys

OK = re.compile(r'^ok\b(.*)$')
NOT_OK = re.compile(r'^not ok\b(.*)$')
SKIP = re.compile(r'#\s*skip', re.IGNORECASE)
TODO = re.compile(r'#\s*todo', re.IGNORECASE)


def count(path, totals, failures):
    try:
        lines = open(path, encoding='utf-8', errors='replace').read().splitlines()
    except OSError as e:
        print(f'tally: cannot read {path}: {e}', file=sys.stderr)
        totals['failed'] += 1
        return
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        name, result, out = t['name'], t['result'], t.get('stdout') or ''
        cases = 0
        case_failed = 0
        for tl in out.splitlines():
            tl = tl.strip()
            m = NOT_OK.match(tl)
            if m:
                cases += 1
                if TODO.search(m.group(1)):
                    totals['passed'] += 1
                elif SKIP.search(m.group(1)):
                    totals['skipped'] += 1
                else:
                    totals['failed'] += 1
                    case_failed += 1
                    failures.append(f'{path}: {name}: not ok{m.group(1)}')
                continue
            m = OK.match(tl)
            if m:
                cases += 1
                if SKIP.search(m.group(1)):
                    totals['skipped'] += 1
                else:
                    totals['passed'] += 1
        if cases == 0:
            if result in ('OK', 'EXPECTEDFAIL'):
                totals['passed'] += 1
            elif result == 'SKIP':
                totals['skipped'] += 1
            else:
                totals['failed'] += 1
                failures.append(f'{path}: {name}: {result}')
        elif result not in ('OK', 'EXPECTEDFAIL', 'SKIP') and case_failed == 0:
            totals['failed'] += 1
            failures.append(f'{path}: {name}: {result} (exit {t.get("returncode")})')


def main():
    totals = {'passed': 0, 'failed': 0, 'skipped': 0}
    failures = []
    for path in sys.argv[1:]:
        count(path, totals, failures)
    if failures:
        print('Failures:')
        for f in failures:
            print('  ' + f)
    print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
    return 1 if totals['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
