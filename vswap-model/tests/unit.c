// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the vswap core: every descriptor state and transition, the
 * reverse map, partitions, backends and policy, and the error paths driven
 * by allocation and disk-write failures.
 *
 * The core is included here (after the shim, whose include guard replaces
 * kernel/mm/vswap_internal.h) so that static functions and private state
 * are testable.  Each test sets up and tears down its own instance and
 * checks that no object, folio or backend storage is left afterwards.
 */
#include "vswap_internal.h"
#include "../../kernel/mm/vswap.c"
#include "../backends.h"
#include "harness.h"
#include <pthread.h>
#include <time.h>

static struct mdisk *disk0, *disk1;

static bool instance_up(void)
{
	model_fail_off();
	model_warnings = 0;
	mzswap_reset(0);
	if (vswap_init())
		return false;
	/* As the kernel does: regions of ids per CPU are in force. */
	vswap_max_slot(VSWAP_MAX_PARTITIONS << VSWAP_PARTITION_SHIFT);
	disk0 = mdisk_create(0, 4096);
	disk1 = mdisk_create(1, 4096);
	return disk0 && disk1;
}

/* Tear down and check nothing leaked. */
static bool instance_down(void)
{
	struct model_mem m;
	long backend;

	model_fail_off();
	vswap_exit();
	rcu_barrier();
	backend = model_backend_objs();
	mdisk_destroy(disk0);
	mdisk_destroy(disk1);
	model_mem_read(&m);
	ASSERT_EQ(m.objs, 0);
	ASSERT_EQ(m.bytes, 0);
	ASSERT_EQ(model_folios_live(), 0);
	ASSERT_EQ(backend, 0);
	ASSERT_EQ(model_warnings, 0);
	return true;
}

static void fill(struct folio *f, int kind, unsigned int seed)
{
	unsigned int i;

	switch (kind) {
	case 0:		/* zero */
		memset(f->data, 0, PAGE_SIZE);
		break;
	case 1:		/* compressible */
		for (i = 0; i < PAGE_SIZE; i++)
			f->data[i] = "vswap"[(i + seed) % 5];
		break;
	default:	/* incompressible */
		for (i = 0; i < PAGE_SIZE; i++) {
			seed = seed * 1103515245 + 12345;
			f->data[i] = seed >> 16;
		}
	}
}

static struct folio *page_of(int kind, unsigned int seed)
{
	struct folio *f = folio_alloc(GFP_KERNEL, 0);

	if (f)
		fill(f, kind, seed);
	return f;
}

/*
 * Swap a page out the way reclaim does: allocate (pinned), store, switch
 * NONE -> backing, take one count, unpin.
 */
static bool swap_out(struct folio *f, unsigned short memcg, unsigned int allowed,
		     swp_entry_t *e, struct vswap_backing *b)
{
	struct vswap_backing none = { .type = VSWAP_NONE };

	ASSERT_EQ(vswap_alloc(memcg, 0, e), 0);
	ASSERT_EQ(vswap_backing_store(*e, f, allowed, -1, b), 0);
	ASSERT_EQ(vswap_backing_switch(*e, &none, b), 0);
	ASSERT_EQ(vswap_dup(*e, 1), 0);
	vswap_cache_unpin(*e, 1);
	return true;
}

/* Read a slot back as a fault does and compare with @want. */
static bool read_back(swp_entry_t e, struct folio *want)
{
	struct vswap_backing b;
	struct folio *f = folio_alloc(GFP_KERNEL, 0);
	bool same;

	ASSERT(f);
	ASSERT_EQ(vswap_cache_pin(e), 0);
	ASSERT(vswap_lookup(e, &b));
	ASSERT_EQ(vswap_backing_load(&b, f), 0);
	vswap_cache_unpin(e, 1);
	same = !memcmp(f->data, want->data, PAGE_SIZE);
	folio_put(f);
	ASSERT(same);
	return true;
}

static bool test_descriptor_size(void)
{
	ASSERT_EQ(VSWAP_DESC_BYTES, 14);
	ASSERT(sizeof(struct vswap_partition) <= 80);
	/* rcu, nr, type, idx: 32 bytes before the 512 entries. */
	ASSERT_EQ(sizeof(struct vswap_rmap_cluster), 2080);
	return true;
}

static bool test_word_encoding(void)
{
	struct vswap_backing in, out;
	struct folio *f;

	ASSERT(instance_up());
	f = page_of(0, 0);
	in.type = VSWAP_PHYS;
	in.phys = swp_entry(MAX_SWAPFILES - 2, (1UL << 50) - 1);
	ASSERT(vswap_word_decode(vswap_word_encode(&in), &out));
	ASSERT_EQ(out.type, VSWAP_PHYS);
	ASSERT_EQ(out.phys.val, in.phys.val);
	in.type = VSWAP_FOLIO;
	in.folio = f;
	ASSERT(vswap_word_decode(vswap_word_encode(&in), &out));
	ASSERT(out.type == VSWAP_FOLIO && out.folio == f);
	in.type = VSWAP_EXT;
	in.handle = (1UL << 61) - 1;
	ASSERT(vswap_word_decode(vswap_word_encode(&in), &out));
	ASSERT(out.type == VSWAP_EXT && out.handle == in.handle);
	in.type = VSWAP_ZERO;
	ASSERT(vswap_word_decode(vswap_word_encode(&in), &out));
	ASSERT_EQ(out.type, VSWAP_ZERO);
	ASSERT(!vswap_word_decode(VSWAP_WORD_FREE, &out));
	folio_put(f);
	return instance_down();
}

static bool test_alloc_pin_free(void)
{
	struct vswap_backing b;
	swp_entry_t e;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_alloc(5, 0, &e), 0);
	ASSERT_EQ(swp_type(e), VSWAP_SWP_TYPE);
	ASSERT(swp_offset(e) >= VSWAP_PARTITION_SLOTS);	/* slot 0 unused */
	ASSERT(vswap_lookup(e, &b));
	ASSERT_EQ(b.type, VSWAP_NONE);
	ASSERT(vswap_cache_pinned(e));
	ASSERT_EQ(vswap_count(e), 0);
	ASSERT_EQ(vswap_memcg_id(e), 5);
	ASSERT_EQ(vswap_nr_entries(VSWAP_NONE), 1);
	vswap_cache_unpin(e, 1);		/* count 0: freed */
	ASSERT(!vswap_lookup(e, &b));
	ASSERT_EQ(vswap_nr_entries(VSWAP_NONE), 0);
	ASSERT_EQ(vswap_cache_pin(e), -ENOENT);
	ASSERT_EQ(vswap_dup(e, 1), -ENOENT);
	return instance_down();
}

