// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: the core.
 *
 * A swapped-out page is named in its page table entry by a virtual slot, a
 * swp_entry_t of type VSWAP_SWP_TYPE.  This file owns the slots and their
 * descriptors: it hands slots out, counts the references to each (the swap
 * count plus the swap-cache pin), records where each slot's data lives (the
 * backend word), and moves data between backends without touching page
 * tables.  It knows nothing about page tables, LRUs or cgroup files: those
 * call in through include/linux/vswap.h.
 *
 * The same file is compiled by the kernel and by the userspace model in
 * vswap-model/, which supplies its own vswap_internal.h.  Everything
 * kernel-specific therefore comes from vswap_internal.h; nothing here is
 * conditional on where it is built.
 *
 * Descriptor layout
 * =================
 *
 * Slots are grouped in partitions of VSWAP_PARTITION_SLOTS (512).  A
 * partition keeps each descriptor field in its own array, so a descriptor is
 * 14 bytes with no padding:
 *
 *   unsigned long  backend[512]   4 KiB  where the data is (see mm/vswap.h)
 *   atomic_t       ref[512]       2 KiB  swap count | swap-cache pin
 *   unsigned short memcg[512]     1 KiB  owning memcg id
 *
 * plus an 80-byte header in a 128-byte, cache-line aligned object, i.e.
 * 14.25 bytes per slot in a full partition.
 * Partitions are allocated when the first slot is needed and freed when the
 * last slot in them is freed (except each CPU's current partition, which
 * vswap_shrink() releases).  A device slot additionally costs 4 bytes in
 * the reverse map (struct vswap_rmap_cluster), whose clusters stay when
 * they empty, until vswap_rmap_release() (swapoff, vswap_shrink()).
 *
 * Locking
 * =======
 *
 * vswap_partitions (xarray, its xa_lock)
 *	Maps partition id -> partition.  Written on partition creation and
 *	death only; read without locks under RCU.
 *
 * vswap_partition.lock (spinlock)
 *	Protects the partition's state, cpu, nr_used and allocation cursor,
 *	and every change of a backend word to or from VSWAP_WORD_FREE (that is,
 *	slot allocation and the final free).  It does NOT protect switches of
 *	a live slot's backing: those are a cmpxchg on the backend word,
 *	serialised by the swap-cache pin (below); nor the step of a dying
 *	slot to VSWAP_WORD_DYING, which only the task that dropped its last
 *	reference makes.
 *
 * vswap_partial_lock (spinlock)
 *	Protects the vswap_partial lists, the partitions with free slots
 *	that no CPU owns, one list per CPU whose region they are in, and
 *	vswap_nr_partial.
 *
 * vswap_free_batch.lock (spinlock, interrupts off)
 *	Protects one CPU's batch of dying slots.  Nothing else is taken
 *	under it: a batch is copied out and finished after it is dropped.
 *
 * vswap_rmap[type] (xarray, its xa_lock)
 *	Protects the insertion and removal of the reverse map's clusters of
 *	one swap device, and the step of a cluster's nr to zero.  Entries
 *	and other changes of nr need no lock (see "Reverse map" below).
 *
 * vswap_ext_mutex (mutex)
 *	Serialises registration of the external backend.
 *
 * The swap-cache pin (VSWAP_REF_PIN in a slot's ref) is not a lock but acts
 * as one for the slot's data: whoever sets it (vswap_alloc() hands it out
 * set, vswap_cache_pin() sets it) is the only one that may read the data of
 * a ZSWAP, PHYS or EXT backing, change the backing, or release the old one.
 * It is held for the duration of an I/O, never across a return to user
 * space.  A FOLIO backing may be read by anyone who gets a folio reference
 * through vswap_folio_get().
 *
 * Lock ordering:
 *
 *   vswap_ext_mutex
 *   swap-cache pin (may sleep while holding it)
 *     vswap_partition.lock
 *       vswap_partial_lock
 *       vswap_partitions.xa_lock
 *     vswap_rmap[type].xa_lock
 *
 * Backend hooks are called with no vswap lock held (the pin may be held),
 * so a backend may call back into vswap, except the release hooks, which
 * may run in atomic context and must not sleep.
 *
 * Per-CPU state: vswap_pcpu_partition points at a CPU's current partition.
 * It is only a hint: the authority is partition.state == VSWAP_P_CPU and
 * partition.cpu, changed under partition.lock together with a cmpxchg of the
 * per-CPU pointer, so a task that migrates in between does no harm.
 * vswap_pcpu_hints are the partitions a CPU looked up last, and
 * vswap_rmap_hint the reverse-map cluster: lookup hints, see
 * vswap_partition_find() and vswap_rmap_find().
 *
 * RCU: partitions and reverse-map clusters are freed with call_rcu().  A
 * reader inside rcu_read_lock() may dereference any partition it finds in
 * vswap_partitions and any cluster it finds in vswap_rmap[], and read their
 * words with READ_ONCE(); it sees either the old or the new backing of a
 * slot being switched, never a mix and never "nothing".  What the word
 * points to (a zswap object, a device slot) is stable only for the holder
 * of the pin; a folio is stable once vswap_folio_get() took a reference.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include "vswap_internal.h"
#include "vswap.h"

static DEFINE_XARRAY_ALLOC(vswap_partitions);
static DEFINE_SPINLOCK(vswap_partial_lock);
static DEFINE_PER_CPU(struct list_head, vswap_partial);
static unsigned long vswap_nr_partial;
static DEFINE_PER_CPU(struct vswap_partition *, vswap_pcpu_partition);
/*
 * The partitions each CPU found last, one per id modulo VSWAP_NR_HINTS: see
 * vswap_partition_find().
 */
#define VSWAP_NR_HINTS	16
struct vswap_hints {
	struct vswap_partition *p[VSWAP_NR_HINTS];
};

static DEFINE_PER_CPU(struct vswap_hints, vswap_pcpu_hints);
/* The reverse-map cluster each CPU found last: see vswap_rmap_find(). */
static DEFINE_PER_CPU(struct vswap_rmap_cluster *, vswap_rmap_hint);
static struct kmem_cache *vswap_partition_cache;
static struct kmem_cache *vswap_rmap_cache;
static struct xarray vswap_rmap[MAX_SWAPFILES];

/* Upper bound on partitions; lowered by tests to reach exhaustion. */
static unsigned long vswap_partition_limit = VSWAP_MAX_PARTITIONS;
/* Partition ids per CPU region, 0 for none (see VSWAP_REGION_MIN). */
static unsigned long vswap_region_span;

static DEFINE_MUTEX(vswap_ext_mutex);
/*
 * The external backend has two pointers.  vswap_ext_store_ops is what a
 * new store reads: unregister clears it first, to stop new stores.
 * vswap_ext_ops serves loads and releases of the handles the backend
 * holds: it is cleared only once there are none, so a load or release never
 * finds it NULL, even while an unregister that will fail with -EBUSY runs.
 */
static const struct vswap_backend_ops *vswap_ext_store_ops;
static const struct vswap_backend_ops *vswap_ext_ops;
/* Handles the external backend holds, including stores in flight. */
static atomic_long_t vswap_ext_nr;

static unsigned int (*vswap_policy)(unsigned short memcg_id);

/*
 * Entries per backing type.  Per CPU, so that allocation and free on two
 * CPUs share no cache line; atomic, because a task may migrate between
 * reading the pointer and adding.  Summed by vswap_nr_entries().
 */
struct vswap_stat {
	atomic_long_t nr[VSWAP_NR_TYPES];
};

static DEFINE_PER_CPU(struct vswap_stat, vswap_stat);

/* Slots a CPU freed whose bookkeeping waits: see vswap_free_defer(). */
#define VSWAP_FREE_BATCH	32

/**
 * struct vswap_free_batch - dying slots waiting to become free
 * @lock: protects the other fields; taken by the owning CPU and by drains
 * @nr: entries in use
 * @nr_phys: device slots in @phys
 * @entry: per slot, its number in bits 32-63 (so that entries sort by
 *	slot), its memcg id in bits 16-31 and the type of the backing it had
 *	in bits 0-2, all as they were when its last reference went
 * @phys: the device slots that backed the %VSWAP_PHYS ones among them,
 *	released together with the batch (vswap_phys_release_many())
 */
struct vswap_free_batch {
	spinlock_t lock;	/* see the kernel-doc above */
	unsigned int nr;
	unsigned int nr_phys;
	u64 entry[VSWAP_FREE_BATCH];
	swp_entry_t phys[VSWAP_FREE_BATCH];
};

static DEFINE_PER_CPU(struct vswap_free_batch, vswap_free_batch);

static inline u64 vswap_batch_entry(unsigned long slot, unsigned short memcg,
				    unsigned int type)
{
	return (u64)slot << 32 | (u64)memcg << 16 | type;
}

static inline unsigned long vswap_batch_slot(u64 entry)
{
	return entry >> 32;
}

static inline unsigned short vswap_batch_memcg(u64 entry)
{
	return (entry >> 16) & 0xffff;
}

static inline unsigned int vswap_batch_type(u64 entry)
{
	return entry & VSWAP_TAG_MASK;
}

static atomic_long_t vswap_nr_partitions;
static atomic_long_t vswap_nr_rmap_clusters;

/*
 * Whether vswap_account() is told of slots of @memcg_id going from @from
 * to @to: always of a backend transition; of slots allocated, freed or
 * recharged only when they have a memcg and a backing (its contract).
 */
static inline bool vswap_account_news(unsigned short memcg_id,
				      enum vswap_type from,
				      enum vswap_type to)
{
	if (from < VSWAP_NR_TYPES && to < VSWAP_NR_TYPES)
		return true;
	return memcg_id && from != VSWAP_NONE && to != VSWAP_NONE;
}

/*
 * @n slots of @memcg_id go from backing @from to @to; either may be
 * VSWAP_NR_TYPES: allocated, or freed (see vswap_account()).
 */
static inline void vswap_stat_move(unsigned short memcg_id,
				   enum vswap_type from, enum vswap_type to,
				   long n)
{
	struct vswap_stat *st = raw_cpu_ptr(&vswap_stat);

	if (from < VSWAP_NR_TYPES)
		atomic_long_sub(n, &st->nr[from]);
	if (to < VSWAP_NR_TYPES)
		atomic_long_add(n, &st->nr[to]);
	if (vswap_account_news(memcg_id, from, to))
		vswap_account(memcg_id, from, to, n);
}

