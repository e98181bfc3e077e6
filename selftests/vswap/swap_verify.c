// SPDX-License-Identifier: GPL-2.0
/*
 * swap_verify: push a known pattern out to swap and check that every byte
 * comes back.
 *
 * The test runs in a cgroup of its own whose memory.max is below the working
 * set, so filling the buffer already forces reclaim; MADV_PAGEOUT then pushes
 * out whatever is still resident.  Every page is read back and compared with
 * the pattern, which depends on the seed, the page index and the word within
 * the page, so a page that comes back from the wrong slot, stale, zeroed or
 * partly written is caught.  A run in which nothing was swapped out fails: it
 * would prove nothing.
 *
 * Modes:
 *   anon   private anonymous memory
 *   zero   private anonymous memory, every page written with zeroes
 *   shmem  MAP_SHARED anonymous memory (shmem)
 *   shmem-race
 *          shmem, and after the passes -p more rounds in which the buffer is
 *          pushed out and then taken page by page by the parent and a child
 *          in step: both read the same page at the same moment, or (every
 *          other round) the child pushes it out while the parent reads it.
 *   fork   anonymous memory shared with a child after swap-out: the child
 *          verifies, rewrites half (copy-on-write of swapped pages) and
 *          verifies again; the parent must still see its own data.
 *
 * With -i the data does not compress, so zswap rejects every page and it
 * goes to the swap device instead.  By default the buffer is
 * MADV_NOHUGEPAGE, so every page is 4k; with -H it is left to the system's
 * transparent huge page policy (the mTHP tests enable the sizes they want).
 *
 * With -t SECS, after the passes the parent keeps pushing the buffer out and
 * verifying it for SECS seconds, so that something else (writeback, a
 * swapoff, reclaim from outside) can happen while the data is being read.
 * With -R as well, every round also rewrites every other page (odd pages
 * one round, even pages the next) with a new pattern, so that the pages
 * pushed out are dirty again and need new stores, not only reads.
 *
 * With -W FILE the parent pauses while its pages are out: right after the
 * first push-out and, with -t, once more after the timed passes and a last
 * push-out.  To pause it writes "PID CGROUP STAGE OUT" to FILE (STAGE is
 * "swapped", then "after"; OUT is the number of pages of the buffer that
 * are neither mapped nor in the swap cache, by mincore(2): exactly those
 * whose data is only in swap) and waits until FILE is removed, so a test
 * can read counters while the pages are known to be in swap.  It fails
 * after 300 seconds without an answer.
 *
 * With -g PARENT the cgroup is created under /sys/fs/cgroup/PARENT (which
 * must have the memory controller enabled for its children) instead of
 * directly under the root.
 *
 * Exit: 0 pass, 1 fail, 4 skip (kselftest convention).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4
#define CGROOT "/sys/fs/cgroup"
#define MAX_REPORTS 8

static long page_size;
static char cgroup[256];
static const char *cgparent;
static const char *waitfile;
static unsigned char *corevec;	/* for mincore, charged outside the cgroup */

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Value of KEY in a "key value" file such as /proc/vmstat, or -1. */
static long long read_key(const char *path, const char *key)
{
	char name[128];
	long long val;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld", name, &val) == 2) {
		if (!strcmp(name, key)) {
			fclose(f);
			return val;
		}
	}
	fclose(f);
	return -1;
}

static bool file_has_word(const char *path, const char *word)
{
	char w[128];
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (!found && fscanf(f, "%127s", w) == 1)
		found = !strcmp(w, word);
	fclose(f);
	return found;
}

static long long swapouts(void)
{
	long long p = read_key("/proc/vmstat", "pswpout");
	long long z = read_key("/proc/vmstat", "zswpout");
	long long zero = read_key("/proc/vmstat", "swpout_zero");

	return (p > 0 ? p : 0) + (z > 0 ? z : 0) + (zero > 0 ? zero : 0);
}

static bool incompressible;

/*
 * The expected 64-bit word @w of page @pg.  By default a per-page hash, with
 * the word index mixed into the first word of every 64-byte line: each line
 * of each page differs, so a page from the wrong slot, a stale or shifted
 * page or a torn sector is caught, yet a page compresses to a fraction of
 * its size and zswap's pool (charged to the cgroup) stays well below
 * memory.max.  With -i every word is hashed on its own and zswap must
 * reject the page.  The top bit is always set, so a zeroed page always
 * fails.
 */
static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return x;
}

static inline uint64_t pattern(uint64_t seed, uint64_t pg, uint64_t w)
{
	uint64_t h = mix(seed ^ (pg * 0x9e3779b97f4a7c15ULL));

	if (incompressible)
		h = mix(h ^ (w << 32 | w));
	else if (w % 8 == 0)
		h ^= w;
	return h | 1ULL << 63;
}

