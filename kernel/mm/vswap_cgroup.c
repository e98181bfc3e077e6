// SPDX-License-Identifier: GPL-2.0
/*
 * vswap_cgroup.c: which backends a memory cgroup may swap to.
 *
 * memory.swap.backends and memory.swap.backends.effective, their effect at
 * swap-out (mm/page_io.c and mm/swap_slots.c ask vswap_memcg_allowed()),
 * on reclaim (mem_cgroup_get_nr_swap_pages() asks
 * vswap_memcg_nr_swappable()), and the moves that follow a write that
 * narrows a setting.  Documentation/admin-guide/cgroup-v2.rst describes
 * the files; Documentation/admin-guide/mm/vswap.rst has examples.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include <linux/cgroup.h>
#include <linux/ctype.h>
#include <linux/highmem.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/vswap.h>
#include <linux/zswap.h>
#include "swap.h"

#ifdef CONFIG_MEMCG
/*
 * Per-cgroup backends
 * ===================
 *
 * memory.swap.backends holds "all" (the default: whatever the parent
 * allows), "none", or a list of backends: "zswap" and swap areas by the
 * path /proc/swaps shows.  A listed path need not be swapped on yet; it
 * counts from its swapon to its swapoff.  The setting is resolved into a
 * mask (bit N: swap type N; VSWAP_CG_ZSWAP) when it is written and at every
 * swapon and swapoff; what a memcg may use is the AND of the masks of it
 * and its ancestors, so a child never widens its parent.
 *
 * vswap_cg_mutex serialises writers, resolution and the moves that follow
 * a write; readers of the masks use RCU.
 */
#define VSWAP_CG_MAX_PATHS	32
#define VSWAP_CG_MAX_LEN	4096

struct vswap_backends {
	struct rcu_head rcu;
	u64 mask;		/* resolved; READ_ONCE, vswap_cg_mutex */
	bool zswap;
	unsigned int nr;
	char *paths[];
};

static DEFINE_MUTEX(vswap_cg_mutex);
/*
 * How many memcgs have a setting other than "all": while none has, every
 * memcg may use everything, and swap-out need not walk up its ancestors.
 */
static atomic_t vswap_cg_nr_set;

static void vswap_backends_free(struct vswap_backends *b)
{
	unsigned int i;

	if (!b)
		return;
	for (i = 0; i < b->nr; i++)
		kfree(b->paths[i]);
	kfree(b);
}

static void vswap_backends_free_rcu(struct rcu_head *rcu)
{
	vswap_backends_free(container_of(rcu, struct vswap_backends, rcu));
}

void vswap_memcg_free(struct mem_cgroup *memcg)
{
	struct vswap_backends *b;

	b = rcu_dereference_protected(memcg->swap_backends, true);
	if (b)
		atomic_dec(&vswap_cg_nr_set);
	vswap_backends_free(b);
}

/**
 * vswap_memcg_allowed - the backends a memcg may swap to now
 * @memcg: the memcg (NULL: no restriction)
 *
 * Context: any context.
 * Return: a VSWAP_CG_* mask.
 */
u64 vswap_memcg_allowed(struct mem_cgroup *memcg)
{
	struct vswap_backends *b;
	u64 mask = VSWAP_CG_ALL;

	if (!atomic_read(&vswap_cg_nr_set))
		return mask;
	rcu_read_lock();
	for (; memcg && !mem_cgroup_is_root(memcg);
	     memcg = parent_mem_cgroup(memcg)) {
		b = rcu_dereference(memcg->swap_backends);
		if (b)
			mask &= READ_ONCE(b->mask);
	}
	rcu_read_unlock();
	return mask;
}

/* What the memcg that owns a virtual slot may use. */
u64 vswap_slot_allowed(swp_entry_t entry)
{
	struct mem_cgroup *memcg;
	u64 mask;

	rcu_read_lock();
	memcg = mem_cgroup_from_id(vswap_memcg_id(entry));
	mask = vswap_memcg_allowed(memcg);
	rcu_read_unlock();
	return mask;
}

/*
 * How many pages a mask of backends can take now: no bound from zswap
 * (while enabled), otherwise the free slots of the devices it allows.  An
 * unrestricted mask needs no walk over the devices (nor swap_lock).
 */