/* Reverse-map entries handled per RCU section in vswap_swapoff(). */
#define VSWAP_MOVE_BATCH	32

static inline unsigned long vswap_slot(swp_entry_t entry)
{
	return swp_offset(entry);
}

static inline swp_entry_t vswap_entry(unsigned long slot)
{
	return swp_entry(VSWAP_SWP_TYPE, slot);
}

/* Backend word encoding; see mm/vswap.h. */

static inline unsigned long vswap_word_encode(const struct vswap_backing *b)
{
	unsigned long tag = (unsigned long)b->type + 1;
	unsigned long payload = 0;

	switch (b->type) {
	case VSWAP_NONE:
	case VSWAP_ZERO:
		break;
	case VSWAP_ZSWAP:
		payload = (unsigned long)b->zswap;
		VM_WARN_ON_ONCE(payload & VSWAP_TAG_MASK);
		break;
	case VSWAP_FOLIO:
		payload = (unsigned long)b->folio;
		VM_WARN_ON_ONCE(payload & VSWAP_TAG_MASK);
		break;
	case VSWAP_PHYS:
		payload = ((unsigned long)swp_type(b->phys) <<
			   VSWAP_PHYS_TYPE_SHIFT) |
			  (swp_offset(b->phys) << VSWAP_PHYS_OFF_SHIFT);
		break;
	case VSWAP_EXT:
		VM_WARN_ON_ONCE(b->handle >> (BITS_PER_LONG - VSWAP_TAG_BITS));
		payload = b->handle << VSWAP_TAG_BITS;
		break;
	default:
		VM_WARN_ON_ONCE(1);
		return VSWAP_WORD_NONE;
	}
	return payload | tag;
}

/* Returns false for a free slot. */
static inline bool vswap_word_decode(unsigned long word,
				     struct vswap_backing *b)
{
	unsigned long payload = word & ~VSWAP_TAG_MASK;

	if (word == VSWAP_WORD_FREE || word == VSWAP_WORD_DYING)
		return false;
	b->type = (enum vswap_type)((word & VSWAP_TAG_MASK) - 1);
	switch (b->type) {
	case VSWAP_NONE:
	case VSWAP_ZERO:
		b->handle = 0;
		break;
	case VSWAP_ZSWAP:
		b->zswap = (void *)payload;
		break;
	case VSWAP_FOLIO:
		b->folio = (struct folio *)payload;
		break;
	case VSWAP_PHYS:
		b->phys = swp_entry((word >> VSWAP_PHYS_TYPE_SHIFT) &
				    ((1UL << (VSWAP_PHYS_OFF_SHIFT -
					      VSWAP_PHYS_TYPE_SHIFT)) - 1),
				    word >> VSWAP_PHYS_OFF_SHIFT);
		break;
	case VSWAP_EXT:
		b->handle = word >> VSWAP_TAG_BITS;
		break;
	default:
		VM_WARN_ON_ONCE(1);
		return false;
	}
	return true;
}

static inline unsigned int vswap_word_type(unsigned long word)
{
	return (word & VSWAP_TAG_MASK) - 1;
}

/* Partitions */

/* The hint of partition @id among a CPU's hints @h. */
static inline struct vswap_partition **vswap_hint(struct vswap_hints *h,
						  unsigned long id)
{
	return &h->p[id % VSWAP_NR_HINTS];
}

/*
 * Find the partition of @slot.  The caller is in an RCU read-side critical
 * section, which also keeps the hints below from being freed under it.
 *
 * A page's slot is looked up several times while it is swapped out, in or
 * freed, and the pages a CPU works on at a time live in a few partitions:
 * the one it allocates from, and older ones it frees from.  So each CPU
 * remembers the partition it found last for each id modulo VSWAP_NR_HINTS
 * (a CPU's partitions have consecutive ids, from its region) and tries it
 * before walking the xarray.  A hint may name a dead partition, never a
 * freed one: whoever stores a hint checks for death after the store, and
 * __vswap_partition_kill() clears the partition's hint on every CPU after
 * marking it dead, with a full barrier on both sides, so one of the two
 * removes it before call_rcu().  A dead partition is never returned from a
 * hint, as its id may already belong to a new partition.
 */
static inline struct vswap_partition *vswap_partition_find(unsigned long slot)
{
	unsigned long id = slot >> VSWAP_PARTITION_SHIFT;
	struct vswap_partition **last = vswap_hint(raw_cpu_ptr(&vswap_pcpu_hints),
						   id);
	struct vswap_partition *p = READ_ONCE(*last);

	if (likely(p && p->id == id && !READ_ONCE(p->dead)))
		return p;
	p = xa_load(&vswap_partitions, id);
	if (p) {
		/*
		 * Release: whoever reads the hint next dereferences it.  On
		 * one CPU that is ordered anyway; the model runs several
		 * threads under one CPU number, and TSan needs the edge.
		 */
		smp_store_release(last, p);
		/* Store the hint, then check: pairs with the kill's barrier. */
		smp_mb();
		if (READ_ONCE(p->dead))
			cmpxchg(last, p, NULL);
	}
	return p;
}

static void vswap_partition_free(struct vswap_partition *p)
{
	kfree(p->backend);
	kfree(p->ref);
	kfree(p->memcg);
	kmem_cache_free(vswap_partition_cache, p);
}

static void vswap_partition_free_rcu(struct rcu_head *rcu)
{
	vswap_partition_free(container_of(rcu, struct vswap_partition, rcu));
}

/*
 * Allocate an id for @p, from @cpu's region if it has one with a free id,
 * otherwise from the whole space.
 */
static int vswap_partition_id_alloc(struct vswap_partition *p, int cpu)
{
	unsigned long limit = READ_ONCE(vswap_partition_limit);
	unsigned long span = READ_ONCE(vswap_region_span);
	unsigned long lo = max(cpu * span, 1UL);
	unsigned long hi = min((cpu + 1) * span, limit);
	int err;

	if (span && lo < hi) {
		err = xa_alloc(&vswap_partitions, &p->id, p,
			       XA_LIMIT(lo, hi - 1), GFP_KERNEL);
		if (err != -EBUSY)
			return err;
	}
	return xa_alloc(&vswap_partitions, &p->id, p, XA_LIMIT(1, limit - 1),
			GFP_KERNEL);
}

/* The CPU whose region partition @id is in. */
static int vswap_partition_home(u32 id)
{
	unsigned long span = READ_ONCE(vswap_region_span);
	unsigned long cpu = span ? id / span : 0;

	return cpu < nr_cpu_ids && cpu_possible(cpu) ? cpu : 0;
}

/* The partially used partitions in @cpu's region. */
static inline struct list_head *vswap_partial_of(int cpu)
{
	return per_cpu_ptr(&vswap_partial, cpu);
}

static struct vswap_partition *vswap_partition_new(int cpu)
{
	struct vswap_partition *p;
	int err;

	might_sleep();
	p = kmem_cache_zalloc(vswap_partition_cache, GFP_KERNEL);
	if (!p)
		return NULL;
	p->backend = kcalloc(VSWAP_PARTITION_SLOTS, sizeof(*p->backend),
			     GFP_KERNEL);
	p->ref = kcalloc(VSWAP_PARTITION_SLOTS, sizeof(*p->ref), GFP_KERNEL);
	p->memcg = kcalloc(VSWAP_PARTITION_SLOTS, sizeof(*p->memcg),
			   GFP_KERNEL);
	if (!p->backend || !p->ref || !p->memcg)
		goto fail;
	spin_lock_init(&p->lock);
	INIT_LIST_HEAD(&p->list);
	p->state = VSWAP_P_NEW;
	p->cpu = -1;
	p->free_groups = (u32)GENMASK(VSWAP_NR_GROUPS - 1, 0);
	/*
	 * xa_alloc() publishes @p with release semantics: a lookup that finds
	 * it sees the zeroed (free) arrays.
	 */
	err = vswap_partition_id_alloc(p, cpu);
	if (err)
		goto fail;
	atomic_long_inc(&vswap_nr_partitions);
	return p;
fail:
	vswap_partition_free(p);
	return NULL;
}

/*
 * Free an empty partition: remove it from the tree so no new lookup finds
 * it, and free it once current readers are done.
 */
static void __vswap_partition_kill(struct vswap_partition *p)
{
	int cpu;

	lockdep_assert_held(&p->lock);
	VM_WARN_ON_ONCE(p->nr_used);
	VM_WARN_ON_ONCE(p->state == VSWAP_P_PARTIAL || p->state == VSWAP_P_CPU);
	p->state = VSWAP_P_DEAD;
	WRITE_ONCE(p->dead, true);
	xa_erase(&vswap_partitions, p->id);
	/* Pairs with smp_mb() in vswap_partition_find(). */
	smp_mb();
	for_each_possible_cpu(cpu)
		cmpxchg(vswap_hint(per_cpu_ptr(&vswap_pcpu_hints, cpu), p->id),
			p, NULL);
	atomic_long_dec(&vswap_nr_partitions);
	call_rcu(&p->rcu, vswap_partition_free_rcu);
}

/* Called with p->lock held when @p stops being a CPU's partition. */
static void __vswap_partition_release(struct vswap_partition *p)
{
	lockdep_assert_held(&p->lock);
	if (!p->nr_used) {
		p->state = VSWAP_P_FULL;
		__vswap_partition_kill(p);
	} else if (p->nr_used < VSWAP_PARTITION_SLOTS) {
		p->state = VSWAP_P_PARTIAL;
		spin_lock(&vswap_partial_lock);
		list_add_tail(&p->list, vswap_partial_of(vswap_partition_home(p->id)));
		vswap_nr_partial++;
		spin_unlock(&vswap_partial_lock);
	} else {
		p->state = VSWAP_P_FULL;
	}
}

/*
 * Stop @p being its CPU's current partition.  The per-CPU pointer is
 * cleared first, with p->lock held, so nobody can find @p there once it may
 * be freed.
 */
static void __vswap_pcpu_disown(struct vswap_partition *p)
{
	lockdep_assert_held(&p->lock);
	VM_WARN_ON_ONCE(p->state != VSWAP_P_CPU);
	cmpxchg(per_cpu_ptr(&vswap_pcpu_partition, p->cpu), p, NULL);
	p->cpu = -1;
	__vswap_partition_release(p);
}

