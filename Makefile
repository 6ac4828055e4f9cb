# Everyday commands of cdktf-kms. `make help` lists them.
#
# The jsii runtime prints a large banner on Node 20; these silence it (the
# variable that applies depends on the runtime version and the date).
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION ?= 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20
export CHECKPOINT_DISABLE ?= 1

ENV ?= dev
CDKTF := npx --no-install cdktf

# The fuzz targets: package and function. `make fuzz` runs each for FUZZTIME,
# with one worker: a worker of FuzzNewKmsKey starts a jsii kernel (~0.9 GB),
# and two of them on two cores made the coordinator lose a worker ("fuzzing
# process hung or terminated unexpectedly", seen before and after 0.3.0).
FUZZ_TARGETS := ./constructs/kms:FuzzNewKmsKey ./stacks:FuzzParseEnvironments ./internal/iam:FuzzParsePrincipal \
	./internal/policylint:FuzzLint ./internal/tftemplate:FuzzEscape
FUZZTIME ?= 15s

.PHONY: help install synth app-synth hcl atlantis access test test-short e2e golden docs vet fmt fuzz scan bench consumer diff deploy clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

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

atlantis: ## synthesize, then write atlantis.yaml: one Atlantis project per stack, dependencies in order (go run . -atlantis atlantis.yaml); docs/pipeline.md
	go run . -atlantis atlantis.yaml

access: ## who can do what with each key (go run . -access; ENV=prod for one environment); docs/access/README.md
	go run . -access $(if $(filter command line,$(origin ENV)),-env $(ENV),)

test: node_modules/.package-lock.json ## run every test, including __tests__ (go test ./... skips it), failing on leftovers in the temp directory (installs the pinned cdktf CLI and IAM simulator first)
	go run ./tools/tmpcheck -- go test -timeout 30m ./... ./__tests__/
	go run ./tools/tmpcheck -- go -C __tests__/pipeline test -timeout 10m ./...

test-short: ## run the tests without the end-to-end runs of the app, the CLI and terraform
	go run ./tools/tmpcheck -- go test -short ./... ./__tests__/
	go run ./tools/tmpcheck -- go -C __tests__/pipeline test -short ./...

e2e: install ## deploy every stack to an AWS API emulator with the real AWS provider, with terraform and with OpenTofu (builds the provider once, 35-50 min, and OpenTofu, 4 min, unless CDKTF_KMS_PROVIDER_MIRROR and CDKTF_KMS_OPENTOFU name builds), failing on leftovers in the temp directory
	@mirror=$${CDKTF_KMS_PROVIDER_MIRROR:-$$(.ci/build-provider.sh)} && \
	tofu=$${CDKTF_KMS_OPENTOFU:-$$(.ci/build-opentofu.sh)/tofu} && \
	CDKTF_KMS_PROVIDER_MIRROR="$$mirror" CDKTF_KMS_OPENTOFU="$$tofu" go run ./tools/tmpcheck -- \
		go -C __tests__/deploy test -tags e2e -count=1 -timeout 40m -parallel 6 ./internal/emulator/ ./internal/awsaccount/ .

golden: ## rewrite the golden files (shipped stacks, composition app); review the diff
	go test ./__tests__/ -run 'TestGolden|TestCompositionGolden' -update
	git diff --stat -- __tests__/testdata/golden

docs: ## regenerate docs/configuration.md, docs/scan-exceptions.md and docs/access/ from the code (a test fails when they are stale)
	go run ./tools/docgen

vet: ## gofmt check and go vet
	@test -z "$$(gofmt -l . | grep -v '^node_modules/')" || { echo "gofmt needed:"; gofmt -l . | grep -v '^node_modules/'; exit 1; }
	go vet ./... ./__tests__/ ./__tests__/composition
	go -C __tests__/deploy vet -tags e2e ./...
	go -C __tests__/pipeline vet ./...

fuzz: ## run each fuzz target for FUZZTIME (default 15s); new findings land in testdata/fuzz
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} ($${t%%:*}) for $(FUZZTIME)"; \
		go run ./tools/tmpcheck -- go test $${t%%:*} -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s -parallel 1; \
	done

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
