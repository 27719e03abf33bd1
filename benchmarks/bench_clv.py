"""Benchmark crmkit.clv against lifetimes 0.11.3 and a hand-written DuckDB query.

Measures, in one run on the same data:

* RFM summary of ``n_orders`` transactions: crmkit
  ``summary_data_from_transaction_data`` vs lifetimes' function of the same
  name vs a hand-written DuckDB query (same definitions, daily periods);
* BG/NBD and Pareto/NBD fits on ``n_fit_customers`` simulated customers
  (daily data): crmkit vs lifetimes, with log-likelihoods of both solutions
  evaluated by the same function.

lifetimes needs pandas < 3, so its side runs in a separate virtualenv
(``benchmarks/.venv-lifetimes``, created on first use with
``lifetimes==0.11.3 "pandas<3" pyarrow``) in a subprocess; data are exchanged
as Parquet/JSON in a temporary directory. Times exclude reading the input.

Usage::

    python benchmarks/bench_clv.py                 # 10 million orders, 200,000 customers for fits
    python benchmarks/bench_clv.py --orders 1e6    # smaller
    python benchmarks/bench_clv.py --no-lifetimes  # crmkit and DuckDB only
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from crmkit.clv import BetaGeoFitter, ParetoNBDFitter, simulate, summary_data_from_transaction_data

HERE = Path(__file__).resolve().parent
LT_VENV = HERE / ".venv-lifetimes"
OBS_END = "2024-12-31"

LIFETIMES_SIDE = r'''
import json, sys, time, warnings
import numpy as np, pandas as pd
warnings.simplefilter("ignore")
task = json.load(open(sys.argv[1]))
out = {}
if task["kind"] == "summary":
    from lifetimes.utils import summary_data_from_transaction_data
    df = pd.read_parquet(task["input"])
    t = time.perf_counter()
    s = summary_data_from_transaction_data(df, "customer_id", "ts", "amount", observation_period_end=task["obs_end"], freq="D")
    out["seconds"] = time.perf_counter() - t
    s.reset_index().to_parquet(task["output"])
else:
    from lifetimes import BetaGeoFitter, ParetoNBDFitter
    df = pd.read_parquet(task["input"])
    cls = {"bgnbd": BetaGeoFitter, "pnbd": ParetoNBDFitter}[task["kind"]]
    t = time.perf_counter()
    m = cls().fit(df["frequency"], df["recency"], df["T"])
    out["seconds"] = time.perf_counter() - t
    out["params"] = [float(v) for v in m.params_.values]
json.dump(out, open(task["result"], "w"))
'''

DUCKDB_SQL = """
WITH p AS (
    SELECT customer_id, date_trunc('day', ts) AS d, sum(amount) AS v
    FROM orders WHERE date_trunc('day', ts) <= TIMESTAMP '{end}' GROUP BY customer_id, d
), c AS (
    SELECT customer_id, min(d) AS first, max(d) AS last, count(*) AS n, sum(v) AS total, arg_min(v, d) AS first_v
    FROM p GROUP BY customer_id
)
SELECT customer_id, (n - 1)::DOUBLE AS frequency, date_diff('day', first, last)::DOUBLE AS recency,
       date_diff('day', first, TIMESTAMP '{end}')::DOUBLE AS T,
       CASE WHEN n > 1 THEN (total - first_v) / (n - 1) ELSE 0 END AS monetary_value
