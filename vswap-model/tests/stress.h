/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Common driver for the stress tests (one file per scenario): options
 * -s seed, -l seconds, -v, -i impl (vswap, classic or both); a shared stop
 * flag; per-thread seeds; threads with named roles; the workload of
 * owners (touch, write, fork, exit), reclaimers and an RCU grace-period
 * forcer; invariant and leak checks; TAP output.
 */
#ifndef _MODEL_STRESS_H
#define _MODEL_STRESS_H

#include "mm.h"
#include <getopt.h>
#include <time.h>

struct stress {
	const char *name;
	unsigned int seed;
	int seconds;
	int verbose;
	const char *impl;
	int stop;
	pthread_barrier_t quiet;	/* owners stopped, processes alive */
	pthread_barrier_t resume;
	struct mm mm;
	long touches, forks, exits, enomem, bad;
	bool allow_eio;			/* disk read errors injected */
};

static struct stress S;

static inline bool stress_stopped(void)
{
	return __atomic_load_n(&S.stop, __ATOMIC_ACQUIRE);
}

static void stress_args(int argc, char **argv, const char *name)
{
	const char *env = getenv("STRESS_SECONDS");
	int c;

	S.name = name;
	S.seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	S.seconds = env ? atoi(env) : 3;
	S.impl = "vswap";
	while ((c = getopt(argc, argv, "s:l:vi:")) != -1) {
		switch (c) {
		case 's':
			S.seed = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			S.seconds = atoi(optarg);
			break;
		case 'v':
			S.verbose++;
			break;
		case 'i':
			S.impl = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-s seed] [-l seconds] [-v] "
				"[-i vswap|classic|both]\n", argv[0]);
			exit(2);
		}
	}
	printf("# %s: seed %u, %d s (rerun with -s %u)\n", name, S.seed,
	       S.seconds, S.seed);
}

static void stress_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Owners: each runs its own processes. */
#define OWNER_PROCS	4

struct owner {
	pthread_t t;
	int id;
	unsigned long pages;
	unsigned short memcg;
};

static void *owner_fn(void *arg)
{
	struct owner *o = arg;
	struct mproc *procs[OWNER_PROCS];
	unsigned int seed = S.seed * 31 + o->id;
	int n = 1, err, k, r;
	unsigned long i;

	model_thread_start("owner", -1);
	model_self.seed = seed;
	procs[0] = mm_proc_new(&S.mm, o->pages, o->memcg, 0);
	while (!stress_stopped()) {
		r = rand_r(&seed) % 1000;
		k = rand_r(&seed) % n;
		if (r < 960) {
			i = rand_r(&seed) % procs[k]->nr;
			err = mm_touch(&S.mm, procs[k], i, r < 300);
			__atomic_add_fetch(&S.touches, 1, __ATOMIC_RELAXED);
			if (err == -ENOMEM || (err == -EIO && S.allow_eio)) {
				__atomic_add_fetch(&S.enomem, 1,
						   __ATOMIC_RELAXED);
			} else if (err) {
				fprintf(stderr, "# owner %d: touch: %d\n",
					o->id, err);
				__atomic_add_fetch(&S.bad, 1, __ATOMIC_RELAXED);
			}
		} else if (r < 980 && n < OWNER_PROCS) {
			procs[n] = mm_fork(&S.mm, procs[k]);
			if (procs[n])
				n++;
			__atomic_add_fetch(&S.forks, 1, __ATOMIC_RELAXED);
		} else if (n > 1) {
			mm_exit(&S.mm, procs[k]);
			procs[k] = procs[--n];
			__atomic_add_fetch(&S.exits, 1, __ATOMIC_RELAXED);
		}
		if (mm_ram() > S.mm.ram_budget * 3 / 2)
			mm_reclaim(&S.mm, &seed);	/* direct reclaim */
	}
	pthread_barrier_wait(&S.quiet);
	pthread_barrier_wait(&S.resume);
	while (n)
		mm_exit(&S.mm, procs[--n]);
	model_thread_end();
	return NULL;
}

static void *reclaimer_fn(void *arg)
{
	unsigned int seed = S.seed * 17 + 5;

	model_thread_start("reclaimer", -1);
	model_self.seed = seed;
	while (!stress_stopped())
		if (!mm_reclaim(&S.mm, &seed))
			stress_sleep_ms(1);
	model_thread_end();
	return NULL;
}

/* Forces grace periods so RCU frees happen under the readers' feet. */
static void *gp_fn(void *arg)
{
	model_thread_start("gp", -1);
	while (!stress_stopped()) {
		synchronize_rcu();
		stress_sleep_ms(1);
	}
	model_thread_end();
	return NULL;
}