static bool test_count_and_pin(void)
{
	swp_entry_t e;
	int i;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_alloc(0, 0, &e), 0);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(vswap_dup(e, 1), 0);
	ASSERT_EQ(vswap_cache_pin(e), -EEXIST);	/* allocator's pin */
	vswap_cache_unpin(e, 1);
	ASSERT(!vswap_cache_pinned(e));
	ASSERT_EQ(vswap_count(e), 3);
	ASSERT_EQ(vswap_cache_pin(e), 0);		/* count > 0: allowed */
	ASSERT_EQ(vswap_cache_pin(e), -EEXIST);
	vswap_put(e, 1);
	vswap_put(e, 1);
	vswap_put(e, 1);
	ASSERT_EQ(vswap_count(e), 0);
	ASSERT(vswap_cache_pinned(e));		/* pin keeps it alive */
	vswap_cache_unpin(e, 1);
	ASSERT_EQ(vswap_dup(e, 1), -ENOENT);
	return instance_down();
}

static bool test_count_overflow(void)
{
	struct vswap_partition *p;
	swp_entry_t e;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_alloc(0, 0, &e), 0);
	p = vswap_partition_find(swp_offset(e));
	atomic_set(&p->ref[swp_offset(e) & VSWAP_PARTITION_MASK],
		   (int)(VSWAP_REF_PIN | (VSWAP_REF_COUNT - 1)));
	ASSERT_EQ(vswap_dup(e, 1), 0);
	ASSERT_EQ(vswap_dup(e, 1), -EOVERFLOW);
	ASSERT_EQ(vswap_count(e), VSWAP_REF_COUNT);
	atomic_set(&p->ref[swp_offset(e) & VSWAP_PARTITION_MASK],
		   (int)VSWAP_REF_PIN);
	vswap_cache_unpin(e, 1);
	return instance_down();
}

static bool test_put_underflow_warns(void)
{
	swp_entry_t e;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_alloc(0, 0, &e), 0);
	vswap_put(e, 1);			/* no count to drop */
	ASSERT_EQ(model_warnings, 1);
	ASSERT(vswap_cache_pinned(e));		/* and nothing changed */
	vswap_cache_unpin(e, 1);
	model_warnings = 0;
	return instance_down();
}

static bool test_zero_page(void)
{
	struct vswap_backing b;
	struct folio *f = NULL;
	struct mzswap_stats zs;
	swp_entry_t e;

	ASSERT(instance_up());
	f = page_of(0, 0);
	ASSERT(swap_out(f, 0, VSWAP_ALLOW_ALL, &e, &b));
	ASSERT_EQ(b.type, VSWAP_ZERO);
	mzswap_stats(&zs);
	ASSERT_EQ(zs.objs, 0);
	ASSERT_EQ(mdisk_used(disk0), 0);
	ASSERT(read_back(e, f));
	/* Zero pages need no backend even when the policy allows none. */
	vswap_put(e, 1);
	ASSERT(swap_out(f, 0, 0, &e, &b));
	ASSERT_EQ(b.type, VSWAP_ZERO);
	vswap_put(e, 1);
	folio_put(f);
	return instance_down();
}

static bool test_zswap_backing(void)
{
	struct vswap_backing b;
	struct mzswap_stats zs;
	struct folio *f;
	swp_entry_t e;

	ASSERT(instance_up());
	f = page_of(1, 3);
	ASSERT(swap_out(f, 0, VSWAP_ALLOW_ALL, &e, &b));
	ASSERT_EQ(b.type, VSWAP_ZSWAP);
	ASSERT_EQ(vswap_nr_entries(VSWAP_ZSWAP), 1);
	mzswap_stats(&zs);
	ASSERT_EQ(zs.objs, 1);
	ASSERT_EQ(mdisk_used(disk0), 0);	/* no disk slot pinned */
	ASSERT(read_back(e, f));
	vswap_put(e, 1);
	mzswap_stats(&zs);
	ASSERT_EQ(zs.objs, 0);
	ASSERT_EQ(vswap_nr_entries(VSWAP_ZSWAP), 0);
	folio_put(f);
	return instance_down();
}

static bool test_phys_backing_and_rmap(void)
{
	struct vswap_rmap_cluster *c;
	struct vswap_backing b, b2;
	struct folio *f, *f2;
	swp_entry_t e, e2, s;
	unsigned long pos;

	ASSERT(instance_up());
	f = page_of(2, 7);
	ASSERT(swap_out(f, 0, VSWAP_ALLOW_ALL, &e, &b));
	ASSERT_EQ(b.type, VSWAP_PHYS);		/* LZ4 declined it */
	ASSERT_EQ(swp_type(b.phys), 0);
	ASSERT_EQ(mdisk_used(disk0), 1);
	c = xa_load(&vswap_rmap[0], swp_offset(b.phys) >> VSWAP_RMAP_SHIFT);
	ASSERT(c);
	ASSERT_EQ(c->vslot[swp_offset(b.phys) & VSWAP_RMAP_MASK],
		  swp_offset(e));
	ASSERT_EQ(atomic_long_read(&vswap_nr_rmap_clusters), 1);
	/* A cluster with an entry is not released. */
	ASSERT_EQ(vswap_rmap_release(0), 1);
	ASSERT(xa_load(&vswap_rmap[0], swp_offset(b.phys) >> VSWAP_RMAP_SHIFT) ==
	       c);
	ASSERT(read_back(e, f));
	vswap_put(e, 1);
	/*
	 * Out of the reverse map at once, the empty cluster kept for the next
	 * device slot of its range; the device slot goes with the batch.
	 */
	ASSERT_EQ(c->vslot[swp_offset(b.phys) & VSWAP_RMAP_MASK], 0);
	ASSERT(xa_load(&vswap_rmap[0], swp_offset(b.phys) >> VSWAP_RMAP_SHIFT) ==
	       c);
	ASSERT_EQ(atomic_long_read(&vswap_nr_rmap_clusters), 1);
	/* Swapoff's walk skips it, and the next device slot reuses it. */
	pos = 0;
	ASSERT_EQ(vswap_rmap_next(0, &pos, &s, 1), 0);
	f2 = page_of(2, 8);
	ASSERT(swap_out(f2, 0, VSWAP_ALLOW_ALL, &e2, &b2));
	ASSERT_EQ(b2.type, VSWAP_PHYS);
	ASSERT_EQ(swp_offset(b2.phys) >> VSWAP_RMAP_SHIFT,
		  swp_offset(b.phys) >> VSWAP_RMAP_SHIFT);
	ASSERT(xa_load(&vswap_rmap[0], swp_offset(b2.phys) >> VSWAP_RMAP_SHIFT) ==
	       c);
	ASSERT_EQ(atomic_read(&c->nr), 2);
	ASSERT_EQ(atomic_long_read(&vswap_nr_rmap_clusters), 1);
	pos = 0;
	ASSERT_EQ(vswap_rmap_next(0, &pos, &s, 1), 1);
	ASSERT_EQ(s.val, e2.val);
	ASSERT(read_back(e2, f2));
	vswap_put(e2, 1);
	folio_put(f2);
	ASSERT_EQ(vswap_rmap_release(0), 0);
	ASSERT(xa_empty(&vswap_rmap[0]));
	ASSERT_EQ(atomic_long_read(&vswap_nr_rmap_clusters), 0);
	ASSERT_EQ(vswap_nr_entries(VSWAP_PHYS), 0);
	ASSERT_EQ(mdisk_used(disk0), 2);
	ASSERT_EQ(vswap_drain_frees(), 2);
	ASSERT_EQ(mdisk_used(disk0), 0);
	folio_put(f);
	return instance_down();
}

