#!/usr/bin/env bash
# Regenerate internal/daggerapi/golden with Dagger's real Go codegen (called by
# `make dagger-codegen DAGGER_SRC=...`).
#
# The Go module proxy does not serve github.com/dagger/dagger, so CI cannot install the
# codegen; this script builds it from a dagger/dagger source tree given as DAGGER_SRC
# (the v0.21 line, v0.21.8 for the current goldens), then, for the root module and
# tests/, in a temporary copy of this checkout (uncommitted changes included):
#
#   1. builds the core API schema in-process from the tree (as its cmd/introspect
#      does) and scrubs the types the engine hides from modules (Host, Engine,
#      EngineCache*): cmd/gendagger/real/schema/main.go, added to the tree through a
#      `go build -overlay`, so the tree is not written to;
#   2. runs `codegen generate-module` as the engine's Go SDK does (core/sdk/go_sdk.go),
#      then builds both packages and vets the module's package and internal/dagger,
#      records internal/dagger's exported API (golden/<name>.surface.txt) and runs the
#      root package's tests on the real generated code;
#   3. removes dagger.gen.go and internal/ as the engine does before typedefs, runs
#      `codegen generate-typedefs` against a recording stand-in for the Dagger session
#      and writes what the module registers (golden/<name>.typedefs.json);
#   4. records the digest of each module's exported Go API (golden/inputs.json), which
#      `go test ./internal/daggerapi` compares with the source.
#
# The tests/ module depends on the root module, whose types the engine adds to the
# schema tests/ is generated against; that step is not reproduced here, so tests/ gets
# no generate-module run (its code would miss dag.Predictor) and no surface golden,
# only its typedefs (its function signatures use no dependency type) and its digest.
#
# Variables:
#   DAGGER_SRC            dagger/dagger source tree (required)
#   DAGGER_LIB_VERSION    dagger.io/dagger version the codegen pins (default: go.mod's)
#   DAGGER_CODEGEN_CACHE  where the built codegen and schema go (default: ~/.cache/predictor-dagger-codegen)
#   DAGGER_LOCAL_GOPROXY  a directory served first as a file:// GOPROXY, for module
#                         versions the proxy refuses (core/ needs vito/dang/v2, vito/midterm,
#                         vito/tuist, vito/tuist/teav1) or whose version list it refuses
#                         (dagger/querybuilder); filled from DAGGER_GIT_MIRRORS and the
#                         module cache
#   DAGGER_GIT_MIRRORS    a directory holding bare clones as OWNER+NAME/repo (vito+dang, ...)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="${DAGGER_SRC:?set DAGGER_SRC to a dagger/dagger source tree (v0.21 line)}"
src="$(cd "$src" && pwd)"
cache="${DAGGER_CODEGEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/predictor-dagger-codegen}"
lib="${DAGGER_LIB_VERSION:-$(go -C "$root" list -m -f '{{.Version}}' dagger.io/dagger)}"
golden="$root/internal/daggerapi/golden"
mkdir -p "$cache" "$golden"

real="$cache/real"
go -C "$root" build -o "$real" ./cmd/gendagger/real

if [[ -n "${DAGGER_LOCAL_GOPROXY:-}" ]]; then
  if [[ -n "${DAGGER_GIT_MIRRORS:-}" ]]; then
    specs=()
    for m in github.com/vito/dang/v2 github.com/vito/midterm github.com/vito/tuist github.com/vito/tuist/teav1; do
      v="$(go -C "$src" list -m -f '{{.Version}}' "$m")"
      rev="$v" sub=""
      [[ "$v" =~ [.-][0-9]{14}-([0-9a-f]{12})$ ]] && rev="${BASH_REMATCH[1]}"
      repo="${m#github.com/}" repo="${repo%%/v2}"
      [[ "$m" == */teav1 ]] && repo="vito/tuist" sub=":teav1"
      specs+=("$m@$v=$DAGGER_GIT_MIRRORS/${repo/\//+}/repo#$rev$sub")
    done
    "$real" proxy "$DAGGER_LOCAL_GOPROXY" "${specs[@]}"
  fi
  # generate-typedefs runs `go get github.com/dagger/querybuilder` without a version;
  # serve the version go.mod requires, for proxies that refuse the module's list.
  qb="$(go -C "$root" list -m -f '{{.Path}}@{{.Version}}' github.com/dagger/querybuilder)"
  go -C "$root" mod download "$qb"
  "$real" proxy "$DAGGER_LOCAL_GOPROXY" "$qb=modcache"
  GOPROXY="file://$DAGGER_LOCAL_GOPROXY,$(go env GOPROXY)"
  export GOPROXY
