// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: owners fault, write, fork and exit while a reclaimer pushes
 * pages out past a small RAM budget.  zswap is limited so pages also go
 * to disk.  Checks: every page read back is what was written; swap counts
 * equal page table references; nothing leaks after all processes exit.
 */
#include "stress.h"

int main(int argc, char **argv)
{
	struct stress_cfg cfg = {
		.owners = 4,
		.pages = 512,
		.budget = 600,
		.zswap_bytes = 1 << 20,
	};

	stress_args(argc, argv, "stress_fault_reclaim");
	return stress_main(&cfg);
}