static bool test_folio_backing(void)
{
	struct vswap_backing none = { .type = VSWAP_NONE }, b;
	struct folio *f, *g;
	swp_entry_t e;

	ASSERT(instance_up());
	f = page_of(2, 1);
	ASSERT_EQ(vswap_alloc(0, 0, &e), 0);
	b.type = VSWAP_FOLIO;
	b.folio = f;
	folio_get(f);				/* the backing's reference */
	ASSERT_EQ(vswap_backing_switch(e, &none, &b), 0);
	ASSERT_EQ(vswap_dup(e, 1), 0);
	vswap_cache_unpin(e, 1);
	g = vswap_folio_get(e);
	ASSERT(g == f);
	ASSERT_EQ(atomic_read(&f->_refcount), 3);
	folio_put(g);
	ASSERT(read_back(e, f));
	vswap_put(e, 1);			/* frees the slot's reference */
	ASSERT_EQ(atomic_read(&f->_refcount), 1);
	ASSERT(vswap_folio_get(e) == NULL);
	folio_put(f);
	return instance_down();
}

static bool test_switch_checks_old(void)
{
	struct vswap_backing none = { .type = VSWAP_NONE };
	struct vswap_backing zero = { .type = VSWAP_ZERO };
	swp_entry_t e;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_alloc(0, 0, &e), 0);
	ASSERT_EQ(vswap_backing_switch(e, &zero, &none), -EAGAIN);
	ASSERT_EQ(vswap_backing_switch(e, &none, &zero), 0);
	ASSERT_EQ(vswap_backing_switch(e, &none, &zero), -EAGAIN);
	vswap_cache_unpin(e, 1);
	ASSERT_EQ(vswap_nr_entries(VSWAP_ZERO), 0);
	return instance_down();
}

static unsigned int policy_no_zswap_for_7(unsigned short memcg_id)
{
	return memcg_id == 7 ? VSWAP_ALLOW_ALL & ~BIT(VSWAP_ZSWAP) :
			       VSWAP_ALLOW_ALL;
}

static bool test_policy_forbids_zswap(void)
{
	struct vswap_backing b;
	struct folio *f;
	swp_entry_t e1, e2;

	ASSERT(instance_up());
	vswap_policy_set(policy_no_zswap_for_7);
	f = page_of(1, 9);
	ASSERT(swap_out(f, 7, VSWAP_ALLOW_ALL, &e1, &b));
	ASSERT_EQ(b.type, VSWAP_PHYS);		/* compressible, yet disk */
	ASSERT(swap_out(f, 8, VSWAP_ALLOW_ALL, &e2, &b));
	ASSERT_EQ(b.type, VSWAP_ZSWAP);
	ASSERT(read_back(e1, f));
	ASSERT(read_back(e2, f));
	vswap_put(e1, 1);
	vswap_put(e2, 1);
	vswap_policy_set(NULL);
	folio_put(f);
	return instance_down();
}

static unsigned int policy_far_only(unsigned short memcg_id)
{
	return BIT(VSWAP_EXT);
}

static bool test_external_backend(void)
{
	struct vswap_backing b, far;
	struct folio *f;
	swp_entry_t e;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_backend_register(&mfar_ops), 0);
	ASSERT_EQ(vswap_backend_register(&mfar_ops), -EBUSY);
	vswap_policy_set(policy_far_only);
	f = page_of(2, 11);
	ASSERT(swap_out(f, 3, VSWAP_ALLOW_ALL, &e, &b));
	ASSERT_EQ(b.type, VSWAP_EXT);
	ASSERT_EQ(mfar_objs(), 1);
	ASSERT(read_back(e, f));
	ASSERT_EQ(vswap_backend_unregister(&mfar_ops), -EBUSY);
	/* Move it to disk, then the backend can go. */
	vswap_policy_set(NULL);
	far = b;
	ASSERT_EQ(vswap_move(e, &far, BIT(VSWAP_PHYS), -1), 0);
	ASSERT(vswap_lookup(e, &b));
	ASSERT_EQ(b.type, VSWAP_PHYS);
	ASSERT_EQ(mfar_objs(), 0);
	ASSERT_EQ(vswap_backend_unregister(&mfar_ops), 0);
	ASSERT(read_back(e, f));
	vswap_put(e, 1);
	folio_put(f);
	return instance_down();
}

/*
 * An unregister that fails with -EBUSY must not leave a window in which a
 * load or release of the backend's live entries finds no ops: a thread
 * keeps trying to unregister while this one reads the entry back.
 */
static bool unregister_stop;
static long unregister_busy;

static void *unregister_loop(void *arg)
{
	model_thread_start("unregister", 1);
	while (!__atomic_load_n(&unregister_stop, __ATOMIC_RELAXED))
		if (vswap_backend_unregister(&mfar_ops) == -EBUSY)
			__atomic_add_fetch(&unregister_busy, 1, __ATOMIC_RELAXED);
	model_thread_end();
	return NULL;
}

