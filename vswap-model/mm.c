// SPDX-License-Identifier: GPL-2.0
/*
 * The memory-manager model and the vswap swap implementation.  See mm.h.
 */
#include "mm.h"

struct folio mm_cheap_folio __attribute__((aligned(64)));
static u64 mm_cid_next = 1;

u64 mm_new_cid(void)
{
	return __atomic_fetch_add(&mm_cid_next, 1, __ATOMIC_RELAXED);
}

long mm_ram(void)
{
	return model_folios_live();
}

/* Content: a function of the content id; the mix picks the kind. */
static unsigned int cid_kind(struct mm *mm, u64 cid)
{
	unsigned int r = (cid * 2654435761u) % 100;

	if (r < mm->zero_pct)
		return 0;
	return r < mm->zero_pct + mm->compressible_pct ? 1 : 2;
}

static void cid_data(struct mm *mm, u64 cid, unsigned char *d)
{
	u64 x = cid * 0x9e3779b97f4a7c15ULL + 1, w;
	unsigned int i;

	switch (cid_kind(mm, cid)) {
	case 0:
		memset(d, 0, PAGE_SIZE);
		return;
	case 1:
		for (i = 0; i < PAGE_SIZE; i += 8) {
			w = cid + (i / 64 % 4);
			memcpy(d + i, &w, 8);
		}
		return;
	default:
		for (i = 0; i < PAGE_SIZE; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(d + i, &x, 8);
		}
	}
}

void page_fill(struct mm *mm, struct folio *f, u64 cid)
{
	cid_data(mm, cid, f->data);
}

bool page_check(struct mm *mm, struct folio *f, u64 cid)
{
	unsigned char want[PAGE_SIZE];

	cid_data(mm, cid, want);
	return !memcmp(want, f->data, PAGE_SIZE);
}

void mm_ring_push(struct mm *mm, swp_entry_t e)
{
	spin_lock(&mm->ring_lock);
	mm->ring[(mm->ring_head + mm->ring_n) % MM_RING] = e.val;
	if (mm->ring_n < MM_RING)
		mm->ring_n++;
	else
		mm->ring_head = (mm->ring_head + 1) % MM_RING;
	spin_unlock(&mm->ring_lock);
}

bool mm_ring_pop(struct mm *mm, swp_entry_t *e)
{
	bool ok = false;

	spin_lock(&mm->ring_lock);
	if (mm->ring_n) {
		e->val = mm->ring[mm->ring_head];
		mm->ring_head = (mm->ring_head + 1) % MM_RING;
		mm->ring_n--;
		ok = true;
	}
	spin_unlock(&mm->ring_lock);
	return ok;
}

int mm_init(struct mm *mm, const struct swap_impl *impl, long ram_budget)
{
	memset(mm, 0, sizeof(*mm));
	mm->impl = impl;
	mm->ram_budget = ram_budget;
	mm->verify = true;
	mm->zswap = true;
	mm->allowed = VSWAP_ALLOW_ALL & ~BIT(VSWAP_FOLIO);
	mm->zero_pct = 10;
	mm->compressible_pct = 60;
	mutex_init(&mm->procs_lock);
	INIT_LIST_HEAD(&mm->procs);
	spin_lock_init(&mm->ring_lock);
	atomic_set(&mm_cheap_folio._refcount, 1);
	return impl->init(mm);
}

void mm_fini(struct mm *mm)
{
	mm->impl->fini(mm);
}

struct mproc *mm_proc_new(struct mm *mm, unsigned long nr,
			  unsigned short memcg, unsigned long nr_cheap)
{
	struct mproc *p = calloc(1, sizeof(*p));
	unsigned long i;

	if (!p)
		return NULL;
	p->nr = nr;
	p->memcg = memcg;
	p->pte = calloc(nr, sizeof(*p->pte));
	p->cid = calloc(nr, sizeof(*p->cid));
	spin_lock_init(&p->ptl);
	for (i = 0; i < nr_cheap && i < nr; i++)
		p->pte[i] = (unsigned long)&mm_cheap_folio;
	mutex_lock(&mm->procs_lock);
	p->pid = ++mm->next_pid;
	list_add_tail(&p->list, &mm->procs);
	mutex_unlock(&mm->procs_lock);
	return p;
}

