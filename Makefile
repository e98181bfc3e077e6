# SPDX-License-Identifier: GPL-2.0
#
# vswap: virtual swap space for Linux 6.12.  The targets a user needs are
# `make run` and `make check`; `make help` lists the rest.  Every target
# installs the Debian packages it needs (scripts/ensure-packages).

KERNEL ?= vswap
QUICK ?=

.PHONY: help run check check-debug kernels kernels-debug model bench shell \
	prepare-tree export-patches check-series clean distclean

help:
	@echo 'vswap make targets:'
	@echo '  run             build the vswap kernel, boot it, swap with stress-ng --pageswap, report'
	@echo '  check           model tests, both kernels built, guest tests on each (what CI runs)'
	@echo '  check-debug     guest tests on the debug kernels (KASAN, lockdep, DEBUG_VM)'
	@echo '  kernels         build the vanilla, novswap (=n) and vswap (=y) kernels'
	@echo '  kernels-debug   build novswap-debug and vswap-debug'
	@echo '  model           build the userspace model (vswap-model/)'
	@echo '  bench           benchmarks, vanilla against vswap in one run (QUICK=1: short)'
	@echo '  shell           interactive guest shell (KERNEL=vswap|novswap|vanilla|*-debug)'
	@echo '  prepare-tree    unpack the pinned source and apply kernel/patches (build/linux)'
	@echo '  export-patches  write the commits of build/linux back to kernel/patches'
	@echo '  check-series    every patch applies, builds =y and =n without warnings, passes checkpatch --strict'
	@echo '  clean           remove build outputs (keeps the unpacked tree and ccache)'
	@echo '  distclean       remove all of build/'

run:
	@kernel/scripts/build-kernel vswap
	@selftests/guest-run -k vswap -m 512M -d 1 -t 600 -n run \
		--job selftests/jobs/pageswap-demo.sh

check:
	@scripts/check

check-debug:
	@KERNELS="novswap-debug vswap-debug" scripts/check

kernels:
	@kernel/scripts/build-kernel vanilla novswap vswap

kernels-debug:
	@kernel/scripts/build-kernel novswap-debug vswap-debug

model:
	@$(MAKE) --no-print-directory -C vswap-model

bench:
	@QUICK=$(QUICK) bench/run

shell:
	@kernel/scripts/build-kernel $(KERNEL)
	@selftests/guest-run -k $(KERNEL) --shell

prepare-tree:
	@kernel/scripts/prepare-tree

export-patches:
	@kernel/scripts/export-patches

check-series:
	@kernel/scripts/check-series

clean:
	rm -rf build/out build/guest build/logs build/initramfs.*
	@$(MAKE) --no-print-directory -C vswap-model clean

distclean:
	rm -rf build
	@$(MAKE) --no-print-directory -C vswap-model clean
