// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of the vswap core and of vswap against the classic design,
 * in the model (-O2, no sanitizers).  Writes a JSON file and prints a
 * table.  Timings: CLOCK_MONOTONIC, one warm-up run, median of
 * BENCH_RUNS (>= 5) runs, min and max recorded.
 *
 *   bench [-o results.json] [-c compiler] [-f flags] [-r runs]
 */
#include "../mm.h"
#include "../../kernel/mm/vswap.h"
#include <getopt.h>
#include <time.h>

static int runs = 7;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stat3 {
	double med, min, max;
};

static struct stat3 summarize(double *v, int n)
{
	struct stat3 s;

	qsort(v, n, sizeof(*v), dcmp);
	s.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s.min = v[0];
	s.max = v[n - 1];
	return s;
}

/* JSON output */
static FILE *js;
static bool js_first = true;

static void jnum(const char *key, double v)
{
	fprintf(js, "%s\n  \"%s\": %.6g", js_first ? "" : ",", key, v);
	js_first = false;
}

static void jstr(const char *key, const char *v)
{
	fprintf(js, "%s\n  \"%s\": \"%s\"", js_first ? "" : ",", key, v);
	js_first = false;
}

static void jstat(const char *key, struct stat3 s)
{
	char k[128];

	jnum(key, s.med);
	snprintf(k, sizeof(k), "%s_min", key);
	jnum(k, s.min);
	snprintf(k, sizeof(k), "%s_max", key);
	jnum(k, s.max);
}

/* Memory: bytes_per_slot with 100,000 slots swapped out. */

#define NR_MEM 100000

static struct mm bm;	/* content generator */

static double bytes_per_slot(unsigned int zero, unsigned int comp,
			     bool zswap, long *idle, long *idle_shrunk)
{
	static swp_entry_t e[NR_MEM];
	struct vswap_backing none = { .type = VSWAP_NONE }, b;
	struct model_mem m0, m1, m2;
	struct mdisk *d = mdisk_create(0, NR_MEM + 1024);
	struct folio *f = folio_alloc(GFP_KERNEL, 0);
	unsigned int allowed = zswap ? VSWAP_ALLOW_ALL & ~BIT(VSWAP_FOLIO) :
				       BIT(VSWAP_PHYS);
	double r;
	int i;

	bm.zero_pct = zero;
	bm.compressible_pct = comp;
	mzswap_reset(0);
	vswap_init();
	rcu_barrier();
	model_mem_read(&m0);
	for (i = 0; i < NR_MEM; i++) {
		page_fill(&bm, f, mm_new_cid());
		vswap_alloc(i % 16, 0, &e[i]);
		if (vswap_backing_store(e[i], f, allowed, -1, &b))
			abort();
		vswap_backing_switch(e[i], &none, &b);
		vswap_dup(e[i], 1);
		vswap_cache_unpin(e[i], 1);
	}
	model_mem_read(&m1);
	r = (double)(m1.bytes - m0.bytes) / NR_MEM;
	for (i = 0; i < NR_MEM; i++)
		vswap_put(e[i], 1);
	rcu_barrier();
	model_mem_read(&m2);
	if (idle)
		*idle = m2.bytes - m0.bytes;
	vswap_shrink();
	rcu_barrier();
	model_mem_read(&m2);
	if (idle_shrunk)
		*idle_shrunk = m2.bytes - m0.bytes;
	vswap_exit();
	folio_put(f);
	mdisk_destroy(d);
	rcu_barrier();
	return r;
}

/* Alloc/free and lookup, 1 and 2 threads. */

#define BATCH 256
#define NR_LOOKUP 100000

static swp_entry_t lookup_set[NR_LOOKUP];
static volatile int go;

struct tres {
	pthread_t t;
	int cpu;
	long ops;
	double ns;
	int kind;	/* 0 alloc/free, 1 lookup */
	long iters;
};

