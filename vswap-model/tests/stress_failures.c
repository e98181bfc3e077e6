// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: the fault/reclaim workload with allocation failures (1 in
 * 2000 allocations) and disk write failures (1 in 50 writes) injected.
 * Failures may surface as -ENOMEM to an owner, or keep a page in the swap
 * cache; they must never corrupt data, unbalance counts or leak.
 */
#include "stress.h"

static void inject(void)
{
	model_disks[0]->fail_write_ppm = 20000;
	model_disks[1]->fail_write_ppm = 20000;
	model_fail_rate(500);
}

static void stop_injecting(void)
{
	model_fail_off();
	model_disks[0]->fail_write_ppm = 0;
	model_disks[1]->fail_write_ppm = 0;
}

int main(int argc, char **argv)
{
	struct stress_cfg cfg = {
		.owners = 3,
		.pages = 512,
		.budget = 500,
		.zswap_bytes = 512 << 10,
		.setup = inject,
		.teardown = stop_injecting,
	};

	stress_args(argc, argv, "stress_failures");
	return stress_main(&cfg);
}
