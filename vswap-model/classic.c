// SPDX-License-Identifier: GPL-2.0
/*
 * The classic (Linux 6.12) swap design, as a second implementation behind
 * the same workload driver, for comparison with vswap:
 *
 * - every swapped page owns a slot on a device, even when zswap or the
 *   zero map holds its data;
 * - per device: swap_map (count | SWAP_HAS_CACHE; 16 bits here, so no
 *   continuation pages), a swap cache and a zswap tree per 64 MiB of
 *   device keyed by offset (xarrays, as in 6.12), a zero map bitmap;
 * - per-CPU caches of 64 free slots, like mm/swap_slots.c;
 * - swapoff walks every page table of every process, like try_to_unuse().
 *
 * Simplified: one lock per device for swap_map (6.12 uses per-cluster
 * locks under si->lock); swap-in reads one page (no readahead), which is
 * what vswap does too.
 */
#include "mm.h"

/*
 * swap_map bits.  HAS_CACHE: a folio for the slot is (being put) in the
 * swap cache.  BUSY: someone owns adding or removing that folio (a
 * swap-out or swap-in in progress, or reclaim of the cache folio); the
 * model's stand-in for the folio lock.  DIRTY: the cache folio holds the
 * only copy (its writeout failed).
 */
#define CL_HAS_CACHE	0x8000u
#define CL_BUSY		0x4000u
#define CL_DIRTY	0x2000u
#define CL_FLAGS	(CL_HAS_CACHE | CL_BUSY | CL_DIRTY)
#define CL_COUNT	0x1fffu
#define CL_SPACE_SHIFT	14		/* 64 MiB of 4 KiB pages */
#define CL_SLOTS_CACHE	64

struct cdev {
	struct mdisk *disk;
	spinlock_t lock;		/* map, inuse, cursor */
	u16 *map;
	unsigned long nr;
	long inuse;
	unsigned long cursor;
	bool writeok;
	unsigned int nr_spaces;
	struct xarray *cache;		/* swap cache, per 64 MiB */
	struct xarray *ztree;		/* zswap tree, per 64 MiB */
	unsigned long *zeromap;
};

struct cslots {
	spinlock_t lock;
	int n;
	swp_entry_t e[CL_SLOTS_CACHE];
};

struct classic {
	struct cdev dev[MODEL_MAX_DISKS];
	struct cslots slots[MODEL_NR_CPUS];
};

static struct classic *cl(struct mm *mm)
{
	return mm->priv;
}

static struct cdev *cl_dev(struct mm *mm, swp_entry_t e)
{
	return &cl(mm)->dev[swp_type(e)];
}

static int c_init(struct mm *mm)
{
	struct classic *c = calloc(1, sizeof(*c));
	unsigned int t, s;

	if (!c)
		return -ENOMEM;
	mm->priv = c;
	for (t = 0; t < MODEL_MAX_DISKS; t++) {
		struct cdev *d = &c->dev[t];

		spin_lock_init(&d->lock);
		if (!model_disks[t])
			continue;
		d->disk = model_disks[t];
		d->nr = d->disk->nr_slots;
		d->map = calloc(d->nr, sizeof(*d->map));
		d->map[0] = CL_COUNT;		/* header */
		d->cursor = 1;
		d->writeok = true;
		d->nr_spaces = (d->nr >> CL_SPACE_SHIFT) + 1;
		d->cache = calloc(d->nr_spaces, sizeof(*d->cache));
		d->ztree = calloc(d->nr_spaces, sizeof(*d->ztree));
		for (s = 0; s < d->nr_spaces; s++) {
			xa_init(&d->cache[s]);
			xa_init(&d->ztree[s]);
		}
		d->zeromap = calloc(d->nr / 64 + 1, sizeof(unsigned long));
	}
	for (t = 0; t < MODEL_NR_CPUS; t++)
		spin_lock_init(&c->slots[t].lock);
	return 0;
}