/* Make @p the current partition of @cpu; false if @cpu already has one. */
static bool __vswap_pcpu_install(struct vswap_partition *p, int cpu)
{
	lockdep_assert_held(&p->lock);
	/*
	 * Pairs with the READ_ONCE() in vswap_alloc(); p->lock, held by both
	 * sides, orders the state change.
	 */
	if (cmpxchg(per_cpu_ptr(&vswap_pcpu_partition, cpu), NULL, p))
		return false;
	p->state = VSWAP_P_CPU;
	p->cpu = cpu;
	return true;
}

static void __vswap_slot_init(struct vswap_partition *p, unsigned int i,
			      unsigned short memcg_id)
{
	p->memcg[i] = memcg_id;
	atomic_set(&p->ref[i], VSWAP_REF_PIN);
	/* Pairs with READ_ONCE() in lookups; the slot stops being free. */
	WRITE_ONCE(p->backend[i], VSWAP_WORD_NONE);
}

/*
 * A free slot of @p for a single-slot allocation, from @start on, or -1.
 * Skips the groups that @p->free_groups says are in use, and clears the
 * bit of each group it finds all in use; the next free of one of its
 * slots sets it again.  The group of @start is scanned from @start first
 * and, when the scan comes round to it again, whole.
 */
static int __vswap_partition_find_free(struct vswap_partition *p,
				       unsigned int start)
{
	unsigned int n, g, i, first, end;

	for (n = 0; n <= VSWAP_NR_GROUPS; n++) {
		g = ((start >> VSWAP_GROUP_SHIFT) + n) % VSWAP_NR_GROUPS;
		if (!(p->free_groups & BIT(g)))
			continue;
		first = n ? g << VSWAP_GROUP_SHIFT : start;
		end = (g + 1) << VSWAP_GROUP_SHIFT;
		/* Live words change by cmpxchg without the lock. */
		for (i = first; i < end; i++)
			if (READ_ONCE(p->backend[i]) == VSWAP_WORD_FREE)
				return i;
		if (first == g << VSWAP_GROUP_SHIFT)
			p->free_groups &= ~BIT(g);
	}
	return -1;
}

/*
 * Take @nr naturally aligned free slots from @p.  Returns the index of the
 * first, or -ENOSPC.  The scan goes on from where the last one stopped.
 */
static inline int __vswap_partition_take(struct vswap_partition *p,
					 unsigned int nr,
					 unsigned short memcg_id)
{
	unsigned int j, start, n;
	int i;

	lockdep_assert_held(&p->lock);
	if (p->nr_used + nr > VSWAP_PARTITION_SLOTS)
		return -ENOSPC;
	start = ALIGN(p->next, nr) & VSWAP_PARTITION_MASK;
	if (nr == 1) {
		i = __vswap_partition_find_free(p, start);
		if (i < 0)
			return -ENOSPC;
		goto take;
	}
	for (n = 0; n < VSWAP_PARTITION_SLOTS; n += nr) {
		i = (start + n) & VSWAP_PARTITION_MASK;
		/* Live words change by cmpxchg without the lock. */
		for (j = 0; j < nr; j++)
			if (READ_ONCE(p->backend[i + j]) != VSWAP_WORD_FREE)
				break;
		if (j == nr)
			goto take;
	}
	return -ENOSPC;
take:
	for (j = 0; j < nr; j++)
		__vswap_slot_init(p, i + j, memcg_id);
	p->nr_used += nr;
	p->next = (i + nr) & VSWAP_PARTITION_MASK;
	return i;
}

/*
 * Take a partially used partition and make it @cpu's: one in @cpu's own
 * region if there is one, else any.  Returns false if there is none.
 */
static bool vswap_pcpu_refill_partial(int cpu)
{
	struct vswap_partition *p;
	bool installed = false;
	int other;

	rcu_read_lock();
	spin_lock(&vswap_partial_lock);
	p = list_first_entry_or_null(vswap_partial_of(cpu),
				     struct vswap_partition, list);
	if (!p && vswap_nr_partial) {
		for_each_possible_cpu(other) {
			p = list_first_entry_or_null(vswap_partial_of(other),
						     struct vswap_partition,
						     list);
			if (p)
				break;
		}
	}
	spin_unlock(&vswap_partial_lock);
	if (!p) {
		rcu_read_unlock();
		return false;
	}
	/*
	 * RCU keeps @p's memory valid while we switch from the list lock to
	 * the partition lock, which nests outside it; recheck the state.
	 */
	spin_lock(&p->lock);
	if (p->state == VSWAP_P_PARTIAL) {
		spin_lock(&vswap_partial_lock);
		list_del_init(&p->list);
		vswap_nr_partial--;
		spin_unlock(&vswap_partial_lock);
		p->state = VSWAP_P_FULL;
		installed = __vswap_pcpu_install(p, cpu);
		if (!installed)
			__vswap_partition_release(p);
	}
	spin_unlock(&p->lock);
	rcu_read_unlock();
	/* Installed by us or by a racing task on this CPU: either will do. */
	return true;
}

/* Give @cpu a fresh partition. */
static int vswap_pcpu_refill_new(int cpu)
{
	struct vswap_partition *p = vswap_partition_new(cpu);

	if (!p)
		return -ENOMEM;
	spin_lock(&p->lock);
	if (!__vswap_pcpu_install(p, cpu)) {
		p->state = VSWAP_P_FULL;
		__vswap_partition_kill(p);
	}
	spin_unlock(&p->lock);
	return 0;
}

/* A whole partition, for a PMD-sized folio. */
static int vswap_alloc_partition(unsigned short memcg_id, swp_entry_t *entry)
{
	struct vswap_partition *p = vswap_partition_new(raw_smp_processor_id());
	int i;

	if (!p)
		return -ENOMEM;
	spin_lock(&p->lock);
	i = __vswap_partition_take(p, VSWAP_PARTITION_SLOTS, memcg_id);
	VM_WARN_ON_ONCE(i != 0);
	p->state = VSWAP_P_FULL;
	spin_unlock(&p->lock);
	vswap_stat_move(memcg_id, VSWAP_NR_TYPES, VSWAP_NONE,
			VSWAP_PARTITION_SLOTS);
	*entry = vswap_entry((unsigned long)p->id << VSWAP_PARTITION_SHIFT);
	return 0;
}

/**
 * vswap_alloc - allocate naturally aligned virtual slots
 * @memcg_id: the memcg the slots are charged to
 * @order: allocate 1 << @order slots, at most one partition
 * @entry: the first slot, on success
 *
 * Each slot starts with a swap count of zero, the swap-cache pin held by the
 * caller and no backing (%VSWAP_NONE).  The caller stores data, switches the
 * backing, takes references for the page table entries with vswap_dup() and
 * finally drops the pin with vswap_cache_unpin().
 *
 * Context: process context, may sleep (allocates a partition when needed).
 * Return: 0, -EINVAL for a too large @order, -ENOMEM when no partition can
 * be allocated or the virtual space is exhausted.
 */
int vswap_alloc(unsigned short memcg_id, unsigned int order,
		swp_entry_t *entry)
{
	unsigned int nr = 1U << order;
	struct vswap_partition *p;
	bool drained = false;
	unsigned long slot;
	int cpu, i, err;

	if (order > VSWAP_PARTITION_SHIFT)
		return -EINVAL;
	might_sleep();
	if (order == VSWAP_PARTITION_SHIFT) {
		err = vswap_alloc_partition(memcg_id, entry);
		if (err && vswap_drain_frees())
			err = vswap_alloc_partition(memcg_id, entry);
		return err;
	}

	for (;;) {
		/* Migration after this is harmless: see Locking. */
		cpu = raw_smp_processor_id();
		rcu_read_lock();
		p = READ_ONCE(*per_cpu_ptr(&vswap_pcpu_partition, cpu));
		if (p) {
			spin_lock(&p->lock);
			if (p->state == VSWAP_P_CPU && p->cpu == cpu) {
				i = __vswap_partition_take(p, nr, memcg_id);
				if (i >= 0) {
					slot = ((unsigned long)p->id <<
						VSWAP_PARTITION_SHIFT) + i;
					spin_unlock(&p->lock);
					rcu_read_unlock();
					vswap_stat_move(memcg_id,
							VSWAP_NR_TYPES,
							VSWAP_NONE, nr);
					*entry = vswap_entry(slot);
					return 0;
				}
				__vswap_pcpu_disown(p);
			}
			spin_unlock(&p->lock);
		}
		rcu_read_unlock();

		/*
		 * A partial partition always has a free slot for order 0;
		 * larger orders take a fresh one, so that this loop ends.
		 */
		if (order == 0 && vswap_pcpu_refill_partial(cpu))
			continue;
		err = vswap_pcpu_refill_new(cpu);
		if (!err)
			continue;
		/* Slots waiting in the CPUs' free batches may do. */
		if (drained || !vswap_drain_frees())
			return err;
		drained = true;
	}
}

/*
 * Reference field helpers.  The field is never changed from zero except by
 * the allocator under the partition lock, so a cmpxchg that starts from a
 * non-zero value cannot revive a freed slot.
 */
static int vswap_ref_add(atomic_t *ref, unsigned int nr)
{
	int old = atomic_read(ref);

	do {
		if (!old)
			return -ENOENT;
		if (((unsigned int)old & VSWAP_REF_COUNT) + nr >
		    VSWAP_REF_COUNT)
			return -EOVERFLOW;
	} while (!atomic_try_cmpxchg(ref, &old, old + nr));
	return 0;
}

/*
 * Drops @bits (count units or the pin) and returns what is left: zero when
 * the slot is now free.  Dropping what is not there warns, changes nothing
 * and returns VSWAP_REF_COUNT, which no caller acts on.
 */
static unsigned int vswap_ref_sub(atomic_t *ref, unsigned int bits)
{
	int old = atomic_read(ref);
	unsigned int o;

	do {
		o = (unsigned int)old;
		if (bits == VSWAP_REF_PIN) {
			if (WARN_ON_ONCE(!(o & VSWAP_REF_PIN)))
				return VSWAP_REF_COUNT;
		} else if (WARN_ON_ONCE((o & VSWAP_REF_COUNT) < bits)) {
			return VSWAP_REF_COUNT;
		}
	} while (!atomic_try_cmpxchg(ref, &old, (int)(o - bits)));
	return o - bits;
}

/*
 * Finish freeing @n dying slots of @p, sorted by slot: tell the user of the
 * core (in runs, so that a batch of one memcg costs one uncharge and one
 * statistics update), then make the words free under the partition lock.
 * Called in an RCU read-side critical section.
 */