/* Give page @i a private copy of @old. */
static int mm_cow(struct mm *mm, struct mproc *p, unsigned long i,
		  unsigned long old)
{
	struct folio *nf = folio_alloc(GFP_KERNEL, 0);

	if (!nf)
		return -ENOMEM;
	spin_lock(&p->ptl);
	if (p->pte[i] == old) {
		folio_copy(nf, (struct folio *)old);
		__atomic_store_n(&p->pte[i], (unsigned long)nf,
				 __ATOMIC_RELAXED);
		nf = (struct folio *)old;	/* drop the mapping's ref */
	}
	spin_unlock(&p->ptl);
	folio_put(nf);
	return 0;
}

/*
 * Access page @i of @p as its owner does: populate, fault in, and with
 * @write give it new contents.  Checks what it finds against the content
 * id when mm->verify is set.
 */
int mm_touch(struct mm *mm, struct mproc *p, unsigned long i, bool write)
{
	struct folio *f;
	unsigned long pte;
	int err, tries = 0;

	for (;;) {
		spin_lock(&p->ptl);
		pte = __atomic_load_n(&p->pte[i], __ATOMIC_RELAXED);
		if (pte == (unsigned long)&mm_cheap_folio) {
			spin_unlock(&p->ptl);
			return 0;
		}
		if (pte_is_present(pte)) {
			f = (struct folio *)pte;
			if (mm->verify && !page_check(mm, f, p->cid[i])) {
				spin_unlock(&p->ptl);
				fprintf(stderr, "# pid %d page %lu: bad data\n",
					p->pid, i);
				return -EBADMSG;
			}
			/* Acquire: pairs with the last folio_put(). */
			if (write && __atomic_load_n(&f->_refcount.counter,
						     __ATOMIC_ACQUIRE) > 1) {
				/*
				 * Shared with the swap cache (or being
				 * reclaimed): copy on write, as do_wp_page().
				 */
				spin_unlock(&p->ptl);
				err = mm_cow(mm, p, i, pte);
				if (err)
					return err;
				continue;
			}
			if (write) {
				p->cid[i] = mm_new_cid();
				page_fill(mm, f, p->cid[i]);
			}
			spin_unlock(&p->ptl);
			return 0;
		}
		if (pte == PTE_NONE) {
			spin_unlock(&p->ptl);
			f = folio_alloc(GFP_KERNEL, 0);
			if (!f)
				return -ENOMEM;
			spin_lock(&p->ptl);
			if (p->pte[i] == PTE_NONE) {
				p->cid[i] = mm_new_cid();
				page_fill(mm, f, p->cid[i]);
				__atomic_store_n(&p->pte[i], (unsigned long)f,
						 __ATOMIC_RELAXED);
				f = NULL;
			}
			spin_unlock(&p->ptl);
			if (f)
				folio_put(f);
			continue;
		}
		spin_unlock(&p->ptl);
		err = mm->impl->swap_in(mm, p, i);
		if (err == -EAGAIN) {
			if (++tries % 16 == 0)
				sched_yield();
			continue;
		}
		if (err)
			return err;
		__atomic_add_fetch(&mm->swapins, 1, __ATOMIC_RELAXED);
	}
}

struct mproc *mm_fork(struct mm *mm, struct mproc *parent)
{
	struct mproc *c = calloc(1, sizeof(*c));
	unsigned long i, pte;
	struct folio *f, *nf;

