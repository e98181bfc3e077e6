// SPDX-License-Identifier: GPL-2.0
/*
 * The model's kernel services: threads and their "CPU", warnings, locks
 * that know their owner, an allocator that counts and can fail, folios.
 */
#include "model_kernel.h"
#include <time.h>

long model_warnings;
#ifdef MODEL_TSAN
char model_rcu_gp;
#endif
__thread struct model_thread model_self;
static int model_next_cpu;

void model_warn(const char *file, int line, const char *cond)
{
	__atomic_add_fetch(&model_warnings, 1, __ATOMIC_SEQ_CST);
	fprintf(stderr, "WARNING: %s:%d: %s (thread %s)\n", file, line, cond,
		model_self.name ? model_self.name : "?");
}

void model_thread_start(const char *name, int cpu)
{
	model_self.name = name;
	if (cpu < 0)
		cpu = __atomic_fetch_add(&model_next_cpu, 1, __ATOMIC_RELAXED);
	model_self.cpu = cpu % MODEL_NR_CPUS;
	model_self.preempt_count = 0;
	rcu_register_thread();
}

void model_thread_end(void)
{
	WARN_ON(model_self.preempt_count);
	rcu_unregister_thread();
}

void __might_sleep(const char *file, int line)
{
	if (model_self.preempt_count)
		model_warn(file, line, "might_sleep() with a spinlock held");
	if (rcu_read_ongoing())
		model_warn(file, line, "might_sleep() under rcu_read_lock()");
}

void schedule_timeout_uninterruptible(long timeout)
{
	struct timespec ts = { 0, 50000 * timeout };

	might_sleep();
	nanosleep(&ts, NULL);
}

/* Spinlocks: test-and-test-and-set, yielding, owner recorded. */

static int model_next_tid;

int model_tid(void)
{
	if (!model_self.tid)
		model_self.tid = __atomic_add_fetch(&model_next_tid, 1,
						    __ATOMIC_RELAXED);
	return model_self.tid;
}

void spin_lock_init(spinlock_t *l)
{
	l->owner = 0;
}

void spin_lock(spinlock_t *l)
{
	int me = model_tid(), free_ = 0;
	unsigned int spins = 0;

	if (WARN_ON(spin_is_held_by_me(l)))
		return;	/* would deadlock: report instead */
	while (!__atomic_compare_exchange_n(&l->owner, &free_, me, false,
					    __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		free_ = 0;
		while (__atomic_load_n(&l->owner, __ATOMIC_RELAXED))
			if (++spins % 64 == 0)
				sched_yield();
	}
	model_self.preempt_count++;
}

void spin_unlock(spinlock_t *l)
{
	WARN_ON(!spin_is_held_by_me(l));
	model_self.preempt_count--;
	__atomic_store_n(&l->owner, 0, __ATOMIC_RELEASE);
}

bool spin_is_held_by_me(const spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == model_tid();
}

void mutex_init(struct mutex *m)
{
	pthread_mutex_init(&m->m, NULL);
	m->owner = 0;
}

void mutex_lock(struct mutex *m)
{
	might_sleep();
	pthread_mutex_lock(&m->m);
	__atomic_store_n(&m->owner, (unsigned long)pthread_self(),
			 __ATOMIC_RELAXED);
}

void mutex_unlock(struct mutex *m)
{
	WARN_ON(!model_lock_held(m));
	__atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&m->m);
}

/* Allocator emulation */

static struct model_mem model_mem;
static long model_fail_countdown = -1;
static unsigned int model_fail_ppm;
static long model_folios;

void model_mem_read(struct model_mem *m)
{
	m->objs = __atomic_load_n(&model_mem.objs, __ATOMIC_SEQ_CST);
	m->bytes = __atomic_load_n(&model_mem.bytes, __ATOMIC_SEQ_CST);
}

void model_fail_nth(long nth)
{
	__atomic_store_n(&model_fail_countdown, nth, __ATOMIC_SEQ_CST);
}

void model_fail_rate(unsigned int ppm)
{
	__atomic_store_n(&model_fail_ppm, ppm, __ATOMIC_SEQ_CST);
}

void model_fail_off(void)
{
	model_fail_nth(-1);
	model_fail_rate(0);
}

bool model_should_fail(void)
{
	long c = __atomic_load_n(&model_fail_countdown, __ATOMIC_RELAXED);
	unsigned int ppm = __atomic_load_n(&model_fail_ppm, __ATOMIC_RELAXED);

	while (c >= 0) {
		if (__atomic_compare_exchange_n(&model_fail_countdown, &c,
						c - 1, false, __ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED))
			return c == 0;
	}
	return ppm && (unsigned int)rand_r(&model_self.seed) % 1000000 < ppm;
}