static bool cl_cache_del(struct cdev *d, unsigned long off);
static void cl_put_bits(struct mm *mm, swp_entry_t e, unsigned int bits);
static void cl_update(struct mm *mm, swp_entry_t e, unsigned int flags,
		      unsigned int count);
static bool cl_claim(struct cdev *d, unsigned long off, bool unmapped);

static void c_fini(struct mm *mm)
{
	struct classic *c = cl(mm);
	unsigned int t, s;
	unsigned long off;
	int i;

	/* Give back cached free slots and drop unmapped swap-cache folios. */
	for (t = 0; t < MODEL_NR_CPUS; t++) {
		for (i = 0; i < c->slots[t].n; i++)
			cl_put_bits(mm, c->slots[t].e[i], CL_HAS_CACHE);
		c->slots[t].n = 0;
	}
	for (t = 0; t < MODEL_MAX_DISKS; t++) {
		struct cdev *d = &c->dev[t];

		if (!d->disk)
			continue;
		for (off = 1; off < d->nr; off++) {
			if (!(d->map[off] & CL_HAS_CACHE) ||
			    !cl_claim(d, off, true))
				continue;
			cl_cache_del(d, off);
			cl_update(mm, swp_entry(t, off), CL_FLAGS, 0);
		}
		WARN_ON(d->inuse);
		for (s = 0; s < d->nr_spaces; s++) {
			xa_destroy(&d->cache[s]);
			xa_destroy(&d->ztree[s]);
		}
		free(d->cache);
		free(d->ztree);
		free(d->map);
		free(d->zeromap);
	}
	free(c);
}

static struct xarray *cl_cache(struct cdev *d, unsigned long off)
{
	return &d->cache[off >> CL_SPACE_SHIFT];
}

static struct xarray *cl_ztree(struct cdev *d, unsigned long off)
{
	return &d->ztree[off >> CL_SPACE_SHIFT];
}

/* Release what backs a slot whose map entry reached zero. */
static void cl_slot_free(struct mm *mm, struct cdev *d, unsigned long off)
{
	void *obj = xa_erase(cl_ztree(d, off), off);

	if (obj)
		mzswap_free(obj);
	__atomic_and_fetch(&d->zeromap[off / 64], ~BIT(off % 64),
			   __ATOMIC_RELAXED);
}

/*
 * Clear @flags and drop @count references of a slot; free it when nothing
 * is left.
 */
static void cl_update(struct mm *mm, swp_entry_t e, unsigned int flags,
		      unsigned int count)
{
	struct cdev *d = cl_dev(mm, e);
	unsigned long off = swp_offset(e);
	bool freed = false;

	spin_lock(&d->lock);
	WARN_ON((d->map[off] & flags & CL_HAS_CACHE) != (flags & CL_HAS_CACHE));
	d->map[off] &= ~flags;
	if (count && !WARN_ON((d->map[off] & CL_COUNT) < count))
		d->map[off] -= count;
	if (!d->map[off]) {
		/* Reserved until its zswap entry and zero bit are gone. */
		d->map[off] = CL_BUSY;
		freed = true;
	}
	spin_unlock(&d->lock);
	if (!freed)
		return;
	cl_slot_free(mm, d, off);
	spin_lock(&d->lock);
	d->map[off] = 0;
	d->inuse--;
	spin_unlock(&d->lock);
}

static void cl_put_bits(struct mm *mm, swp_entry_t e, unsigned int bits)
{
	if (bits == CL_HAS_CACHE)
		cl_update(mm, e, CL_FLAGS, 0);
	else
		cl_update(mm, e, 0, bits);
}

/*
 * Claim the removal of a slot's cache folio: only when nobody else owns
 * it.  With @unmapped, only if no page table references it.
 */
static bool cl_claim(struct cdev *d, unsigned long off, bool unmapped)
{
	bool ok;

	spin_lock(&d->lock);
	ok = (d->map[off] & (CL_HAS_CACHE | CL_BUSY)) == CL_HAS_CACHE &&
	     (!unmapped || !(d->map[off] & CL_COUNT));
	if (ok)
		d->map[off] |= CL_BUSY;
	spin_unlock(&d->lock);
	return ok;
}