	if (!c)
		return NULL;
	c->nr = parent->nr;
	c->memcg = parent->memcg;
	c->pte = calloc(c->nr, sizeof(*c->pte));
	c->cid = calloc(c->nr, sizeof(*c->cid));
	spin_lock_init(&c->ptl);
	for (i = 0; i < c->nr; i++) {
		spin_lock(&parent->ptl);
		pte = parent->pte[i];
		c->cid[i] = parent->cid[i];
		if (pte_is_swap(pte)) {
			/* Both page tables now hold the entry. */
			if (WARN_ON(mm->impl->dup(mm, pte)))
				pte = PTE_NONE;
			c->pte[i] = pte;
			spin_unlock(&parent->ptl);
			continue;
		}
		if (!pte || pte == (unsigned long)&mm_cheap_folio) {
			c->pte[i] = pte;
			spin_unlock(&parent->ptl);
			continue;
		}
		f = (struct folio *)pte;
		folio_get(f);
		spin_unlock(&parent->ptl);
		nf = folio_alloc(GFP_KERNEL, 0);
		if (nf)
			folio_copy(nf, f);	/* data only changes by owner */
		folio_put(f);
		c->pte[i] = (unsigned long)nf;
	}
	mutex_lock(&mm->procs_lock);
	c->pid = ++mm->next_pid;
	list_add_tail(&c->list, &mm->procs);
	mutex_unlock(&mm->procs_lock);
	return c;
}

void mm_exit(struct mm *mm, struct mproc *p)
{
	unsigned long i, pte;

	/* Off the list first: reclaim and classic swapoff hold procs_lock. */
	mutex_lock(&mm->procs_lock);
	list_del_init(&p->list);
	mutex_unlock(&mm->procs_lock);
	for (i = 0; i < p->nr; i++) {
		spin_lock(&p->ptl);
		pte = p->pte[i];
		p->pte[i] = PTE_NONE;
		spin_unlock(&p->ptl);
		if (pte_is_swap(pte))
			mm->impl->put(mm, pte);
		else if (pte && pte != (unsigned long)&mm_cheap_folio)
			folio_put((struct folio *)pte);
	}
	free(p->pte);
	free(p->cid);
	free(p);
}

/*
 * Bring RAM under budget: first swap-cache folios, then random present
 * pages of random processes.  Returns pages pushed out.
 */
int mm_reclaim(struct mm *mm, unsigned int *seed)
{
	int done = 0, probes = 0;
	struct mproc *p;
	unsigned long i, pte;

	while (mm_ram() > mm->ram_budget && probes < 4096) {
		if (mm->impl->reclaim_cache(mm)) {
			done++;
			continue;
		}
		probes++;
		mutex_lock(&mm->procs_lock);
		if (list_empty(&mm->procs)) {
			mutex_unlock(&mm->procs_lock);
			break;
		}
		/* Skip a random number of processes. */
		p = list_entry(mm->procs.next, struct mproc, list);
		for (i = rand_r(seed) % 8; i; i--) {
			struct list_head *n = p->list.next;

			if (n == &mm->procs)
				n = n->next;
			p = list_entry(n, struct mproc, list);
		}
		i = rand_r(seed) % p->nr;
		pte = __atomic_load_n(&p->pte[i], __ATOMIC_RELAXED);
		if (pte_is_present(pte) &&
		    pte != (unsigned long)&mm_cheap_folio &&
		    !mm->impl->swap_out(mm, p, i)) {
			done++;
			__atomic_add_fetch(&mm->swapouts, 1, __ATOMIC_RELAXED);
		}
		mutex_unlock(&mm->procs_lock);
	}
	return done;
}

/*
 * Invariant, with everything quiet: each entry's swap count equals the
 * number of page table entries holding it.
 */
struct cnt {
	unsigned long pte;
	unsigned int n;
};

static int cnt_cmp(const void *a, const void *b)
{
	const struct cnt *x = a, *y = b;

	return x->pte < y->pte ? -1 : x->pte > y->pte;
}

