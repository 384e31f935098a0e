# ncert: the README's commands. Everything installs what it needs first.
#   make demo   - deps, release build, then scripts/demo.sh: `ncert demo` and the
#                 analyses on its telemetry (outputs in demo-out/)
#   make test   - deps, build, every test (ctest), then again under ASan+UBSan,
#                 and the matching engine's snapshot swap under TSan
#   make build  - release binary at build/ncert
#   make bench  - the benchmarks (bench/README in docs/benchmarks.md)

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

CMAKE_COMMON := -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON

.PHONY: deps build test test-release test-asan tsan demo bench fuzz format clean

deps:
	@bash scripts/deps

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: test-release test-asan tsan

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

$(ASAN_BUILD)/build.ninja: | deps
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug \
	  -DNCERT_SANITIZE=ON -DNCERT_BUILD_BENCH=OFF \
	  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1"

test-asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# ThreadSanitizer: the matching engine's snapshot swap under concurrent
# readers (match/ tests only; a TSan build of everything is not needed).
TSAN_BUILD ?= build-tsan
tsan: deps
	cmake -S . -B $(TSAN_BUILD) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DNCERT_TSAN=ON -DNCERT_BUILD_BENCH=OFF
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target match_test match_swap_test
	cd $(TSAN_BUILD) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan_suppressions.txt \
	  ctest --output-on-failure -R '^(SwapTest|PipelineTest|MatcherTest|CorpusTest|StoreIndexTest)\.'

demo: build
	bash scripts/demo.sh

bench: build
	bash bench/run.sh

# Coverage-guided fuzzing with clang's libFuzzer (CI only replays the corpus).
fuzz: deps
	CXX=clang++ cmake -S . -B build-fuzz $(CMAKE_COMMON) \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNCERT_LIBFUZZER=ON \
	  -DNCERT_BUILD_TESTS=OFF -DNCERT_BUILD_BENCH=OFF -DNCERT_WERROR=OFF
	cmake --build build-fuzz -j $(JOBS)
	@echo "run e.g.: build-fuzz/fuzz/stix_reader_fuzz fuzz/corpus/stix_reader -max_total_time=60"

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) build-fuzz