static bool test_external_unregister_busy(void)
{
	struct vswap_backing b;
	struct folio *f;
	bool same = true;
	pthread_t t;
	swp_entry_t e;
	long reads = 0;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_backend_register(&mfar_ops), 0);
	vswap_policy_set(policy_far_only);
	f = page_of(4, 12);
	ASSERT(swap_out(f, 3, VSWAP_ALLOW_ALL, &e, &b));
	ASSERT_EQ(b.type, VSWAP_EXT);
	__atomic_store_n(&unregister_stop, false, __ATOMIC_RELAXED);
	__atomic_store_n(&unregister_busy, 0, __ATOMIC_RELAXED);
	ASSERT_EQ(pthread_create(&t, NULL, unregister_loop, NULL), 0);
	/* Read until 2000 unregisters have failed, each a window to hit. */
	while (same && reads < 10000000 &&
	       __atomic_load_n(&unregister_busy, __ATOMIC_RELAXED) < 2000) {
		same = read_back(e, f);
		reads++;
	}
	__atomic_store_n(&unregister_stop, true, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	ASSERT(same);
	ASSERT(unregister_busy >= 2000);
	/* Still registered: the entry goes with its backend's release. */
	vswap_put(e, 1);
	ASSERT_EQ(mfar_objs(), 0);
	vswap_policy_set(NULL);
	ASSERT_EQ(vswap_backend_unregister(&mfar_ops), 0);
	folio_put(f);
	return instance_down();
}

static bool test_move_zswap_to_phys(void)
{
	struct vswap_backing b, old;
	struct mzswap_stats zs;
	struct folio *f;
	swp_entry_t e;

	ASSERT(instance_up());
	f = page_of(1, 2);
	ASSERT(swap_out(f, 0, VSWAP_ALLOW_ALL, &e, &b));
	ASSERT_EQ(b.type, VSWAP_ZSWAP);
	old = b;
	/* Writeback: ZSWAP -> PHYS without touching the "page table". */
	ASSERT_EQ(vswap_move(e, &old, VSWAP_ALLOW_ALL & ~BIT(VSWAP_FOLIO), -1),
		  0);
	ASSERT(vswap_lookup(e, &b));
	ASSERT_EQ(b.type, VSWAP_PHYS);
	mzswap_stats(&zs);
	ASSERT_EQ(zs.objs, 0);
	ASSERT_EQ(vswap_count(e), 1);
	/* Moving from the old backing again is stale. */
	ASSERT_EQ(vswap_move(e, &old, VSWAP_ALLOW_ALL, -1), -ESTALE);
	/* A pinned slot is busy. */
	ASSERT_EQ(vswap_cache_pin(e), 0);
	ASSERT_EQ(vswap_move(e, &b, BIT(VSWAP_FOLIO), -1), -EEXIST);
	vswap_cache_unpin(e, 1);
	ASSERT(read_back(e, f));
	vswap_put(e, 1);
	folio_put(f);
	return instance_down();
}

#ifdef MODEL_TSAN
/* Under TSan each move costs milliseconds (README.md, ThreadSanitizer). */
#define NR_SWAPOFF 40
#define NR_SWAPOFF2 40
#else
#define NR_SWAPOFF 1500
#define NR_SWAPOFF2 600
#endif

static bool test_swapoff_to_memory(void)
{
	static swp_entry_t e[NR_SWAPOFF];
	struct vswap_backing b;
	struct folio *f[8];
	int i;

	ASSERT(instance_up());
	for (i = 0; i < 8; i++)
		f[i] = page_of(2, i);
	for (i = 0; i < NR_SWAPOFF; i++) {
		ASSERT(swap_out(f[i % 8], i % 3, BIT(VSWAP_PHYS), &e[i], &b));
		ASSERT_EQ(swp_type(b.phys), 0);
	}
	ASSERT_EQ(mdisk_used(disk0), NR_SWAPOFF);
	disk0->writeok = false;
	ASSERT_EQ(vswap_swapoff(0, BIT(VSWAP_FOLIO)), NR_SWAPOFF);
	ASSERT_EQ(mdisk_used(disk0), 0);
	ASSERT(xa_empty(&vswap_rmap[0]));
	ASSERT_EQ(vswap_nr_entries(VSWAP_FOLIO), NR_SWAPOFF);
	for (i = 0; i < NR_SWAPOFF; i++) {
		ASSERT(vswap_lookup(e[i], &b));
		ASSERT_EQ(b.type, VSWAP_FOLIO);
		ASSERT_EQ(vswap_memcg_id(e[i]), i % 3);
		ASSERT(read_back(e[i], f[i % 8]));
		vswap_put(e[i], 1);
	}
	for (i = 0; i < 8; i++)
		folio_put(f[i]);
	return instance_down();
}

static bool test_swapoff_to_other_device(void)
{
	static swp_entry_t e[NR_SWAPOFF2];
	struct vswap_backing b;
	struct folio *f;
	int i;

	ASSERT(instance_up());
	f = page_of(2, 99);
	for (i = 0; i < NR_SWAPOFF2; i++)
		ASSERT(swap_out(f, 0, BIT(VSWAP_PHYS), &e[i], &b));
	disk0->writeok = false;
	ASSERT_EQ(vswap_swapoff(0, BIT(VSWAP_PHYS)), NR_SWAPOFF2);
	ASSERT_EQ(mdisk_used(disk0), 0);
	ASSERT_EQ(mdisk_used(disk1), NR_SWAPOFF2);
	for (i = 0; i < NR_SWAPOFF2; i++) {
		ASSERT(vswap_lookup(e[i], &b));
		ASSERT_EQ(swp_type(b.phys), 1);
		ASSERT(read_back(e[i], f));
	}
	for (i = 0; i < NR_SWAPOFF2; i++)
		vswap_put(e[i], 1);
	vswap_drain_frees();
	ASSERT_EQ(mdisk_used(disk1), 0);
	folio_put(f);
	return instance_down();
}

static bool test_swapoff_no_room(void)
{
	struct vswap_backing b;
	struct folio *f;
	swp_entry_t e;

	ASSERT(instance_up());
	f = page_of(2, 5);
	ASSERT(swap_out(f, 0, BIT(VSWAP_PHYS), &e, &b));
	disk0->writeok = false;
	disk1->writeok = false;
	/* Nowhere to go: fails, and the data stays where it was. */
	ASSERT_EQ(vswap_swapoff(0, BIT(VSWAP_PHYS)), -ENOSPC);
	ASSERT_EQ(mdisk_used(disk0), 1);
	ASSERT(read_back(e, f));
	vswap_put(e, 1);
	folio_put(f);
	return instance_down();
}

