#!/usr/bin/env bash
# Many rounds of the crash test: concurrent writes, SIGKILL at a random moment, restart, check.
# Usage: scripts/crash.sh [ROUNDS] (default 100). Set OPENTIM_TEST_DATABASE_URL to include PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
OPENTIM_CRASH_ROUNDS="${1:-100}" cargo test --release --test crash -- --nocapture --test-threads 1
