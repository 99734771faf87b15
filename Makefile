GO ?= go
FUZZTIME ?= 60s
BENCHCOUNT ?= 6
# The SDK module first, then the separate modules: redis/ (shared token cache and limiter,
# tested against a real redis-server its tests start), reliability/ (the toxiproxy matrix),
# otel/ (OpenTelemetry through the SDK's Observer) and examples/otel (its example program).
MODULES ?= . redis reliability otel examples/otel

.PHONY: test lint bench fuzz

# test: go vet, the race detector and every test (fuzz seed corpora included), in every module.
test:
	@set -e; for m in $(MODULES); do \
		echo "== module $$m"; \
		(cd $$m && $(GO) vet ./... && $(GO) test -race -count=1 -timeout 10m ./...); \
	done

# lint: staticcheck (installed into GOPATH/bin on first use), in every module.
lint:
	@command -v staticcheck >/dev/null 2>&1 || $(GO) install honnef.co/go/tools/cmd/staticcheck@latest
	@set -e; for m in $(MODULES); do (cd $$m && staticcheck ./...); done

# bench: the SDK's benchmarks, with allocations, repeated for benchstat (BENCHMARKS.md says
# what each measures). The ones that take minutes (LimiterAccuracy, batch's Onboard100k and
# LimiterAccuracy60s) skip themselves unless -bench names them.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) ./...

# fuzz: each fuzz target of the SDK module for FUZZTIME. A short minimize time keeps the
# workers fuzzing instead of stalling on each new input (golang/go#48820).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s $$pkg; \
		done; \
	done