/*
 * The owner of BUSY leaves a folio in the swap cache: set @set and drop
 * BUSY, unless no page table references the slot any more.  Then a
 * c_put() that ran meanwhile could not claim the folio, so the owner
 * removes it itself (and with it SWAP_HAS_CACHE), as whoever unlocks the
 * folio does in free_swap_and_cache()'s absence.  Returns true if the
 * folio stays in the cache.
 */
static bool cl_release(struct mm *mm, swp_entry_t e, unsigned int set)
{
	struct cdev *d = cl_dev(mm, e);
	unsigned long off = swp_offset(e);
	bool mapped;

	spin_lock(&d->lock);
	mapped = d->map[off] & CL_COUNT;
	if (mapped)
		d->map[off] = (d->map[off] | set) & ~CL_BUSY;
	spin_unlock(&d->lock);
	if (mapped)
		return true;
	cl_cache_del(d, off);
	cl_update(mm, e, CL_FLAGS, 0);
	return false;
}

/* Refill this CPU's slot cache from the devices (get_swap_pages()). */
static void cl_refill(struct mm *mm, struct cslots *s)
{
	unsigned int t;
	unsigned long n, i;

	for (t = 0; t < MODEL_MAX_DISKS && !s->n; t++) {
		struct cdev *d = &cl(mm)->dev[t];

		if (!d->disk)
			continue;
		spin_lock(&d->lock);
		for (n = 0; d->writeok && n < d->nr && s->n < CL_SLOTS_CACHE;
		     n++) {
			i = (d->cursor + n) % d->nr;
			if (d->map[i])
				continue;
			d->map[i] = CL_HAS_CACHE | CL_BUSY;
			d->inuse++;
			s->e[s->n++] = swp_entry(t, i);
		}
		d->cursor = (d->cursor + n) % d->nr;
		spin_unlock(&d->lock);
	}
}

static int cl_alloc(struct mm *mm, swp_entry_t *e)
{
	struct cslots *s = &cl(mm)->slots[raw_smp_processor_id()];
	int err = -ENOSPC;

	spin_lock(&s->lock);
	while (s->n || (cl_refill(mm, s), s->n)) {
		*e = s->e[--s->n];
		/* Drained caches may hold slots of a device going away. */
		if (!__atomic_load_n(&cl_dev(mm, *e)->writeok,
				     __ATOMIC_RELAXED)) {
			spin_unlock(&s->lock);
			cl_put_bits(mm, *e, CL_HAS_CACHE);
			spin_lock(&s->lock);
			continue;
		}
		err = 0;
		break;
	}
	spin_unlock(&s->lock);
	return err;
}

static void cl_drain(struct mm *mm, int type)
{
	unsigned int c;
	swp_entry_t e;
	int i;

	for (c = 0; c < MODEL_NR_CPUS; c++) {
		struct cslots *s = &cl(mm)->slots[c];

		spin_lock(&s->lock);
		for (i = 0; i < s->n; i++) {
			if (swp_type(s->e[i]) != type)
				continue;
			/* Out of the cache before the lock is dropped. */
			e = s->e[i];
			s->e[i--] = s->e[--s->n];
			spin_unlock(&s->lock);
			cl_put_bits(mm, e, CL_HAS_CACHE);
			spin_lock(&s->lock);
		}
		spin_unlock(&s->lock);
	}
}

static struct folio *cl_cache_get(struct cdev *d, unsigned long off)
{
	struct folio *f;

	rcu_read_lock();
	f = xa_load(cl_cache(d, off), off);
	if (f && !folio_try_get(f))
		f = NULL;
	rcu_read_unlock();
	return f;
}

/* Whoever removes the folio from the swap cache drops SWAP_HAS_CACHE. */
static bool cl_cache_del(struct cdev *d, unsigned long off)
{
	struct folio *f = xa_erase(cl_cache(d, off), off);

	if (f)
		folio_put(f);
	return f;
}