static void vswap_slots_free(struct vswap_partition *p, const u64 *entry,
			     unsigned int n)
{
	unsigned int i, run, type;
	unsigned short memcg;
	unsigned long slot;

	/* Statistics and charge per run of one memcg and backing type. */
	for (i = 0; i < n; i += run) {
		memcg = vswap_batch_memcg(entry[i]);
		type = vswap_batch_type(entry[i]);
		for (run = 1; i + run < n; run++)
			if (vswap_batch_memcg(entry[i + run]) != memcg ||
			    vswap_batch_type(entry[i + run]) != type)
				break;
		if (vswap_account_news(memcg, type, VSWAP_NR_TYPES))
			vswap_account(memcg, type, VSWAP_NR_TYPES, run);
		vswap_slots_uncharge(memcg, run);
	}
	/*
	 * The swap cache per run of consecutive slots: slots freed together
	 * are seldom consecutive, which is why the charge is not dropped
	 * here.
	 */
	for (i = 0; i < n; i += run) {
		slot = vswap_batch_slot(entry[i]);
		for (run = 1; i + run < n; run++)
			if (vswap_batch_slot(entry[i + run]) != slot + run)
				break;
		vswap_slots_freed(vswap_entry(slot), run);
	}

	spin_lock(&p->lock);
	for (i = 0; i < n; i++) {
		unsigned int idx = vswap_batch_slot(entry[i]) &
				   VSWAP_PARTITION_MASK;

		WRITE_ONCE(p->backend[idx], VSWAP_WORD_FREE);
		p->free_groups |= BIT(idx >> VSWAP_GROUP_SHIFT);
	}
	p->nr_used -= n;
	if (p->state == VSWAP_P_FULL) {
		__vswap_partition_release(p);
	} else if (p->state == VSWAP_P_PARTIAL && !p->nr_used) {
		spin_lock(&vswap_partial_lock);
		list_del_init(&p->list);
		vswap_nr_partial--;
		spin_unlock(&vswap_partial_lock);
		p->state = VSWAP_P_FULL;
		__vswap_partition_kill(p);
	}
	spin_unlock(&p->lock);
}

/* Finish freeing the dying slots in @entry, partition by partition. */
static void vswap_free_flush(u64 *entry, unsigned int n)
{
	struct vswap_partition *p;
	unsigned long id;
	unsigned int i, j;
	u64 e;

	/* Insertion sort: batches are short and mostly in order already. */
	for (i = 1; i < n; i++) {
		e = entry[i];
		for (j = i; j && entry[j - 1] > e; j--)
			entry[j] = entry[j - 1];
		entry[j] = e;
	}
	rcu_read_lock();
	for (i = 0; i < n; i = j) {
		id = vswap_batch_slot(entry[i]) >> VSWAP_PARTITION_SHIFT;
		for (j = i + 1; j < n; j++)
			if (vswap_batch_slot(entry[j]) >> VSWAP_PARTITION_SHIFT !=
			    id)
				break;
		/* A dying slot keeps its partition alive. */
		p = vswap_partition_find(vswap_batch_slot(entry[i]));
		if (!WARN_ON_ONCE(!p))
			vswap_slots_free(p, entry + i, j - i);
	}
	rcu_read_unlock();
}

/*
 * Take @cpu's batch and finish it; returns how many slots it had.  Not
 * inlined, so that the copy of the batch is on the stack only here, not
 * in every vswap_put().
 */
static noinline unsigned int vswap_free_finish(int cpu)
{
	struct vswap_free_batch *fb = per_cpu_ptr(&vswap_free_batch, cpu);
	swp_entry_t phys[VSWAP_FREE_BATCH];
	u64 entry[VSWAP_FREE_BATCH];
	unsigned int n, nr_phys;
	unsigned long flags;

	spin_lock_irqsave(&fb->lock, flags);
	n = fb->nr;
	nr_phys = fb->nr_phys;
	memcpy(entry, fb->entry, n * sizeof(*entry));
	memcpy(phys, fb->phys, nr_phys * sizeof(*phys));
	fb->nr = 0;
	fb->nr_phys = 0;
	spin_unlock_irqrestore(&fb->lock, flags);
	if (nr_phys)
		vswap_phys_release_many(phys, nr_phys);
	if (n)
		vswap_free_flush(entry, n);
	return n;
}

/*
 * The last reference to @slot, charged to @memcg and backed by @b until a
 * moment ago, is gone, and the backing released unless it is a device
 * slot.  The rest of the free (the device slot, statistics, the swap
 * cache's shadow, the memcg charge, the word becoming free) waits in a
 * per-CPU batch and is done for the batch at once, as the swap slots cache
 * does for device slots.  Until then the slot reads as free to lookups
 * (VSWAP_WORD_DYING) but is not handed out again.
 */
static void vswap_free_defer(unsigned long slot, unsigned short memcg,
			     const struct vswap_backing *b)
{
	struct vswap_free_batch *fb;
	unsigned long flags;
	int cpu;

	for (;;) {
		/* Migration after this is harmless: the lock is per batch. */
		cpu = raw_smp_processor_id();
		fb = per_cpu_ptr(&vswap_free_batch, cpu);
		spin_lock_irqsave(&fb->lock, flags);
		if (fb->nr < VSWAP_FREE_BATCH)
			break;
		spin_unlock_irqrestore(&fb->lock, flags);
		vswap_free_finish(cpu);
	}
	fb->entry[fb->nr++] = vswap_batch_entry(slot, memcg, b->type);
	if (b->type == VSWAP_PHYS)
		fb->phys[fb->nr_phys++] = b->phys;
	spin_unlock_irqrestore(&fb->lock, flags);
}

/**
 * vswap_drain_frees - finish every free waiting in the CPUs' batches
 *
 * Finishes the slots that are in a batch when the call takes it: their
 * words become free, their partitions are released if empty, and the
 * statistics, swap cache and memcg charges are brought up to date.  A
 * batch another task has just taken out, or a slot dying right now, may
 * still be on its way.
 *
 * Context: as vswap_put().
 * Return: the number of slots finished.
 */
unsigned long vswap_drain_frees(void)
{
	unsigned long done = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		done += vswap_free_finish(cpu);
	return done;
}

static void vswap_rmap_clear(swp_entry_t phys, unsigned long slot);

/*
 * A slot's last reference is gone: its word goes to VSWAP_WORD_DYING, the
 * old backing is released with no lock held (a device slot only leaves the
 * reverse map: the device frees it with the batch), and the rest of the
 * free is deferred (vswap_free_defer()); a slot is never handed out again
 * while its old backing is still being released.  Called in an RCU
 * read-side critical section.
 */
static void vswap_slot_die(struct vswap_partition *p, unsigned int idx)
{
	unsigned long slot = ((unsigned long)p->id << VSWAP_PARTITION_SHIFT) +
			     idx;
	unsigned short memcg = READ_ONCE(p->memcg[idx]);
	struct vswap_backing b;
	unsigned long old;

	VM_WARN_ON_ONCE(atomic_read(&p->ref[idx]));
	/*
	 * Nobody else changes a word whose reference field is zero; pairs
	 * with READ_ONCE() in lookups: the slot reads as free.
	 */
	old = xchg(&p->backend[idx], VSWAP_WORD_DYING);
	/* Already free or dying: finishing it again would corrupt nr_used. */
	if (WARN_ON_ONCE(!vswap_word_decode(old, &b)))
		return;
	if (b.type == VSWAP_PHYS)
		vswap_rmap_clear(b.phys, slot);
	else
		vswap_backing_release(vswap_entry(slot), &b);
	atomic_long_dec(&raw_cpu_ptr(&vswap_stat)->nr[b.type]);
	vswap_free_defer(slot, memcg, &b);
}

/*
 * Drop @bits from the reference field of @slot; returns whether the slot is
 * left with the pin alone.  Called in an RCU read-side critical section.
 */
static unsigned int vswap_ref_put_one(unsigned long slot, unsigned int bits)
{
	unsigned int idx = slot & VSWAP_PARTITION_MASK, left;
	struct vswap_partition *p = vswap_partition_find(slot);

	if (WARN_ON_ONCE(!p))
		return 0;
	left = vswap_ref_sub(&p->ref[idx], bits);
	if (!left)
		vswap_slot_die(p, idx);
	return left == VSWAP_REF_PIN;
}

/*
 * Drop @bits from the reference field of @nr slots from @slot on; returns
 * how many of them are left with the pin alone.  Slot by slot: the
 * partition hints make the repeated lookups cheap.
 */
static unsigned int vswap_ref_put_range(unsigned long slot, unsigned int nr,
					unsigned int bits)
{
	unsigned int pinned = 0;

	rcu_read_lock();
	while (nr--)
		pinned += vswap_ref_put_one(slot++, bits);
	rcu_read_unlock();
	return pinned;
}

/**
 * vswap_dup - take swap count references on a run of slots
 * @entry: the first slot
 * @nr: number of slots, all in use
 *
 * All or nothing: on failure no count was taken.
 *
 * Context: any context.
 * Return: 0, -ENOENT if a slot is free, -EOVERFLOW if a count would
 * overflow 31 bits.
 */
int vswap_dup(swp_entry_t entry, unsigned int nr)
{
	unsigned long slot = vswap_slot(entry);
	struct vswap_partition *p = NULL;
	unsigned int i;
	int err = 0;

	rcu_read_lock();
	for (i = 0; i < nr; i++) {
		if (!i || !((slot + i) & VSWAP_PARTITION_MASK))
			p = vswap_partition_find(slot + i);
		if (!p) {
			err = -ENOENT;
			break;
		}
		err = vswap_ref_add(&p->ref[(slot + i) & VSWAP_PARTITION_MASK],
				    1);
		if (err)
			break;
	}
	rcu_read_unlock();
	if (err && i)
		vswap_ref_put_range(slot, i, 1);
	return err;
}

/**
 * vswap_put - drop swap count references on a run of slots
 * @entry: the first slot
 * @nr: number of slots
 *
 * A slot whose count and pin are both gone dies: its backing is released
 * at once, the rest of its free waits in this CPU's free batch (see
 * vswap_free_defer()).
 *
 * Context: process or softirq context, interrupts enabled (finishing a
 * batch takes the swap cache's xa_lock_irq); does not sleep (backend
 * release hooks must not).
 * Return: how many of the slots the swap cache alone still holds (no
 * count left, the pin held), so that the caller knows whether to look for
 * swap-cache folios to drop, as __swap_entries_free() tells for devices.
 */