/*
 * Swapoff waits for a device slot that a store has taken but not yet put in
 * the reverse map; a fatal signal must end the wait.
 */
static bool test_swapoff_fatal_signal(void)
{
	struct folio *f;
	swp_entry_t phys;

	ASSERT(instance_up());
	f = page_of(3, 7);
	ASSERT_EQ(vswap_phys_store(f, 0, -1, &phys), 0);
	model_self.fatal_signal = true;
	ASSERT_EQ(vswap_swapoff(swp_type(phys), VSWAP_ALLOW_ALL), -EINTR);
	model_self.fatal_signal = false;
	vswap_phys_release(phys);
	folio_put(f);
	return instance_down();
}

/*
 * The kernel's swap paths do their own I/O and record where the data went
 * with vswap_backing_set(): a device slot enters the reverse map, the old
 * backing is released, setting the same backing again changes nothing, and
 * vswap_rmap_next() lists the slot.  vswap_memcg_xchg() returns the old
 * owner.
 */
static bool test_backing_set(void)
{
	struct vswap_backing b = { .type = VSWAP_PHYS }, cur;
	swp_entry_t e, phys, got[4];
	unsigned long pos = 0;
	struct folio *f;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_alloc(7, 0, &e), 0);
	ASSERT_EQ(vswap_memcg_xchg(e, 9, 1), 7);
	ASSERT_EQ(vswap_memcg_id(e), 9);
	f = page_of(3, 7);
	ASSERT_EQ(vswap_phys_store(f, 0, -1, &phys), 0);
	b.phys = phys;
	ASSERT_EQ(vswap_backing_set(e, &b), 0);
	ASSERT_EQ(vswap_backing_set(e, &b), 0);
	ASSERT_EQ(vswap_phys_used(swp_type(phys)), 1);
	ASSERT_EQ(vswap_nr_entries(VSWAP_PHYS), 1);
	ASSERT_EQ(vswap_rmap_next(swp_type(phys), &pos, got, 4), 1);
	ASSERT_EQ(got[0].val, e.val);
	ASSERT_EQ(vswap_rmap_next(swp_type(phys), &pos, got, 4), 0);
	b.type = VSWAP_ZERO;
	ASSERT_EQ(vswap_backing_set(e, &b), 0);	/* frees the device slot */
	ASSERT_EQ(vswap_phys_used(swp_type(phys)), 0);
	ASSERT(vswap_lookup(e, &cur) && cur.type == VSWAP_ZERO);
	pos = 0;
	ASSERT_EQ(vswap_rmap_next(swp_type(phys), &pos, got, 4), 0);
	vswap_cache_unpin(e, 1);
	ASSERT_EQ(vswap_backing_set(e, &b), -ENOENT);
	ASSERT_EQ(vswap_nr_entries(VSWAP_ZERO), 0);
	folio_put(f);
	return instance_down();
}

/*
 * What vswap_account() hears: every backend transition, and the coming,
 * going and recharging of slots that have a memcg and a backing; nothing
 * for slots backed by nothing, which are not counted per memcg.
 */
static bool test_account_reports(void)
{
	struct vswap_backing zero = { .type = VSWAP_ZERO };
	swp_entry_t e;
	long calls;

	ASSERT(instance_up());
	model_account_reset();
	ASSERT_EQ(vswap_alloc(7, 0, &e), 0);
	ASSERT_EQ(vswap_memcg_xchg(e, 9, 1), 7);
	ASSERT_EQ(model_account_calls, 0);
	ASSERT_EQ(vswap_backing_set(e, &zero), 0);
	ASSERT_EQ(model_account_calls, 1);
	ASSERT_EQ(model_memcg_slots[9][VSWAP_ZERO], 1);
	ASSERT_EQ(vswap_memcg_xchg(e, 11, 1), 9);
	ASSERT_EQ(model_account_calls, 3);
	ASSERT_EQ(model_memcg_slots[9][VSWAP_ZERO], 0);
	ASSERT_EQ(model_memcg_slots[11][VSWAP_ZERO], 1);
	/* The free is reported when its batch is finished. */
	vswap_cache_unpin(e, 1);
	vswap_drain_frees();
	ASSERT_EQ(model_account_calls, 4);
	ASSERT_EQ(model_memcg_slots[11][VSWAP_ZERO], 0);

	/* Backed by nothing from allocation to free: not a word. */
	ASSERT_EQ(vswap_alloc(7, 0, &e), 0);
	ASSERT_EQ(vswap_memcg_xchg(e, 0, 1), 7);
	ASSERT_EQ(vswap_memcg_xchg(e, 9, 1), 0);
	vswap_cache_unpin(e, 1);
	vswap_drain_frees();
	ASSERT_EQ(model_account_calls, 4);

	/* No memcg: the backend transition alone. */
	calls = model_account_calls;
	ASSERT_EQ(vswap_alloc(0, 0, &e), 0);
	ASSERT_EQ(vswap_backing_set(e, &zero), 0);
	vswap_cache_unpin(e, 1);
	vswap_drain_frees();
	ASSERT_EQ(model_account_calls, calls + 1);
	return instance_down();
}

/*
 * vswap_backing_replace() switches from the backing its caller looked up;
 * when that is stale (the slot moved since), it switches from, and
 * releases, the backing the slot really has.
 */
static bool test_backing_replace(void)
{
	struct vswap_backing none = { .type = VSWAP_NONE };
	struct vswap_backing b = { .type = VSWAP_PHYS }, cur;
	swp_entry_t e, phys, phys2;
	struct folio *f;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_alloc(7, 0, &e), 0);
	f = page_of(3, 7);
	ASSERT_EQ(vswap_phys_store(f, 0, -1, &phys), 0);
	ASSERT_EQ(vswap_phys_store(f, 0, -1, &phys2), 0);
	b.phys = phys;
	ASSERT_EQ(vswap_backing_replace(e, &none, &b), 0);
	ASSERT(vswap_lookup(e, &cur) && cur.type == VSWAP_PHYS &&
	       cur.phys.val == phys.val);
	ASSERT_EQ(vswap_nr_entries(VSWAP_PHYS), 1);
	/* Stale: the slot is on @phys, not backed by nothing. */
	b.phys = phys2;
	ASSERT_EQ(vswap_backing_replace(e, &none, &b), 0);
	ASSERT(vswap_lookup(e, &cur) && cur.type == VSWAP_PHYS &&
	       cur.phys.val == phys2.val);
	ASSERT_EQ(vswap_phys_used(swp_type(phys)), 1);	/* phys2 only */
	ASSERT_EQ(vswap_nr_entries(VSWAP_PHYS), 1);
	vswap_cache_unpin(e, 1);
	vswap_drain_frees();
	ASSERT_EQ(vswap_phys_used(swp_type(phys)), 0);
	folio_put(f);
	return instance_down();
}

