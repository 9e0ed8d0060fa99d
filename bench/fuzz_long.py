"""A longer fuzz run of ingest than `make test` does (tests/test_fuzz.py).

    python bench/fuzz_long.py [--examples 2000] [--seed N]

Runs the same properties with many more examples and prints hypothesis's
statistics (how many mutated workbooks were accepted or rejected).  Exit code
1 and the shrunk failing example if a property fails.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# as in the tests: no read-only copy of the throwaway warehouse (a refresh still running in its
# daemon thread when the interpreter exits aborts the process, exit 134, after a passing run)
os.environ.setdefault("PDCA_READONLY_COPY", "off")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=2000)
    ap.add_argument("--seed", type=int)
    args = ap.parse_args(argv)

    from hypothesis import HealthCheck, settings, seed as hseed

    from tests import test_fuzz as tf
    from pipeline import load
    from pipeline.ingest import contract as c

    with tempfile.TemporaryDirectory() as tmp:
        db = tf.make_fuzz_db(Path(tmp) / "fuzz.duckdb")       # §8 master + factors: energy checked
        counts = {"accepted": 0, "rejected": 0, "energy_accepted": 0, "energy_rejected": 0}


        def prop(ops):
            data, wb = tf.mutate(tf.BASE, ops)
            sub = load.check(data, "fuzz.xlsx", None)
            assert not sub.accepted
            report = tf.check_example(db, data, wb)
            counts["accepted" if report.accepted else "rejected"] += 1
            if report.accepted and report.submission is not None and report.submission.energy:
                counts["energy_accepted"] += 1
            elif any(p.sheet == c.SHEET_ENERGY for p in report.errors):
                counts["energy_rejected"] += 1

        from hypothesis import given
        test = settings(max_examples=args.examples, deadline=None, database=None,
                        suppress_health_check=list(HealthCheck))(given(ops=tf.mutations)(prop))
        if args.seed is not None:
            test = hseed(args.seed)(test)
        start = time.perf_counter()
        try:
            test()
        except Exception as exc:
            print(f"FAILED after {counts['accepted'] + counts['rejected']} examples: {exc!r}")
            raise
        finally:
            elapsed = time.perf_counter() - start
            total = counts["accepted"] + counts["rejected"]
            print(f"fuzz: {total} mutated workbooks in {elapsed:.0f} s: "
                  f"{counts['accepted']} accepted whole ({counts['energy_accepted']} with "
                  f"エネルギー使用量 rows), {counts['rejected']} rejected with located errors "
                  f"({counts['energy_rejected']} at エネルギー使用量), 0 exceptions, 0 partial loads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