static void *worker(void *arg)
{
	struct tres *r = arg;
	swp_entry_t e[BATCH];
	struct vswap_backing b;
	unsigned int seed = r->cpu + 1;
	double t0;
	long i, k;

	model_thread_start("bench", r->cpu);
	/* Warm-up: fill this CPU's partition, touch the code. */
	for (k = 0; k < 16; k++) {
		for (i = 0; i < BATCH; i++)
			vswap_alloc(0, 0, &e[i]);
		for (i = 0; i < BATCH; i++)
			vswap_cache_unpin(e[i], 1);
	}
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		;
	t0 = now_ns();
	if (r->kind == 0) {
		for (k = 0; k < r->iters; k++) {
			for (i = 0; i < BATCH; i++)
				vswap_alloc(0, 0, &e[i]);
			for (i = 0; i < BATCH; i++)
				vswap_cache_unpin(e[i], 1);
		}
		r->ops = r->iters * BATCH;
	} else {
		long hit = 0;

		for (k = 0; k < r->iters; k++)
			hit += vswap_lookup(lookup_set[rand_r(&seed) %
					    NR_LOOKUP], &b);
		r->ops = r->iters;
		if (hit != r->iters)
			abort();
	}
	r->ns = now_ns() - t0;
	model_thread_end();
	return NULL;
}

/* Returns ns per op (1 thread) or aggregate ops/s (n threads). */
static double run_threads(int n, int kind, long iters, double *ops_per_s)
{
	struct tres r[2];
	double ns = 0;
	long ops = 0;
	int i;

	go = 0;
	for (i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].cpu = i;
		r[i].kind = kind;
		r[i].iters = iters;
		pthread_create(&r[i].t, NULL, worker, &r[i]);
	}
	usleep(20000);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (i = 0; i < n; i++) {
		pthread_join(r[i].t, NULL);
		ops += r[i].ops;
		if (r[i].ns > ns)
			ns = r[i].ns;
	}
	*ops_per_s = ops / (ns / 1e9);
	return ns / ops * n;
}

static void micro(struct stat3 *af1, struct stat3 *lk1, struct stat3 *afs,
		  struct stat3 *lks)
{
	struct vswap_backing none = { .type = VSWAP_NONE };
	struct vswap_backing zero = { .type = VSWAP_ZERO };
	double a1[32], l1[32], as[32], ls[32], t1, t2;
	int i;

	vswap_init();
	for (i = 0; i < NR_LOOKUP; i++) {
		vswap_alloc(0, 0, &lookup_set[i]);
		vswap_backing_switch(lookup_set[i], &none, &zero);
	}
	for (i = 0; i < runs; i++) {
		a1[i] = run_threads(1, 0, 8000, &t1);
		run_threads(2, 0, 8000, &t2);
		as[i] = t2 / t1;
		l1[i] = run_threads(1, 1, 4000000, &t1);
		run_threads(2, 1, 4000000, &t2);
		ls[i] = t2 / t1;
	}
	*af1 = summarize(a1, runs);
	*lk1 = summarize(l1, runs);
	*afs = summarize(as, runs);
	*lks = summarize(ls, runs);
	for (i = 0; i < NR_LOOKUP; i++)
		vswap_cache_unpin(lookup_set[i], 1);
	vswap_exit();
	rcu_barrier();
}

/* Swapoff: 64 MiB on the device, @mapped_pages mapped elsewhere. */

#define SWAPOFF_PAGES 16384	/* 64 MiB */

static double swapoff_ms(const struct swap_impl *impl, long mapped_pages)
{
	struct mproc *victim, *other[16];
	struct mdisk *d0, *d1;
	struct mm mm;
	double t0, t;
	unsigned long i;
	long r;
	int k;

	d0 = mdisk_create(0, SWAPOFF_PAGES + 1024);
	d1 = mdisk_create(1, 1024);
	mzswap_reset(0);
	mm_init(&mm, impl, 1L << 30);
	mm.verify = false;
	mm.zswap = false;
	mm.allowed = BIT(VSWAP_PHYS);
	mm.zero_pct = 0;
	mm.compressible_pct = 50;
	for (k = 0; k < 16; k++)
		other[k] = mm_proc_new(&mm, mapped_pages / 16, 1,
				       mapped_pages / 16);
	victim = mm_proc_new(&mm, SWAPOFF_PAGES, 2, 0);
	/*
	 * Touch in order, swap out in a shuffled order: reclaim follows the
	 * LRU, not addresses.  Both designs see the same device layout.
	 */
	for (i = 0; i < SWAPOFF_PAGES; i++)
		mm_touch(&mm, victim, i, true);
	{
		static unsigned long order[SWAPOFF_PAGES];
		unsigned int seed = 42;

		for (i = 0; i < SWAPOFF_PAGES; i++)
			order[i] = i;
		for (i = SWAPOFF_PAGES - 1; i > 0; i--) {
			unsigned long j = rand_r(&seed) % (i + 1), x = order[i];

			order[i] = order[j];
			order[j] = x;
		}
		for (i = 0; i < SWAPOFF_PAGES; i++) {
			r = mm.impl->swap_out(&mm, victim, order[i]);
			if (r) {
				fprintf(stderr, "%s swap_out %lu: %ld\n",
					impl->name, i, r);
				abort();
			}
		}
	}
	t0 = now_ns();
	r = mm.impl->swapoff(&mm, 0);
	if (r < SWAPOFF_PAGES) {
		fprintf(stderr, "%s swapoff: %ld\n", impl->name, r);
		abort();
	}
	t = (now_ns() - t0) / 1e6;
	mm_exit(&mm, victim);
	for (k = 0; k < 16; k++)
		mm_exit(&mm, other[k]);
	mm_fini(&mm);
	mdisk_destroy(d0);
	mdisk_destroy(d1);
	rcu_barrier();
	return t;
}