/*
 * The allocator skips the groups of slots that a scan found in use and
 * takes them up again once one of their slots is freed.
 */
static bool test_free_groups(void)
{
	static swp_entry_t e[VSWAP_PARTITION_SLOTS];
	unsigned long base;
	struct vswap_partition *p;
	swp_entry_t got, other;
	unsigned int i;

	ASSERT(instance_up());
	for (i = 0; i < VSWAP_PARTITION_SLOTS; i++)
		ASSERT_EQ(vswap_alloc(0, 0, &e[i]), 0);
	base = swp_offset(e[0]);
	ASSERT_EQ(base % VSWAP_PARTITION_SLOTS, 0);
	for (i = 0; i < VSWAP_PARTITION_SLOTS; i++)
		ASSERT_EQ(swp_offset(e[i]), base + i);
	p = vswap_partition_find(base);
	ASSERT(p && p->nr_used == VSWAP_PARTITION_SLOTS);
	ASSERT_EQ(p->free_groups, (u32)GENMASK(VSWAP_NR_GROUPS - 1, 0));

	/* One slot free in group 2 and one in group 18. */
	vswap_cache_unpin(e[37], 1);
	vswap_cache_unpin(e[300], 1);
	ASSERT_EQ(vswap_drain_frees(), 2);
	ASSERT_EQ(p->nr_used, VSWAP_PARTITION_SLOTS - 2);

	/* The scan from slot 0 finds groups 0 and 1 full and forgets them. */
	ASSERT_EQ(vswap_alloc(0, 0, &got), 0);
	ASSERT_EQ(swp_offset(got), base + 37);
	ASSERT_EQ(p->free_groups & 7, 4);
	/* Group 2 from slot 38 on is not all of it: its bit stays. */
	ASSERT_EQ(vswap_alloc(0, 0, &got), 0);
	ASSERT_EQ(swp_offset(got), base + 300);
	ASSERT_EQ(p->free_groups & GENMASK(18, 0), BIT(18) | BIT(2));

	/* Full: the next slot comes from another partition. */
	ASSERT_EQ(vswap_alloc(0, 0, &other), 0);
	ASSERT(swp_offset(other) / VSWAP_PARTITION_SLOTS !=
	       base / VSWAP_PARTITION_SLOTS);
	/* A free in a forgotten group makes it a candidate again. */
	vswap_cache_unpin(e[5], 1);
	ASSERT_EQ(vswap_drain_frees(), 1);
	ASSERT(p->free_groups & BIT(0));
	ASSERT_EQ(p->nr_used, VSWAP_PARTITION_SLOTS - 1);

	vswap_cache_unpin(other, 1);
	for (i = 0; i < VSWAP_PARTITION_SLOTS; i++)
		if (i != 5)
			vswap_cache_unpin(e[i], 1);
	vswap_drain_frees();
	ASSERT_EQ(vswap_nr_entries(VSWAP_NONE), 0);
	return instance_down();
}

static bool test_orders(void)
{
	swp_entry_t e, mid, big1, big2;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_alloc(0, 0, &e), 0);
	ASSERT_EQ(vswap_alloc(0, 3, &mid), 0);
	ASSERT_EQ(swp_offset(mid) % 8, 0);
	ASSERT_EQ(vswap_dup(mid, 8), 0);
	vswap_cache_unpin(mid, 8);
	ASSERT_EQ(vswap_count(mid), 1);
	vswap_put(mid, 8);			/* batched range free */
	ASSERT_EQ(vswap_nr_entries(VSWAP_NONE), 1);
	ASSERT_EQ(vswap_alloc(0, VSWAP_PARTITION_SHIFT + 1, &big1), -EINVAL);
	ASSERT_EQ(vswap_alloc(0, VSWAP_PARTITION_SHIFT, &big1), 0);
	ASSERT_EQ(swp_offset(big1) % VSWAP_PARTITION_SLOTS, 0);
	ASSERT_EQ(vswap_alloc(0, VSWAP_PARTITION_SHIFT, &big2), 0);
	ASSERT(swp_offset(big1) != swp_offset(big2));
	ASSERT_EQ(atomic_long_read(&vswap_nr_partitions), 3);
	/*
	 * A whole partition is freed once the last slots of its run leave
	 * this CPU's free batch.
	 */
	vswap_cache_unpin(big1, VSWAP_PARTITION_SLOTS);
	ASSERT_EQ(vswap_nr_entries(VSWAP_NONE), 1 + VSWAP_PARTITION_SLOTS);
	ASSERT_EQ(atomic_long_read(&vswap_nr_partitions), 3);
	vswap_drain_frees();
	ASSERT_EQ(atomic_long_read(&vswap_nr_partitions), 2);
	vswap_cache_unpin(big2, VSWAP_PARTITION_SLOTS);
	vswap_cache_unpin(e, 1);
	ASSERT_EQ(vswap_nr_entries(VSWAP_NONE), 0);
	return instance_down();
}

#define NR_LIFE 2000

static bool test_partition_lifecycle(void)
{
	static swp_entry_t e[NR_LIFE];
	struct model_mem m0, m1;
	int i;

	ASSERT(instance_up());
	model_mem_read(&m0);
	for (i = 0; i < NR_LIFE; i++)
		ASSERT_EQ(vswap_alloc(0, 0, &e[i]), 0);
	ASSERT_EQ(atomic_long_read(&vswap_nr_partitions),
		  (NR_LIFE + VSWAP_PARTITION_SLOTS - 1) /
		  VSWAP_PARTITION_SLOTS);
	/* Free every other slot: partitions stay, become partial. */
	for (i = 0; i < NR_LIFE; i += 2)
		vswap_cache_unpin(e[i], 1);
	vswap_drain_frees();
	ASSERT(vswap_nr_partial);
	/* New allocations reuse the holes instead of new partitions. */
	for (i = 0; i < NR_LIFE; i += 2)
		ASSERT_EQ(vswap_alloc(0, 0, &e[i]), 0);
	ASSERT_EQ(atomic_long_read(&vswap_nr_partitions),
		  (NR_LIFE + VSWAP_PARTITION_SLOTS - 1) /
		  VSWAP_PARTITION_SLOTS);
	for (i = 0; i < NR_LIFE; i++)
		vswap_cache_unpin(e[i], 1);
	/*
	 * Once the free batch is drained, only the CPU's current partition
	 * is left, and shrink frees it.
	 */
	vswap_drain_frees();
	ASSERT_EQ(atomic_long_read(&vswap_nr_partitions), 1);
	vswap_shrink();
	ASSERT_EQ(atomic_long_read(&vswap_nr_partitions), 0);
	ASSERT_EQ(vswap_metadata_bytes(), 0);
	rcu_barrier();
	model_mem_read(&m1);
	ASSERT(m1.bytes <= m0.bytes);
	return instance_down();
}

