/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual swap space: the interface mm uses to name swapped-out pages by a
 * virtual slot instead of a (device, offset) pair.
 *
 * A virtual slot is a swp_entry_t of the reserved type VSWAP_SWP_TYPE.  Its
 * descriptor says where the data is (zero page, zswap object, device slot,
 * in-memory folio or a registered external backend), carries the swap count
 * and the swap-cache pin, and records the owning memcg.  See
 * Documentation/mm/vswap.rst and the Locking section of mm/vswap.c.
 *
 * With CONFIG_VIRTUAL_SWAP=n every function below is a stub, so callers need
 * no #ifdef.
 */
#ifndef _LINUX_VSWAP_H
#define _LINUX_VSWAP_H

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <linux/mm_types.h>

struct folio;
struct mem_cgroup;
struct seq_file;

/*
 * The swap type that names virtual slots in page tables.  The integration
 * reserves the last swap type for it, so swapon can use one type fewer.
 */
#define VSWAP_SWP_TYPE		(MAX_SWAPFILES - 1)

/* Where the data of a virtual slot lives. */
enum vswap_type {
	VSWAP_NONE,	/* allocated, nothing stored yet */
	VSWAP_ZERO,	/* all zeroes: no storage */
	VSWAP_ZSWAP,	/* a compressed object owned by zswap */
	VSWAP_PHYS,	/* a slot on a swap device */
	VSWAP_FOLIO,	/* an in-memory folio (swap cache, swapoff result) */
	VSWAP_EXT,	/* the registered external backend */
	VSWAP_NR_TYPES,
};

#define VSWAP_ALLOW_ALL		((1U << VSWAP_NR_TYPES) - 1)

/*
 * What a memcg may use (memory.swap.backends), as a mask: bit N for swap
 * type N, and one bit for zswap.  Zero pages need no backend.
 */
#define VSWAP_CG_DEVICES	0xffffffffULL
#define VSWAP_CG_ZSWAP		BIT_ULL(32)
#define VSWAP_CG_ALL		(VSWAP_CG_DEVICES | VSWAP_CG_ZSWAP)
/* swap_vswap_move() from zswap rather than from a swap type. */
#define VSWAP_FROM_ZSWAP	(-1)

/**
 * struct vswap_backing - a decoded backend word
 * @type: which backend holds the data
 * @zswap: for %VSWAP_ZSWAP, zswap's object (8-byte aligned)
 * @phys: for %VSWAP_PHYS, the device slot (swap type and offset)
 * @folio: for %VSWAP_FOLIO, the folio; the descriptor holds a reference
 * @handle: for %VSWAP_EXT, the external backend's handle (< 2^61)
 */
struct vswap_backing {
	enum vswap_type type;
	union {
		void *zswap;
		swp_entry_t phys;
		struct folio *folio;
		unsigned long handle;
	};
};

/**
 * struct vswap_backend_ops - an external backend (one may be registered)
 * @name: shown in statistics
 * @store: write @folio, return a handle (< 2^61) in @handle; 0 or -errno.
 *	May sleep.
 * @load: read the data named by @handle into @folio; 0 or -errno.
 *	May sleep.
 * @release: drop the data named by @handle.  Must not sleep: it runs when
 *	the last reference to a slot goes, possibly under a page table lock.
 */
struct vswap_backend_ops {
	const char *name;
	int (*store)(struct folio *folio, unsigned short memcg_id,
		     unsigned long *handle);
	int (*load)(unsigned long handle, struct folio *folio);
	void (*release)(unsigned long handle);
};

#ifdef CONFIG_VIRTUAL_SWAP

/*
 * Whether a swap entry names a virtual slot rather than a device slot.  A
 * macro, so that this header needs neither swap.h nor swapops.h.
 */
#define is_vswap_entry(entry)	(swp_type(entry) == VSWAP_SWP_TYPE)

int vswap_init(void);
void vswap_exit(void);
void vswap_max_slot(unsigned long limit);

/* Slot lifetime: swap count and swap-cache pin. */
int vswap_alloc(unsigned short memcg_id, unsigned int order,
		swp_entry_t *entry);
int vswap_dup(swp_entry_t entry, unsigned int nr);
unsigned int vswap_put(swp_entry_t entry, unsigned int nr);
int vswap_cache_pin(swp_entry_t entry);
void vswap_cache_unpin(swp_entry_t entry, unsigned int nr);
unsigned int vswap_count(swp_entry_t entry);
bool vswap_cache_pinned(swp_entry_t entry);
unsigned short vswap_memcg_id(swp_entry_t entry);
unsigned short vswap_memcg_xchg(swp_entry_t entry, unsigned short memcg_id,
				unsigned int nr);