static struct stat3 swapoff_stat(const struct swap_impl *impl, long mapped)
{
	double v[32];
	int i;

	swapoff_ms(impl, mapped);	/* warm-up */
	for (i = 0; i < runs; i++)
		v[i] = swapoff_ms(impl, mapped);
	return summarize(v, runs);
}

/* pageswap: swap-out/swap-in loop, two threads, own processes each. */

#define PS_PAGES 256

struct psarg {
	pthread_t t;
	struct mm *mm;
	int cpu;
	long ops;
	double ns;
};

static void *ps_worker(void *arg)
{
	struct psarg *a = arg;
	struct mproc *p;
	double t0, end;
	unsigned long i;

	model_thread_start("pageswap", a->cpu);
	p = mm_proc_new(a->mm, PS_PAGES, a->cpu, 0);
	for (i = 0; i < PS_PAGES; i++)
		mm_touch(a->mm, p, i, true);
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		;
	t0 = now_ns();
	end = t0 + 0.4e9;
	while (now_ns() < end) {
		for (i = 0; i < PS_PAGES; i++) {
			if (a->mm->impl->swap_out(a->mm, p, i))
				abort();
			if (mm_touch(a->mm, p, i, false))
				abort();
		}
		a->ops += PS_PAGES;
	}
	a->ns = now_ns() - t0;
	mm_exit(a->mm, p);
	model_thread_end();
	return NULL;
}

static double pageswap_once(const struct swap_impl *impl)
{
	struct psarg a[2];
	struct mdisk *d0;
	struct mm mm;
	double ops = 0;
	int i;

	d0 = mdisk_create(0, 1 << 16);
	mzswap_reset(0);
	mm_init(&mm, impl, 1L << 30);
	mm.verify = false;
	mm.zero_pct = 0;
	mm.compressible_pct = 100;	/* stress-ng fills pages compressibly */
	go = 0;
	for (i = 0; i < 2; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].mm = &mm;
		a[i].cpu = i;
		pthread_create(&a[i].t, NULL, ps_worker, &a[i]);
	}
	usleep(50000);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++) {
		pthread_join(a[i].t, NULL);
		ops += a[i].ops / (a[i].ns / 1e9);
	}
	mm_fini(&mm);
	mdisk_destroy(d0);
	rcu_barrier();
	return ops;
}

static struct stat3 pageswap_stat(const struct swap_impl *impl)
{
	double v[32];
	int i;

	pageswap_once(impl);
	for (i = 0; i < runs; i++)
		v[i] = pageswap_once(impl);
	return summarize(v, runs);
}

