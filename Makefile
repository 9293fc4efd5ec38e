# jobd build. Plain make: every .c under src/ (except the program mains) goes into
# libjobd.a; each tests/unit/test_*.c becomes its own binary linked against it.
# Two variants share the same rules: build/ (optimised, -O2 -g) and build/asan
# (ASan+UBSan, what the test command runs).

V ?= release
ifeq ($(V),asan)
  B := build/asan
  VFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
  B := build
  VFLAGS := -O2 -g
endif

CC ?= cc
PKGS := jansson sqlite3 libmicrohttpd libcurl yaml-0.1 openssl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wno-unused-parameter -Wmissing-prototypes \
        -Wstrict-prototypes -Wvla -Werror
CFLAGS := -std=gnu11 $(WARN) $(VFLAGS) -D_GNU_SOURCE -Isrc $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(VFLAGS) $(EXTRA_LDFLAGS)
LIBS := $(PKG_LIBS) -lpthread -lm

MAINS := src/main.c
LIB_SRCS := $(filter-out $(MAINS),$(shell find src -name '*.c' | sort))
LIB_OBJS := $(patsubst %.c,$(B)/%.o,$(LIB_SRCS)) $(B)/gen/web_assets.o
WEB_FILES := $(shell find web -type f ! -name '.*' 2>/dev/null | sort)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_REPLAY := $(patsubst fuzz/%.c,$(B)/fuzz/%-replay,$(FUZZ_SRCS))

.PHONY: all unit fuzz-replay clean asan format
all: $(B)/jobd

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# the console, embedded: regenerated whenever a file under web/ changes
$(B)/gen/web_assets.c: $(WEB_FILES) $(shell find web -type d 2>/dev/null) scripts/embed-web.sh
	@mkdir -p $(dir $@)
	scripts/embed-web.sh $@

$(B)/gen/web_assets.o: $(B)/gen/web_assets.c
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/libjobd.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/jobd: $(B)/src/main.o $(B)/libjobd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/libjobd.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/fuzz/%-replay: $(B)/fuzz/%.o $(B)/fuzz/replay.o $(B)/libjobd.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

unit: $(UNIT_BINS)
fuzz-replay: $(FUZZ_REPLAY)

# Real coverage-guided fuzzing (not part of the test command): make fuzz-<name>
fuzz-%: fuzz/fuzz_%.c $(LIB_SRCS) build/gen/web_assets.c
	@mkdir -p build/libfuzzer
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc $(PKG_CFLAGS) \
	  -o build/libfuzzer/fuzz_$* $< $(LIB_SRCS) build/gen/web_assets.c $(LIBS)

format:
	clang-format -i $$(find src tests fuzz bench -name '*.[ch]')

clean:
	rm -rf build

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# Benchmarks (never part of the tests): make bench
.PHONY: bench
.SECONDARY: $(B)/bench/benchlib.o
bench: $(B)/bench/api_load $(B)/bench/job_hollow
$(B)/bench/%: $(B)/bench/%.o $(B)/bench/benchlib.o $(B)/libjobd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