unsigned int vswap_put(swp_entry_t entry, unsigned int nr)
{
	return vswap_ref_put_range(vswap_slot(entry), nr, 1);
}

/**
 * vswap_cache_pin - take the swap-cache pin of a slot
 * @entry: the slot
 *
 * The pin gives exclusive right to read a non-folio backing and to switch
 * it; see Locking at the top of this file.  Like swapcache_prepare().
 *
 * Context: any context.
 * Return: 0, -EEXIST if someone else holds the pin, -ENOENT if the slot is
 * free.
 */
int vswap_cache_pin(swp_entry_t entry)
{
	unsigned long slot = vswap_slot(entry);
	struct vswap_partition *p;
	int err = -ENOENT;
	atomic_t *ref;
	int old;

	rcu_read_lock();
	p = vswap_partition_find(slot);
	if (!p)
		goto out;
	ref = &p->ref[slot & VSWAP_PARTITION_MASK];
	old = atomic_read(ref);
	do {
		if (!old) {
			err = -ENOENT;
			goto out;
		}
		if ((unsigned int)old & VSWAP_REF_PIN) {
			err = -EEXIST;
			goto out;
		}
	} while (!atomic_try_cmpxchg(ref, &old,
				     (int)((unsigned int)old | VSWAP_REF_PIN)));
	err = 0;
out:
	rcu_read_unlock();
	return err;
}

/**
 * vswap_cache_unpin - drop the swap-cache pin of a run of slots
 * @entry: the first slot
 * @nr: number of slots
 *
 * Context: as vswap_put().
 */
void vswap_cache_unpin(swp_entry_t entry, unsigned int nr)
{
	vswap_ref_put_range(vswap_slot(entry), nr, VSWAP_REF_PIN);
}

static unsigned int vswap_ref_read(swp_entry_t entry)
{
	unsigned long slot = vswap_slot(entry);
	struct vswap_partition *p;
	unsigned int ref = 0;

	rcu_read_lock();
	p = vswap_partition_find(slot);
	if (p)
		ref = atomic_read(&p->ref[slot & VSWAP_PARTITION_MASK]);
	rcu_read_unlock();
	return ref;
}

/**
 * vswap_count - the swap count of a slot
 * @entry: the slot
 *
 * Context: any context.
 * Return: the number of swap count references, without the pin; 0 for a
 * free slot.
 */
unsigned int vswap_count(swp_entry_t entry)
{
	return vswap_ref_read(entry) & VSWAP_REF_COUNT;
}

/**
 * vswap_cache_pinned - whether a slot's swap-cache pin is held
 * @entry: the slot
 *
 * Context: any context.
 * Return: true if the pin is held.
 */
bool vswap_cache_pinned(swp_entry_t entry)
{
	return vswap_ref_read(entry) & VSWAP_REF_PIN;
}

/**
 * vswap_memcg_id - the memcg a slot is charged to
 * @entry: the slot, held by the caller
 *
 * Context: any context.
 * Return: the memcg id recorded at allocation or by vswap_memcg_xchg(), 0
 * for a free slot or one with no owner.
 */
unsigned short vswap_memcg_id(swp_entry_t entry)
{
	unsigned long slot = vswap_slot(entry);
	struct vswap_partition *p;
	unsigned short id = 0;

	rcu_read_lock();
	p = vswap_partition_find(slot);
	if (p)
		id = READ_ONCE(p->memcg[slot & VSWAP_PARTITION_MASK]);
	rcu_read_unlock();
	return id;
}

/* Backing */

static unsigned long vswap_word_read(unsigned long slot)
{
	struct vswap_partition *p;
	unsigned long word = VSWAP_WORD_FREE;

	rcu_read_lock();
	p = vswap_partition_find(slot);
	if (p)
		/* Pairs with the cmpxchg in vswap_backing_switch(). */
		word = READ_ONCE(p->backend[slot & VSWAP_PARTITION_MASK]);
	rcu_read_unlock();
	return word;
}

/**
 * vswap_lookup - where a slot's data is
 * @entry: the slot
 * @b: filled in with the backing
 *
 * Lock-free.  Racing with a switch, the result is the old or the new
 * backing.  What it points to may only be dereferenced by the holder of the
 * slot's pin (or, for a folio, after vswap_folio_get()).
 *
 * Context: any context.
 * Return: false if the slot is free.
 */
bool vswap_lookup(swp_entry_t entry, struct vswap_backing *b)
{
	return vswap_word_decode(vswap_word_read(vswap_slot(entry)), b);
}

/**
 * vswap_folio_get - the folio backing a slot, with a reference
 * @entry: the slot
 *
 * The swap-cache lookup of virtual swap.
 *
 * Context: any context.
 * Return: the folio with a reference taken, or NULL if the slot is not
 * backed by a folio.
 */
struct folio *vswap_folio_get(swp_entry_t entry)
{
	unsigned long slot = vswap_slot(entry);
	struct vswap_partition *p;
	struct folio *folio = NULL;
	unsigned long word;

	rcu_read_lock();
	p = vswap_partition_find(slot);
	if (!p)
		goto out;
	for (;;) {
		word = READ_ONCE(p->backend[slot & VSWAP_PARTITION_MASK]);
		if (vswap_word_type(word) != VSWAP_FOLIO)
			break;
		folio = (struct folio *)(word & ~VSWAP_TAG_MASK);
		if (!folio_try_get(folio)) {
			folio = NULL;
			continue;
		}
		/* The slot may have switched away before our get: recheck. */
		if (READ_ONCE(p->backend[slot & VSWAP_PARTITION_MASK]) == word)
			break;
		folio_put(folio);
		folio = NULL;
	}
out:
	rcu_read_unlock();
	return folio;
}

static bool vswap_folio_is_zero(struct folio *folio)
{
	unsigned int i, nr = folio_nr_pages(folio);
	bool zero = true;

	for (i = 0; i < nr && zero; i++) {
		void *addr = kmap_local_folio(folio, i * PAGE_SIZE);

		zero = !memchr_inv(addr, 0, PAGE_SIZE);
		kunmap_local(addr);
	}
	return zero;
}

/*
 * Reverse map.  A cluster in its xarray holds a count of one for the tree
 * plus one per entry set or being set, so clearing the last entry leaves it
 * in place, empty, for the next device slot of its range (device slots are
 * reused within the same device clusters).  Only vswap_rmap_release()
 * takes the count from one to zero, with a cmpxchg under the xa_lock that
 * also erases the cluster, so an insertion cannot slip in between.  So an
 * entry of a cluster found under RCU can be set without the lock once
 * atomic_inc_not_zero() took a count, and cleared without it by whoever
 * holds the entry's count; the lock is taken only to insert a cluster
 * (with the tree's count and its first entry's) or to remove it.
 */

/*
 * The cluster of @type at @idx, or NULL; the caller is in an RCU read-side
 * critical section.  Device slots are taken and freed in runs, so each CPU
 * remembers the cluster it found last and tries it before the xarray, as
 * vswap_partition_find() does with partitions.  The hint may name a
 * released cluster (@nr zero), never a freed one: the hint is stored, then
 * the count checked, with a full barrier between; vswap_rmap_release()
 * zeroes the count and erases the cluster, then clears every CPU's hint
 * to it, with a full barrier between, before call_rcu().  A released
 * cluster is not returned, so a cluster returned has or had a count: the
 * caller takes one (atomic_inc_not_zero()) or owns one of its entries.
 */
static inline struct vswap_rmap_cluster *vswap_rmap_find(int type,
							 unsigned long idx)
{
	struct vswap_rmap_cluster **last = raw_cpu_ptr(&vswap_rmap_hint);
	struct vswap_rmap_cluster *c = READ_ONCE(*last);

	if (likely(c && c->idx == idx && c->type == type &&
		   atomic_read(&c->nr)))
		return c;
	c = xa_load(&vswap_rmap[type], idx);
	if (c) {
		/* Release: as for the partition hints. */
		smp_store_release(last, c);
		/* Store, then check: pairs with the release's barrier. */
		smp_mb();
		if (!atomic_read(&c->nr)) {
			cmpxchg(last, c, NULL);
			return NULL;
		}
	}
	return c;
}

static int vswap_rmap_set(swp_entry_t phys, unsigned long slot)
{
	struct xarray *xa = &vswap_rmap[swp_type(phys)];
	unsigned long off = swp_offset(phys);
	unsigned long idx = off >> VSWAP_RMAP_SHIFT;
	struct vswap_rmap_cluster *c, *new;

	for (;;) {
		rcu_read_lock();
		c = vswap_rmap_find(swp_type(phys), idx);
		if (c && atomic_inc_not_zero(&c->nr)) {
			/* Our count keeps @c in the tree, and so alive. */
			rcu_read_unlock();
			break;
		}
		rcu_read_unlock();

		new = kmem_cache_zalloc(vswap_rmap_cache, GFP_KERNEL);
		if (!new)
			return -ENOMEM;
		atomic_set(&new->nr, 2);
		new->type = swp_type(phys);
		new->idx = idx;
		c = xa_cmpxchg(xa, idx, NULL, new, GFP_KERNEL);
		if (!c) {
			atomic_long_inc(&vswap_nr_rmap_clusters);
			c = new;
			break;
		}
		kmem_cache_free(vswap_rmap_cache, new);
		if (xa_is_err(c))
			return xa_err(c);
		/* Inserted by another task, or being released: look again. */
	}
	VM_WARN_ON_ONCE(c->vslot[off & VSWAP_RMAP_MASK]);
	/* Pairs with READ_ONCE() in vswap_rmap_gather(). */
	WRITE_ONCE(c->vslot[off & VSWAP_RMAP_MASK], (u32)slot);
	return 0;
}

static void vswap_rmap_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(vswap_rmap_cache,
			container_of(rcu, struct vswap_rmap_cluster, rcu));
}

/*
 * The caller owns the entry, so its count keeps the cluster in the tree;
 * the tree's own count keeps it there when the entry was its last.
 */
