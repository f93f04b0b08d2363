#!/bin/sh
# Time `candour demo --no-serve` on a fresh embedded database, twice (the second run must
# change nothing), and print the row counts. Results: docs/benchmarks.md, "Demo data".
set -eu
cd "$(dirname "$0")/../.."
export CANDOUR_DATA_DIR="${CANDOUR_DATA_DIR:-/tmp/cdr-demo-bench}"
unset DATABASE_URL
rm -rf "$CANDOUR_DATA_DIR"
mkdir -p "$CANDOUR_DATA_DIR"
out="$CANDOUR_DATA_DIR/demo-output.txt"
/usr/bin/time -f "first run (fresh database): %e s wall, %U s CPU" .venv/bin/candour demo --no-serve >"$out"
head -n 1 "$out"
/usr/bin/time -f "second run: %e s wall, %U s CPU" .venv/bin/candour demo --no-serve >"$out"
head -n 1 "$out"
sqlite3 "$CANDOUR_DATA_DIR/candour.sqlite3" "
select 'people', count(*) from core_person
union all select 'cases', count(*) from cases_case
union all select 'allegations', count(*) from cases_allegation
union all select 'subject rows', count(*) from cases_allegationsubject
union all select 'users', count(*) from core_user;"
