// SPDX-License-Identifier: GPL-2.0
/*
 * Scenario: the core alone, under RCU churn.  Writers swap pages in and
 * out of a shared table of slots; movers move slots between zswap, disk
 * and memory with vswap_move(); lock-free lookers call vswap_lookup() and
 * vswap_folio_get() on whatever they find, staying in one RCU read-side
 * section across many lookups and sometimes leaving it mid-walk to force
 * a grace period; a churner allocates and frees whole partitions so
 * partitions are freed by RCU under the lookers.  Checks: every load
 * returns the data stored; lookups only ever see valid backings; nothing
 * leaks.
 */
#include "stress.h"
#include "../kernel/mm/vswap.h"

#define NR_TABLE 2048

struct tslot {
	unsigned long val;	/* swp_entry_t.val; 0 = empty, taken by xchg */
	u64 cid;
};

static struct tslot table[NR_TABLE];
static struct mm cm;	/* only for page contents */
static long loads, moves, lookups;

#define TBUSY 1UL	/* a thread owns the table slot */

/* Own a table slot: returns its entry, 0 if empty, TBUSY if not ours. */
static unsigned long take(unsigned int *seed, unsigned int *idx)
{
	unsigned long v;

	*idx = rand_r(seed) % NR_TABLE;
	v = __atomic_exchange_n(&table[*idx].val, TBUSY, __ATOMIC_ACQUIRE);
	return v;
}

static void give(unsigned int idx, unsigned long val)
{
	__atomic_store_n(&table[idx].val, val, __ATOMIC_RELEASE);
}

static void *writer_fn(void *arg)
{
	struct vswap_backing none = { .type = VSWAP_NONE }, b;
	unsigned int seed = S.seed + (uintptr_t)arg, idx;
	struct folio *f;
	swp_entry_t e;
	unsigned long v;

	model_thread_start("writer", -1);
	while (!stress_stopped()) {
		v = take(&seed, &idx);
		if (v == TBUSY)
			continue;
		if (v) {
			/* Read it back as a fault would, then free it. */
			e.val = v;
			f = folio_alloc(GFP_KERNEL, 0);
			if (!vswap_cache_pin(e)) {
				if (vswap_lookup(e, &b) &&
				    !vswap_backing_load(&b, f) &&
				    !page_check(&cm, f, table[idx].cid))
					__atomic_add_fetch(&S.bad, 1,
							   __ATOMIC_RELAXED);
				vswap_cache_unpin(e, 1);
				__atomic_add_fetch(&loads, 1, __ATOMIC_RELAXED);
			} else {
				fprintf(stderr, "# pin of an owned slot failed\n");
				__atomic_add_fetch(&S.bad, 1, __ATOMIC_RELAXED);
			}
			folio_put(f);
			vswap_put(e, 1);
			give(idx, 0);
			continue;
		}
		f = folio_alloc(GFP_KERNEL, 0);
		table[idx].cid = mm_new_cid();
		page_fill(&cm, f, table[idx].cid);
		if (vswap_alloc(0, 0, &e)) {
			folio_put(f);
			give(idx, 0);
			continue;
		}
		if (!vswap_backing_store(e, f, VSWAP_ALLOW_ALL &
					 ~BIT(VSWAP_FOLIO), -1, &b)) {
			WARN_ON(vswap_backing_switch(e, &none, &b));
			WARN_ON(vswap_dup(e, 1));
			vswap_cache_unpin(e, 1);
			give(idx, e.val);
		} else {
			vswap_cache_unpin(e, 1);
			give(idx, 0);
		}
		folio_put(f);
	}
	model_thread_end();
	return NULL;
}

static void *mover_fn(void *arg)
{
	unsigned int seed = S.seed * 7 + (uintptr_t)arg, idx;
	static const unsigned int to[] = {
		BIT(VSWAP_PHYS), BIT(VSWAP_ZSWAP), BIT(VSWAP_FOLIO),
	};
	struct vswap_backing b;
	unsigned long v;
	swp_entry_t e;
	int err;

	model_thread_start("mover", -1);
	while (!stress_stopped()) {
		v = take(&seed, &idx);
		if (v == TBUSY)
			continue;
		if (!v) {
			give(idx, 0);
			continue;
		}
		e.val = v;
		if (vswap_lookup(e, &b)) {
			err = vswap_move(e, &b, to[rand_r(&seed) % 3], -1);
			if (err && err != -ENOSPC && err != -EEXIST) {
				fprintf(stderr, "# move: %d\n", err);
				__atomic_add_fetch(&S.bad, 1, __ATOMIC_RELAXED);
			}
			__atomic_add_fetch(&moves, 1, __ATOMIC_RELAXED);
		}
		give(idx, v);
	}
	model_thread_end();
	return NULL;
}

