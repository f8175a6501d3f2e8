#!/usr/bin/env python3
"""Reference vectors for `stats::AverageTrueRange` and `stats::RealizedVolatility`.

Writes the Rust module `src/stats/bar_reference.rs` (test-only data) to
stdout; the Rust unit tests assert against it. To regenerate, from the
repository root, with a throwaway virtual environment outside the repository
(pandas-ta needs Python >= 3.12; the `ta-lib` wheel bundles the C library):

    python3.12 -m venv /tmp/refenv
    /tmp/refenv/bin/pip install numpy pandas ta-lib pandas-ta
    /tmp/refenv/bin/python tests/reference/bars_reference.py > src/stats/bar_reference.rs
    cargo fmt

Vectors in the generated file, 80 bars of a EURUSD-like series (5-decimal
ticks) from a fixed integer generator, so no library's random stream is
involved; it holds a 150-pip gap up, a 24-bar flat stretch (open = high =
low = close) and a gap down:

- `ATR_14`: `talib.ATR(high, low, close, 14)` (TA-Lib C library). The script
  checks that pandas-ta's `atr(..., talib=True)` and a plain-Python Wilder
  loop give the same values.
- `ATR_14_EXACT`: the same recursion in exact rational arithmetic on the
  binary values of the prices, rounded once to `f64`.
- `RV_20_PANDAS`: `np.log(close).diff().rolling(20).std()` (pandas, ddof = 1).
- `RV_20_EXACT`: the same statistic computed in 50-digit decimal arithmetic
  from the exact binary values of the closes, then rounded to `f64`: the
  true value that both pandas and the Rust code approximate.

The versions used and the largest differences between the references are
printed to stderr and copied into the generated file's header.
"""

import math
import sys
from decimal import Decimal, getcontext
from fractions import Fraction

import numpy as np
import pandas as pd
import pandas_ta as ta
import talib

N_BARS = 80
ATR_PERIOD = 14
RV_WINDOW = 20
TICK = 100_000  # prices are integers of 1e-5


def lcg(seed):
    """Numerical Recipes 32-bit LCG: a stream no library version can change."""
    state = seed
    while True:
        state = (1664525 * state + 1013904223) % 2**32
        yield state


def bars():
    """(high, low, close) in ticks: random walk, gap up, flat stretch, gap down."""
    rnd = lcg(12)
    def uniform(lo, hi):
        return lo + next(rnd) % (hi - lo + 1)
    out = []
    close = 110_000  # 1.10000
    for i in range(N_BARS):
        if 45 <= i < 69:
            flat = 112_345
            out.append((flat, flat, flat))
            close = flat
            continue
        open_ = close
        if i == 30:
            open_ += 1_500  # gap up 150 pips
        if i == 72:
            open_ -= 900  # gap down 90 pips
        close = open_ + uniform(-40, 40)
        high = max(open_, close) + uniform(0, 25)
        low = min(open_, close) - uniform(0, 25)
        out.append((high, low, close))
    return out


def wilder_atr(high, low, close, period):
    """TA-Lib's ATR in plain Python: bar 0 has no true range (no previous
    close); the first ATR, on bar `period`, is the mean of TR[1..=period];
    then ATR = (ATR * (period - 1) + TR) / period."""
    out = [None] * len(close)
    total, count, atr = 0.0, 0, None
    for t in range(1, len(close)):
        tr = max(high[t] - low[t], abs(high[t] - close[t - 1]), abs(low[t] - close[t - 1]))
        if atr is None:
            total += tr
            count += 1
            if count == period:
                atr = total / period
        else:
            atr = (atr * (period - 1) + tr) / period
        out[t] = atr
    return out


def exact_atr(high, low, close, period):
    """`wilder_atr` in exact rational arithmetic on the binary values of the
    prices, each value rounded once to `float` at the end."""
    h, lo, c = ([Fraction(x) for x in xs] for xs in (high, low, close))
    out = [None] * len(close)
    total, count, atr = Fraction(0), 0, None
    for t in range(1, len(close)):
        tr = max(h[t] - lo[t], abs(h[t] - c[t - 1]), abs(lo[t] - c[t - 1]))
        if atr is None:
            total += tr
            count += 1
            if count == period:
                atr = total / period
        else:
            atr = (atr * (period - 1) + tr) / period
        out[t] = None if atr is None else float(atr)
    return out


def exact_rv(close, window):
    """Sample std (ddof = 1) of exact log returns over `window`, in Decimal."""
    getcontext().prec = 50
    closes = [Decimal(c) for c in close]  # exact binary values of the floats
    r = [None] + [(closes[t] / closes[t - 1]).ln() for t in range(1, len(closes))]
    out = [None] * len(close)
    for t in range(window, len(close)):
        w = r[t - window + 1 : t + 1]
        mean = sum(w) / window
        var = sum((x - mean) ** 2 for x in w) / (window - 1)
        out[t] = float(var.sqrt())
    return out