struct stress_cfg {
	const struct swap_impl *impl;
	int owners;
	unsigned long pages;	/* per process */
	long budget;		/* RAM, folios */
	long zswap_bytes;	/* pool limit, 0 = none */
	void *(*extra_fn)(void *);	/* one more role, or NULL */
	void (*setup)(void);
	void (*teardown)(void);
};

/* Run one configuration; returns true if every check passed. */
static bool stress_run(const struct stress_cfg *cfg)
{
	pthread_t rec, gp, extra;
	struct owner o[16];
	struct mdisk *d0, *d1;
	struct model_mem m;
	long entries, backend, folios;
	bool ok = true;
	int i;

	S.stop = 0;
	S.touches = S.forks = S.exits = S.enomem = S.bad = 0;
	model_warnings = 0;
	mzswap_reset(cfg->zswap_bytes);
	d0 = mdisk_create(0, 1 << 14);
	d1 = mdisk_create(1, 1 << 14);
	if (mm_init(&S.mm, cfg->impl, cfg->budget))
		return false;
	if (cfg->setup)
		cfg->setup();
	pthread_barrier_init(&S.quiet, NULL, cfg->owners + 1);
	pthread_barrier_init(&S.resume, NULL, cfg->owners + 1);
	for (i = 0; i < cfg->owners; i++) {
		o[i].id = i;
		o[i].pages = cfg->pages;
		o[i].memcg = i % 3;
		pthread_create(&o[i].t, NULL, owner_fn, &o[i]);
	}
	pthread_create(&rec, NULL, reclaimer_fn, NULL);
	pthread_create(&gp, NULL, gp_fn, NULL);
	if (cfg->extra_fn)
		pthread_create(&extra, NULL, cfg->extra_fn, NULL);

	stress_sleep_ms(S.seconds * 1000L);
	__atomic_store_n(&S.stop, 1, __ATOMIC_RELEASE);
	pthread_join(rec, NULL);
	pthread_join(gp, NULL);
	if (cfg->extra_fn)
		pthread_join(extra, NULL);
	pthread_barrier_wait(&S.quiet);
	/* Everything quiet, processes alive: counts must match the PTEs. */
	if (!mm_check_counts(&S.mm)) {
		printf("#   swap counts do not match page tables\n");
		ok = false;
	}
	pthread_barrier_wait(&S.resume);
	for (i = 0; i < cfg->owners; i++)
		pthread_join(o[i].t, NULL);
	if (cfg->teardown)
		cfg->teardown();

	/* After every process exited: nothing may be left. */
	while (S.mm.impl->reclaim_cache(&S.mm))
		;
	entries = S.mm.impl->nr_entries(&S.mm);
	mm_fini(&S.mm);
	rcu_barrier();
	backend = model_backend_objs();
	folios = model_folios_live();
	model_mem_read(&m);
	mdisk_destroy(d0);
	mdisk_destroy(d1);
	printf("# %s/%s: %ld touches (%ld swap-ins, %ld swap-outs), %ld forks, "
	       "%ld exits, %ld ENOMEM/EIO, %ld store errors\n", S.name,
	       cfg->impl->name, S.touches, S.mm.swapins, S.mm.swapouts,
	       S.forks, S.exits, S.enomem, S.mm.errors);
	if (S.bad) {
		printf("#   %ld bad accesses (wrong data or error)\n", S.bad);
		ok = false;
	}
	if (entries || backend || folios || m.objs) {
		printf("#   leak: %ld entries, %ld backend objects, %ld folios, "
		       "%ld kernel objects\n", entries, backend, folios,
		       m.objs);
		ok = false;
	}
	if (model_warnings) {
		printf("#   %ld warnings\n", model_warnings);
		ok = false;
	}
	if (S.mm.swapins == 0 || S.mm.swapouts == 0) {
		printf("#   the workload never swapped\n");
		ok = false;
	}
	return ok;
}

static __attribute__((unused)) int stress_main(const struct stress_cfg *cfg)
{
	const struct swap_impl *impls[] = { &vswap_impl, &classic_impl };
	struct stress_cfg c = *cfg;
	int i, failed = 0, n = 0;
	bool ok;

	model_thread_start("main", -1);
	for (i = 0; i < 2; i++) {
		if (strcmp(S.impl, "both") && strcmp(S.impl, impls[i]->name)) {
			/* Not asked for: run-tests.sh passes -i both. */
			printf("ok - %s (%s) # SKIP run with -i %s or -i both\n",
			       S.name, impls[i]->name, impls[i]->name);
			continue;
		}
		c.impl = impls[i];
		ok = stress_run(&c);
		failed += !ok;
		printf("%sok - %s (%s)\n", ok ? "" : "not ", S.name,
		       impls[i]->name);
		fflush(stdout);
		n++;
	}
	model_thread_end();
	return failed ? 1 : 0;
}

#endif /* _MODEL_STRESS_H */
