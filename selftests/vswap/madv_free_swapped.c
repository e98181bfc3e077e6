// SPDX-License-Identifier: GPL-2.0
/*
 * madv_free_swapped: MADV_FREE on pages that are swapped out.
 *
 *   madv_free_swapped [size_mb]
 *
 * Fills an anonymous mapping with a pattern, pushes it to swap with
 * MADV_PAGEOUT, checks that VmSwap counts it, then MADV_FREEs the first
 * half.  The swap entries of that half must be released at once (VmSwap
 * drops by half), the freed half must read back as zeroes, and the other
 * half must still hold its pattern after swap-in.  Exit 0 on success, 1 on
 * a failed check, 4 (KSFT_SKIP) if nothing could be swapped out.
 */
#define _GNU_SOURCE
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

int main(int argc, char **argv)
{
	long size_mb = argc > 1 ? atol(argv[1]) : 16;
	size_t size = (size_t)size_mb << 20, half = size / 2, i;
	long ps = sysconf(_SC_PAGESIZE), before, after;
	unsigned char *p;
	int tries;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (i = 0; i < size; i++)
		p[i] = (unsigned char)(i * 7 + i / ps + 1) | 1;
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
	for (i = 0; i < half; i++) {
		if (p[i]) {
			printf("# FAIL: byte %zu of the freed half is %u\n", i,
			       p[i]);
			return 1;
		}
	}
	for (i = half; i < size; i++) {
		if (p[i] != ((unsigned char)(i * 7 + i / ps + 1) | 1)) {
			printf("# FAIL: byte %zu of the kept half is %u\n", i,
			       p[i]);
			return 1;
		}
	}
	printf("# freed half reads as zeroes, kept half verified\n");
	return 0;
}
