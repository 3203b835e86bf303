#!/usr/bin/env bash
# Time the two quick-start commands as CI and a new developer run them (`make time`):
# clone HEAD into a temporary directory (no .bin, no .tools venv, no generated code),
# then `make test` and `make local` there, and print each against its target.
# Caches outside the clone (Go modules and build cache) are kept, as on a CI runner
# that restores them; pass FRESH_GOCACHE=1 to start the Go build cache empty too.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone --quiet --no-hardlinks "$root" "$work/predictor"
if [[ "${FRESH_GOCACHE:-}" == 1 ]]; then
	export GOCACHE="$work/gocache"
fi
unset MOTO_PYTHON

# One variable per command (took_test, took_local): macOS's bash 3.2 has no
# associative arrays.
run() {
	local name=$1
	shift
	local start end
	start=$(date +%s)
	if ! (cd "$work/predictor" && "$@") >"$work/$name.log" 2>&1; then
		tail -n 40 "$work/$name.log" >&2
		echo "time: \`$*\` failed (log above)" >&2
		exit 1
	fi
	end=$(date +%s)
	printf -v "took_$name" '%d' $((end - start))
}
run test make test
run local make local

# uptime and getconf, not /proc and nproc: both exist on Linux and macOS.
load="$(uptime | sed 's/.*load averages*: *//')"
printf '%-12s %6s %8s\n' command seconds target
printf '%-12s %6d %8s\n' "make test" "$took_test" "300"
printf '%-12s %6d %8s\n' "make local" "$took_local" "60"
echo "fresh clone of $(git -C "$root" rev-parse --short HEAD), $(getconf _NPROCESSORS_ONLN) cores, load average $load"
