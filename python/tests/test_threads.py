"""Eight Python threads recording concurrently: exact totals, streaks and sums."""

from __future__ import annotations

import threading

import velocity_metrics as vm
from exposition import value

THREADS, PER_THREAD = 8, 2_000


def test_eight_threads_give_exact_totals() -> None:
    t = vm.Telemetry(starting_balance=10_000.0)
    agents = [vm.Agent(f"agent{i}") for i in range(THREADS)]
    start = threading.Barrier(THREADS)

    def work(i: int) -> None:
        start.wait()
        for n in range(PER_THREAD):
            pnl = 2.0 if n % 4 else -1.0  # exact binary fractions: sums are exact in any order
            t.record_trade(agents[i], "EURUSD+" if n % 2 else "XAUUSD+", "M5", pnl,
                           regime="CHAOTIC" if n % 3 else None, duration_secs=1.0)
            t.record_signal(agents[i])
            t.add_ticks(3)
            t.record_rl_reward(agents[i], 0.5)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    text = t.render()
    total = THREADS * PER_THREAD
    losers = THREADS * (PER_THREAD // 4)
    assert value(text, "velocitytrader_trades_total") == total
    assert value(text, "velocitytrader_trades_losing_total") == losers
    assert value(text, "velocitytrader_pnl_total") == (total - losers) * 2.0 - losers
    assert value(text, "velocitytrader_symbol_trades_total", {"symbol": "EURUSD+"}) == total / 2
    assert value(text, "velocitytrader_regime_trades_total", {"regime": "CHAOTIC"}) == \
        THREADS * sum(1 for n in range(PER_THREAD) if n % 3)
    assert value(text, "velocitytrader_ticks_processed_total") == 3 * total
    assert value(text, "velocitytrader_signals_generated_total") == total
    for i in range(THREADS):
        assert value(text, "velocitytrader_agent_trades_total", {"agent": f"agent{i}"}) == PER_THREAD
        assert value(text, "velocitytrader_agent_cumulative_reward", {"agent": f"agent{i}"}) == PER_THREAD * 0.5
    assert value(text, "velocitytrader_consecutive_losses_max") >= 1


def test_module_functions_from_eight_threads_while_scraping() -> None:
    exporter = vm.embedded()
    t = exporter.telemetry
    stop = threading.Event()
    scrapes = []

    def scrape() -> None:
        while not stop.is_set():
            scrapes.append(value(exporter.scrape().body.decode(), "velocitytrader_trades_total") or 0)

    scraper = threading.Thread(target=scrape)
    scraper.start()
    threads = [threading.Thread(target=lambda: [t.record_trade("sniper", "EURUSD+", "M5", 1.0)
                                                for _ in range(500)]) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    scraper.join()
    assert value(exporter.render(), "velocitytrader_trades_total") == THREADS * 500
    assert scrapes == sorted(scrapes)  # a counter never goes back