static void vswap_rmap_clear(swp_entry_t phys, unsigned long slot)
{
	unsigned long off = swp_offset(phys);
	struct vswap_rmap_cluster *c;

	rcu_read_lock();
	c = vswap_rmap_find(swp_type(phys), off >> VSWAP_RMAP_SHIFT);
	if (WARN_ON_ONCE(!c ||
			 READ_ONCE(c->vslot[off & VSWAP_RMAP_MASK]) != slot))
		goto out;
	WRITE_ONCE(c->vslot[off & VSWAP_RMAP_MASK], 0);
	/* The tree's count must stay: only vswap_rmap_release() drops it. */
	WARN_ON_ONCE(atomic_dec_return(&c->nr) < 1);
out:
	rcu_read_unlock();
}

/**
 * vswap_rmap_release - free the empty reverse-map clusters of a swap type
 * @type: the swap type
 *
 * Clusters keep their memory when they empty, for the next device slot of
 * their range; this frees the empty ones.  A cluster that a racing
 * vswap_rmap_set() is filling again is kept.  Swapoff calls it when a pass
 * over the device finds nothing left to move, and ends only when no
 * cluster is left.
 *
 * Context: process context.
 * Return: the number of clusters of @type seen and not freed.
 */
unsigned long vswap_rmap_release(int type)
{
	struct vswap_rmap_cluster *c;
	unsigned long idx = 0, left = 0;
	struct xarray *xa;
	int cpu;

	if (type < 0 || type >= MAX_SWAPFILES)
		return 0;
	xa = &vswap_rmap[type];
	while (xa_find(xa, &idx, ULONG_MAX, XA_PRESENT)) {
		xa_lock(xa);
		/*
		 * Only the tree's count: the cmpxchg to zero makes
		 * atomic_inc_not_zero() fail from now on, and the lock keeps
		 * an insertion at @idx out until the cluster is erased.
		 */
		c = xa_load(xa, idx);
		if (c && atomic_cmpxchg(&c->nr, 1, 0) == 1) {
			__xa_erase(xa, idx);
			/* Pairs with smp_mb() in vswap_rmap_find(). */
			smp_mb();
			for_each_possible_cpu(cpu)
				cmpxchg(per_cpu_ptr(&vswap_rmap_hint, cpu), c,
					NULL);
			atomic_long_dec(&vswap_nr_rmap_clusters);
			call_rcu(&c->rcu, vswap_rmap_free_rcu);
		} else if (c) {
			left++;
		}
		xa_unlock(xa);
		if (++idx == 0)
			break;
		cond_resched();
	}
	return left;
}

/* Backend dispatch: built-ins by switch, the external one by its ops. */

static const struct vswap_backend_ops *vswap_ext_get(void)
{
	const struct vswap_backend_ops *ops;

	rcu_read_lock();
	/* Pairs with WRITE_ONCE() + synchronize_rcu() in unregister. */
	ops = READ_ONCE(vswap_ext_store_ops);
	if (ops)
		atomic_long_inc(&vswap_ext_nr);
	rcu_read_unlock();
	return ops;
}

/**
 * vswap_backing_store - choose a backend for a page and write it there
 * @entry: the slot the data is for (its memcg is asked about the backend)
 * @folio: the data, one page
 * @allowed: mask of BIT(enum vswap_type) the caller accepts
 * @exclude_type: a swap device not to use (being emptied), or -1
 * @b: the new backing, on success
 *
 * Zero pages always become %VSWAP_ZERO.  Otherwise the backends the caller
 * and the memcg policy both allow are tried in order: zswap, the external
 * backend, a swap device.  The backing is written but not yet installed:
 * the caller installs it with vswap_backing_switch() or releases it with
 * vswap_backing_release().
 *
 * Context: process context, may sleep.
 * Return: 0, or the error of the last backend tried (-ENOSPC if none was).
 */
int vswap_backing_store(swp_entry_t entry, struct folio *folio,
			unsigned int allowed, int exclude_type,
			struct vswap_backing *b)
{
	unsigned short memcg_id = vswap_memcg_id(entry);
	unsigned int (*policy)(unsigned short memcg_id);
	const struct vswap_backend_ops *ops;
	int err = -ENOSPC;

	might_sleep();
	VM_WARN_ON_ONCE(folio_nr_pages(folio) != 1);
	if (vswap_folio_is_zero(folio)) {
		b->type = VSWAP_ZERO;
		b->handle = 0;
		return 0;
	}

	policy = READ_ONCE(vswap_policy);
	if (policy)
		allowed &= policy(memcg_id);

	if (allowed & BIT(VSWAP_ZSWAP)) {
		void *obj = vswap_zswap_store(folio, memcg_id);

		if (obj) {
			b->type = VSWAP_ZSWAP;
			b->zswap = obj;
			return 0;
		}
	}
	ops = (allowed & BIT(VSWAP_EXT)) ? vswap_ext_get() : NULL;
	if (ops) {
		err = ops->store(folio, memcg_id, &b->handle);
		if (!err) {
			b->type = VSWAP_EXT;
			return 0;
		}
		atomic_long_dec(&vswap_ext_nr);
	}
	if (allowed & BIT(VSWAP_PHYS)) {
		err = vswap_phys_store(folio, memcg_id, exclude_type, &b->phys);
		if (!err) {
			err = vswap_rmap_set(b->phys, vswap_slot(entry));
			if (!err) {
				b->type = VSWAP_PHYS;
				return 0;
			}
			vswap_phys_release(b->phys);
		}
	}
	return err;
}

/**
 * vswap_backing_load - read a backing into a folio
 * @b: the backing; the caller holds the slot's pin
 * @folio: the destination, one page
 *
 * Context: process context, may sleep.
 * Return: 0, or the backend's error.
 */
int vswap_backing_load(const struct vswap_backing *b, struct folio *folio)
{
	switch (b->type) {
	case VSWAP_ZERO:
		folio_zero_range(folio, 0, folio_size(folio));
		return 0;
	case VSWAP_ZSWAP:
		return vswap_zswap_load(b->zswap, folio);
	case VSWAP_PHYS:
		return vswap_phys_load(b->phys, folio);
	case VSWAP_FOLIO:
		folio_copy(folio, b->folio);
		return 0;
	case VSWAP_EXT:
		/* Cannot be unregistered while it holds entries. */
		return READ_ONCE(vswap_ext_ops)->load(b->handle, folio);
	default:
		WARN_ON_ONCE(1);
		return -EINVAL;
	}
}

/**
 * vswap_backing_release - drop a backing that is not (or no longer) installed
 * @entry: the slot it was written for
 * @b: the backing
 *
 * Context: any context; does not sleep.
 */
void vswap_backing_release(swp_entry_t entry, const struct vswap_backing *b)
{
	switch (b->type) {
	case VSWAP_NONE:
	case VSWAP_ZERO:
		break;
	case VSWAP_ZSWAP:
		vswap_zswap_release(entry, b->zswap);
		break;
	case VSWAP_PHYS:
		vswap_rmap_clear(b->phys, vswap_slot(entry));
		vswap_phys_release(b->phys);
		break;
	case VSWAP_FOLIO:
		folio_put(b->folio);
		break;
	case VSWAP_EXT:
		READ_ONCE(vswap_ext_ops)->release(b->handle);
		atomic_long_dec(&vswap_ext_nr);
		break;
	default:
		WARN_ON_ONCE(1);
	}
}

/* vswap_backing_switch() on words already encoded. */
static inline int __vswap_backing_switch(swp_entry_t entry, unsigned long ow,
					 unsigned long nw)
{
	unsigned long slot = vswap_slot(entry);
	struct vswap_partition *p;
	int err = -ENOENT;

	rcu_read_lock();
	p = vswap_partition_find(slot);
	if (!p)
		goto out;
	VM_WARN_ON_ONCE(!(atomic_read(&p->ref[slot & VSWAP_PARTITION_MASK]) &
			  VSWAP_REF_PIN));
	/*
	 * A live slot's word never becomes free while its pin is held, so a
	 * cmpxchg suffices; its full barrier orders the writing of the new
	 * backing's data before the switch, pairing with READ_ONCE() in
	 * lookups.
	 */
	if (cmpxchg(&p->backend[slot & VSWAP_PARTITION_MASK], ow, nw) == ow) {
		unsigned short id = READ_ONCE(p->memcg[slot &
						       VSWAP_PARTITION_MASK]);

		vswap_stat_move(id, vswap_word_type(ow), vswap_word_type(nw),
				1);
		err = 0;
	} else {
		unsigned long word = vswap_word_read(slot);

		err = (word == VSWAP_WORD_FREE || word == VSWAP_WORD_DYING) ?
		      -ENOENT : -EAGAIN;
	}
out:
	rcu_read_unlock();
	return err;
}

/**
 * vswap_backing_switch - install a new backing in place of the old one
 * @entry: the slot; the caller holds its pin
 * @old: the backing the caller expects to replace
 * @new: the backing to install, fully written
 *
 * On success the caller releases @old; on failure, @new.  A concurrent
 * vswap_lookup() sees @old or @new.
 *
 * Context: any context.
 * Return: 0, -EAGAIN if the slot's backing is not @old, -ENOENT if the slot
 * is free.
 */
int vswap_backing_switch(swp_entry_t entry, const struct vswap_backing *old,
			 const struct vswap_backing *new)
{
	return __vswap_backing_switch(entry, vswap_word_encode(old),
				      vswap_word_encode(new));
}

static bool vswap_backing_equal(const struct vswap_backing *a,
				const struct vswap_backing *b)
{
	return vswap_word_encode(a) == vswap_word_encode(b);
}

/*
 * Switch @entry from @old, what a lookup just found, to @new; if @old is
 * no longer installed, look again and retry.  @old ends up as the backing
 * that was replaced.
 */
static int __vswap_backing_set(swp_entry_t entry, struct vswap_backing *old,
			       const struct vswap_backing *new)
{
	unsigned long nw = vswap_word_encode(new);
	unsigned long ow;
	int err;

	for (;;) {
		ow = vswap_word_encode(old);
		if (ow == nw)
			return 0;
		if (new->type == VSWAP_PHYS) {
			err = vswap_rmap_set(new->phys, vswap_slot(entry));
			if (err)
				return err;
		}
		err = __vswap_backing_switch(entry, ow, nw);
		if (!err)
			break;
		if (new->type == VSWAP_PHYS)
			vswap_rmap_clear(new->phys, vswap_slot(entry));
		if (err != -EAGAIN)
			return err;
		if (!vswap_lookup(entry, old))
			return -ENOENT;
	}
	vswap_backing_release(entry, old);
	return 0;
}