/* Write a swap-cache folio to its slot's backend. */
static int cl_writeout(struct mm *mm, struct cdev *d, unsigned long off,
		       struct folio *f)
{
	void *obj, *old;

	if (!memchr_inv(f->data, 0, PAGE_SIZE)) {
		__atomic_or_fetch(&d->zeromap[off / 64], BIT(off % 64),
				  __ATOMIC_RELAXED);
		return 0;
	}
	if (mm->zswap) {
		obj = mzswap_store(f->data, 0);
		if (obj) {
			old = xa_store(cl_ztree(d, off), off, obj, GFP_KERNEL);
			if (!xa_is_err(old)) {
				if (old)
					mzswap_free(old);
				return 0;
			}
			mzswap_free(obj);	/* no tree node: to disk */
		}
	}
	return mdisk_write(d->disk, off, f->data);
}

static int c_swap_out(struct mm *mm, struct mproc *p, unsigned long i)
{
	struct folio *f;
	struct cdev *d;
	unsigned long off;
	swp_entry_t e;
	int err;

	f = mproc_reclaimable_folio(p, i);
	if (!f)
		return -EAGAIN;

	err = cl_alloc(mm, &e);		/* HAS_CACHE set */
	if (err)
		goto out;
	d = cl_dev(mm, e);
	off = swp_offset(e);
	folio_get(f);
	if (xa_is_err(xa_store(cl_cache(d, off), off, f, GFP_KERNEL))) {
		folio_put(f);
		cl_put_bits(mm, e, CL_HAS_CACHE);
		err = -ENOMEM;
		goto out;
	}

	spin_lock(&p->ptl);
	if (p->pte[i] != (unsigned long)f) {
		spin_unlock(&p->ptl);
		cl_cache_del(d, off);
		cl_put_bits(mm, e, CL_HAS_CACHE);
		err = -EAGAIN;
		goto out;
	}
	spin_lock(&d->lock);
	d->map[off]++;
	spin_unlock(&d->lock);
	__atomic_store_n(&p->pte[i], swp_pte(e), __ATOMIC_RELAXED);
	spin_unlock(&p->ptl);
	folio_put(f);

	if (cl_writeout(mm, d, off, f)) {
		__atomic_add_fetch(&mm->errors, 1, __ATOMIC_RELAXED);
		/* Stays in the swap cache, the only copy. */
		if (cl_release(mm, e, CL_DIRTY))
			mm_ring_push(mm, e);
	} else {
		cl_cache_del(d, off);
		cl_put_bits(mm, e, CL_HAS_CACHE);
	}
out:
	folio_put(f);
	return err;
}

/* swapcache_prepare() */
static int cl_cache_prepare(struct cdev *d, unsigned long off)
{
	int err = 0;

	spin_lock(&d->lock);
	if (!(d->map[off] & CL_COUNT))
		err = -ENOENT;
	else if (d->map[off] & CL_HAS_CACHE)
		err = -EEXIST;
	else
		d->map[off] |= CL_HAS_CACHE | CL_BUSY;
	spin_unlock(&d->lock);
	return err;
}

