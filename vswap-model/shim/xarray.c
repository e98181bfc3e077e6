// SPDX-License-Identifier: GPL-2.0
/*
 * A small XArray for the model: a radix tree of 64-way nodes, read under
 * RCU without locks, written under xa_lock, nodes freed by call_rcu().  It
 * implements the subset of lib/xarray.c that mm/vswap.c uses, with the same
 * return conventions.  Nodes are accounted at 576 bytes, the size of the
 * kernel's struct xa_node on 64-bit, so memory figures match the kernel.
 *
 * Each node keeps a "full" bitmap: for a leaf, which slots are occupied;
 * above, which children are completely full.  xa_alloc() uses it to find
 * the lowest free index quickly, like the kernel's XA_FREE_MARK.
 */
#include "model_kernel.h"

#define XA_CHUNK_SHIFT	6
#define XA_CHUNK_SIZE	(1UL << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK	(XA_CHUNK_SIZE - 1)
#define XA_NODE_BYTES	576

struct xa_node {
	unsigned char shift;	/* 0 for a leaf */
	unsigned char offset;	/* in parent */
	unsigned char count;	/* non-NULL slots */
	struct xa_node *parent;
	unsigned long full;
	void *slots[XA_CHUNK_SIZE];
	struct rcu_head rcu;
};

static struct kmem_cache xa_node_cache = {
	.name = "radix_tree_node",
	.size = XA_NODE_BYTES,
	.alloc_size = sizeof(struct xa_node),
};

#define rd(p)		__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define publish(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)

void xa_init_flags(struct xarray *xa, unsigned int flags)
{
	spin_lock_init(&xa->xa_lock);
	xa->xa_flags = flags;
	xa->xa_head = NULL;
}

static unsigned long node_span(const struct xa_node *n)
{
	return n->shift + XA_CHUNK_SHIFT >= BITS_PER_LONG ? ULONG_MAX :
		(XA_CHUNK_SIZE << n->shift) - 1;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	struct xa_node *n;
	void *entry = NULL;

	rcu_read_lock();
	n = rd(xa->xa_head);
	if (!n || index > node_span(n))
		goto out;
	while (n->shift) {
		n = rd(n->slots[(index >> n->shift) & XA_CHUNK_MASK]);
		if (!n)
			goto out;
	}
	entry = rd(n->slots[index & XA_CHUNK_MASK]);
out:
	rcu_read_unlock();
	return entry;
}

static struct xa_node *node_new(unsigned int shift)
{
	/* The caller holds xa_lock: never sleep here. */
	struct xa_node *n = kmem_cache_zalloc(&xa_node_cache, GFP_NOWAIT);

	if (n)
		n->shift = shift;
	return n;
}

static void node_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(&xa_node_cache, container_of(rcu, struct xa_node, rcu));
}

static void node_free(struct xa_node *n)
{
	call_rcu(&n->rcu, node_free_rcu);
}

static bool node_full(const struct xa_node *n)
{
	return n->full == ~0UL;
}

/* Propagate a change of fullness of @n to its ancestors. */
static void update_full(struct xa_node *n)
{
	struct xa_node *p;

	for (; (p = n->parent); n = p) {
		unsigned long old = p->full;

		if (node_full(n))
			p->full |= BIT(n->offset);
		else
			p->full &= ~BIT(n->offset);
		if (p->full == old)
			break;
	}
}

/* Make the tree tall enough for @index; under xa_lock. */
static int grow(struct xarray *xa, unsigned long index)
{
	struct xa_node *head = xa->xa_head, *n;

	if (!head) {
		unsigned int shift = 0;

		while (shift + XA_CHUNK_SHIFT < BITS_PER_LONG &&
		       (index >> (shift + XA_CHUNK_SHIFT)))
			shift += XA_CHUNK_SHIFT;
		n = node_new(shift);
		if (!n)
			return -ENOMEM;
		publish(xa->xa_head, n);
		return 0;
	}
	while (index > node_span(head)) {
		n = node_new(head->shift + XA_CHUNK_SHIFT);
		if (!n)
			return -ENOMEM;
		n->count = 1;
		n->slots[0] = head;
		head->parent = n;
		head->offset = 0;
		if (node_full(head))
			n->full = 1;
		publish(xa->xa_head, n);
		head = n;
	}
	return 0;
}

/* Remove empty nodes from @n upwards; under xa_lock. */
static void prune(struct xarray *xa, struct xa_node *n)
{
	while (n && !n->count) {
		struct xa_node *p = n->parent;

		if (p) {
			publish(p->slots[n->offset], NULL);
			p->count--;
			p->full &= ~BIT(n->offset);
		} else {
			publish(xa->xa_head, NULL);
		}
		node_free(n);
		n = p;
	}
}

