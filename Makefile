# Everyday commands of cdktf-kms. `make help` lists them.
#
# The jsii runtime prints a large banner on Node 20; these silence it (the
# variable that applies depends on the runtime version and the date).
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION ?= 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20
export CHECKPOINT_DISABLE ?= 1

ENV ?= dev
CDKTF := npx --no-install cdktf

.PHONY: help install synth app-synth hcl test test-short golden vet fmt scan bench consumer diff deploy clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

install: node_modules/.package-lock.json ## install the pinned cdktf CLI (npm ci) and the Go modules
	go mod download

synth: install ## synthesize every environment into cdktf.out/ with the cdktf CLI
	$(CDKTF) synth

app-synth: ## synthesize with the app alone (go run .; no CLI start-up)
	go run .

hcl: ## synthesize HCL (cdk.tf) instead of JSON (go run . -hcl)
	go run . -hcl

test: ## run every test, including __tests__ (go test ./... skips it)
	go test ./... ./__tests__/

test-short: ## run the tests without the end-to-end runs of the app and CLI
	go test -short ./... ./__tests__/

golden: ## rewrite the golden files of the shipped stacks; review the diff
	go test ./__tests__/ -run TestGolden -update
	git diff --stat -- __tests__/testdata/golden

vet: ## gofmt check and go vet
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	go vet ./... ./__tests__/

scan: ## security gate: policylint, tfsec and KICS on the shipped and all-features stacks
	security/scan.sh

bench: ## benchmark whole synth runs against the floor; writes bench/results/{results.md,synth.png}
	cd bench && go run . -runs 7

consumer: ## synthesize examples/consumer, a separate app that uses the construct
	cd examples/consumer && go run .

fmt: ## format the Go code
	gofmt -w .

diff: install ## terraform plan of one environment: make diff ENV=prod
	$(CDKTF) diff kms-$(ENV)

deploy: install ## deploy one environment: make deploy ENV=prod
	$(CDKTF) deploy kms-$(ENV)

clean: ## remove cdktf.out (state files in the project root are kept)
	rm -rf cdktf.out