/**
 * vswap_backing_set - record where a slot's data now lives
 * @entry: the slot; the caller holds its pin
 * @new: the new backing, already written (or %VSWAP_NONE: the data is only
 *	in the caller's swap-cache folio)
 *
 * For the swap paths, which write the data themselves: a device slot is
 * entered in the reverse map, the descriptor is switched and the old
 * backing released (the same device slot again is left alone).
 *
 * Context: process context (may allocate a reverse-map cluster).
 * Return: 0, -ENOENT if the slot is free, or -ENOMEM (nothing changed).
 */
int vswap_backing_set(swp_entry_t entry, const struct vswap_backing *new)
{
	struct vswap_backing old;

	if (!vswap_lookup(entry, &old))
		return -ENOENT;
	return __vswap_backing_set(entry, &old, new);
}

/**
 * vswap_backing_replace - vswap_backing_set() after a lookup of one's own
 * @entry: the slot; the caller holds its pin
 * @old: what vswap_lookup() returned for @entry a moment ago
 * @new: as for vswap_backing_set()
 *
 * As vswap_backing_set(), without its lookup.  Only the holder of the pin
 * switches a backing, so @old is normally still installed; if it is not,
 * this looks again, as vswap_backing_set() does.
 *
 * Context: process context (may allocate a reverse-map cluster).
 * Return: as vswap_backing_set().
 */
int vswap_backing_replace(swp_entry_t entry, const struct vswap_backing *old,
			  const struct vswap_backing *new)
{
	struct vswap_backing cur = *old;

	return __vswap_backing_set(entry, &cur, new);
}

/**
 * vswap_memcg_xchg - change the memcg of a run of slots
 * @entry: the first slot, in use
 * @memcg_id: the new owner (0: none)
 * @nr: number of slots
 *
 * The swap_cgroup record of virtual swap.  The per-memcg statistics of
 * each slot's backing move with it.
 *
 * Context: any context.
 * Return: the previous owner of the first slot.
 */
unsigned short vswap_memcg_xchg(swp_entry_t entry, unsigned short memcg_id,
				unsigned int nr)
{
	unsigned long slot = vswap_slot(entry);
	struct vswap_partition *p = NULL;
	unsigned short old, first = 0;
	enum vswap_type type;
	unsigned int i, idx;
	unsigned long word;

	rcu_read_lock();
	for (i = 0; i < nr; i++) {
		if (!i || !((slot + i) & VSWAP_PARTITION_MASK))
			p = vswap_partition_find(slot + i);
		if (WARN_ON_ONCE(!p))
			break;
		idx = (slot + i) & VSWAP_PARTITION_MASK;
		old = xchg(&p->memcg[idx], memcg_id);
		if (!i)
			first = old;
		word = READ_ONCE(p->backend[idx]);
		if (word == VSWAP_WORD_FREE || word == VSWAP_WORD_DYING ||
		    old == memcg_id)
			continue;
		type = vswap_word_type(word);
		if (vswap_account_news(old, type, VSWAP_NR_TYPES))
			vswap_account(old, type, VSWAP_NR_TYPES, 1);
		if (vswap_account_news(memcg_id, VSWAP_NR_TYPES, type))
			vswap_account(memcg_id, VSWAP_NR_TYPES, type, 1);
	}
	rcu_read_unlock();
	return first;
}

/**
 * vswap_move - move one slot's data from one backing to another
 * @entry: the slot
 * @from: the backing to move away from
 * @allowed: where to: with BIT(%VSWAP_FOLIO) the data stays in a new
 *	folio; otherwise the backends vswap_backing_store() may choose
 * @exclude_type: a swap device not to move to, or -1
 *
 * The data is written to the new backing, the descriptor switched, and only
 * then the old backing released: a racing reader finds the data in one of
 * the two.  Swapoff and zswap writeback are both built on this.
 *
 * Context: process context, may sleep.
 * Return: 0, -EEXIST if the slot is pinned (retry later), -ENOENT if it was
 * freed, -ESTALE if it is no longer backed by @from, -ENOMEM, or the error
 * of the load or store.
 */
int vswap_move(swp_entry_t entry, const struct vswap_backing *from,
	       unsigned int allowed, int exclude_type)
{
	struct vswap_backing cur, new;
	struct folio *folio;
	int err;

	might_sleep();
	/* Moving within the same kind only makes sense between devices. */
	allowed &= ~BIT(from->type);
	if (from->type == VSWAP_PHYS)
		allowed |= BIT(VSWAP_PHYS);
	err = vswap_cache_pin(entry);
	if (err)
		return err;
	if (!vswap_lookup(entry, &cur) || !vswap_backing_equal(&cur, from)) {
		err = -ESTALE;
		goto unpin;
	}

	if (from->type == VSWAP_FOLIO) {
		/* The pin keeps the backing, and its reference, in place. */
		folio = from->folio;
		folio_get(folio);
	} else {
		folio = folio_alloc(GFP_KERNEL, 0);
		if (!folio) {
			err = -ENOMEM;
			goto unpin;
		}
		err = vswap_backing_load(from, folio);
		if (err)
			goto put;
	}
	if (allowed & BIT(VSWAP_FOLIO)) {
		new.type = VSWAP_FOLIO;
		new.folio = folio;
		folio_get(folio);
	} else {
		err = vswap_backing_store(entry, folio, allowed, exclude_type,
					  &new);
		if (err)
			goto put;
	}
	err = vswap_backing_switch(entry, from, &new);
	if (WARN_ON_ONCE(err))
		vswap_backing_release(entry, &new);
	else
		vswap_backing_release(entry, from);
put:
	folio_put(folio);
unpin:
	vswap_cache_unpin(entry, 1);
	return err;
}

struct vswap_rmap_ref {
	unsigned long off;
	u32 slot;
};

/*
 * Collect up to @max reverse-map entries of swap type @type at or after
 * *@pos, and advance *@pos past them.
 */
static unsigned int vswap_rmap_gather(int type, unsigned long *pos,
				      struct vswap_rmap_ref *refs,
				      unsigned int max)
{
	struct xarray *xa = &vswap_rmap[type];
	struct vswap_rmap_cluster *c;
	unsigned long idx = *pos >> VSWAP_RMAP_SHIFT;
	unsigned int i = *pos & VSWAP_RMAP_MASK, n = 0;
	unsigned long start;
	u32 slot;

	rcu_read_lock();
	while (n < max) {
		start = idx;
		c = xa_find(xa, &idx, ULONG_MAX, XA_PRESENT);
		if (!c)
			break;
		if (idx != start)
			i = 0;
		/* Only the tree's count: an emptied cluster kept for reuse. */
		if (atomic_read(&c->nr) == 1)
			i = VSWAP_RMAP_SLOTS;
		for (; i < VSWAP_RMAP_SLOTS && n < max; i++) {
			/* Pairs with WRITE_ONCE() in vswap_rmap_set(). */
			slot = READ_ONCE(c->vslot[i]);
			if (!slot)
				continue;
			refs[n].off = (idx << VSWAP_RMAP_SHIFT) + i;
			refs[n].slot = slot;
			n++;
		}
		if (i < VSWAP_RMAP_SLOTS)
			break;
		i = 0;
		if (++idx == 0)
			break;
	}
	rcu_read_unlock();
	*pos = (idx << VSWAP_RMAP_SHIFT) + i;
	return n;
}

/**
 * vswap_rmap_next - the virtual slots a swap device holds, in device order
 * @type: the swap type
 * @pos: the device offset to start at; advanced past what is returned
 * @slots: filled in with up to @max virtual slots
 * @max: size of @slots
 *
 * Context: any context.
 * Return: the number of slots filled in; 0 when the walk is over.
 */
unsigned int vswap_rmap_next(int type, unsigned long *pos,
			     swp_entry_t *slots, unsigned int max)
{
	struct vswap_rmap_ref refs[VSWAP_MOVE_BATCH];
	unsigned int i, n, done = 0;

	if (type < 0 || type >= MAX_SWAPFILES)
		return 0;
	while (done < max) {
		n = vswap_rmap_gather(type, pos, refs,
				      min(max - done,
					  (unsigned int)VSWAP_MOVE_BATCH));
		if (!n)
			break;
		for (i = 0; i < n; i++)
			slots[done + i] = vswap_entry(refs[i].slot);
		done += n;
	}
	return done;
}

/**
 * vswap_scan - the live slots with a given kind of backing, in slot order
 * @type: the backing type to look for
 * @pos: the slot to start at; advanced past what is returned
 * @slots: filled in with up to @max slots
 * @max: size of @slots
 *
 * For moving everything off a backend that has no reverse map (zswap).
 * Racing with switches, a slot may be reported that just left @type.
 *
 * Context: any context.
 * Return: the number of slots filled in; 0 when the scan is over.
 */
unsigned int vswap_scan(enum vswap_type type, unsigned long *pos,
			swp_entry_t *slots, unsigned int max)
{
	unsigned long idx = *pos >> VSWAP_PARTITION_SHIFT;
	unsigned int i = *pos & VSWAP_PARTITION_MASK, n = 0;
	struct vswap_partition *p;
	unsigned long start, word;

	rcu_read_lock();
	while (n < max) {
		start = idx;
		p = xa_find(&vswap_partitions, &idx, ULONG_MAX, XA_PRESENT);
		if (!p)
			break;
		if (idx != start)
			i = 0;
		for (; i < VSWAP_PARTITION_SLOTS && n < max; i++) {
			word = READ_ONCE(p->backend[i]);
			if (word == VSWAP_WORD_FREE || word == VSWAP_WORD_DYING ||
			    vswap_word_type(word) != type)
				continue;
			slots[n++] = vswap_entry((idx << VSWAP_PARTITION_SHIFT) +
						 i);
		}
		if (i < VSWAP_PARTITION_SLOTS)
			break;
		i = 0;
		if (++idx == 0)
			break;
	}
	rcu_read_unlock();
	*pos = (idx << VSWAP_PARTITION_SHIFT) + i;
	return n;
}

/**
 * vswap_swapoff - empty a swap device by walking its used slots
 * @type: the swap type; the caller already stopped new stores to it
 * @allowed: where the data may go, as for vswap_move()
 *
 * Walks the device's reverse map in device order and moves each slot's
 * data away.  No page table is visited.  Loops until the device holds
 * nothing (vswap_phys_used() is zero), waiting for slots pinned by I/O in
 * flight and for stores that allocated a device slot before writes were
 * stopped.
 *
 * Context: process context, may sleep.
 * Return: the number of slots moved, -EINTR on a fatal signal, or the error
 * that stopped a move (the device then still holds the remaining slots).
 */