void *__xa_store(struct xarray *xa, unsigned long index, void *entry,
		 gfp_t gfp)
{
	struct xa_node *n, *c;
	unsigned int off;
	void *old;

	lockdep_assert_held(&xa->xa_lock);
	if (!entry)
		return __xa_erase(xa, index);
	if (grow(xa, index))
		return xa_mk_internal(-ENOMEM);
	n = xa->xa_head;
	while (n->shift) {
		off = (index >> n->shift) & XA_CHUNK_MASK;
		c = n->slots[off];
		if (!c) {
			c = node_new(n->shift - XA_CHUNK_SHIFT);
			if (!c) {
				prune(xa, n);
				return xa_mk_internal(-ENOMEM);
			}
			c->parent = n;
			c->offset = off;
			n->count++;
			publish(n->slots[off], c);
		}
		n = c;
	}
	off = index & XA_CHUNK_MASK;
	old = n->slots[off];
	publish(n->slots[off], entry);
	if (!old) {
		n->count++;
		n->full |= BIT(off);
		update_full(n);
	}
	return old;
}

void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	void *old;

	if (gfpflags_allow_blocking(gfp))
		might_sleep();
	xa_lock(xa);
	old = __xa_store(xa, index, entry, gfp);
	xa_unlock(xa);
	return old;
}

void *__xa_erase(struct xarray *xa, unsigned long index)
{
	struct xa_node *n = xa->xa_head;
	unsigned int off;
	void *old;

	lockdep_assert_held(&xa->xa_lock);
	if (!n || index > node_span(n))
		return NULL;
	while (n->shift) {
		n = n->slots[(index >> n->shift) & XA_CHUNK_MASK];
		if (!n)
			return NULL;
	}
	off = index & XA_CHUNK_MASK;
	old = n->slots[off];
	if (!old)
		return NULL;
	publish(n->slots[off], NULL);
	n->count--;
	n->full &= ~BIT(off);
	update_full(n);
	prune(xa, n);
	return old;
}

void *xa_erase(struct xarray *xa, unsigned long index)
{
	void *old;

	xa_lock(xa);
	old = __xa_erase(xa, index);
	xa_unlock(xa);
	return old;
}

void *xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		 void *entry, gfp_t gfp)
{
	void *cur;

	if (gfpflags_allow_blocking(gfp))
		might_sleep();
	xa_lock(xa);
	cur = xa_load(xa, index);
	if (cur == old) {
		void *r = __xa_store(xa, index, entry, gfp);

		if (xa_is_err(r))
			cur = r;
	}
	xa_unlock(xa);
	return cur;
}

/* Lowest index >= @min in the subtree @n (based at @base) that is free. */
static bool find_free(struct xa_node *n, unsigned long base,
		      unsigned long min, unsigned long *found)
{
	unsigned long i, start = 0;

	if (min > base)
		start = (min - base) >> n->shift;
	for (i = start; i < XA_CHUNK_SIZE; i++) {
		unsigned long b = base + (i << n->shift);

		if (n->full & BIT(i))
			continue;
		if (!n->shift || !n->slots[i]) {
			*found = b > min ? b : min;
			return true;
		}
		if (find_free(n->slots[i], b, min, found))
			return true;
	}
	return false;
}

int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit limit,
	     gfp_t gfp)
{
	struct xa_node *head;
	unsigned long index;
	void *r;

	if (WARN_ON(!(xa->xa_flags & XA_FLAGS_ALLOC)))
		return -EINVAL;
	if (gfpflags_allow_blocking(gfp))
		might_sleep();
	xa_lock(xa);
	head = xa->xa_head;
	if (!head)
		index = limit.min;
	else if (!find_free(head, 0, limit.min, &index))
		index = node_span(head) + 1;
	if (index > limit.max) {
		xa_unlock(xa);
		return -EBUSY;
	}
	r = __xa_store(xa, index, entry, gfp);
	xa_unlock(xa);
	if (xa_is_err(r))
		return xa_err(r);
	*id = index;
	return 0;
}

/* First entry at or after *@index, up to @max; under RCU. */
static void *find_from(struct xa_node *n, unsigned long base,
		       unsigned long *index, unsigned long max)
{
	unsigned long i, start = 0;

	if (*index > base)
		start = (*index - base) >> n->shift;
	for (i = start; i < XA_CHUNK_SIZE; i++) {
		unsigned long b = base + (i << n->shift);
		void *e = rd(n->slots[i]);

		if (b > max)
			return NULL;
		if (!e)
			continue;
		if (!n->shift) {
			*index = b;
			return e;
		}
		e = find_from(e, b, index, max);
		if (e)
			return e;
	}
	return NULL;
}

void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max,
	      unsigned int filter)
{
	struct xa_node *n;
	void *e = NULL;

	rcu_read_lock();
	n = rd(xa->xa_head);
	if (n && *index <= node_span(n))
		e = find_from(n, 0, index, max);
	rcu_read_unlock();
	return e;
}

void *xa_find_after(struct xarray *xa, unsigned long *index,
		    unsigned long max, unsigned int filter)
{
	unsigned long i = *index + 1;
	void *e;

	if (!i || i > max)
		return NULL;
	e = xa_find(xa, &i, max, filter);
	if (e)
		*index = i;
	return e;
}

static void destroy(struct xa_node *n)
{
	unsigned int i;

	if (n->shift)
		for (i = 0; i < XA_CHUNK_SIZE; i++)
			if (n->slots[i])
				destroy(n->slots[i]);
	node_free(n);
}

void xa_destroy(struct xarray *xa)
{
	struct xa_node *n;

	xa_lock(xa);
	n = xa->xa_head;
	publish(xa->xa_head, NULL);
	if (n)
		destroy(n);
	xa_unlock(xa);
}
