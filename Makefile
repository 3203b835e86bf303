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
# Static IAM analysis, pinned, installed into its own venv under .bin/.
CHECKOV_VERSION    := 3.3.30
CHECKOV            := $(BIN)/checkov-venv/bin/checkov

.PHONY: help
help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

.PHONY: gen
gen: ## Write the offline Dagger stand-ins (internal/dagger, dagger.gen.go, also in tests/); `dagger develop` replaces them.
	go run ./cmd/gendagger -dir .
	go run ./cmd/gendagger -dir tests

.PHONY: test
test: gen test-go test-backend ## Run every test suite (Go unit and end-to-end, Terraform, backend).

.PHONY: test-go
test-go: gen ## Go tests: unit, terraform tests and end to end against the emulator.
	cd tests && go vet ./...
	go test $(GO_TEST_FLAGS) ./...

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
	$(MAKE) lint-iam
	actionlint

.PHONY: lint-tf
lint-tf: tools ## tflint and tfsec over infra/.
	./scripts/lint-terraform.sh

.PHONY: lint-iam
lint-iam: $(CHECKOV) ## checkov's IAM checks over infra/ and infra/github-oidc (source and rendered plans).
	./scripts/lint-iam.sh

$(CHECKOV):
	python3 -m venv $(BIN)/checkov-venv
	$(BIN)/checkov-venv/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'

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