/* The kernel's kmalloc size classes; beyond 8 KiB, whole pages. */
static size_t kmalloc_class(size_t size)
{
	static const size_t classes[] = { 8, 16, 32, 64, 96, 128, 192, 256,
					  512, 1024, 2048, 4096, 8192 };
	size_t i, pages = 1;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (size <= classes[i])
			return classes[i];
	while (pages * PAGE_SIZE < size)
		pages <<= 1;
	return pages * PAGE_SIZE;
}

#define MODEL_HDR 16

static void *model_alloc(size_t size, size_t accounted, gfp_t gfp)
{
	unsigned char *p;

	if (gfpflags_allow_blocking(gfp))
		might_sleep();
	if (model_should_fail())
		return NULL;
	p = malloc(MODEL_HDR + size);
	if (!p)
		return NULL;
	*(size_t *)p = accounted;
	__atomic_add_fetch(&model_mem.objs, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&model_mem.bytes, accounted, __ATOMIC_SEQ_CST);
	if (gfp & __GFP_ZERO)
		memset(p + MODEL_HDR, 0, size);
	return p + MODEL_HDR;
}

static void model_free(const void *obj)
{
	unsigned char *p = (unsigned char *)obj - MODEL_HDR;

	model_rcu_gp_acquire();	/* frees may come from RCU callbacks */
	__atomic_sub_fetch(&model_mem.objs, 1, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&model_mem.bytes, *(size_t *)p, __ATOMIC_SEQ_CST);
	free(p);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return model_alloc(size, kmalloc_class(size), gfp);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size, gfp);
}

void kfree(const void *p)
{
	if (p)
		model_free(p);
}

struct kmem_cache *model_kmem_cache_create(const char *name, size_t size,
					   size_t accounted)
{
	struct kmem_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->name = name;
	c->alloc_size = size;
	/* SLUB aligns objects to the word size; slab page waste not counted */
	c->size = ALIGN(accounted, sizeof(void *));
	return c;
}

void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	void *p = model_alloc(c->alloc_size, c->size, gfp);

	if (p)
		atomic_long_inc(&c->nr);
	return p;
}

void *kmem_cache_zalloc(struct kmem_cache *c, gfp_t gfp)
{
	return kmem_cache_alloc(c, gfp | __GFP_ZERO);
}

void kmem_cache_free(struct kmem_cache *c, void *p)
{
	if (!p)
		return;
	atomic_long_dec(&c->nr);
	model_free(p);
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	if (!c)
		return;
	if (atomic_long_read(&c->nr))
		fprintf(stderr, "kmem_cache %s: %ld objects leaked\n", c->name,
			atomic_long_read(&c->nr));
	WARN_ON(atomic_long_read(&c->nr));
	free(c);
}

/* Folios */

long model_folios_live(void)
{
	return __atomic_load_n(&model_folios, __ATOMIC_SEQ_CST);
}

struct folio *folio_alloc(gfp_t gfp, unsigned int order)
{
	struct folio *f;

	if (WARN_ON(order))
		return NULL;
	if (gfpflags_allow_blocking(gfp))
		might_sleep();
	if (model_should_fail())
		return NULL;
	if (posix_memalign((void **)&f, 64, sizeof(*f)))
		return NULL;
	atomic_set(&f->_refcount, 1);
	__atomic_add_fetch(&model_folios, 1, __ATOMIC_SEQ_CST);
	return f;
}

void folio_get(struct folio *folio)
{
	WARN_ON(atomic_add_return(1, &folio->_refcount) <= 1);
}

bool folio_try_get(struct folio *folio)
{
	return atomic_inc_not_zero(&folio->_refcount);
}

static void folio_free_rcu(struct rcu_head *rcu)
{
	model_rcu_gp_acquire();
	free(container_of(rcu, struct folio, rcu));
}

void folio_put(struct folio *folio)
{
	int r = atomic_add_return(-1, &folio->_refcount);

	if (WARN_ON(r < 0))
		return;
	if (!r) {
		__atomic_sub_fetch(&model_folios, 1, __ATOMIC_SEQ_CST);
		/* struct pages outlive RCU readers; so do model folios. */
		call_rcu(&folio->rcu, folio_free_rcu);
	}
}

void folio_copy(struct folio *dst, struct folio *src)
{
	memcpy(dst->data, src->data, PAGE_SIZE);
}

void *memchr_inv(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	size_t i = 0;

	if (!c) {
		/* Word at a time: this runs on every swap-out. */
		for (; i + 8 <= n; i += 8) {
			u64 w;

			memcpy(&w, p + i, 8);
			if (w)
				break;
		}
	}
	for (; i < n; i++)
		if (p[i] != (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}