static void fill_page(char *buf, size_t pg, uint64_t seed, bool zero)
{
	uint64_t *p = (uint64_t *)(buf + pg * page_size);
	size_t words = page_size / 8;

	for (size_t w = 0; w < words; w++)
		p[w] = zero ? 0 : pattern(seed, pg, w);
}

static void fill(char *buf, size_t pages, uint64_t seed, bool zero)
{
	for (size_t pg = 0; pg < pages; pg++)
		fill_page(buf, pg, seed, zero);
}

/*
 * Count the pages that differ from the pattern (of @seed, or of @seeds[pg]
 * when @seeds is given); report the first few.
 */
static size_t verify_seeds(const char *who, const char *buf, size_t first,
			   size_t pages, uint64_t seed, const uint64_t *seeds,
			   bool zero)
{
	size_t words = page_size / 8, bad = 0;

	for (size_t pg = first; pg < first + pages; pg++) {
		const uint64_t *p = (const uint64_t *)(buf + pg * page_size);

		if (seeds)
			seed = seeds[pg];
		for (size_t w = 0; w < words; w++) {
			uint64_t want = zero ? 0 : pattern(seed, pg, w);

			if (p[w] == want)
				continue;
			if (bad < MAX_REPORTS)
				note("%s: page %zu word %zu: got %016" PRIx64
				     " want %016" PRIx64, who, pg, w, p[w], want);
			bad++;
			break;
		}
	}
	if (bad)
		note("%s: %zu of %zu pages wrong", who, bad, pages);
	return bad;
}

static size_t verify(const char *who, const char *buf, size_t first,
		     size_t pages, uint64_t seed, bool zero)
{
	return verify_seeds(who, buf, first, pages, seed, NULL, zero);
}

