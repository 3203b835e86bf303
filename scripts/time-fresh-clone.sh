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

declare -A took
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
	took[$name]=$((end - start))
}
run test make test
run local make local

load="$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %6s %8s\n' command seconds target
printf '%-12s %6d %8s\n' "make test" "${took[test]}" "300"
printf '%-12s %6d %8s\n' "make local" "${took[local]}" "60"
echo "fresh clone of $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, load average $load"