static int c_swap_in(struct mm *mm, struct mproc *p, unsigned long i)
{
	bool installed = false, prepared = false, keep;
	struct folio *f, *nf;
	unsigned long pte, off;
	struct cdev *d;
	swp_entry_t e;
	void *obj;
	int err = 0;

	spin_lock(&p->ptl);
	pte = p->pte[i];
	spin_unlock(&p->ptl);
	if (!pte_is_swap(pte))
		return 0;
	e = pte_swp(pte);
	d = cl_dev(mm, e);
	off = swp_offset(e);

	nf = folio_alloc(GFP_KERNEL, 0);
	if (!nf)
		return -ENOMEM;
	f = cl_cache_get(d, off);
	if (f) {
		folio_copy(nf, f);
		folio_put(f);
		goto install;
	}
	if (cl_cache_prepare(d, off)) {
		folio_put(nf);
		return -EAGAIN;
	}
	prepared = true;
	if (__atomic_load_n(&d->zeromap[off / 64], __ATOMIC_RELAXED) &
	    BIT(off % 64)) {
		memset(nf->data, 0, PAGE_SIZE);
	} else if ((obj = xa_load(cl_ztree(d, off), off))) {
		err = mzswap_load(obj, nf->data);
	} else {
		err = mdisk_read(d->disk, off, nf->data);
	}
	if (err) {
		cl_put_bits(mm, e, CL_HAS_CACHE);
		folio_put(nf);
		return err;
	}
	folio_get(nf);			/* for the swap cache */
install:
	spin_lock(&p->ptl);
	if (p->pte[i] == pte) {
		__atomic_store_n(&p->pte[i], (unsigned long)nf,
				 __ATOMIC_RELAXED);
		installed = true;
	}
	spin_unlock(&p->ptl);
	if (!prepared) {
		if (installed)
			mm->impl->put(mm, pte);	/* may leave cache only */
		else
			folio_put(nf);
		return 0;
	}
	/*
	 * Once installed, nf belongs to the page table: reclaim may swap it
	 * out and free it at once, so only the cache's reference (taken
	 * above) may be used from here on.  The slot is ours (BUSY) and
	 * SWAP_HAS_CACHE keeps it allocated while its count drops.
	 */
	if (installed)
		cl_put_bits(mm, e, 1);
	else
		folio_put(nf);
	/* Shared: keep a clean copy in the swap cache, backing kept too. */
	spin_lock(&d->lock);
	keep = d->map[off] & CL_COUNT;
	spin_unlock(&d->lock);
	if (keep && xa_is_err(xa_store(cl_cache(d, off), off, nf, GFP_KERNEL)))
		keep = false;		/* no node: drop the copy */
	if (keep) {
		if (cl_release(mm, e, 0))	/* clean, in the cache */
			mm_ring_push(mm, e);
	} else {
		folio_put(nf);
		cl_put_bits(mm, e, CL_HAS_CACHE);
	}
	return 0;
}

static int c_dup(struct mm *mm, unsigned long pte)
{
	swp_entry_t e = pte_swp(pte);
	struct cdev *d = cl_dev(mm, e);
	int err = 0;

	spin_lock(&d->lock);
	if (!d->map[swp_offset(e)])
		err = -ENOENT;
	else
		d->map[swp_offset(e)]++;
	spin_unlock(&d->lock);
	return err;
}

static void c_put(struct mm *mm, unsigned long pte)
{
	swp_entry_t e = pte_swp(pte);
	struct cdev *d = cl_dev(mm, e);
	unsigned long off = swp_offset(e);

	cl_put_bits(mm, e, 1);
	/*
	 * free_swap_and_cache(): drop a swap-cache folio nobody maps.  If
	 * someone owns it (BUSY), that owner drops it (cl_release()).
	 */
	if (cl_claim(d, off, true)) {
		cl_cache_del(d, off);
		cl_update(mm, e, CL_FLAGS, 0);
	}
}

/*
 * Drop one swap-cache folio.  A clean one just goes: its backing is still
 * there.  A dirty one is written out first.
 */
static bool c_reclaim_cache(struct mm *mm)
{
	unsigned int map;
	unsigned long off;
	struct folio *f;
	struct cdev *d;
	swp_entry_t e;

	while (mm_ring_pop(mm, &e)) {
		d = cl_dev(mm, e);
		off = swp_offset(e);
		if (!cl_claim(d, off, false))
			continue;
		f = cl_cache_get(d, off);
		spin_lock(&d->lock);
		map = d->map[off];
		spin_unlock(&d->lock);
		if (f && (map & CL_DIRTY) && (map & CL_COUNT) &&
		    cl_writeout(mm, d, off, f)) {
			folio_put(f);
			/* Still dirty; retry later. */
			if (cl_release(mm, e, 0))
				mm_ring_push(mm, e);
			return true;
		}
		if (f)
			folio_put(f);
		cl_cache_del(d, off);
		cl_update(mm, e, CL_FLAGS, 0);
		return true;
	}
	return false;
}

