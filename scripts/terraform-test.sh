#!/bin/sh
# Run `terraform test` in every Terraform module under a directory (default: the
# current one) that has test files: *.tftest.hcl in the module itself or in its tests/
# directory, found at any depth (infra/, infra/modules/*, infra/github-oidc, ...).
# Each such module is initialised without a backend first. Fails when any module's
# tests fail, when a module cannot be initialised, or when no test file is found at
# all, so a check that runs nothing is never green. Prints the number of tests run.
#
# POSIX sh: it runs in the terraform image (busybox) as well as on a workstation.
# Used by the TerraformTest check (checks.go) and tested by scripts/scripts_test.go.
set -eu

root="${1:-.}"
if [ ! -d "$root" ]; then
	echo "terraform-test: $root is not a directory" >&2
	exit 2
fi

# Module directories with tests, one per line: a file in <module>/tests/ belongs to
# <module>, where `terraform test` looks for it by default.
modules="$(
	find "$root" -name .terraform -prune -o -type f -name '*.tftest.hcl' -print |
		while IFS= read -r f; do
			d="$(dirname "$f")"
			if [ "$(basename "$d")" = tests ]; then
				d="$(dirname "$d")"
			fi
			echo "$d"
		done | sort -u
)"
if [ -z "$modules" ]; then
	echo "terraform-test: no *.tftest.hcl files under $root: nothing was tested" >&2
	exit 1
fi

passed=0
failed=0
failed_modules=""
count=0
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
while IFS= read -r d; do
	count=$((count + 1))
	echo "== terraform test in $d"
	if ! terraform -chdir="$d" init -backend=false -input=false -no-color >"$out" 2>&1; then
		cat "$out"
		echo "terraform-test: init failed in $d" >&2
		failed_modules="$failed_modules $d"
		continue
	fi
	status=0
	terraform -chdir="$d" test -no-color >"$out" 2>&1 || status=$?
	cat "$out"
	# "Success! 3 passed, 0 failed." or "Failure! 1 passed, 1 failed."
	counts="$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1 || true)"
	if [ -n "$counts" ]; then
		set -- $counts
		passed=$((passed + $1))
		failed=$((failed + $3))
	fi
	if [ "$status" -ne 0 ] || [ -z "$counts" ] || [ "${3:-0}" -ne 0 ]; then
		failed_modules="$failed_modules $d"
	fi
done <<EOF
$modules
EOF

echo "terraform-test: $passed passed, $failed failed in $count modules"
if [ -n "$failed_modules" ]; then
	echo "terraform-test: failed in:$failed_modules" >&2
	exit 1
fi
if [ "$passed" -eq 0 ]; then
	echo "terraform-test: no test ran" >&2
	exit 1
fi