static int cgroup_enter(long limit_mb)
{
	char path[300], val[64];
	int ret;

	if (access(CGROOT "/cgroup.controllers", F_OK)) {
		note("SKIP: cgroup2 is not mounted at " CGROOT);
		return KSFT_SKIP;
	}
	if (!file_has_word(CGROOT "/cgroup.subtree_control", "memory") &&
	    write_file(CGROOT "/cgroup.subtree_control", "+memory")) {
		note("SKIP: cannot enable the memory controller");
		return KSFT_SKIP;
	}
	if (cgparent)
		snprintf(cgroup, sizeof(cgroup), CGROOT "/%s/swap_verify-%d",
			 cgparent, getpid());
	else
		snprintf(cgroup, sizeof(cgroup), CGROOT "/swap_verify-%d",
			 getpid());
	if (mkdir(cgroup, 0755)) {
		note("cannot create %s: %s", cgroup, strerror(errno));
		return KSFT_FAIL;
	}
	snprintf(path, sizeof(path), "%s/memory.max", cgroup);
	snprintf(val, sizeof(val), "%ldM", limit_mb);
	ret = write_file(path, val);
	if (ret) {
		note("SKIP: cannot set %s: %s", path, strerror(-ret));
		return KSFT_SKIP;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
	snprintf(val, sizeof(val), "%d", getpid());
	ret = write_file(path, val);
	if (ret) {
		note("cannot join %s: %s", cgroup, strerror(-ret));
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

static void cgroup_leave(void)
{
	if (!cgroup[0])
		return;
	write_file(CGROOT "/cgroup.procs", "0");
	if (rmdir(cgroup))
		note("cannot remove %s: %s", cgroup, strerror(errno));
}

static void pageout(char *buf, size_t len)
{
	if (madvise(buf, len, MADV_PAGEOUT))
		note("MADV_PAGEOUT: %s (relying on memory.max alone)",
		     strerror(errno));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Pages of the buffer that are neither mapped nor in the swap cache, by
 * mincore(2): every page has been written, so these are exactly the pages
 * whose data is only in swap (zswap, a device, or nothing for a zero page).
 * -1 when mincore fails.
 */
static long pages_out(char *buf, size_t pages)
{
	long out = 0;

	if (mincore(buf, pages * page_size, corevec)) {
		note("mincore: %s", strerror(errno));
		return -1;
	}
	for (size_t pg = 0; pg < pages; pg++)
		out += !(corevec[pg] & 1);
	return out;
}

/*
 * -W: tell the test we are paused at STAGE (FILE appears, written whole by
 * a rename) and wait for it to remove FILE.  Touches none of the buffer.
 */
static int pause_at(const char *stage, char *buf, size_t pages)
{
	char tmp[300], val[400];
	double deadline = now() + 300;
	long out;
	int fd;

	if (!waitfile)
		return KSFT_PASS;
	out = pages_out(buf, pages);
	snprintf(tmp, sizeof(tmp), "%s.tmp", waitfile);
	snprintf(val, sizeof(val), "%d %s %s %ld\n", getpid(), cgroup, stage,
		 out);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val) ||
	    close(fd) || rename(tmp, waitfile)) {
		note("cannot write %s: %s", waitfile, strerror(errno));
		return KSFT_FAIL;
	}
	note("paused (%s) with %ld of %zu pages out; waiting for %s to go",
	     stage, out, pages, waitfile);
	while (!access(waitfile, F_OK)) {
		if (now() > deadline) {
			note("FAIL: nobody removed %s", waitfile);
			return KSFT_FAIL;
		}
		usleep(20000);
	}
	return KSFT_PASS;
}

/*
 * The child of the fork mode: it shares the parent's swapped pages.  It
 * checks them, rewrites the first half with its own pattern (copy-on-write
 * of swap-backed pages), pushes everything out again and checks both halves.
 */
static int fork_child(char *buf, size_t pages, uint64_t seed)
{
	size_t half = pages / 2, bad;

	bad = verify("child", buf, 0, pages, seed, false);
	fill(buf, half, ~seed, false);
	pageout(buf, pages * page_size);
	bad += verify("child", buf, 0, half, ~seed, false);
	bad += verify("child", buf, half, pages - half, seed, false);
	return bad ? KSFT_FAIL : KSFT_PASS;
}

/* Reap child @pid: 1 (and a note) unless it exited with KSFT_PASS. */
static size_t child_failed(pid_t pid)
{
	int status = 0;

	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == KSFT_PASS)
		return 0;
	note("child failed (status %#x)", status);
	return 1;
}

/* Wait until both tasks of a shmem-race round have reached step @n. */
static void race_barrier(unsigned long *arrived, unsigned long n)
{
	__atomic_add_fetch(arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(arrived, __ATOMIC_SEQ_CST) < 2 * n)
		sched_yield();
}

/*
 * One round of shmem-race.  The buffer is pushed out; then the parent and a
 * child take it page by page, meeting at a barrier before each page, so
 * that both fault on the same slot at the same moment.  In even rounds the
 * child reads the page too; in odd rounds it pushes the page out while the
 * parent reads it.
 */
static size_t race_round(char *buf, size_t pages, uint64_t seed, long round,
			 unsigned long *arrived)
{
	bool push = round % 2;
	size_t bad = 0;
	pid_t pid;

	pageout(buf, pages * page_size);
	*arrived = 0;
	pid = fork();
	if (pid < 0) {
		note("fork: %s", strerror(errno));
		return 1;
	}
	for (size_t pg = 0; pg < pages; pg++) {
		race_barrier(arrived, pg + 1);
		if (!pid && push)
			pageout(buf + pg * page_size, page_size);
		else
			bad += verify(pid ? "parent (race)" : "child (race)",
				      buf, pg, 1, seed, false);
	}
	if (!pid)
		_exit(bad ? KSFT_FAIL : KSFT_PASS);
	return bad + child_failed(pid);
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-m anon|zero|shmem|shmem-race|fork] [-s size_mb]\n"
		"          [-l limit_mb] [-p passes] [-r seed] [-i] [-H]\n"
		"          [-t secs] [-W file] [-g parent] [-R]\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode = "anon";
	long size_mb = 64, limit_mb = 0, passes = 2, keep_secs = 0;
	bool huge = false, rewrite = false;
	uint64_t *seeds = NULL;
	uint64_t seed = (uint64_t)getpid() * 2654435761u;
	bool zero, shared;
	long long before, swapped;
	size_t pages, bad = 0;
	char *buf;
	int ret, c;

	while ((c = getopt(argc, argv, "m:s:l:p:r:iHt:W:g:R")) != -1) {
		switch (c) {
		case 'm': mode = optarg; break;
		case 's': size_mb = atol(optarg); break;
		case 'l': limit_mb = atol(optarg); break;
		case 'p': passes = atol(optarg); break;
		case 'r': seed = strtoull(optarg, NULL, 0); break;
		case 'i': incompressible = true; break;
		case 'H': huge = true; break;
		case 't': keep_secs = atol(optarg); break;
		case 'W': waitfile = optarg; break;
		case 'g': cgparent = optarg; break;
		case 'R': rewrite = true; break;
		default: usage(argv[0]);
		}
	}
	if (strcmp(mode, "anon") && strcmp(mode, "zero") &&
	    strcmp(mode, "shmem") && strcmp(mode, "shmem-race") &&
	    strcmp(mode, "fork"))
		usage(argv[0]);
	if (size_mb <= 0 || passes <= 0 || keep_secs < 0)
		usage(argv[0]);
	if (rewrite && (!keep_secs || !strcmp(mode, "fork")))
		usage(argv[0]);
	if (!limit_mb)
		limit_mb = size_mb / 2;
	zero = !strcmp(mode, "zero");
	shared = !strncmp(mode, "shmem", 5);
	page_size = sysconf(_SC_PAGESIZE);
	pages = (size_t)size_mb * 1024 * 1024 / page_size;

	printf("# swap_verify: mode %s, %ld MiB, memory.max %ld MiB, seed %#"
	       PRIx64 "\n", mode, size_mb, limit_mb, seed);
	/*
	 * Memory of our own touched first inside the cgroup is pushed out with
	 * the buffer and would show in the counters the tests check (a zero
	 * page test sees a zswap store): take what we need beforehand.
	 */
	if (waitfile) {
		corevec = malloc(pages);
		if (!corevec) {
			note("out of memory");
			return KSFT_FAIL;
		}
		memset(corevec, 1, pages);
	}
	ret = cgroup_enter(limit_mb);
	if (ret != KSFT_PASS)
		goto out;

	buf = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE,
		   (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		note("mmap: %s", strerror(errno));
		ret = KSFT_FAIL;
		goto out;
	}
	/* Huge pages only with -H (the mTHP tests); otherwise every page is 4k. */
	if (!huge)
		madvise(buf, pages * page_size, MADV_NOHUGEPAGE);

	before = swapouts();
	fill(buf, pages, seed, zero);
	for (long pass = 0; pass < passes; pass++) {
		pageout(buf, pages * page_size);
		if (!pass && pause_at("swapped", buf, pages)) {
			ret = KSFT_FAIL;
			goto out;
		}
		bad += verify("parent", buf, 0, pages, seed, zero);
	}
	if (keep_secs) {
		double end = now() + keep_secs;
		long rounds = 0;

		if (rewrite) {
			seeds = malloc(pages * sizeof(*seeds));
			if (!seeds) {
				note("out of memory");
				ret = KSFT_FAIL;
				goto out;
			}
			for (size_t pg = 0; pg < pages; pg++)
				seeds[pg] = seed;
		}
		while (now() < end && bad < MAX_REPORTS) {
			pageout(buf, pages * page_size);
			bad += verify_seeds("parent (timed)", buf, 0, pages,
					    seed, seeds, zero);
			rounds++;
			for (size_t pg = rounds % 2; seeds && pg < pages;
			     pg += 2) {
				seeds[pg] = seed + rounds;
				fill_page(buf, pg, seeds[pg], zero);
			}
		}
		note("verified %ld more times in %ld s%s", rounds, keep_secs,
		     seeds ? ", rewriting half each time" : "");
		pageout(buf, pages * page_size);
		if (pause_at("after", buf, pages)) {
			ret = KSFT_FAIL;
			goto out;
		}
		bad += verify_seeds("parent", buf, 0, pages, seed, seeds, zero);
	}
	swapped = swapouts() - before;
	note("pages swapped out: %lld of %zu", swapped, pages);
	if (swapped <= 0) {
		note("FAIL: nothing was swapped out, so nothing was tested");
		ret = KSFT_FAIL;
		goto out;
	}

	if (!strcmp(mode, "shmem-race")) {
		/* Outside the buffer, so never swapped out itself. */
		unsigned long *arrived = mmap(NULL, page_size,
					      PROT_READ | PROT_WRITE,
					      MAP_SHARED | MAP_ANONYMOUS |
					      MAP_LOCKED, -1, 0);

		if (arrived == MAP_FAILED) {
			note("mmap: %s", strerror(errno));
			ret = KSFT_FAIL;
			goto out;
		}
		for (long round = 0; round < passes && bad < MAX_REPORTS;
		     round++)
			bad += race_round(buf, pages, seed, round, arrived);
		note("%ld race rounds", passes);
	}
	if (!strcmp(mode, "fork")) {
		pid_t pid;

		pageout(buf, pages * page_size);
		pid = fork();
		if (pid < 0) {
			note("fork: %s", strerror(errno));
			ret = KSFT_FAIL;
			goto out;
		}
		if (!pid)
			_exit(fork_child(buf, pages, seed));
		bad += child_failed(pid);
		pageout(buf, pages * page_size);
		bad += verify("parent after child", buf, 0, pages, seed, false);
	}
	ret = bad ? KSFT_FAIL : KSFT_PASS;
	munmap(buf, pages * page_size);
out:
	cgroup_leave();
	return ret;
}
