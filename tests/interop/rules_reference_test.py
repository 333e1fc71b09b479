#!/usr/bin/env python3
"""Checks that `tsdbctl test rules` gives promtool's verdict on rule unit tests.

Each FILE is a rule unit-test file in promtool's format. It runs under
`promtool test rules FILE` (Prometheus 2.42, the reference) and under
`TSDBCTL test rules FILE`; the verdict is the exit code: 0 passes, anything
else fails. The two verdicts must agree, and must be the one the file's name
announces: a file named *_fails.yml is written to fail, any other to pass.
A tool killed by a signal or stopped by the timeout never counts as a
verdict.

  rules_reference_test.py --tsdbctl build/tools/tsdbctl FILE.yml...

Prints one line per file and a summary; for a file where something is
wrong, also what each tool printed. Exits 1 on any disagreement or
unexpected verdict, 77 (skipped) when promtool is missing.
"""

import argparse
import os
import shutil
import subprocess
import sys

SKIP = 77
TIMEOUT_SECONDS = 300
SHOWN_OUTPUT_LINES = 40


class Run:
    """One tool's run on one file: its verdict and what it printed."""

    def __init__(self, argv):
        try:
            proc = subprocess.run(argv, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True,
                                  errors='replace', check=False,
                                  timeout=TIMEOUT_SECONDS)
            self.returncode = proc.returncode
            self.output = proc.stdout
        except subprocess.TimeoutExpired as e:
            self.returncode = None
            out = e.stdout or b''
            self.output = (out.decode('utf-8', 'replace')
                           if isinstance(out, bytes) else out)
        except OSError as e:
            self.returncode = None
            self.output = 'cannot run %s: %s' % (argv[0], e)

    def verdict(self):
        """'pass', 'fail', or a description of why there is no verdict."""
        if self.returncode is None:
            return 'no verdict (timed out or did not start)'
        if self.returncode < 0:
            return 'no verdict (killed by signal %d)' % -self.returncode
        return 'pass' if self.returncode == 0 else 'fail'


def expected_verdict(path):
    return 'fail' if os.path.basename(path).endswith('_fails.yml') else 'pass'


def indented(text):
    lines = text.rstrip('\n').split('\n')
    if len(lines) > SHOWN_OUTPUT_LINES:
        omitted = len(lines) - SHOWN_OUTPUT_LINES
        lines = lines[:SHOWN_OUTPUT_LINES] + ['... (%d more lines)' % omitted]
    return '\n'.join('      ' + line for line in lines)


def check_file(promtool, tsdbctl, path):
    """Returns the problems found for `path` (empty when all is well)."""
    reference = Run([promtool, 'test', 'rules', path])
    ours = Run([tsdbctl, 'test', 'rules', path])
    expected = expected_verdict(path)
    ref_verdict, our_verdict = reference.verdict(), ours.verdict()
    problems = []
    if ref_verdict != expected:
        problems.append('promtool says %s, the file name expects %s'
                        % (ref_verdict, expected))
    if our_verdict != ref_verdict:
        problems.append('tsdbctl says %s, promtool says %s'
                        % (our_verdict, ref_verdict))
    elif our_verdict not in ('pass', 'fail'):
        problems.append('tsdbctl gives %s' % our_verdict)
    status = 'ok  ' if not problems else 'BAD '
    print('%s %s: promtool %s, tsdbctl %s (expected %s)'
          % (status, path, ref_verdict, our_verdict, expected))
    if problems:
        for p in problems:
            print('    %s' % p)
        print('    promtool printed:\n%s' % indented(reference.output))
        print('    tsdbctl printed:\n%s' % indented(ours.output))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--promtool', default='promtool')
    ap.add_argument('--tsdbctl', required=True)
    ap.add_argument('files', nargs='+')
    args = ap.parse_args()
    promtool = shutil.which(args.promtool)
    if promtool is None:
        print('promtool not found (%s): skipped' % args.promtool)
        return SKIP
    bad = 0
    for path in args.files:
        if check_file(promtool, args.tsdbctl, path):
            bad += 1
    print('%d rule unit-test files run under promtool 2.42 and tsdbctl: '
          '%d agree with each other and with their names, %d do not'
          % (len(args.files), len(args.files) - bad, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
