"""A longer fuzz run of ingest than `make test` does (tests/test_fuzz.py).

    python bench/fuzz_long.py [--examples 2000] [--seed N]

Runs the same properties with many more examples and prints hypothesis's
statistics (how many mutated workbooks were accepted or rejected).  Exit code
1 and the shrunk failing example if a property fails.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=2000)
    ap.add_argument("--seed", type=int)
    args = ap.parse_args(argv)

    from hypothesis import HealthCheck, settings, seed as hseed

    from tests import test_fuzz as tf
    from pipeline import load
    from tests import factories as f

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "fuzz.duckdb"
        result, _, _ = load.load_master_bytes(f.small_master(), "master.xlsx", db)
        assert result.accepted
        counts = {"accepted": 0, "rejected": 0}


        def prop(ops):
            data, wb = tf.mutate(tf.BASE, ops)
            sub = load.check(data, "fuzz.xlsx", None)
            assert not sub.accepted
            report = tf.check_example(db, data, wb)
            counts["accepted" if report.accepted else "rejected"] += 1

        from hypothesis import given
        test = settings(max_examples=args.examples, deadline=None, database=None,
                        suppress_health_check=list(HealthCheck))(given(ops=tf.mutations)(prop))
        if args.seed is not None:
            test = hseed(args.seed)(test)
        start = time.perf_counter()
        try:
            test()
        except Exception as exc:
            print(f"FAILED after {sum(counts.values())} examples: {exc!r}")
            raise
        finally:
            elapsed = time.perf_counter() - start
            print(f"fuzz: {sum(counts.values())} mutated workbooks in {elapsed:.0f} s: "
                  f"{counts['accepted']} accepted whole, {counts['rejected']} rejected with located "
                  f"errors, 0 exceptions, 0 partial loads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