static long cl_inuse(struct cdev *d)
{
	long n;

	spin_lock(&d->lock);
	n = d->inuse;
	spin_unlock(&d->lock);
	return n;
}

/*
 * try_to_unuse(): walk every page table of every process, swap in each
 * entry on the device, until the device is unused.
 */
static long c_swapoff(struct mm *mm, int type)
{
	struct cdev *d = &cl(mm)->dev[type];
	struct mproc *p;
	unsigned long i, pte, off;
	long moved = 0;
	int err;

	spin_lock(&d->lock);
	__atomic_store_n(&d->writeok, false, __ATOMIC_RELAXED);
	spin_unlock(&d->lock);
	cl_drain(mm, type);
	while (cl_inuse(d)) {
		mutex_lock(&mm->procs_lock);
		for (p = list_entry(mm->procs.next, struct mproc, list);
		     &p->list != &mm->procs;
		     p = list_entry(p->list.next, struct mproc, list)) {
			for (i = 0; i < p->nr; i++) {
				pte = __atomic_load_n(&p->pte[i],
						      __ATOMIC_RELAXED);
				if (!pte_is_swap(pte) ||
				    swp_type(pte_swp(pte)) != type)
					continue;
				do {
					err = c_swap_in(mm, p, i);
				} while (err == -EAGAIN);
				if (err) {
					mutex_unlock(&mm->procs_lock);
					return err;
				}
				moved++;
			}
		}
		mutex_unlock(&mm->procs_lock);
		/* Slots only the swap cache holds. */
		for (off = 1; off < d->nr; off++) {
			if (!cl_claim(d, off, true))
				continue;
			cl_cache_del(d, off);
			cl_update(mm, swp_entry(type, off), CL_FLAGS, 0);
		}
		if (cl_inuse(d))
			schedule_timeout_uninterruptible(1);
	}
	return moved;
}

static void c_swapon(struct mm *mm, int type)
{
	struct cdev *d = &cl(mm)->dev[type];

	spin_lock(&d->lock);
	__atomic_store_n(&d->writeok, true, __ATOMIC_RELAXED);
	spin_unlock(&d->lock);
}

static unsigned int c_count(struct mm *mm, unsigned long pte)
{
	swp_entry_t e = pte_swp(pte);
	struct cdev *d = cl_dev(mm, e);
	unsigned int n;

	spin_lock(&d->lock);
	n = d->map[swp_offset(e)] & CL_COUNT;
	spin_unlock(&d->lock);
	return n;
}

/*
 * Swap entries in use: slots counted in inuse, less the free slots that
 * wait in the per-CPU caches (counted in inuse like in the kernel, but
 * not entries anyone holds).
 */
static long c_nr_entries(struct mm *mm)
{
	long n = 0;
	int t;

	for (t = 0; t < MODEL_MAX_DISKS; t++) {
		struct cdev *d = &cl(mm)->dev[t];

		if (!d->disk)
			continue;
		n += cl_inuse(d);
	}
	for (t = 0; t < MODEL_NR_CPUS; t++) {
		struct cslots *s = &cl(mm)->slots[t];

		spin_lock(&s->lock);
		n -= s->n;
		spin_unlock(&s->lock);
	}
	return n;
}

const struct swap_impl classic_impl = {
	.name = "classic",
	.init = c_init,
	.fini = c_fini,
	.swap_out = c_swap_out,
	.swap_in = c_swap_in,
	.dup = c_dup,
	.put = c_put,
	.swapoff = c_swapoff,
	.swapon = c_swapon,
	.reclaim_cache = c_reclaim_cache,
	.count = c_count,
	.nr_entries = c_nr_entries,
};
