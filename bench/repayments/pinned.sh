#!/bin/bash
# bench/repayments with the database on a core of its own: every PostgreSQL process (the
# postmaster, so backends forked later too) on CPU 0, and the bench — its server, its load
# generator and pgbench's client — on CPU 1. On two shared cores this shows whose CPU a
# repayment costs. Needs permission to change the server's affinity (root, or the postgres
# user); puts it back on both cores afterwards. Extra arguments go to run.ts.
#   bash bench/repayments/pinned.sh --clients 32 --scenarios peer-transfer,uniform,hot
set -u
cd "$(dirname "$0")/../.."
for p in $(pgrep -x postgres); do taskset -a -p 1 "$p" >/dev/null; done
trap 'for p in $(pgrep -x postgres); do taskset -a -p 3 "$p" >/dev/null; done' EXIT
echo "load before: $(cat /proc/loadavg)"
taskset -c 1 npx tsx bench/repayments/run.ts --customers 300 --clients 8,32 --seconds 8 --scenarios peer-transfer,uniform,hot "$@"
rc=$?
echo "load after: $(cat /proc/loadavg)"
exit $rc
