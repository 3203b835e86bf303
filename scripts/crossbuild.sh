#!/usr/bin/env bash
# Build and vet every package of both Go modules (the root and tests/) for the systems
# people run deployctl and `make local` on: Linux, macOS (Apple silicon) and Windows
# (called by `make lint`). go vet with GOOS set type-checks the test files too, so a
# Linux-only field or call (syscall.SysProcAttr's Pdeathsig, syscall.Kill) in any file
# without a _linux.go name or build constraint fails here, not on a user's laptop.
# Needs the Dagger stand-ins (`make gen`) for the root package and tests/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
platforms=(linux/amd64 darwin/arm64 windows/amd64)
status=0
for platform in "${platforms[@]}"; do
	for module in . tests; do
		echo "crossbuild: $platform, module $module"
		# Each step reports on its own: one platform's failure hides no other's.
		(cd "$root/$module" && GOOS=${platform%/*} GOARCH=${platform#*/} go build ./...) || status=1
		(cd "$root/$module" && GOOS=${platform%/*} GOARCH=${platform#*/} go vet ./...) || status=1
	done
done
exit $status