static long vswap_mask_swappable(u64 mask)
{
	if ((mask & VSWAP_CG_ZSWAP) && zswap_is_enabled())
		return LONG_MAX;
	if ((mask & VSWAP_CG_DEVICES) == VSWAP_CG_DEVICES)
		return atomic_long_read(&nr_swap_pages);
	return swap_vswap_free_slots(mask);
}

/**
 * vswap_memcg_nr_swappable - how many pages of a memcg may still be swapped
 * @memcg: the memcg
 *
 * Bounds mem_cgroup_get_nr_swap_pages() by what the memcg's backends can
 * take.  Zero when nothing is allowed (or all of it is full), so that
 * reclaim treats the memcg's anon memory as it does when swap is full.
 */
long vswap_memcg_nr_swappable(struct mem_cgroup *memcg)
{
	return vswap_mask_swappable(vswap_memcg_allowed(memcg));
}

/* Whether a folio may get a virtual slot: a backend it may use, or zeroes. */
bool vswap_folio_may_swap(struct folio *folio)
{
	bool zero;
	void *addr;

	if (vswap_memcg_nr_swappable(folio_memcg(folio)) > 0)
		return true;
	addr = kmap_local_folio(folio, 0);
	zero = !memchr_inv(addr, 0, PAGE_SIZE);
	kunmap_local(addr);
	return zero;
}

struct vswap_resolve {
	struct swap_device_walk walk;
	struct vswap_backends *b;
	u64 mask;
};

static int vswap_resolve_one(struct swap_device_walk *walk, int type,
			     const char *path)
{
	struct vswap_resolve *r = container_of(walk, struct vswap_resolve,
					       walk);
	unsigned int i;

	for (i = 0; i < r->b->nr; i++)
		if (!strcmp(r->b->paths[i], path))
			r->mask |= BIT_ULL(type);
	return 0;
}

/* The mask of a setting, against the devices swapped on now. */
static u64 vswap_backends_resolve(struct vswap_backends *b)
{
	struct vswap_resolve r = { .walk.fn = vswap_resolve_one, .b = b };

	if (b->zswap)
		r.mask |= VSWAP_CG_ZSWAP;
	if (b->nr)
		swap_vswap_walk_devices(&r.walk);
	return r.mask;
}

/**
 * vswap_devices_changed - re-resolve every setting after swapon or swapoff
 *
 * Context: process context, not under swapon_mutex.
 */
void vswap_devices_changed(void)
{
	struct mem_cgroup *memcg;
	struct vswap_backends *b;

	mutex_lock(&vswap_cg_mutex);
	for (memcg = mem_cgroup_iter(NULL, NULL, NULL); memcg;
	     memcg = mem_cgroup_iter(NULL, memcg, NULL)) {
		b = rcu_dereference_protected(memcg->swap_backends,
					      lockdep_is_held(&vswap_cg_mutex));
		if (b)
			WRITE_ONCE(b->mask, vswap_backends_resolve(b));
	}
	mutex_unlock(&vswap_cg_mutex);
}

/* A path that can be a swap area: a block device or a regular file. */
static bool vswap_path_ok(const char *name)
{
	struct path path;
	umode_t mode;

	if (name[0] != '/' || strlen(name) >= PATH_MAX)
		return false;
	if (kern_path(name, LOOKUP_FOLLOW, &path))
		return false;
	mode = d_backing_inode(path.dentry)->i_mode;
	path_put(&path);
	return S_ISBLK(mode) || S_ISREG(mode);
}

/*
 * Parses a write.  Returns NULL for "all", the new setting, or an
 * ERR_PTR(-EINVAL) for anything else: unknown tokens, paths that are not
 * block devices or regular files, duplicates, "all" or "none" with other
 * tokens, nothing at all, more than VSWAP_CG_MAX_PATHS paths, or
 * characters that are neither printable nor blanks.
 */
static struct vswap_backends *vswap_backends_parse(char *buf)
{
	struct vswap_backends *b;
	unsigned int i, ntok = 0;
	bool all = false, none = false;
	char *tok, *p;

