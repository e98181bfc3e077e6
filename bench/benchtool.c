// SPDX-License-Identifier: GPL-2.0
/*
 * benchtool: the guest side of bench/run's fill, swapoff and metadata
 * scenarios.  bench/run builds it static and ships it inside the job
 * script (see bench/README.md); it runs as /bin/benchtool in the guest.
 *
 *   benchtool fill -p NPROC -s BYTES
 *	usemem-style: NPROC processes, each maps BYTES of private anonymous
 *	memory, writes every word of it, then reads every word back and
 *	checks it.  They start together (after mmap) and, once all have
 *	verified, are told to exit together; the time from that moment until
 *	the last one is reaped is the time the kernel takes to free their
 *	memory (exit_mmap: page tables, swap slots, zswap entries).  Prints
 *	one line of key=value.
 *
 *   benchtool hold -s BYTES [-m] [-z]
 *	Starts a process that maps BYTES, writes the pattern (with -z:
 *	zeroes, so every page is a zero-filled page of its own) into every
 *	page and then sleeps until killed; prints "pid=P addr=A len=L" once the
 *	memory is written, and returns.  With -m the process first pushes one
 *	page out to swap and writes it back, which puts its mm on the
 *	kernel's swapoff list (init_mm.mmlist) as any process that ever
 *	swapped is, without leaving data on the device.  On SIGUSR1 the
 *	process checks every page and writes "bad_pages=N" to
 *	/tmp/verify.PID (benchtool verify does that for a shell).
 *
 *   benchtool verify PID
 *	Asks a hold process to check its memory; prints its bad_pages=N.
 *
 *   benchtool pageout PID ADDR LEN
 *	process_madvise(MADV_PAGEOUT) on that range of PID.
 *
 *   benchtool swapoff DEV
 *	Times swapoff(2) of DEV: wall seconds, the caller's system time, and
 *	the CPU time all CPUs were busy meanwhile (from /proc/stat, in
 *	USER_HZ ticks: it also counts kernel workers that help swapoff).
 *
 * The data pattern: in page p, words 0..127 are a hash of (p, word) and
 * words 128..511 hold p (xor a seed): a quarter of each page does not
 * compress and the rest does, so zswap keeps it (about 1.1 KiB per page
 * with lz4), and no page is all zeroes or same-filled.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise 440
#endif

#define PAGE 4096UL
#define WORDS (PAGE / sizeof(uint64_t))
#define HASHED 128

static void die(const char *what)
{
	fprintf(stderr, "benchtool: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fputs("usage: benchtool fill -p NPROC -s BYTES\n"
	      "       benchtool hold -s BYTES [-m] [-z]\n"
	      "       benchtool verify PID\n"
	      "       benchtool pageout PID ADDR LEN\n"
	      "       benchtool swapoff DEV\n", stderr);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double tv(struct timeval t)
{
	return t.tv_sec + t.tv_usec / 1e6;
}

/* "64M", "1G", "4096": bytes */
static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'g': case 'G': v <<= 10; /* fall through */
	case 'm': case 'M': v <<= 10; /* fall through */
	case 'k': case 'K': v <<= 10; end++; break;
	case '\0': break;
	default: usage();
	}
	if (*end)
		usage();
	return v;
}

static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static inline uint64_t word(uint64_t seed, uint64_t page, unsigned int w)
{
	if (w < HASHED)
		return mix(seed ^ (page << 9 | w));
	return seed ^ page;
}

static void write_pages(uint64_t *mem, size_t pages, uint64_t seed)
{
	for (size_t p = 0; p < pages; p++)
		for (unsigned int w = 0; w < WORDS; w++)
			mem[p * WORDS + w] = word(seed, p, w);
}

static size_t verify_pages(const uint64_t *mem, size_t pages, uint64_t seed)
{
	size_t bad = 0;

	for (size_t p = 0; p < pages; p++)
		for (unsigned int w = 0; w < WORDS; w++)
			if (mem[p * WORDS + w] != word(seed, p, w)) {
				bad++;
				break;
			}
	return bad;
}

/* hold -z: a write fault per page makes it a zero-filled page of its own */
static void zero_pages(uint64_t *mem, size_t pages)
{
	for (size_t p = 0; p < pages; p++)
		mem[p * WORDS] = 0;
}

static size_t verify_zero(const uint64_t *mem, size_t pages)
{
	size_t bad = 0;

	for (size_t p = 0; p < pages; p++)
		for (unsigned int w = 0; w < WORDS; w++)
			if (mem[p * WORDS + w]) {
				bad++;
				break;
			}
	return bad;
}

static void *map(size_t bytes)
{
	void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED)
		die("mmap");
	return m;
}

static void read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("read from pipe");
		p += n;
		len -= n;
	}
}

struct fill_result {
	double t_write_end, t_read_end, write_s, read_s;
	size_t bad_pages;
};