/* Backing: lookup, store, load, switch, release, move. */
bool vswap_lookup(swp_entry_t entry, struct vswap_backing *b);
struct folio *vswap_folio_get(swp_entry_t entry);
int vswap_backing_store(swp_entry_t entry, struct folio *folio,
			unsigned int allowed, int exclude_type,
			struct vswap_backing *b);
int vswap_backing_load(const struct vswap_backing *b, struct folio *folio);
int vswap_backing_switch(swp_entry_t entry, const struct vswap_backing *old,
			 const struct vswap_backing *new);
int vswap_backing_set(swp_entry_t entry, const struct vswap_backing *new);
int vswap_backing_replace(swp_entry_t entry, const struct vswap_backing *old,
			  const struct vswap_backing *new);
void vswap_backing_release(swp_entry_t entry, const struct vswap_backing *b);
int vswap_move(swp_entry_t entry, const struct vswap_backing *from,
	       unsigned int allowed, int exclude_type);
long vswap_swapoff(int type, unsigned int allowed);
unsigned int vswap_rmap_next(int type, unsigned long *pos,
			     swp_entry_t *slots, unsigned int max);
unsigned long vswap_rmap_release(int type);
unsigned int vswap_scan(enum vswap_type type, unsigned long *pos,
			swp_entry_t *slots, unsigned int max);

/* Backends and policy. */
int vswap_backend_register(const struct vswap_backend_ops *ops);
int vswap_backend_unregister(const struct vswap_backend_ops *ops);
void vswap_policy_set(unsigned int (*policy)(unsigned short memcg_id));

/* Statistics and memory. */
unsigned long vswap_nr_entries(enum vswap_type type);
unsigned long vswap_metadata_bytes(void);
void vswap_shrink(void);
unsigned long vswap_drain_frees(void);

/*
 * Provided by the built-in backends (zswap, the swap device I/O code), not
 * by mm/vswap.c.  The release hooks must not sleep.  A slot that dies frees
 * its device slot with its CPU's free batch: vswap_phys_release_many() gets
 * the device slots of a batch, out of the reverse map already, and may
 * reorder them.
 */
void *vswap_zswap_store(struct folio *folio, unsigned short memcg_id);
int vswap_zswap_load(void *obj, struct folio *folio);
void vswap_zswap_release(swp_entry_t entry, void *obj);
int vswap_phys_store(struct folio *folio, unsigned short memcg_id,
		     int exclude_type, swp_entry_t *phys);
int vswap_phys_load(swp_entry_t phys, struct folio *folio);
void vswap_phys_release(swp_entry_t phys);
void vswap_phys_release_many(swp_entry_t *phys, unsigned int nr);
long vswap_phys_used(int type);

/*
 * Provided by the user of the core (the kernel's mm/vswap_glue.c, or the
 * model); called in any context and must not sleep.  vswap_account() is
 * told that @nr slots of @memcg_id went from backing @from to backing @to,
 * in one call so that a transition costs one memcg lookup.  Either end may
 * be %VSWAP_NR_TYPES, "no slot": the slots were allocated (@from), or
 * freed or recharged to another memcg (@to); only a change with both ends
 * real is a backend transition.  Every backend transition is reported;
 * any other change only for slots with a memcg and a backing: slots in
 * %VSWAP_NONE are not counted per memcg (their data is in a swap cache
 * folio, which the memcg counts as memory).  A slot is allocated with its
 * owner; under cgroup v1 it gets it later, from swap_cgroup_record().
 * When slots are freed, after their backings were released and just
 * before they become free, vswap_slots_uncharge() runs for @nr of them
 * charged to @memcg_id, and vswap_slots_freed() for @nr consecutive ones
 * from @entry on.
 */
void vswap_account(unsigned short memcg_id, enum vswap_type from,
		   enum vswap_type to, long nr);
void vswap_slots_uncharge(unsigned short memcg_id, unsigned int nr);
void vswap_slots_freed(swp_entry_t entry, unsigned int nr);

/*
 * Kernel only (mm/vswap_glue.c): statistics, the virtual space bound, and
 * the backends each memcg may use.
 */
void vswap_vmstat_show(struct seq_file *m);
int vswap_alloc_slot(struct folio *folio, swp_entry_t *entry);
u64 vswap_memcg_allowed(struct mem_cgroup *memcg);
u64 vswap_slot_allowed(swp_entry_t entry);
long vswap_memcg_nr_swappable(struct mem_cgroup *memcg);
bool vswap_folio_may_swap(struct folio *folio);
void vswap_devices_changed(void);
void vswap_memcg_free(struct mem_cgroup *memcg);

