# predictor: one entry point per job. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

BIN          := $(CURDIR)/.bin
export PATH  := $(BIN):$(PATH)
GO_TEST_FLAGS ?= -timeout 25m

# Linters, pinned, installed into .bin/ from the Go module proxy.
ACTIONLINT_VERSION := v1.7.12
TFLINT_VERSION     := v0.64.0
TFSEC_VERSION      := v1.26.0

.PHONY: help
help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

.PHONY: gen
gen: ## Write the offline Dagger stand-ins (internal/dagger, dagger.gen.go, also in tests/); `dagger develop` replaces them.
	go run ./cmd/gendagger -dir .
	go run ./cmd/gendagger -dir tests

.PHONY: test
test: gen test-go test-scripts test-backend ## Run every test suite (Go unit and end-to-end, Terraform, backend, scripts).

.PHONY: test-go
test-go: gen ## Go tests: unit, terraform tests and end to end against the emulator.
	cd tests && go vet ./...
	go test $(GO_TEST_FLAGS) ./...

.PHONY: test-scripts
test-scripts: ## Unit tests of the scripts workflows and containers run (node's test runner).
	@command -v node >/dev/null || { echo "test-scripts: node not found: install Node.js 20 or newer (apt-get install nodejs)" >&2; exit 1; }
	node --test scripts/

.PHONY: test-backend
test-backend: ## Backend tests (installs Debian's Python packages when missing).
	$(MAKE) -C backend deps test

.PHONY: lint
lint: gen tools ## gofmt, go vet, terraform fmt, tflint, tfsec, actionlint.
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	cd tests && go vet ./...
	terraform fmt -check -recursive infra
	$(MAKE) lint-tf
	actionlint

.PHONY: lint-tf
lint-tf: tools ## tflint and tfsec over infra/.
	./scripts/lint-terraform.sh

.PHONY: tools
tools: $(BIN)/actionlint $(BIN)/tflint $(BIN)/tfsec ## Install the pinned linters into .bin/.

$(BIN)/actionlint:
	GOBIN=$(BIN) go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)
$(BIN)/tflint:
	GOBIN=$(BIN) go install github.com/terraform-linters/tflint@$(TFLINT_VERSION)
$(BIN)/tfsec:
	GOBIN=$(BIN) go install github.com/aquasecurity/tfsec/cmd/tfsec@$(TFSEC_VERSION)

.PHONY: bench
bench: gen ## Benchmarks, printed as ratios against baselines measured in the same run.
	go test -run '^$$' -bench . -benchtime 1x ./...
	$(MAKE) -C backend deps bench

.PHONY: local
local: gen ## Rehearse the whole deploy against the AWS emulator (no AWS account, no container engine).
	$(MAKE) -C backend deps
	go run ./cmd/deployctl rehearse --env local

.PHONY: cost-fixtures
cost-fixtures: ## Regenerate internal/cost's change fixtures: plans of infra/ for local against the emulator (~8 min).
	./internal/cost/testdata/gen-change-fixtures.sh