	for (p = buf; *p; p++)
		if (!isprint(*p) && !isspace(*p))
			return ERR_PTR(-EINVAL);
	b = kzalloc(struct_size(b, paths, VSWAP_CG_MAX_PATHS), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	p = strim(buf);
	while ((tok = strsep(&p, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		ntok++;
		if (!strcmp(tok, "all")) {
			all = true;
		} else if (!strcmp(tok, "none")) {
			none = true;
		} else if (!strcmp(tok, "zswap")) {
			if (b->zswap)
				goto bad;
			b->zswap = true;
		} else {
			if (b->nr == VSWAP_CG_MAX_PATHS || !vswap_path_ok(tok))
				goto bad;
			for (i = 0; i < b->nr; i++)
				if (!strcmp(b->paths[i], tok))
					goto bad;
			b->paths[b->nr] = kstrdup(tok, GFP_KERNEL);
			if (!b->paths[b->nr]) {
				vswap_backends_free(b);
				return ERR_PTR(-ENOMEM);
			}
			b->nr++;
		}
	}
	if (!ntok || ((all || none) && ntok > 1))
		goto bad;
	if (all) {
		vswap_backends_free(b);
		return NULL;
	}
	return b;
bad:
	vswap_backends_free(b);
	return ERR_PTR(-EINVAL);
}

static bool vswap_in_subtree(swp_entry_t entry, struct mem_cgroup *root)
{
	struct mem_cgroup *memcg;
	bool in;

	rcu_read_lock();
	memcg = mem_cgroup_from_id(vswap_memcg_id(entry));
	in = memcg && mem_cgroup_is_descendant(memcg, root);
	rcu_read_unlock();
	return in;
}

/*
 * Moves one slot off a backend its memcg may no longer use: to a device it
 * may use, else into memory unless memory is short.
 */
static int vswap_cg_move_one(swp_entry_t entry, int from)
{
	u64 allowed = vswap_slot_allowed(entry);
	int err;

	if (from == VSWAP_FROM_ZSWAP ? (allowed & VSWAP_CG_ZSWAP) :
				       (allowed & BIT_ULL(from)))
		return 0;
	err = swap_vswap_move(entry, from, allowed, false);
	if (err == -EBUSY || err == -ENOSPC)
		err = swap_vswap_move(entry, from, allowed, true);
	return err;
}

struct vswap_evict {
	struct swap_device_walk walk;
	struct mem_cgroup *root;
	int err;
};

static int vswap_evict_device(struct swap_device_walk *walk, int type,
			      const char *path)
{
	struct vswap_evict *ev = container_of(walk, struct vswap_evict, walk);
	swp_entry_t slots[32];
	unsigned long pos = 0;
	unsigned int i, n;

	/* Under swapon_mutex: swapoff of this device waits for us. */
	while ((n = vswap_rmap_next(type, &pos, slots, ARRAY_SIZE(slots)))) {
		for (i = 0; i < n; i++) {
			if (!vswap_in_subtree(slots[i], ev->root))
				continue;
			ev->err = vswap_cg_move_one(slots[i], type);
			if (ev->err)
				return ev->err;
		}
		if (signal_pending(current))
			return ev->err = -EINTR;
		cond_resched();
	}
	return 0;
}

/*
 * After a write that narrowed @root's backends: move the entries of @root
 * and its descendants off the backends they may no longer use.
 */
static int vswap_cg_evict(struct mem_cgroup *root)
{
	struct vswap_evict ev = { .walk.fn = vswap_evict_device, .root = root };
	swp_entry_t slots[32];
	unsigned long pos = 0;
	unsigned int i, n;

	swap_vswap_walk_devices(&ev.walk);
	if (ev.err)
		return ev.err;
	while ((n = vswap_scan(VSWAP_ZSWAP, &pos, slots,
			       ARRAY_SIZE(slots)))) {
		for (i = 0; i < n; i++) {
			if (!vswap_in_subtree(slots[i], root))
				continue;
			ev.err = vswap_cg_move_one(slots[i], VSWAP_FROM_ZSWAP);
			if (ev.err)
				return ev.err;
		}
		if (signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

static void vswap_show_setting(struct seq_file *m, bool zswap,
			       char * const *paths, unsigned int nr)
{
	unsigned int i;

	if (!zswap && !nr) {
		seq_puts(m, "none\n");
		return;
	}
	if (zswap)
		seq_puts(m, "zswap");
	for (i = 0; i < nr; i++)
		seq_printf(m, "%s%s", (zswap || i) ? " " : "", paths[i]);
	seq_putc(m, '\n');
}

static int vswap_backends_show(struct seq_file *m, void *v)
{
	struct mem_cgroup *memcg = mem_cgroup_from_seq(m);
	struct vswap_backends *b;

	mutex_lock(&vswap_cg_mutex);
	b = rcu_dereference_protected(memcg->swap_backends,
				      lockdep_is_held(&vswap_cg_mutex));
	if (!b)
		seq_puts(m, "all\n");
	else
		vswap_show_setting(m, b->zswap, b->paths, b->nr);
	mutex_unlock(&vswap_cg_mutex);
	return 0;
}

static ssize_t vswap_backends_write(struct kernfs_open_file *of, char *buf,
				    size_t nbytes, loff_t off)
{
	struct mem_cgroup *memcg = mem_cgroup_from_css(of_css(of));
	struct vswap_backends *new, *old;
	int err;

	if (nbytes > VSWAP_CG_MAX_LEN)
		return -EINVAL;
	new = vswap_backends_parse(buf);
	if (IS_ERR(new))
		return PTR_ERR(new);
	mutex_lock(&vswap_cg_mutex);
	if (new)
		new->mask = vswap_backends_resolve(new);
	/* Counted before it is seen, uncounted after it is gone. */
	if (new && !rcu_access_pointer(memcg->swap_backends))
		atomic_inc(&vswap_cg_nr_set);
	old = rcu_replace_pointer(memcg->swap_backends, new,
				  lockdep_is_held(&vswap_cg_mutex));
	if (old)
		call_rcu(&old->rcu, vswap_backends_free_rcu);
	if (old && !new)
		atomic_dec(&vswap_cg_nr_set);
	/* New swap-outs obey the setting from here; move what is out. */
	err = new ? vswap_cg_evict(memcg) : 0;
	mutex_unlock(&vswap_cg_mutex);
	return err ?: nbytes;
}

struct vswap_effective {
	struct swap_device_walk walk;
	struct seq_file *m;
	u64 mask;
	bool first;
};

static int vswap_effective_one(struct swap_device_walk *walk, int type,
			       const char *path)
{
	struct vswap_effective *e = container_of(walk, struct vswap_effective,
						 walk);

	if (e->mask & BIT_ULL(type)) {
		seq_printf(e->m, "%s%s", e->first ? "" : " ", path);
		e->first = false;
	}
	return 0;
}

static int vswap_effective_show(struct seq_file *m, void *v)
{
	struct vswap_effective e = {
		.walk.fn = vswap_effective_one,
		.m = m,
		.mask = vswap_memcg_allowed(mem_cgroup_from_seq(m)),
		.first = true,
	};

	if ((e.mask & VSWAP_CG_ZSWAP) && zswap_is_enabled()) {
		seq_puts(m, "zswap");
		e.first = false;
	}
	swap_vswap_walk_devices(&e.walk);
	seq_puts(m, e.first ? "none\n" : "\n");
	return 0;
}

static struct cftype vswap_cg_files[] = {
	{
		.name = "swap.backends",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = vswap_backends_show,
		.write = vswap_backends_write,
		/* Let overlong writes reach us, to get -EINVAL, not -E2BIG. */
		.max_write_len = 16 * VSWAP_CG_MAX_LEN,
	},
	{
		.name = "swap.backends.effective",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = vswap_effective_show,
	},
	{ }	/* terminate */
};

static int __init vswap_cg_init(void)
{
	if (!mem_cgroup_disabled())
		WARN_ON(cgroup_add_dfl_cftypes(&memory_cgrp_subsys,
					       vswap_cg_files));
	return 0;
}
subsys_initcall(vswap_cg_init);
#else
u64 vswap_memcg_allowed(struct mem_cgroup *memcg)
{
	return VSWAP_CG_ALL;
}

u64 vswap_slot_allowed(swp_entry_t entry)
{
	return VSWAP_CG_ALL;
}

long vswap_memcg_nr_swappable(struct mem_cgroup *memcg)
{
	return LONG_MAX;
}

bool vswap_folio_may_swap(struct folio *folio)
{
	return true;
}

void vswap_devices_changed(void) {}
void vswap_memcg_free(struct mem_cgroup *memcg) {}
#endif /* CONFIG_MEMCG */
