#!/usr/bin/env bash
# Load soak (not in CI): a fixed request rate of mixed traffic for a set time.
# Usage: scripts/soak.sh [SECONDS] [RATE] (default 600 10000).
# Prints errors, latency percentiles, the server's RSS at start (idle) and peak, and lost writes:
# acknowledged sends against the messages the groups hold afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
rate="${2:-10000}"
cargo build --release --quiet
./target/release/opentim bench --scenarios mixed --rate "$rate" --duration "$seconds" \
  --groups 10 --members 1000 --messages 1000 --concurrency 64
