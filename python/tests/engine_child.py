"""A child engine process for test_processes.py and test_https.py: installs
the process-wide endpoint on the given port with its own identity (and, with
``--web-config``, TLS and basic auth from that file), records trades through
the module-level functions, prints ``ready``, and serves until terminated."""

from __future__ import annotations

import argparse
import signal
import sys
import time

import velocity_metrics as vm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--engine", required=True)
    parser.add_argument("--trades", type=int, required=True)
    parser.add_argument("--web-config")
    args = parser.parse_args()
    vm.install(listen=f"127.0.0.1:{args.port}", web_config_file=args.web_config,
               identity=vm.EngineIdentity(args.engine, account="acc-1", mode="paper"))
    for n in range(args.trades):
        vm.record_trade("SNIPER", "EURUSD+", "M5", 1.0 if n % 2 else -0.5)
    vm.set_mt5_connected(True)
    signal.signal(signal.SIGTERM, lambda *_: (vm.shutdown(), sys.exit(0)))
    print("ready", flush=True)
    while True:
        time.sleep(0.2)


if __name__ == "__main__":
    main()