static int cmd_fill(int argc, char **argv)
{
	int nproc = 1, opt, start[2], done[2], leave[2];
	size_t bytes = 0, pages, bad = 0;
	double t_start, t_end = 0, t_exit, t_gone, wr_rate = 0, rd_rate = 0;
	double first_end = 0, wr_max = 0, wr_min = 0, rd_max = 0, rd_min = 0;
	struct rusage ru = { 0 };
	pid_t *pids;

	while ((opt = getopt(argc, argv, "p:s:")) != -1) {
		switch (opt) {
		case 'p': nproc = atoi(optarg); break;
		case 's': bytes = parse_size(optarg); break;
		default: usage();
		}
	}
	pages = bytes / PAGE;
	if (nproc < 1 || !pages)
		usage();
	if (pipe(start) || pipe(done) || pipe(leave))
		die("pipe");
	pids = calloc(nproc, sizeof(*pids));
	for (int i = 0; i < nproc; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork");
		if (pids[i] == 0) {
			uint64_t seed = 0x5eed0000 + i, *mem = map(pages * PAGE);
			struct fill_result r;
			char c;
			double t0;

			close(start[1]);
			close(done[0]);
			close(leave[1]);
			if (read(start[0], &c, 1) < 0)	/* EOF: go */
				_exit(1);
			t0 = now();
			write_pages(mem, pages, seed);
			r.t_write_end = now();
			r.bad_pages = verify_pages(mem, pages, seed);
			r.t_read_end = now();
			r.write_s = r.t_write_end - t0;
			r.read_s = r.t_read_end - r.t_write_end;
			if (write(done[1], &r, sizeof(r)) != sizeof(r))
				_exit(1);
			if (read(leave[0], &c, 1) < 0)	/* EOF: exit */
				_exit(1);
			_exit(0);	/* the kernel unmaps everything */
		}
	}
	close(start[0]);
	close(done[1]);
	close(leave[0]);
	usleep(100000);			/* let every child reach its read() */
	t_start = now();
	close(start[1]);
	for (int i = 0; i < nproc; i++) {
		struct fill_result r;

		read_all(done[0], &r, sizeof(r));
		bad += r.bad_pages;
		if (r.t_read_end > t_end)
			t_end = r.t_read_end;
		if (!i || r.t_read_end < first_end)
			first_end = r.t_read_end;
		if (!i || r.write_s > wr_max)
			wr_max = r.write_s;
		if (!i || r.write_s < wr_min)
			wr_min = r.write_s;
		if (!i || r.read_s > rd_max)
			rd_max = r.read_s;
		if (!i || r.read_s < rd_min)
			rd_min = r.read_s;
		wr_rate += pages * PAGE / r.write_s;
		rd_rate += pages * PAGE / r.read_s;
	}
	t_exit = now();
	close(leave[1]);
	for (int i = 0; i < nproc; i++) {
		struct rusage one;
		int status;

		if (wait4(pids[i], &status, 0, &one) < 0)
			die("wait4");
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
		ru.ru_utime.tv_sec += one.ru_utime.tv_sec;
		ru.ru_utime.tv_usec += one.ru_utime.tv_usec;
		ru.ru_stime.tv_sec += one.ru_stime.tv_sec;
		ru.ru_stime.tv_usec += one.ru_stime.tv_usec;
	}
	t_gone = now();
	printf("procs=%d bytes=%zu elapsed=%.4f mbps=%.2f write_mbps=%.2f "
	       "read_mbps=%.2f free_s=%.4f usr=%.3f sys=%.3f bad_pages=%zu "
	       "first_done_s=%.4f write_s_min=%.4f write_s_max=%.4f "
	       "read_s_min=%.4f read_s_max=%.4f\n",
	       nproc, pages * PAGE * nproc, t_end - t_start,
	       2.0 * pages * PAGE * nproc / (t_end - t_start) / 1e6,
	       wr_rate / 1e6, rd_rate / 1e6, t_gone - t_exit,
	       tv(ru.ru_utime), tv(ru.ru_stime), bad, first_end - t_start,
	       wr_min, wr_max, rd_min, rd_max);
	return bad ? 1 : 0;
}

static volatile sig_atomic_t verify_asked;

static void on_usr1(int sig)
{
	(void)sig;
	verify_asked = 1;
}