static unsigned long partition_of(swp_entry_t e)
{
	return vswap_slot(e) >> VSWAP_PARTITION_SHIFT;
}

/*
 * Each CPU takes new partitions from its own region of ids, and partially
 * used ones from its own region first.
 */
static bool test_partition_regions(void)
{
	static swp_entry_t a[VSWAP_PARTITION_SLOTS + 1];
	static swp_entry_t b[2 * VSWAP_PARTITION_SLOTS];
	int cpu = model_self.cpu, i;
	unsigned long span;
	swp_entry_t x;

	ASSERT(instance_up());
	span = vswap_region_span;
	ASSERT(span >= VSWAP_REGION_MIN);
	model_self.cpu = 3;
	for (i = 0; i < 2 * VSWAP_PARTITION_SLOTS; i++) {
		ASSERT_EQ(vswap_alloc(0, 0, &b[i]), 0);
		ASSERT_EQ(partition_of(b[i]) / span, 3);
	}
	model_self.cpu = 0;
	for (i = 0; i <= VSWAP_PARTITION_SLOTS; i++) {
		ASSERT_EQ(vswap_alloc(0, 0, &a[i]), 0);
		ASSERT_EQ(partition_of(a[i]) / span, 0);
	}
	/* CPU 0's first partition goes on the lists first, then CPU 3's. */
	vswap_cache_unpin(a[0], 1);
	vswap_cache_unpin(b[0], 1);
	vswap_drain_frees();
	ASSERT_EQ(vswap_nr_partial, 2);
	/* CPU 3 runs out and takes back its own, not the older one. */
	model_self.cpu = 3;
	ASSERT_EQ(vswap_alloc(0, 0, &x), 0);
	ASSERT_EQ(partition_of(x), partition_of(b[1]));
	ASSERT_EQ(vswap_nr_partial, 1);
	/* CPU 5 has nothing of its own and takes what is left. */
	model_self.cpu = 5;
	ASSERT_EQ(vswap_alloc(0, 0, &a[0]), 0);
	ASSERT_EQ(partition_of(a[0]), partition_of(a[1]));
	ASSERT_EQ(vswap_nr_partial, 0);
	model_self.cpu = cpu;
	vswap_cache_unpin(x, 1);
	for (i = 0; i <= VSWAP_PARTITION_SLOTS; i++)
		vswap_cache_unpin(a[i], 1);
	for (i = 1; i < 2 * VSWAP_PARTITION_SLOTS; i++)
		vswap_cache_unpin(b[i], 1);
	vswap_shrink();
	ASSERT_EQ(atomic_long_read(&vswap_nr_partitions), 0);
	return instance_down();
}

static bool test_virtual_space_exhausted(void)
{
	swp_entry_t e[2 * VSWAP_PARTITION_SLOTS + 1];
	int i;

	ASSERT(instance_up());
	vswap_partition_limit = 3;		/* ids 1 and 2 */
	for (i = 0; i < 2 * VSWAP_PARTITION_SLOTS; i++)
		ASSERT_EQ(vswap_alloc(0, 0, &e[i]), 0);
	ASSERT_EQ(vswap_alloc(0, 0, &e[i]), -ENOMEM);
	vswap_partition_limit = VSWAP_MAX_PARTITIONS;
	for (i = 0; i < 2 * VSWAP_PARTITION_SLOTS; i++)
		vswap_cache_unpin(e[i], 1);
	return instance_down();
}

/*
 * A freed slot waits in its CPU's batch: it reads as free at once, is not
 * handed out again until the batch is done, and any CPU can drain it.
 */
static bool test_free_batches(void)
{
	swp_entry_t e[2 * VSWAP_PARTITION_SLOTS + VSWAP_FREE_BATCH + 1];
	struct vswap_backing cur;
	int cpu = model_self.cpu, i;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_alloc(0, 0, &e[0]), 0);
	ASSERT_EQ(vswap_dup(e[0], 1), 0);
	vswap_cache_unpin(e[0], 1);
	model_self.cpu = 1;
	vswap_put(e[0], 1);
	model_self.cpu = cpu;
	ASSERT(!vswap_lookup(e[0], &cur));
	ASSERT_EQ(vswap_count(e[0]), 0);
	ASSERT_EQ(vswap_cache_pin(e[0]), -ENOENT);
	ASSERT_EQ(vswap_dup(e[0], 1), -ENOENT);
	ASSERT_EQ(vswap_nr_entries(VSWAP_NONE), 0);
	/* CPU 0 finishes what CPU 1 left waiting. */
	ASSERT_EQ(vswap_drain_frees(), 1);
	ASSERT_EQ(vswap_drain_frees(), 0);

	/* A full batch is finished by the next free. */
	for (i = 0; i <= VSWAP_FREE_BATCH; i++)
		ASSERT_EQ(vswap_alloc(0, 0, &e[i]), 0);
	for (i = 0; i <= VSWAP_FREE_BATCH; i++)
		vswap_cache_unpin(e[i], 1);
	ASSERT_EQ(vswap_drain_frees(), 1);
	vswap_shrink();
	ASSERT_EQ(atomic_long_read(&vswap_nr_partitions), 0);

	/* An exhausted space finds the slots waiting in the batches. */
	vswap_partition_limit = 3;		/* ids 1 and 2 */
	for (i = 0; i < 2 * VSWAP_PARTITION_SLOTS; i++)
		ASSERT_EQ(vswap_alloc(0, 0, &e[i]), 0);
	vswap_cache_unpin(e[0], 1);
	ASSERT_EQ(vswap_alloc(0, 0, &e[0]), 0);
	ASSERT_EQ(vswap_drain_frees(), 0);
	ASSERT_EQ(vswap_alloc(0, 0, &e[i]), -ENOMEM);
	vswap_partition_limit = VSWAP_MAX_PARTITIONS;
	for (i = 0; i < 2 * VSWAP_PARTITION_SLOTS; i++)
		vswap_cache_unpin(e[i], 1);
	return instance_down();
}