FROM c ORDER BY customer_id
"""


def ensure_lifetimes_venv() -> Path:
    """Create ``benchmarks/.venv-lifetimes`` with lifetimes 0.11.3 if missing; return its python."""
    py = LT_VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LT_VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "lifetimes==0.11.3", "pandas<3", "pyarrow"], check=True)
    return py


def _lifetimes(py: Path, tmp: Path, kind: str, input_path: Path, timeout: float, **extra: Any) -> dict:
    script = tmp / "lifetimes_side.py"
    script.write_text(LIFETIMES_SIDE)
    task = {"kind": kind, "input": str(input_path), "result": str(tmp / f"{kind}.json"), **extra}
    (tmp / f"{kind}_task.json").write_text(json.dumps(task))
    try:
        subprocess.run([str(py), str(script), str(tmp / f"{kind}_task.json")], check=True, timeout=timeout,
                       capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        return {"seconds": float("nan"), "timeout": timeout}
    return json.loads((tmp / f"{kind}.json").read_text())


def make_orders(n_orders: int, n_customers: int, seed: int = 0) -> pd.DataFrame:
    """Synthetic order log: skewed customer activity over two years, timestamps to the second."""
    rng = np.random.default_rng(seed)
    weights = rng.gamma(0.5, 1.0, n_customers)
    cid = rng.choice(n_customers, size=n_orders, p=weights / weights.sum()).astype("int64")
    secs = rng.integers(0, 730 * 86400, n_orders)
    ts = np.datetime64("2023-01-01T00:00:00", "s") + secs.astype("timedelta64[s]")
    amount = np.round(rng.gamma(2.0, 25.0, n_orders), 2)
    return pd.DataFrame({"customer_id": cid, "ts": ts.astype("datetime64[us]"), "amount": amount})


def _timed(fn, repeat: int = 1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def run(n_orders: int = 10_000_000, n_customers: int | None = None, n_fit_customers: int = 200_000,
        lifetimes: bool = True, lifetimes_timeout: float = 3600.0, seed: int = 0) -> dict:
    """Run the benchmark and return its figures.

    Parameters
    ----------
    n_orders : int
        Transactions in the summary benchmark.
    n_customers : int, optional
        Customers in the order log (default ``n_orders // 10``).
    n_fit_customers : int
        Customers in the fit benchmarks.
    lifetimes : bool
        Also time lifetimes (in its own virtualenv).
    lifetimes_timeout : float
        Seconds before a lifetimes task is abandoned.
    seed : int

    Returns
    -------
    dict
        ``summary`` and ``fits`` sections with seconds, ratios and log-likelihoods.
    """
    n_customers = n_customers or max(n_orders // 10, 1)
    res: dict[str, Any] = {"n_orders": n_orders, "n_customers": n_customers, "n_fit_customers": n_fit_customers}
    py = ensure_lifetimes_venv() if lifetimes else None
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        orders = make_orders(n_orders, n_customers, seed)
        t_ck, s_ck = _timed(lambda: summary_data_from_transaction_data(
            orders, "customer_id", "ts", "amount", observation_period_end=OBS_END, freq="D"), repeat=2)
        con = duckdb.connect()
        con.register("orders", orders)
        t_db, s_db = _timed(lambda: con.execute(DUCKDB_SQL.format(end=OBS_END)).df(), repeat=2)
        con.close()
        s_db = s_db.set_index("customer_id")
        summ = {"crmkit_s": t_ck, "duckdb_s": t_db, "crmkit_vs_duckdb": t_ck / t_db,
                "customers": len(s_ck),
                "max_abs_diff_vs_duckdb": float((s_ck - s_db[s_ck.columns]).abs().to_numpy().max())}
        if py is not None:
            orders.to_parquet(tmp / "orders.parquet")
            lt = _lifetimes(py, tmp, "summary", tmp / "orders.parquet", lifetimes_timeout,
                            obs_end=OBS_END, output=str(tmp / "lt_summary.parquet"))
            summ["lifetimes_s"] = lt["seconds"]
            summ["lifetimes_vs_crmkit"] = lt["seconds"] / t_ck
            if "timeout" not in lt:
                s_lt = pd.read_parquet(tmp / "lt_summary.parquet").set_index("customer_id")
                summ["max_abs_diff_vs_lifetimes"] = float((s_ck - s_lt[s_ck.columns]).abs().to_numpy().max())
        res["summary"] = summ
        del orders

        rng = np.random.default_rng(seed + 1)
        T = rng.integers(30, 366, n_fit_customers).astype(float)  # daily data, one year of acquisition
        sims = {
            "bgnbd": (BetaGeoFitter, simulate.beta_geo(T, 0.25, 30.0, 0.8, 2.5, seed=seed + 2)),
            "pnbd": (ParetoNBDFitter, simulate.pareto_nbd(T, 0.55, 75.0, 0.6, 80.0, seed=seed + 3)),
        }
        res["fits"] = {}
        for kind, (cls, sim) in sims.items():
            rfm = sim[["frequency", "recency", "T"]].copy()
            rfm["recency"] = np.floor(rfm["recency"])  # whole days, as from a daily summary
            t_fit, m = _timed(lambda: cls().fit(rfm["frequency"], rfm["recency"], rfm["T"]))
            row = {"crmkit_s": t_fit, "crmkit_ll": m.log_likelihood_,
                   "crmkit_params": [round(float(v), 5) for v in m.params_]}
            if py is not None:
                rfm.to_parquet(tmp / f"{kind}.parquet")
                lt = _lifetimes(py, tmp, kind, tmp / f"{kind}.parquet", lifetimes_timeout)
                row["lifetimes_s"] = lt["seconds"]
                row["lifetimes_vs_crmkit"] = lt["seconds"] / t_fit
                if "params" in lt:
                    row["lifetimes_params"] = [round(v, 5) for v in lt["params"]]
                    x, tx, TT = (rfm[c].to_numpy(float) for c in ("frequency", "recency", "T"))
                    row["lifetimes_ll"] = float(np.sum(m._loglik(np.array(lt["params"]), (x, tx, TT), False)[0]))
            res["fits"][kind] = row
    return res


def print_table(res: dict) -> None:
    s = res["summary"]
    print(f"\nRFM summary of {res['n_orders']:,} orders ({s['customers']:,} customers)")
    print(f"  {'method':<12}{'seconds':>10}{'ratio':>16}")
    print(f"  {'crmkit':<12}{s['crmkit_s']:>10.2f}{'1.00':>16}")
    print(f"  {'duckdb':<12}{s['duckdb_s']:>10.2f}{s['duckdb_s'] / s['crmkit_s']:>16.2f}   (crmkit/duckdb = {s['crmkit_vs_duckdb']:.2f})")
    if "lifetimes_s" in s:
        print(f"  {'lifetimes':<12}{s['lifetimes_s']:>10.2f}{s['lifetimes_vs_crmkit']:>16.1f}   (lifetimes/crmkit)")
    print(f"\nFits on {res['n_fit_customers']:,} customers")
    print(f"  {'model':<10}{'crmkit s':>10}{'lifetimes s':>13}{'speed-up':>10}{'crmkit LL':>16}{'lifetimes LL':>16}")
    for kind, r in res["fits"].items():
        lt_s = r.get("lifetimes_s", float("nan"))
        print(f"  {kind:<10}{r['crmkit_s']:>10.2f}{lt_s:>13.2f}{r.get('lifetimes_vs_crmkit', float('nan')):>10.1f}"
              f"{r['crmkit_ll']:>16.2f}{r.get('lifetimes_ll', float('nan')):>16.2f}")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=float, default=10_000_000)
    ap.add_argument("--customers", type=float, default=None)
    ap.add_argument("--fit-customers", type=float, default=200_000)
    ap.add_argument("--no-lifetimes", action="store_true")
    ap.add_argument("--timeout", type=float, default=3600.0)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    a = ap.parse_args(argv)
    res = run(int(a.orders), int(a.customers) if a.customers else None, int(a.fit_customers),
              lifetimes=not a.no_lifetimes, lifetimes_timeout=a.timeout)
    print_table(res)
    if a.json:
        a.json.write_text(json.dumps(res, indent=2, default=float))
    return res


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
