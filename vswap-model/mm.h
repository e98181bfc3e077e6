/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small model of the memory manager around swap: processes with page
 * tables, a reclaimer that pushes pages out past a RAM budget, faults that
 * bring them back, fork sharing swap entries, exit, swapoff.  Two swap
 * implementations plug in behind struct swap_impl: vswap (the core in
 * ../kernel/mm/vswap.c) and classic (per-device swap_map, swap cache and
 * zswap tree keyed by (device, offset), swapoff walking page tables).
 */
#ifndef _MODEL_MM_H
#define _MODEL_MM_H

#include "backends.h"

/*
 * Page table entries: 0 = none; a folio pointer (64-byte aligned) =
 * present; (swp_entry_t.val << 1) | 1 = swapped out.
 */
#define PTE_NONE		0UL
#define pte_is_swap(pte)	((pte) & 1)
#define pte_is_present(pte)	((pte) && !pte_is_swap(pte))
#define pte_swp(pte)		((swp_entry_t){ (pte) >> 1 })
#define swp_pte(e)		(((e).val << 1) | 1)

struct mproc {
	int pid;
	unsigned short memcg;
	unsigned long nr;
	unsigned long *pte;	/* changed under ptl */
	u64 *cid;		/* content id per page; changed under ptl */
	spinlock_t ptl;
	struct list_head list;	/* on mm.procs, under mm.procs_lock */
};

struct mm;

struct swap_impl {
	const char *name;
	int (*init)(struct mm *mm);
	void (*fini)(struct mm *mm);
	/* Present -> swapped.  0, -EAGAIN (page changed) or -errno. */
	int (*swap_out)(struct mm *mm, struct mproc *p, unsigned long i);
	/* Swapped -> present.  0, -EAGAIN (retry) or -errno. */
	int (*swap_in)(struct mm *mm, struct mproc *p, unsigned long i);
	int (*dup)(struct mm *mm, unsigned long pte);
	void (*put)(struct mm *mm, unsigned long pte);
	long (*swapoff)(struct mm *mm, int type);
	void (*swapon)(struct mm *mm, int type);
	/* Push one swap-cache folio out; false if there was none. */
	bool (*reclaim_cache)(struct mm *mm);
	unsigned int (*count)(struct mm *mm, unsigned long pte);
	long (*nr_entries)(struct mm *mm);
};

extern const struct swap_impl vswap_impl, classic_impl;

#define MM_RING	4096

struct mm {
	const struct swap_impl *impl;
	void *priv;
	long ram_budget;	/* folios */
	bool verify;		/* check page contents on every access */
	bool zswap;		/* classic: zswap enabled */
	unsigned int allowed;	/* vswap: backends for swap-out */
	unsigned int zero_pct, compressible_pct;	/* content mix */
	struct mutex procs_lock;
	struct list_head procs;
	int next_pid;
	spinlock_t ring_lock;	/* swap-cache folios to reclaim */
	unsigned long ring[MM_RING];
	unsigned int ring_head, ring_n;
	long swapouts, swapins, errors;
};

int mm_init(struct mm *mm, const struct swap_impl *impl, long ram_budget);
void mm_fini(struct mm *mm);
struct mproc *mm_proc_new(struct mm *mm, unsigned long nr,
			  unsigned short memcg, unsigned long nr_cheap);
int mm_touch(struct mm *mm, struct mproc *p, unsigned long i, bool write);
struct mproc *mm_fork(struct mm *mm, struct mproc *parent);
void mm_exit(struct mm *mm, struct mproc *p);
int mm_reclaim(struct mm *mm, unsigned int *seed);
bool mm_check_counts(struct mm *mm);
long mm_ram(void);

void mm_ring_push(struct mm *mm, swp_entry_t e);
bool mm_ring_pop(struct mm *mm, swp_entry_t *e);

void page_fill(struct mm *mm, struct folio *f, u64 cid);
bool page_check(struct mm *mm, struct folio *f, u64 cid);
u64 mm_new_cid(void);

extern struct folio mm_cheap_folio;	/* shared, never reclaimed */

struct folio *mproc_reclaimable_folio(struct mproc *p, unsigned long i);

#endif /* _MODEL_MM_H */