/* Fail each allocation in turn: the result is an error or success, never
 * a leak or a warning. */
static bool test_alloc_failures(void)
{
	struct vswap_backing none = { .type = VSWAP_NONE }, b;
	struct folio *f;
	swp_entry_t e;
	int n, err, seen_fail = 0;

	ASSERT(instance_up());
	f = page_of(2, 1);
	for (n = 0; n < 12; n++) {
		vswap_shrink();
		model_fail_nth(n);
		err = vswap_alloc(0, 0, &e);
		if (err) {
			ASSERT_EQ(err, -ENOMEM);
			seen_fail++;
			continue;
		}
		err = vswap_backing_store(e, f, BIT(VSWAP_PHYS), -1, &b);
		if (err) {
			ASSERT_EQ(err, -ENOMEM);	/* rmap cluster */
			ASSERT_EQ(mdisk_used(disk0), 0);
			seen_fail++;
		} else {
			ASSERT_EQ(vswap_backing_switch(e, &none, &b), 0);
		}
		vswap_cache_unpin(e, 1);
		/* A device slot that backed it goes with the free batch. */
		vswap_drain_frees();
		ASSERT_EQ(mdisk_used(disk0), 0);
	}
	model_fail_off();
	ASSERT(seen_fail >= 4);	/* header, 3 arrays, xa node, rmap... */
	folio_put(f);
	return instance_down();
}

static bool test_disk_write_failure(void)
{
	struct vswap_backing b;
	struct folio *f;
	swp_entry_t e;

	ASSERT(instance_up());
	f = page_of(2, 4);
	ASSERT_EQ(vswap_alloc(0, 0, &e), 0);
	disk0->fail_write_nth = 0;
	ASSERT_EQ(vswap_backing_store(e, f, BIT(VSWAP_PHYS), -1, &b), -EIO);
	ASSERT_EQ(mdisk_used(disk0), 0);
	ASSERT(xa_empty(&vswap_rmap[0]));
	ASSERT(vswap_lookup(e, &b));
	ASSERT_EQ(b.type, VSWAP_NONE);		/* nothing half-installed */
	vswap_cache_unpin(e, 1);
	folio_put(f);
	return instance_down();
}

static bool test_move_failure_keeps_data(void)
{
	struct vswap_backing b, old;
	struct folio *f;
	swp_entry_t e;

	ASSERT(instance_up());
	f = page_of(1, 8);
	ASSERT(swap_out(f, 0, VSWAP_ALLOW_ALL, &e, &b));
	old = b;
	disk0->fail_write_nth = 0;
	disk1->writeok = false;
	ASSERT_EQ(vswap_move(e, &old, BIT(VSWAP_PHYS), -1), -EIO);
	ASSERT(vswap_lookup(e, &b));
	ASSERT_EQ(b.type, VSWAP_ZSWAP);
	model_fail_nth(0);			/* the bounce folio */
	ASSERT_EQ(vswap_move(e, &old, BIT(VSWAP_PHYS), -1), -ENOMEM);
	ASSERT(!vswap_cache_pinned(e));
	ASSERT(read_back(e, f));
	vswap_put(e, 1);
	folio_put(f);
	return instance_down();
}

static bool test_pcpu_partitions(void)
{
	swp_entry_t a, b;
	int cpu = model_self.cpu;

	ASSERT(instance_up());
	ASSERT_EQ(vswap_alloc(0, 0, &a), 0);
	model_self.cpu = (cpu + 1) % MODEL_NR_CPUS;
	ASSERT_EQ(vswap_alloc(0, 0, &b), 0);
	/* Two CPUs, two partitions: no shared cache line on the fast path. */
	ASSERT(swp_offset(a) >> VSWAP_PARTITION_SHIFT !=
	       swp_offset(b) >> VSWAP_PARTITION_SHIFT);
	model_self.cpu = cpu;
	vswap_cache_unpin(a, 1);
	vswap_cache_unpin(b, 1);
	ASSERT_EQ(atomic_long_read(&vswap_nr_partitions), 2);
	return instance_down();
}

static const struct model_test tests[] = {
	TEST(test_descriptor_size),
	TEST(test_word_encoding),
	TEST(test_alloc_pin_free),
	TEST(test_count_and_pin),
	TEST(test_count_overflow),
	TEST(test_put_underflow_warns),
	TEST(test_zero_page),
	TEST(test_zswap_backing),
	TEST(test_phys_backing_and_rmap),
	TEST(test_folio_backing),
	TEST(test_switch_checks_old),
	TEST(test_policy_forbids_zswap),
	TEST(test_external_backend),
	TEST(test_external_unregister_busy),
	TEST(test_move_zswap_to_phys),
	TEST(test_swapoff_to_memory),
	TEST(test_swapoff_to_other_device),
	TEST(test_swapoff_no_room),
	TEST(test_swapoff_fatal_signal),
	TEST(test_orders),
	TEST(test_free_groups),
	TEST(test_backing_set),
	TEST(test_backing_replace),
	TEST(test_account_reports),
	TEST(test_partition_lifecycle),
	TEST(test_virtual_space_exhausted),
	TEST(test_partition_regions),
	TEST(test_free_batches),
	TEST(test_alloc_failures),
	TEST(test_disk_write_failure),
	TEST(test_move_failure_keeps_data),
	TEST(test_pcpu_partitions),
};

int main(void)
{
	unsigned int i, n = sizeof(tests) / sizeof(tests[0]), failed = 0;

	model_thread_start("unit", 0);
	printf("TAP version 13\n1..%u\n", n);
	for (i = 0; i < n; i++) {
		struct timespec t0, t1;
		bool ok;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		ok = tests[i].fn();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("# %s: %.3f s\n", tests[i].name,
		       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);

		if (!ok) {
			failed++;
			/* Leave a clean slate for the next test. */
			model_fail_off();
		}
		printf("%sok %u - unit: %s\n", ok ? "" : "not ", i + 1,
		       tests[i].name);
		fflush(stdout);
	}
	model_thread_end();
	return failed ? 1 : 0;
}