def nan_to_none(xs):
    return [None if (x is None or math.isnan(x)) else float(x) for x in xs]


def max_rel(a, b):
    worst = 0.0
    for x, y in zip(a, b):
        assert (x is None) == (y is None), (x, y)
        if x is not None and x != y:
            worst = max(worst, abs(x - y) / max(abs(x), abs(y)))
    return worst


def rust_array(name, xs, doc):
    body = ", ".join(repr(x) for x in xs)
    return f"/// {doc}\npub(super) const {name}: [f64; {len(xs)}] = [{body}];\n"


def rust_options(name, xs, doc):
    body = ", ".join("None" if x is None else f"Some({x!r})" for x in xs)
    return f"/// {doc}\npub(super) const {name}: [Option<f64>; {len(xs)}] = [{body}];\n"


def main():
    ticks = bars()
    high = np.array([h / TICK for h, _, _ in ticks])
    low = np.array([lo / TICK for _, lo, _ in ticks])
    close = np.array([c / TICK for _, _, c in ticks])

    atr_talib = nan_to_none(talib.ATR(high, low, close, ATR_PERIOD))
    atr_pta = nan_to_none(
        ta.atr(pd.Series(high), pd.Series(low), pd.Series(close), length=ATR_PERIOD, talib=True)
    )
    atr_loop = wilder_atr(high.tolist(), low.tolist(), close.tolist(), ATR_PERIOD)
    atr_exact = exact_atr(high.tolist(), low.tolist(), close.tolist(), ATR_PERIOD)
    assert atr_pta == atr_talib, "pandas-ta (talib=True) should call TA-Lib"
    # The C source computes ((atr * (n - 1)) + tr) / n; the wheel's compiled
    # code (an FMA clone with the division rewritten) rounds differently, by
    # about one ulp a step, so the two agree to ~1e-15, not bit for bit.
    loop_vs_talib = max_rel(atr_loop, atr_talib)
    talib_vs_exact = max_rel(atr_talib, atr_exact)
    loop_vs_exact = max_rel(atr_loop, atr_exact)
    assert max(loop_vs_talib, talib_vs_exact, loop_vs_exact) <= 1e-14
    # pandas-ta's own implementation differs on the first bar; report it only.
    atr_native = nan_to_none(
        ta.atr(pd.Series(high), pd.Series(low), pd.Series(close), length=ATR_PERIOD, talib=False)
    )
    first_native = next(i for i, x in enumerate(atr_native) if x is not None)

    rv_pandas = nan_to_none(np.log(pd.Series(close)).diff().rolling(RV_WINDOW).std())
    rv_exact = exact_rv(close.tolist(), RV_WINDOW)
    pandas_vs_exact = max_rel(rv_pandas, rv_exact)

    notes = [
        f"python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"pandas-ta {ta.version}, TA-Lib python {talib.__version__} "
        f"(C library {talib.__ta_version__.decode().split()[0]})",
        f"ATR: max relative difference TA-Lib vs exact {talib_vs_exact:.3g}, plain-Python "
        f"Wilder loop (the C source's operation order) vs exact {loop_vs_exact:.3g}, "
        f"loop vs TA-Lib {loop_vs_talib:.3g}",
        f"ATR: pandas-ta talib=True is identical to TA-Lib; pandas-ta talib=False "
        f"starts on bar {first_native} (TR of bar 0 = high - low) instead of bar {ATR_PERIOD}",
        f"RV: pandas rolling std vs exact decimal, max relative difference {pandas_vs_exact:.3g}",
    ]
    for line in notes:
        print(line, file=sys.stderr)

    print("//! Reference vectors for the bar statistics' unit tests. GENERATED by")
    print("//! `tests/reference/bars_reference.py` (see its header to rerun); do not edit.")
    print("//!")
    for line in notes:
        print(f"//! {line}.")
    print("#![allow(clippy::unreadable_literal, reason = \"generated\")]")
    print()
    print(rust_array("HIGH", high.tolist(), "Bar highs."))
    print(rust_array("LOW", low.tolist(), "Bar lows."))
    print(rust_array("CLOSE", close.tolist(), "Bar closes."))
    print(rust_options("ATR_14", atr_talib, "`talib.ATR(high, low, close, 14)`."))
    print(rust_options("ATR_14_EXACT", atr_exact, "The same, in exact rational arithmetic."))
    print(rust_options("RV_20_PANDAS", rv_pandas, "`np.log(close).diff().rolling(20).std()`."))
    print(rust_options("RV_20_EXACT", rv_exact, "The same, in 50-digit decimal arithmetic."), end="")


if __name__ == "__main__":
    main()
