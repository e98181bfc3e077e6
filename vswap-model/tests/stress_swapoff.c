// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: swapoff of disk 0 while owners fault and the reclaimer swaps
 * out, then swapon again, in a loop.  zswap is off so pages reach the
 * disks.  After each swapoff the device must be empty; data stays intact.
 */
#include "stress.h"

static long swapoffs, moved;

static void *swapoffer_fn(void *arg)
{
	long r;

	model_thread_start("swapoff", -1);
	while (!stress_stopped()) {
		stress_sleep_ms(100);
		r = S.mm.impl->swapoff(&S.mm, 0);
		if (r < 0) {
			fprintf(stderr, "# swapoff: %ld\n", r);
			__atomic_add_fetch(&S.bad, 1, __ATOMIC_RELAXED);
		} else {
			moved += r;
			swapoffs++;
		}
		if (mdisk_used(model_disks[0]) &&
		    S.mm.impl == &vswap_impl) {
			fprintf(stderr, "# disk 0 not empty after swapoff\n");
			__atomic_add_fetch(&S.bad, 1, __ATOMIC_RELAXED);
		}
		stress_sleep_ms(50);
		S.mm.impl->swapon(&S.mm, 0);
	}
	if (S.verbose)
		printf("# %ld swapoffs moved %ld pages\n", swapoffs, moved);
	model_thread_end();
	return NULL;
}

static void no_zswap(void)
{
	S.mm.zswap = false;
	S.mm.allowed = BIT(VSWAP_PHYS);
	swapoffs = moved = 0;
}

int main(int argc, char **argv)
{
	struct stress_cfg cfg = {
		.owners = 3,
		.pages = 512,
		.budget = 500,
		.extra_fn = swapoffer_fn,
		.setup = no_zswap,
	};

	stress_args(argc, argv, "stress_swapoff");
	return stress_main(&cfg);
}