bool mm_check_counts(struct mm *mm)
{
	struct cnt *c = NULL;
	size_t n = 0, cap = 0, i, j;
	struct mproc *p;
	bool ok = true;
	long total = 0;

	mutex_lock(&mm->procs_lock);
	for (p = list_entry(mm->procs.next, struct mproc, list);
	     &p->list != &mm->procs;
	     p = list_entry(p->list.next, struct mproc, list)) {
		for (i = 0; i < p->nr; i++) {
			if (!pte_is_swap(p->pte[i]))
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				c = realloc(c, cap * sizeof(*c));
			}
			c[n].pte = p->pte[i];
			c[n++].n = 1;
		}
	}
	mutex_unlock(&mm->procs_lock);
	qsort(c, n, sizeof(*c), cnt_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && c[j].pte == c[i].pte; j++)
			;
		total++;
		if (mm->impl->count(mm, c[i].pte) != j - i) {
			fprintf(stderr, "# entry %#lx: count %u, %zu ptes\n",
				c[i].pte >> 1, mm->impl->count(mm, c[i].pte),
				j - i);
			ok = false;
		}
	}
	free(c);
	return ok;
}

/* The vswap implementation */

static int v_init(struct mm *mm)
{
	return vswap_init();
}

static void v_fini(struct mm *mm)
{
	vswap_exit();
}

/*
 * The folio mapped at @i of @p, with a reference, if it may be swapped out:
 * present and not the shared cheap folio.  Both implementations' swap-out
 * starts here.
 */
struct folio *mproc_reclaimable_folio(struct mproc *p, unsigned long i)
{
	struct folio *f = NULL;
	unsigned long pte;

	spin_lock(&p->ptl);
	pte = p->pte[i];
	if (pte_is_present(pte) && pte != (unsigned long)&mm_cheap_folio) {
		f = (struct folio *)pte;
		folio_get(f);
	}
	spin_unlock(&p->ptl);
	return f;
}

static int v_swap_out(struct mm *mm, struct mproc *p, unsigned long i)
{
	struct vswap_backing none = { .type = VSWAP_NONE }, fb, nb;
	struct folio *f;
	swp_entry_t e;
	int err;

	f = mproc_reclaimable_folio(p, i);
	if (!f)
		return -EAGAIN;

	err = vswap_alloc(p->memcg, 0, &e);
	if (err)
		goto out;
	/* Into the swap cache: the slot's backing is the folio itself. */
	fb.type = VSWAP_FOLIO;
	fb.folio = f;
	folio_get(f);
	WARN_ON(vswap_backing_switch(e, &none, &fb));

	/* Unmap: the page table now names the slot. */
	spin_lock(&p->ptl);
	if (p->pte[i] != (unsigned long)f) {
		spin_unlock(&p->ptl);
		vswap_cache_unpin(e, 1);	/* frees slot and its ref */
		err = -EAGAIN;
		goto out;
	}
	WARN_ON(vswap_dup(e, 1));
	__atomic_store_n(&p->pte[i], swp_pte(e), __ATOMIC_RELAXED);
	spin_unlock(&p->ptl);
	folio_put(f);				/* the page table's */

	/* Write out, switch, release the folio. */
	err = vswap_backing_store(e, f, mm->allowed, -1, &nb);
	if (!err) {
		if (WARN_ON(vswap_backing_switch(e, &fb, &nb)))
			vswap_backing_release(e, &nb);
		else
			vswap_backing_release(e, &fb);
	} else {
		/* Stays in the swap cache; reclaim retries it later. */
		__atomic_add_fetch(&mm->errors, 1, __ATOMIC_RELAXED);
		mm_ring_push(mm, e);
		err = 0;
	}
	vswap_cache_unpin(e, 1);
out:
	folio_put(f);
	return err;
}