long vswap_swapoff(int type, unsigned int allowed)
{
	struct vswap_rmap_ref refs[VSWAP_MOVE_BATCH];
	struct vswap_backing from = { .type = VSWAP_PHYS };
	unsigned long pos = 0;
	bool busy = false, empty;
	unsigned int i, n;
	long moved = 0;
	int err;

	might_sleep();
	if (type < 0 || type >= MAX_SWAPFILES)
		return -EINVAL;
	for (;;) {
		/* Also while only waiting for stores in flight. */
		if (fatal_signal_pending(current))
			return -EINTR;
		n = vswap_rmap_gather(type, &pos, refs, VSWAP_MOVE_BATCH);
		if (!n) {
			/*
			 * A pass is over.  The device counts slots from
			 * allocation on, the reverse map only once a store
			 * has inserted them: wait for both to be empty, so a
			 * store in flight when writes were stopped is moved
			 * too.  Slots that died still hold their device
			 * slots in the free batches.
			 */
			if (vswap_phys_used(type))
				vswap_drain_frees();
			empty = !vswap_rmap_release(type);
			if (empty && !vswap_phys_used(type))
				break;
			if (busy || empty)
				schedule_timeout_uninterruptible(1);
			busy = false;
			pos = 0;
			continue;
		}
		for (i = 0; i < n; i++) {
			from.phys = swp_entry(type, refs[i].off);
			err = vswap_move(vswap_entry(refs[i].slot), &from,
					 allowed, type);
			if (!err)
				moved++;
			else if (err == -EEXIST || err == -ESTALE)
				busy = true;	/* I/O or a store in flight */
			else if (err != -ENOENT)
				return err;
		}
		cond_resched();
	}
	return moved;
}

/* Backends and policy */

/**
 * vswap_backend_register - register the external backend
 * @ops: its operations
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY if one is registered already.
 */
int vswap_backend_register(const struct vswap_backend_ops *ops)
{
	int err = 0;

	mutex_lock(&vswap_ext_mutex);
	if (vswap_ext_ops) {
		err = -EBUSY;
	} else {
		WRITE_ONCE(vswap_ext_ops, ops);
		WRITE_ONCE(vswap_ext_store_ops, ops);
	}
	mutex_unlock(&vswap_ext_mutex);
	return err;
}

/**
 * vswap_backend_unregister - unregister the external backend
 * @ops: its operations
 *
 * The caller first stops new stores (the policy no longer allows
 * %VSWAP_EXT) and moves the entries away with vswap_move().
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOENT if @ops is not registered, -EBUSY if the backend still
 * holds entries (it then stays registered).
 */
int vswap_backend_unregister(const struct vswap_backend_ops *ops)
{
	int err = 0;

	mutex_lock(&vswap_ext_mutex);
	if (vswap_ext_ops != ops) {
		err = -ENOENT;
		goto out;
	}
	WRITE_ONCE(vswap_ext_store_ops, NULL);
	/* Every store that saw @ops has now counted itself. */
	synchronize_rcu();
	if (atomic_long_read(&vswap_ext_nr)) {
		/* Loads and releases kept using vswap_ext_ops meanwhile. */
		WRITE_ONCE(vswap_ext_store_ops, ops);
		err = -EBUSY;
	} else {
		/* No handle is left, and no store can make a new one. */
		WRITE_ONCE(vswap_ext_ops, NULL);
	}
out:
	mutex_unlock(&vswap_ext_mutex);
	return err;
}

/**
 * vswap_policy_set - set the hook that restricts backends per memcg
 * @policy: returns the mask of BIT(enum vswap_type) a memcg id may use, or
 *	NULL to allow everything.  Called from vswap_backing_store(); must not
 *	sleep.
 *
 * Context: any context.
 */
void vswap_policy_set(unsigned int (*policy)(unsigned short memcg_id))
{
	WRITE_ONCE(vswap_policy, policy);
}

/* Statistics */

/**
 * vswap_nr_entries - number of slots with a given backing
 * @type: the backing type
 *
 * Context: any context.
 * Return: the count, approximate while slots change.
 */
unsigned long vswap_nr_entries(enum vswap_type type)
{
	long sum = 0;
	int cpu;

	if (type >= VSWAP_NR_TYPES)
		return 0;
	for_each_possible_cpu(cpu)
		sum += atomic_long_read(&per_cpu_ptr(&vswap_stat,
						     cpu)->nr[type]);
	return max(0L, sum);
}

/**
 * vswap_metadata_bytes - memory used by descriptors and the reverse map
 *
 * Counts partitions (header and arrays) and reverse-map clusters; the
 * xarray nodes that index them are not included.
 *
 * Context: any context.
 * Return: bytes.
 */
unsigned long vswap_metadata_bytes(void)
{
	return atomic_long_read(&vswap_nr_partitions) *
		(L1_CACHE_ALIGN(sizeof(struct vswap_partition)) +
		 VSWAP_PARTITION_SLOTS * VSWAP_DESC_BYTES) +
	       atomic_long_read(&vswap_nr_rmap_clusters) *
		sizeof(struct vswap_rmap_cluster);
}

/**
 * vswap_shrink - finish waiting frees, free what is kept for reuse
 *
 * Frees the CPUs' empty partitions and the empty reverse-map clusters.
 * Other partitions are freed as soon as they empty; a CPU's current one,
 * like an emptied cluster, is kept so that alternating allocations and
 * frees do not churn them.
 *
 * Context: process context.
 */
void vswap_shrink(void)
{
	struct vswap_partition *p;
	int cpu, type;

	vswap_drain_frees();
	for_each_possible_cpu(cpu) {
		rcu_read_lock();
		p = READ_ONCE(*per_cpu_ptr(&vswap_pcpu_partition, cpu));
		if (p) {
			spin_lock(&p->lock);
			if (p->state == VSWAP_P_CPU && p->cpu == cpu &&
			    !p->nr_used)
				__vswap_pcpu_disown(p);
			spin_unlock(&p->lock);
		}
		rcu_read_unlock();
	}
	for (type = 0; type < MAX_SWAPFILES; type++)
		vswap_rmap_release(type);
}

/**
 * vswap_max_slot - bound the virtual slot numbers handed out
 * @limit: every slot number stays below this (at least two partitions)
 *
 * The kernel sizes the swap cache of the virtual type by this bound.  Call
 * before the first allocation.
 *
 * Context: any context.
 */
void vswap_max_slot(unsigned long limit)
{
	unsigned long nr = limit >> VSWAP_PARTITION_SHIFT;
	unsigned long span;

	vswap_partition_limit = min(max(nr, 2UL), VSWAP_MAX_PARTITIONS);
	span = vswap_partition_limit / nr_cpu_ids;
	WRITE_ONCE(vswap_region_span, span >= VSWAP_REGION_MIN ? span : 0);
}

/**
 * vswap_init - set up the virtual swap core
 *
 * Context: process context, once at boot (or per model instance).
 * Return: 0 or -ENOMEM.
 */
int vswap_init(void)
{
	int cpu, i;

	/* vswap_partition.free_groups has a bit per group. */
	BUILD_BUG_ON(VSWAP_NR_GROUPS > 32);
	/*
	 * Each CPU allocates from a partition of its own: no two partition
	 * headers, written at every allocation and free, share a cache line.
	 */
	vswap_partition_cache = KMEM_CACHE(vswap_partition, SLAB_HWCACHE_ALIGN);
	vswap_rmap_cache = KMEM_CACHE(vswap_rmap_cluster, 0);
	if (!vswap_partition_cache || !vswap_rmap_cache) {
		kmem_cache_destroy(vswap_partition_cache);
		kmem_cache_destroy(vswap_rmap_cache);
		vswap_partition_cache = NULL;
		vswap_rmap_cache = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < MAX_SWAPFILES; i++)
		xa_init(&vswap_rmap[i]);
	spin_lock(&vswap_partial_lock);
	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(vswap_partial_of(cpu));
	vswap_nr_partial = 0;
	spin_unlock(&vswap_partial_lock);
	for_each_possible_cpu(cpu) {
		for (i = 0; i < VSWAP_NR_TYPES; i++)
			atomic_long_set(&per_cpu_ptr(&vswap_stat, cpu)->nr[i],
					0);
		spin_lock_init(&per_cpu_ptr(&vswap_free_batch, cpu)->lock);
		per_cpu_ptr(&vswap_free_batch, cpu)->nr = 0;
	}
	atomic_long_set(&vswap_ext_nr, 0);
	vswap_policy = NULL;
	vswap_ext_store_ops = NULL;
	vswap_ext_ops = NULL;
	return 0;
}

/**
 * vswap_exit - tear the core down
 *
 * Every slot must have been freed.  Used by the model between test
 * instances and by vswap_init() error unwinding in the kernel.
 *
 * Context: process context, may sleep.
 */
void vswap_exit(void)
{
	struct vswap_partition *p;
	unsigned long idx;
	int i;

	vswap_shrink();
	for_each_possible_cpu(i) {
		WRITE_ONCE(*per_cpu_ptr(&vswap_pcpu_partition, i), NULL);
		/* Partitions left over (warned about below) are not killed. */
		memset(per_cpu_ptr(&vswap_pcpu_hints, i), 0,
		       sizeof(struct vswap_hints));
	}
	xa_for_each(&vswap_partitions, idx, p) {
		WARN_ONCE(1, "partition %lu still has %u slots\n", idx,
			  p->nr_used);
		xa_erase(&vswap_partitions, idx);
		call_rcu(&p->rcu, vswap_partition_free_rcu);
		atomic_long_dec(&vswap_nr_partitions);
	}
	for (i = 0; i < MAX_SWAPFILES; i++) {
		WARN_ON_ONCE(!xa_empty(&vswap_rmap[i]));
		xa_destroy(&vswap_rmap[i]);
	}
	spin_lock(&vswap_partial_lock);
	for_each_possible_cpu(i)
		INIT_LIST_HEAD(vswap_partial_of(i));
	vswap_nr_partial = 0;
	spin_unlock(&vswap_partial_lock);
	rcu_barrier();
	kmem_cache_destroy(vswap_partition_cache);
	kmem_cache_destroy(vswap_rmap_cache);
	vswap_partition_cache = NULL;
	vswap_rmap_cache = NULL;
}