fi

echo "dagger-codegen: building the codegen and the core schema from $src" >&2
go -C "$src" build -o "$cache/codegen" ./cmd/codegen
sed '/^\/\/go:build ignore$/d' "$root/cmd/gendagger/real/schema/main.go" >"$cache/schema-main.go"
printf '{"Replace":{"%s":"%s"}}\n' "$src/cmd/predictor-schema/main.go" "$cache/schema-main.go" >"$cache/overlay.json"
go -C "$src" build -overlay "$cache/overlay.json" -o "$cache/schema" ./cmd/predictor-schema
"$cache/schema" "$(sed -n 's/.*"engineVersion": *"\([^"]*\)".*/\1/p' "$root/dagger.json")" >"$cache/schema.json"

work="$(mktemp -d)"
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT

# copy writes this checkout's files (tracked and untracked, minus ignored ones) to $1.
copy() {
  mkdir -p "$1"
  git -C "$root" ls-files -co --exclude-standard -z | (cd "$root" && xargs -0 tar -c --no-recursion 2>/dev/null) | tar -x -C "$1"
}

# codegen NAME DIR COPY ARGS...: run the codegen for module NAME in COPY/DIR.
codegen() {
  local name="$1" dir="$2" copy="$3"
  shift 3
  (cd "$copy/$dir" && "$@" --module-source-path "$copy/$dir" --module-name "$name" \
    --introspection-json-path "$cache/schema.json" --lib-version "$lib")
}

for entry in .:predictor tests:tests; do
  dir="${entry%%:*}" name="${entry##*:}"
  if [[ "$dir" == "." ]]; then
    echo "dagger-codegen: $name: generate-module" >&2
    gen="$work/gen-$name"
    copy "$gen"
    rm -rf "$gen/$dir/dagger.gen.go" "$gen/$dir/internal/dagger"
    codegen "$name" "$dir" "$gen" "$cache/codegen" generate-module --output "$gen"
    (cd "$gen/$dir" && go build ./... && go vet . ./internal/dagger)
    "$real" surface "$gen/$dir/internal/dagger" "$golden/$name.surface.txt"
    # The generated internal/dagger builds its client in init() from the session
    # variables the engine sets (and panics without them); it dials nothing until a
    # query runs, so any values let the package's own tests run on the real code.
    (cd "$gen" && DAGGER_SESSION_PORT=1 DAGGER_SESSION_TOKEN=unused go test -count=1 .)
    diff -u "$root/$dir/go.mod" "$gen/$dir/go.mod" >"$cache/$name.go.mod.diff" || true
  fi

  echo "dagger-codegen: $name: generate-typedefs" >&2
  types="$work/types-$name"
  copy "$types"
  rm -rf "$types/$dir/dagger.gen.go" "$types/$dir/internal"
  codegen "$name" "$dir" "$types" "$real" typedefs "$name" "$golden/$name.typedefs.json" -- \
    "$cache/codegen" generate-typedefs --output typedefs.json
done

{
  printf '{\n  "daggerVersion": "%s",\n  "apiDigest": {\n' "$(sed -n 's/^## \(v[0-9.]*\) .*/\1/p' "$src/CHANGELOG.md" | head -1)"
  printf '    ".": "%s",\n' "$("$real" digest "$root")"
  printf '    "tests": "%s"\n  }\n}\n' "$("$real" digest "$root/tests")"
} >"$golden/inputs.json"
echo "dagger-codegen: wrote $golden (go.mod changes the codegen made: $cache/*.go.mod.diff)" >&2