int main(int argc, char **argv)
{
	const char *out = "results/bench.json", *cc = "?", *flags = "?";
	struct stat3 af1, lk1, afs, lks, sv1, sc1, sv4, sc4, pv, pc;
	double bps, bps_z, bps_p;
	long idle, idle_shrunk;
	char commit[64] = "unknown";
	FILE *g;
	int c;

	while ((c = getopt(argc, argv, "o:c:f:r:")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'c':
			cc = optarg;
			break;
		case 'f':
			flags = optarg;
			break;
		case 'r':
			runs = atoi(optarg);
			if (runs < 5 || runs > 31)
				runs = 7;
			break;
		}
	}
	model_thread_start("main", MODEL_NR_CPUS - 1);
	g = popen("git rev-parse --short HEAD 2>/dev/null", "r");
	if (g) {
		if (fgets(commit, sizeof(commit), g))
			commit[strcspn(commit, "\n")] = 0;
		pclose(g);
	}

	fprintf(stderr, "memory...\n");
	bps = bytes_per_slot(10, 60, true, &idle, &idle_shrunk);
	bps_z = bytes_per_slot(0, 100, true, NULL, NULL);
	bps_p = bytes_per_slot(0, 0, false, NULL, NULL);
	fprintf(stderr, "alloc/free, lookup...\n");
	micro(&af1, &lk1, &afs, &lks);
	fprintf(stderr, "swapoff...\n");
	sv1 = swapoff_stat(&vswap_impl, 1L << 18);
	sc1 = swapoff_stat(&classic_impl, 1L << 18);
	sv4 = swapoff_stat(&vswap_impl, 1L << 20);
	sc4 = swapoff_stat(&classic_impl, 1L << 20);
	fprintf(stderr, "pageswap...\n");
	pv = pageswap_stat(&vswap_impl);
	pc = pageswap_stat(&classic_impl);

	js = fopen(out, "w");
	if (!js) {
		perror(out);
		return 1;
	}
	fprintf(js, "{");
	jstr("commit", commit);
	jstr("compiler", cc);
	jstr("flags", flags);
	jnum("threads", 2);
	jnum("runs", runs);
	jnum("descriptor_bytes", VSWAP_DESC_BYTES);
	jnum("partition_header_bytes", sizeof(struct vswap_partition));
	jnum("bytes_per_slot_100k", bps);
	jnum("bytes_per_slot_100k_zswap", bps_z);
	jnum("bytes_per_slot_100k_phys", bps_p);
	jnum("bytes_idle", idle);
	jnum("bytes_idle_after_shrink", idle_shrunk);
	jstat("alloc_free_ns_1t", af1);
	jstat("lookup_ns_1t", lk1);
	jstat("alloc_free_scaling_2t", afs);
	jstat("lookup_scaling_2t", lks);
	jstat("swapoff_ms_vswap", sv1);
	jstat("swapoff_ms_classic", sc1);
	jnum("swapoff_ratio", sc1.med / sv1.med);
	jstat("swapoff_ms_vswap_4g", sv4);
	jstat("swapoff_ms_classic_4g", sc4);
	jnum("swapoff_ratio_4g", sc4.med / sv4.med);
	jstat("pageswap_ops_vswap", pv);
	jstat("pageswap_ops_classic", pc);
	fprintf(js, "\n}\n");
	fclose(js);

	printf("vswap model bench: commit %s, %s, %s, %d runs (median [min..max])\n",
	       commit, cc, flags, runs);
	printf("  %-30s %12d\n", "descriptor_bytes", (int)VSWAP_DESC_BYTES);
	printf("  %-30s %12.2f   (10%% zero, 60%% zswap, 30%% disk)\n",
	       "bytes_per_slot_100k", bps);
	printf("  %-30s %12.2f   (all zswap)\n", "bytes_per_slot_100k_zswap",
	       bps_z);
	printf("  %-30s %12.2f   (all disk, incl. reverse map)\n",
	       "bytes_per_slot_100k_phys", bps_p);
	printf("  %-30s %12ld   (after shrink: %ld)\n", "bytes_idle", idle,
	       idle_shrunk);
#define ROW(name, s, unit) \
	printf("  %-30s %12.2f   [%.2f..%.2f] %s\n", name, (s).med, (s).min, \
	       (s).max, unit)
	ROW("alloc_free_ns_1t", af1, "ns");
	ROW("lookup_ns_1t", lk1, "ns");
	ROW("alloc_free_scaling_2t", afs, "x");
	ROW("lookup_scaling_2t", lks, "x");
	ROW("swapoff_ms_vswap (1 GiB)", sv1, "ms");
	ROW("swapoff_ms_classic (1 GiB)", sc1, "ms");
	printf("  %-30s %12.2f\n", "swapoff_ratio", sc1.med / sv1.med);
	ROW("swapoff_ms_vswap_4g", sv4, "ms");
	ROW("swapoff_ms_classic_4g", sc4, "ms");
	printf("  %-30s %12.2f\n", "swapoff_ratio_4g", sc4.med / sv4.med);
	ROW("pageswap_ops_vswap", pv, "ops/s");
	ROW("pageswap_ops_classic", pc, "ops/s");
	printf("wrote %s\n", out);
	model_thread_end();
	return 0;
}