static int cmd_hold(int argc, char **argv)
{
	int opt, mmlist = 0, zero = 0, ready[2];
	size_t bytes = 0, pages;
	pid_t pid;

	while ((opt = getopt(argc, argv, "s:mz")) != -1) {
		switch (opt) {
		case 's': bytes = parse_size(optarg); break;
		case 'm': mmlist = 1; break;
		case 'z': zero = 1; break;
		default: usage();
		}
	}
	pages = bytes / PAGE;
	if (!pages)
		usage();
	if (pipe(ready))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		uint64_t *mem = map(pages * PAGE);
		uintptr_t addr = (uintptr_t)mem;
		int null = open("/dev/null", O_RDWR);
		sigset_t usr1, waitmask;

		close(ready[0]);
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, &waitmask);
		sigdelset(&waitmask, SIGUSR1);
		signal(SIGUSR1, on_usr1);
		if (zero)
			zero_pages(mem, pages);
		else
			write_pages(mem, pages, 0x401d);
		if (mmlist) {
			unsigned char vec;
			int tries = 0;

			if (madvise(mem, PAGE, MADV_PAGEOUT))
				die("madvise(MADV_PAGEOUT)");
			/* wait for the write-out so the write fault below
			 * frees the slot instead of keeping it */
			while (!mincore(mem, PAGE, &vec) && (vec & 1) &&
			       tries++ < 100)
				usleep(10000);
			mem[0] = zero ? 0 : word(0x401d, 0, 0);
		}
		if (write(ready[1], &addr, sizeof(addr)) != sizeof(addr))
			_exit(1);
		close(ready[1]);
		/* let the caller's $(...) see EOF */
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		setsid();
		for (;;) {
			char tmp[64], path[64], line[64];
			int fd, n;

			/* SIGUSR1 is blocked but while suspended: no lost wake-up */
			while (!verify_asked)
				sigsuspend(&waitmask);
			verify_asked = 0;
			n = snprintf(line, sizeof(line), "bad_pages=%zu\n",
				     zero ? verify_zero(mem, pages) :
				     verify_pages(mem, pages, 0x401d));
			snprintf(path, sizeof(path), "/tmp/verify.%d",
				 (int)getpid());
			snprintf(tmp, sizeof(tmp), "/tmp/verify.%d.tmp",
				 (int)getpid());
			fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || write(fd, line, n) != n)
				_exit(1);
			close(fd);
			rename(tmp, path);	/* the reader sees all or nothing */
		}
	}
	close(ready[1]);
	uintptr_t addr;

	read_all(ready[0], &addr, sizeof(addr));
	printf("pid=%d addr=%#" PRIxPTR " len=%zu\n", pid, addr, pages * PAGE);
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	char path[64], line[64];
	FILE *f;
	int tries = 0;

	if (argc != 2)
		usage();
	snprintf(path, sizeof(path), "/tmp/verify.%d", atoi(argv[1]));
	unlink(path);
	if (kill(atoi(argv[1]), SIGUSR1))
		die("kill(SIGUSR1)");
	while (!(f = fopen(path, "r"))) {
		if (tries++ > 60000)	/* 10 min */
			die("no answer from the hold process");
		usleep(10000);
	}
	if (!fgets(line, sizeof(line), f))
		die("read verify result");
	fclose(f);
	fputs(line, stdout);
	return strcmp(line, "bad_pages=0\n") ? 1 : 0;
}

static int cmd_pageout(int argc, char **argv)
{
	int pidfd;
	struct iovec iov;
	double t0;
	size_t left;

	if (argc != 4)
		usage();
	pidfd = syscall(SYS_pidfd_open, atoi(argv[1]), 0);
	if (pidfd < 0)
		die("pidfd_open");
	iov.iov_base = (void *)(uintptr_t)strtoull(argv[2], NULL, 0);
	left = strtoull(argv[3], NULL, 0);
	t0 = now();
	while (left) {
		ssize_t n;

		iov.iov_len = left;
		n = syscall(SYS_process_madvise, pidfd, &iov, 1,
			    MADV_PAGEOUT, 0);
		if (n < 0)
			die("process_madvise(MADV_PAGEOUT)");
		if (n == 0)
			break;
		iov.iov_base = (char *)iov.iov_base + n;
		left -= n;
	}
	printf("pageout_s=%.4f\n", now() - t0);
	return 0;
}

/* Seconds all CPUs have been busy: /proc/stat's "cpu" line but idle and
 * iowait. */
static double cpu_busy(void)
{
	unsigned long long v[10] = { 0 }, busy = 0;
	FILE *f = fopen("/proc/stat", "r");

	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
			 &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			 &v[7]) != 8)
		die("/proc/stat");
	fclose(f);
	for (int i = 0; i < 8; i++)
		if (i != 3 && i != 4)		/* idle, iowait */
			busy += v[i];
	return (double)busy / sysconf(_SC_CLK_TCK);
}

static int cmd_swapoff(int argc, char **argv)
{
	struct rusage r0, r1;
	double t0, t1, c0, c1;

	if (argc != 2)
		usage();
	getrusage(RUSAGE_SELF, &r0);
	c0 = cpu_busy();
	t0 = now();
	if (swapoff(argv[1]))
		die("swapoff");
	t1 = now();
	c1 = cpu_busy();
	getrusage(RUSAGE_SELF, &r1);
	printf("swapoff_s=%.4f swapoff_sys=%.3f swapoff_cpu=%.2f\n", t1 - t0,
	       tv(r1.ru_stime) - tv(r0.ru_stime), c1 - c0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "fill"))
		return cmd_fill(argc - 1, argv + 1);
	if (!strcmp(argv[1], "hold"))
		return cmd_hold(argc - 1, argv + 1);
	if (!strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (!strcmp(argv[1], "pageout"))
		return cmd_pageout(argc - 1, argv + 1);
	if (!strcmp(argv[1], "swapoff"))
		return cmd_swapoff(argc - 1, argv + 1);
	usage();
	return 2;
}