#else /* !CONFIG_VIRTUAL_SWAP */

static inline void vswap_vmstat_show(struct seq_file *m) {}

static inline u64 vswap_memcg_allowed(struct mem_cgroup *memcg)
{
	return VSWAP_CG_ALL;
}

static inline long vswap_memcg_nr_swappable(struct mem_cgroup *memcg)
{
	return (long)(~0UL >> 1);
}

static inline u64 vswap_slot_allowed(swp_entry_t entry)
{
	return VSWAP_CG_ALL;
}

static inline bool vswap_folio_may_swap(struct folio *folio)
{
	return true;
}

static inline void vswap_devices_changed(void) {}
static inline void vswap_memcg_free(struct mem_cgroup *memcg) {}

static inline int vswap_alloc_slot(struct folio *folio, swp_entry_t *entry)
{
	return -ENOSPC;
}

#define is_vswap_entry(entry)	((void)(entry), false)

static inline int vswap_init(void)
{
	return 0;
}

static inline void vswap_exit(void) {}
static inline void vswap_max_slot(unsigned long limit) {}

static inline int vswap_alloc(unsigned short memcg_id, unsigned int order,
			      swp_entry_t *entry)
{
	return -EOPNOTSUPP;
}

static inline int vswap_dup(swp_entry_t entry, unsigned int nr)
{
	return -ENOENT;
}

static inline unsigned int vswap_put(swp_entry_t entry, unsigned int nr)
{
	return 0;
}

static inline int vswap_cache_pin(swp_entry_t entry)
{
	return -ENOENT;
}

static inline void vswap_cache_unpin(swp_entry_t entry, unsigned int nr) {}

static inline unsigned int vswap_count(swp_entry_t entry)
{
	return 0;
}

static inline bool vswap_cache_pinned(swp_entry_t entry)
{
	return false;
}

static inline unsigned short vswap_memcg_id(swp_entry_t entry)
{
	return 0;
}

static inline unsigned short vswap_memcg_xchg(swp_entry_t entry,
					      unsigned short memcg_id,
					      unsigned int nr)
{
	return 0;
}

static inline bool vswap_lookup(swp_entry_t entry, struct vswap_backing *b)
{
	return false;
}

static inline struct folio *vswap_folio_get(swp_entry_t entry)
{
	return NULL;
}

static inline int vswap_backing_store(swp_entry_t entry, struct folio *folio,
				      unsigned int allowed, int exclude_type,
				      struct vswap_backing *b)
{
	return -EOPNOTSUPP;
}

static inline int vswap_backing_load(const struct vswap_backing *b,
				     struct folio *folio)
{
	return -EOPNOTSUPP;
}

static inline int vswap_backing_switch(swp_entry_t entry,
				       const struct vswap_backing *old,
				       const struct vswap_backing *new)
{
	return -ENOENT;
}

static inline void vswap_backing_release(swp_entry_t entry,
					 const struct vswap_backing *b) {}

static inline int vswap_backing_set(swp_entry_t entry,
				    const struct vswap_backing *new)
{
	return -ENOENT;
}

static inline int vswap_backing_replace(swp_entry_t entry,
					const struct vswap_backing *old,
					const struct vswap_backing *new)
{
	return -ENOENT;
}

static inline int vswap_move(swp_entry_t entry,
			     const struct vswap_backing *from,
			     unsigned int allowed, int exclude_type)
{
	return -ENOENT;
}

static inline long vswap_swapoff(int type, unsigned int allowed)
{
	return 0;
}

static inline unsigned int vswap_rmap_next(int type, unsigned long *pos,
					   swp_entry_t *slots,
					   unsigned int max)
{
	return 0;
}

static inline unsigned long vswap_rmap_release(int type)
{
	return 0;
}

static inline unsigned int vswap_scan(enum vswap_type type,
				      unsigned long *pos, swp_entry_t *slots,
				      unsigned int max)
{
	return 0;
}

static inline int vswap_backend_register(const struct vswap_backend_ops *ops)
{
	return -EOPNOTSUPP;
}

static inline int
vswap_backend_unregister(const struct vswap_backend_ops *ops)
{
	return -ENOENT;
}

static inline void
vswap_policy_set(unsigned int (*policy)(unsigned short memcg_id)) {}

static inline unsigned long vswap_nr_entries(enum vswap_type type)
{
	return 0;
}

static inline unsigned long vswap_metadata_bytes(void)
{
	return 0;
}

static inline void vswap_shrink(void) {}

#endif /* CONFIG_VIRTUAL_SWAP */

#endif /* _LINUX_VSWAP_H */