/* Lock-free lookups of entries it does not own. */
static void *looker_fn(void *arg)
{
	unsigned int seed = S.seed * 13 + (uintptr_t)arg, n = 0;
	struct vswap_backing b;
	struct folio *f;
	swp_entry_t e;

	model_thread_start("looker", -1);
	rcu_read_lock();
	while (!stress_stopped()) {
		e.val = __atomic_load_n(&table[rand_r(&seed) % NR_TABLE].val,
					__ATOMIC_RELAXED);
		if (e.val == TBUSY)
			e.val = 0;
		if (e.val && vswap_lookup(e, &b) &&
		    (b.type >= VSWAP_NR_TYPES ||
		     (b.type == VSWAP_PHYS && swp_type(b.phys) > 1)))
			__atomic_add_fetch(&S.bad, 1, __ATOMIC_RELAXED);
		if (e.val) {
			f = vswap_folio_get(e);
			if (f)
				folio_put(f);
		}
		__atomic_add_fetch(&lookups, 1, __ATOMIC_RELAXED);
		if (++n % 256 == 0) {
			/* Leave mid-walk and let a grace period pass. */
			rcu_read_unlock();
			if (n % 4096 == 0)
				synchronize_rcu();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	model_thread_end();
	return NULL;
}

static void *churner_fn(void *arg)
{
	swp_entry_t e;

	model_thread_start("churner", -1);
	while (!stress_stopped()) {
		if (!vswap_alloc(0, VSWAP_PARTITION_SHIFT, &e))
			vswap_cache_unpin(e, VSWAP_PARTITION_SLOTS);
		vswap_shrink();
	}
	model_thread_end();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[9];
	struct mdisk *d0, *d1;
	struct model_mem m;
	long entries = 0;
	unsigned int i;
	bool ok = true;

	stress_args(argc, argv, "stress_core_rcu");
	model_thread_start("main", -1);
	cm.zero_pct = 10;
	cm.compressible_pct = 50;
	mzswap_reset(1 << 20);
	d0 = mdisk_create(0, 1 << 14);
	d1 = mdisk_create(1, 1 << 14);
	vswap_init();
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, writer_fn, (void *)(uintptr_t)i);
	for (i = 3; i < 5; i++)
		pthread_create(&t[i], NULL, mover_fn, (void *)(uintptr_t)i);
	for (i = 5; i < 7; i++)
		pthread_create(&t[i], NULL, looker_fn, (void *)(uintptr_t)i);
	pthread_create(&t[7], NULL, churner_fn, NULL);
	pthread_create(&t[8], NULL, gp_fn, NULL);
	stress_sleep_ms(S.seconds * 1000L);
	__atomic_store_n(&S.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 9; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < NR_TABLE; i++)
		if (table[i].val > TBUSY)
			vswap_put((swp_entry_t){ table[i].val }, 1);
	for (i = 0; i < VSWAP_NR_TYPES; i++)
		entries += vswap_nr_entries(i);
	vswap_exit();
	rcu_barrier();
	model_mem_read(&m);
	printf("# %ld loads, %ld moves, %ld lock-free lookups\n", loads, moves,
	       lookups);
	if (S.bad || entries || m.objs || model_folios_live() ||
	    model_backend_objs() || model_warnings || !loads || !moves) {
		printf("#   bad %ld, entries %ld, objects %ld, folios %ld, "
		       "backend %ld, warnings %ld\n", S.bad, entries, m.objs,
		       model_folios_live(), model_backend_objs(),
		       model_warnings);
		ok = false;
	}
	mdisk_destroy(d0);
	mdisk_destroy(d1);
	printf("%sok - stress_core_rcu (vswap)\n", ok ? "" : "not ");
	model_thread_end();
	return !ok;
}
