// SPDX-License-Identifier: GPL-2.0
/*
 * madv_free_swapped: MADV_FREE on pages that are swapped out.
 *
 *   madv_free_swapped [size_mb]
 *
 * Fills an anonymous mapping with a pattern, pushes it to swap with
 * MADV_PAGEOUT, checks that VmSwap counts it, then MADV_FREEs the first
 * half.  The swap entries of that half must be released at once (VmSwap
 * drops by half), the freed half's swapped-out pages must read back as
 * zeroes, and the other half must still hold its pattern after swap-in.
 * A page MADV_PAGEOUT left in memory is only lazily freed: it reads back
 * as zeroes if reclaim took it, else with its data intact, never a mix.
 * Exit 0 on success, 1 on a failed check, 4 (KSFT_SKIP) if nothing could
 * be swapped out.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

static long vmswap_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSwap: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

#define PM_SWAP		(1ULL << 62)

/* Which pages of [p, p + len) are swapped out, from /proc/self/pagemap. */
static unsigned char *swapped_pages(void *p, size_t len, long ps)
{
	size_t n = len / ps, i;
	unsigned char *out = calloc(n, 1);
	uint64_t *pm = calloc(n, sizeof(*pm));
	int fd = open("/proc/self/pagemap", O_RDONLY);
	off_t off = (uintptr_t)p / ps * sizeof(*pm);

	if (!out || !pm || fd < 0 ||
	    pread(fd, pm, n * sizeof(*pm), off) != (ssize_t)(n * sizeof(*pm))) {
		perror("pagemap");
		exit(1);
	}
	for (i = 0; i < n; i++)
		out[i] = !!(pm[i] & PM_SWAP);
	close(fd);
	free(pm);
	return out;
}

static unsigned char pattern(size_t i, long ps)
{
	return (unsigned char)(i * 7 + i / ps + 1) | 1;
}

int main(int argc, char **argv)
{
	long size_mb = argc > 1 ? atol(argv[1]) : 16;
	size_t size = (size_t)size_mb << 20, half = size / 2, i;
	long ps = sysconf(_SC_PAGESIZE), before, after;
	size_t kept_resident = 0, j;
	unsigned char *p, *swapped;
	int tries;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (i = 0; i < size; i++)
		p[i] = pattern(i, ps);
	before = 0;
	for (tries = 0; tries < 5 && before * 1024 < (long)size * 9 / 10;
	     tries++) {
		madvise(p, size, MADV_PAGEOUT);
		before = vmswap_kb();
	}
	printf("# VmSwap after MADV_PAGEOUT: %ld kB of %zu kB\n", before,
	       size >> 10);
	if (before * 1024 < (long)size / 2) {
		printf("# SKIP: less than half was swapped out\n");
		return 4;
	}
	swapped = swapped_pages(p, half, ps);
	if (madvise(p, half, MADV_FREE)) {
		perror("madvise(MADV_FREE)");
		return 1;
	}
	after = vmswap_kb();
	printf("# VmSwap after MADV_FREE of the first half: %ld kB\n", after);
	/* At least 3/4 of the half's worth of entries must have gone. */
	if (after > before - (long)(half * 3 / 4 >> 10)) {
		printf("# FAIL: the freed half's swap entries were not released\n");
		return 1;
	}
	for (i = 0; i < half; i += ps) {
		bool zero = true, intact = true;

		for (j = i; j < i + ps; j++) {
			zero = zero && !p[j];
			intact = intact && p[j] == pattern(j, ps);
		}
		if (zero || (intact && !swapped[i / ps])) {
			kept_resident += !zero;
			continue;
		}
		printf("# FAIL: page %zu of the freed half (%s) is neither zeroes%s\n",
		       i / ps, swapped[i / ps] ? "swapped out" : "in memory",
		       swapped[i / ps] ? "" : " nor its data");
		return 1;
	}
	for (i = half; i < size; i++) {
		if (p[i] != pattern(i, ps)) {
			printf("# FAIL: byte %zu of the kept half is %u\n", i,
			       p[i]);
			return 1;
		}
	}
	printf("# freed half reads as zeroes (%zu pages left in memory kept their data), kept half verified\n",
	       kept_resident);
	return 0;
}