static int v_swap_in(struct mm *mm, struct mproc *p, unsigned long i)
{
	struct vswap_backing b, fb;
	struct folio *f, *nf;
	bool pinned = false, installed = false;
	unsigned long pte;
	swp_entry_t e;
	int err;

	spin_lock(&p->ptl);
	pte = p->pte[i];
	spin_unlock(&p->ptl);
	if (!pte_is_swap(pte))
		return 0;
	e = pte_swp(pte);

	nf = folio_alloc(GFP_KERNEL, 0);
	if (!nf)
		return -ENOMEM;
	f = vswap_folio_get(e);			/* swap cache hit */
	if (f) {
		folio_copy(nf, f);
		folio_put(f);
		goto install;
	}
	err = vswap_cache_pin(e);
	if (err) {
		folio_put(nf);
		return -EAGAIN;			/* I/O in flight, or gone */
	}
	pinned = true;
	if (!vswap_lookup(e, &b) || b.type == VSWAP_FOLIO ||
	    b.type == VSWAP_NONE) {
		vswap_cache_unpin(e, 1);
		folio_put(nf);
		return -EAGAIN;
	}
	err = vswap_backing_load(&b, nf);
	if (err) {
		vswap_cache_unpin(e, 1);
		folio_put(nf);
		return err;
	}
	if (vswap_count(e) > 1) {
		/* Shared: keep the data in memory for the other sharers. */
		fb.type = VSWAP_FOLIO;
		fb.folio = nf;
		folio_get(nf);
		if (!WARN_ON(vswap_backing_switch(e, &b, &fb))) {
			vswap_backing_release(e, &b);
			mm_ring_push(mm, e);
		} else {
			folio_put(nf);
		}
	}
install:
	spin_lock(&p->ptl);
	if (p->pte[i] == pte) {
		__atomic_store_n(&p->pte[i], (unsigned long)nf,
				 __ATOMIC_RELAXED);
		installed = true;
	}
	spin_unlock(&p->ptl);
	if (installed)
		vswap_put(e, 1);
	else
		folio_put(nf);
	if (pinned)
		vswap_cache_unpin(e, 1);
	return 0;
}

static int v_dup(struct mm *mm, unsigned long pte)
{
	return vswap_dup(pte_swp(pte), 1);
}

static void v_put(struct mm *mm, unsigned long pte)
{
	vswap_put(pte_swp(pte), 1);
}

static long v_swapoff(struct mm *mm, int type)
{
	unsigned int to = mm_ram() < mm->ram_budget ? BIT(VSWAP_FOLIO) :
			  mm->allowed;

	mdisk_set_writeok(model_disks[type], false);
	return vswap_swapoff(type, to);
}

static void v_swapon(struct mm *mm, int type)
{
	mdisk_set_writeok(model_disks[type], true);
}

static bool v_reclaim_cache(struct mm *mm)
{
	struct vswap_backing b;
	swp_entry_t e;

	while (mm_ring_pop(mm, &e)) {
		if (!vswap_lookup(e, &b) || b.type != VSWAP_FOLIO)
			continue;	/* freed or moved meanwhile */
		if (vswap_move(e, &b, mm->allowed, -1) == -EEXIST)
			mm_ring_push(mm, e);
		return true;
	}
	return false;
}

static unsigned int v_count(struct mm *mm, unsigned long pte)
{
	return vswap_count(pte_swp(pte));
}

static long v_nr_entries(struct mm *mm)
{
	long n = 0;
	int t;

	for (t = 0; t < VSWAP_NR_TYPES; t++)
		n += vswap_nr_entries(t);
	return n;
}

const struct swap_impl vswap_impl = {
	.name = "vswap",
	.init = v_init,
	.fini = v_fini,
	.swap_out = v_swap_out,
	.swap_in = v_swap_in,
	.dup = v_dup,
	.put = v_put,
	.swapoff = v_swapoff,
	.swapon = v_swapon,
	.reclaim_cache = v_reclaim_cache,
	.count = v_count,
	.nr_entries = v_nr_entries,
};
