"""Bootstrap benchmark: 5,000 resamples × 10,000 people through
`linkwell.reports.evaluation.cost_effectiveness`, printed as JSON (target ≤ 1 s).

    .venv/bin/python benchmarks/bootstrap.py
    .venv/bin/python benchmarks/bootstrap.py --people 10000 --resamples 5000 --repeat 3

Three shapes: one arm of N people against an assumed comparison (the `linkwell evaluate`
default), two arms of N/2 each from a comparison CSV, and two arms with baseline adjustment.
Pure numpy: no database, no Django settings needed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import numpy as np  # noqa: E402

from linkwell.reports.evaluation import cost_effectiveness  # noqa: E402


def _data(n: int, seed: int):
    rng = np.random.default_rng(seed)
    return {
        "cost": rng.gamma(4.0, 1345 / 4, n),
        "qaly": rng.normal(0.104, 0.05, n),
        "baseline": rng.uniform(0.3, 0.9, n),
    }


def _time(fn, repeat: int) -> dict:
    """Wall-clock and CPU seconds (CPU time is the fairer figure on a shared, busy machine:
    the bootstrap is single-threaded numpy)."""
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {
        "best_s": round(min(times), 3),
        "median_s": round(statistics.median(times), 3),
        "cpu_best_s": round(min(cpu), 3),
        "cpu_median_s": round(statistics.median(cpu), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--resamples", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, b = args.people, args.resamples
    one = _data(n, 1)
    half_a, half_b = _data(n // 2, 2), _data(n - n // 2, 3)
    results = {
        "one_arm_vs_assumption": _time(
            lambda: cost_effectiveness(
                one["cost"], one["qaly"], assumed_comparison_cost=0, assumed_comparison_qaly=0.1,
                resamples=b, max_resamples=b,
            ),
            args.repeat,
        ),
        "two_arms": _time(
            lambda: cost_effectiveness(
                half_a["cost"], half_a["qaly"], cost_comparison=half_b["cost"],
                qaly_comparison=half_b["qaly"], resamples=b, max_resamples=b,
            ),
            args.repeat,
        ),
        "two_arms_baseline_adjusted": _time(
            lambda: cost_effectiveness(
                half_a["cost"], half_a["qaly"], cost_comparison=half_b["cost"],
                qaly_comparison=half_b["qaly"], baseline_intervention=half_a["baseline"],
                baseline_comparison=half_b["baseline"], resamples=b, max_resamples=b,
            ),
            args.repeat,
        ),
    }  # fmt: skip
    print(
        json.dumps(
            {
                "people": n,
                "resamples": b,
                "target_s": 1.0,
                "numpy": np.__version__,
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
