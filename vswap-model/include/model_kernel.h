/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model_kernel.h: the userspace stand-ins for every kernel interface that
 * kernel/mm/vswap.c uses, on liburcu (memb flavour) and pthreads.
 *
 * Rules of the shim:
 * - Same signatures as Linux 6.12, so a call the kernel would reject does
 *   not compile here either (built with -Werror=implicit-function-declaration).
 * - Locks are real locks; lockdep_assert_held() checks the owner; spinlocks
 *   count as atomic context, and might_sleep() warns inside them or inside
 *   an RCU read-side critical section.
 * - Per-CPU variables are arrays of MODEL_NR_CPUS; a thread's "CPU" is
 *   chosen at model_thread_start().  Two threads may share a CPU number:
 *   the core only uses per-CPU data as a hint, so that is safe.
 * - kmalloc() and kmem_cache_alloc() count live objects and bytes (with the
 *   kernel's kmalloc size classes) and can be told to fail.
 * - WARN*() print and count; every test checks the count stays zero.
 */
#ifndef _MODEL_KERNEL_H
#define _MODEL_KERNEL_H

#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE
#endif
#include <urcu.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include <limits.h>

#define CONFIG_VIRTUAL_SWAP 1

/* Basic types and helpers */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef unsigned int gfp_t;

#define __rcu
#define __must_check
#define noinline	__attribute__((noinline))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define BITS_PER_LONG	64
#define BIT(n)		(1UL << (n))
#define GENMASK(h, l)	((~0UL << (l)) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)
#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define MAX_ERRNO	4095
#define ALIGN(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

#define min(a, b) ({ __typeof__(a) __a = (a); __typeof__(b) __b = (b); \
		     __a < __b ? __a : __b; })
#define max(a, b) ({ __typeof__(a) __a = (a); __typeof__(b) __b = (b); \
		     __a > __b ? __a : __b; })

/*
 * Ordering: relaxed like the kernel's *_ONCE, seq_cst like its RMWs.  The
 * kernel's READ_ONCE() also orders accesses through the pointer it loaded
 * (address dependency); C has no such ordering that TSan understands, so
 * the TSan build makes it an acquire load.
 */
#ifdef MODEL_TSAN
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#else
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#endif
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define cmpxchg(ptr, o, n) ({						\
	__typeof__(*(ptr)) __o = (o);					\
	__atomic_compare_exchange_n((ptr), &__o, (n), false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__o; })
#define xchg(ptr, v) __atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;

#define ATOMIC_INIT(i)	{ (i) }
#define atomic_read(v)		__atomic_load_n(&(v)->counter, __ATOMIC_RELAXED)
#define atomic_set(v, i)	__atomic_store_n(&(v)->counter, (i), __ATOMIC_RELAXED)
#define atomic_inc(v)		((void)__atomic_add_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST))
#define atomic_dec(v)		((void)__atomic_sub_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST))
#define atomic_add_return(i, v)	__atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST)
#define atomic_dec_return(v)	__atomic_sub_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST)
#define atomic_dec_and_test(v)	(__atomic_sub_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST) == 0)
#define atomic_cmpxchg(v, o, n)	cmpxchg(&(v)->counter, (o), (n))
#define atomic_try_cmpxchg(v, po, n) \
	__atomic_compare_exchange_n(&(v)->counter, (po), (n), false, \
				    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)
#define atomic_long_read(v)	__atomic_load_n(&(v)->counter, __ATOMIC_RELAXED)
#define atomic_long_set(v, i)	__atomic_store_n(&(v)->counter, (i), __ATOMIC_RELAXED)
#define atomic_long_inc(v)	((void)__atomic_add_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST))
#define atomic_long_dec(v)	((void)__atomic_sub_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST))
#define atomic_long_add(i, v)	((void)__atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST))
#define atomic_long_sub(i, v)	((void)__atomic_sub_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST))
#define atomic_long_add_return(i, v) __atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST)

static inline bool atomic_inc_not_zero(atomic_t *v)
{
	int old = atomic_read(v);

	do {
		if (!old)
			return false;
	} while (!atomic_try_cmpxchg(v, &old, old + 1));
	return true;
}

/* Warnings: printed and counted (model_warnings), never fatal. */

extern long model_warnings;
void model_warn(const char *file, int line, const char *cond);

#define WARN_ON(c) ({ bool __c = !!(c);					\
	if (unlikely(__c))						\
		model_warn(__FILE__, __LINE__, #c);			\
	unlikely(__c); })
#define WARN_ON_ONCE(c)		WARN_ON(c)
#define WARN_ONCE(c, fmt, ...) ({ bool __c = !!(c);			\
	if (unlikely(__c)) {						\
		fprintf(stderr, fmt, ##__VA_ARGS__);			\
		model_warn(__FILE__, __LINE__, #c);			\
	}								\
	unlikely(__c); })
#define VM_WARN_ON_ONCE(c)	((void)WARN_ON(c))
#define VM_WARN_ON(c)		((void)WARN_ON(c))
#define pr_warn(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)

/* Threads, "CPUs", atomic context */

#define MODEL_NR_CPUS	8

struct model_thread {
	const char *name;
	int tid;		/* unique, non-zero; see model_tid() */
	int cpu;
	int preempt_count;	/* spinlocks held */
	unsigned int seed;
	bool fatal_signal;	/* what fatal_signal_pending() reports */
};
extern __thread struct model_thread model_self;

void model_thread_start(const char *name, int cpu);
int model_tid(void);
void model_thread_end(void);

#define raw_smp_processor_id()	(model_self.cpu)
#define smp_processor_id()	(model_self.cpu)
#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < MODEL_NR_CPUS; (cpu)++)
#define nr_cpu_ids		MODEL_NR_CPUS
#define cpu_possible(cpu)	((unsigned long)(cpu) < MODEL_NR_CPUS)
/*
 * Each CPU's copy of a per-CPU variable sits on a cache line of its own, as
 * the kernel's per-CPU areas do: a plain array would put the copies of
 * neighbouring CPUs on one line and make every per-CPU update bounce it
 * between threads, a cost the kernel does not have.
 */
#define DEFINE_PER_CPU(type, name)					\
	struct {							\
		__typeof__(type) v __attribute__((aligned(64)));	\
	} name[MODEL_NR_CPUS]
#define per_cpu_ptr(ptr, cpu)		(&(*(ptr))[(cpu)].v)
#define this_cpu_ptr(ptr)		per_cpu_ptr(ptr, model_self.cpu)
#define raw_cpu_ptr(ptr)		per_cpu_ptr(ptr, model_self.cpu)

void __might_sleep(const char *file, int line);
#define might_sleep()	__might_sleep(__FILE__, __LINE__)
#define cond_resched()	do { might_sleep(); } while (0)

struct task_struct;
#define current			((struct task_struct *)NULL)
/* The model has no signals. */
#define fatal_signal_pending(t)	((void)(t), model_self.fatal_signal)
void schedule_timeout_uninterruptible(long timeout);

/* Locks */

/* 4 bytes like the kernel's: the holder's model thread id, 0 if free. */
typedef struct {
	int owner;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(n)	{ 0 }
#define DEFINE_SPINLOCK(n)	spinlock_t n = __SPIN_LOCK_UNLOCKED(n)
void spin_lock_init(spinlock_t *l);
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
bool spin_is_held_by_me(const spinlock_t *l);
/* The model has no interrupts to keep out. */
#define spin_lock_irqsave(l, flags)	do { (flags) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) \
	do { (void)(flags); spin_unlock(l); } while (0)

/*
 * As lib/dec_and_lock.c: decrement @v, and if that makes it zero, return
 * true with @lock held; the step to zero is taken only under @lock.
 */
static inline bool atomic_dec_and_lock(atomic_t *v, spinlock_t *lock)
{
	int old = atomic_read(v);

	do {
		if (old == 1)
			break;
	} while (!atomic_try_cmpxchg(v, &old, old - 1));
	if (old != 1)
		return false;
	spin_lock(lock);
	if (atomic_dec_and_test(v))
		return true;
	spin_unlock(lock);
	return false;
}

struct mutex {
	pthread_mutex_t m;
	unsigned long owner;
};
#define DEFINE_MUTEX(n)	struct mutex n = { PTHREAD_MUTEX_INITIALIZER, 0 }
void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);

#define lockdep_assert_held(l) \
	((void)WARN_ON(!model_lock_held((l))))
#define model_lock_held(l) _Generic((l),				\
	spinlock_t *: spin_is_held_by_me((const spinlock_t *)(l)),	\
	struct mutex *: (__atomic_load_n(&((struct mutex *)(l))->owner,	\
			 __ATOMIC_RELAXED) == (unsigned long)pthread_self()))

/* Lists */

struct list_head {
	struct list_head *next, *prev;
};
#define LIST_HEAD_INIT(n)	{ &(n), &(n) }
#define LIST_HEAD(n)		struct list_head n = LIST_HEAD_INIT(n)

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void list_add(struct list_head *n, struct list_head *h)
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
}

static inline void list_del_init(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	INIT_LIST_HEAD(n);
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

#define list_entry(p, type, m)	container_of(p, type, m)
#define list_first_entry_or_null(h, type, m) \
	(list_empty(h) ? NULL : list_entry((h)->next, type, m))

/*
 * RCU: liburcu memb; struct rcu_head and call_rcu() match the kernel.
 *
 * ThreadSanitizer cannot see liburcu's grace periods (membarrier() and an
 * uninstrumented library), so in the TSan build every read-side unlock
 * releases a sync object that every free and synchronize_rcu() acquires:
 * the happens-before edge a grace period provides.
 */
#ifdef MODEL_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char model_rcu_gp;
static inline void model_rcu_read_unlock(void)
{
	__tsan_release(&model_rcu_gp);
	urcu_memb_read_unlock();
}
static inline void model_synchronize_rcu(void)
{
	urcu_memb_synchronize_rcu();
	__tsan_acquire(&model_rcu_gp);
}
#undef rcu_read_unlock
#define rcu_read_unlock()	model_rcu_read_unlock()
#undef synchronize_rcu
#define synchronize_rcu()	model_synchronize_rcu()
#define model_rcu_gp_acquire()	__tsan_acquire(&model_rcu_gp)
#else
#define model_rcu_gp_acquire()	do { } while (0)
#endif

/* Allocation */

#define GFP_KERNEL	0x01u	/* may sleep */
#define GFP_NOWAIT	0x02u
#define GFP_ATOMIC	0x04u
#define __GFP_ZERO	0x100u

static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return gfp & GFP_KERNEL;
}

struct kmem_cache {
	const char *name;
	size_t size;		/* what the object costs (accounting) */
	size_t alloc_size;	/* what is allocated */
	atomic_long_t nr;
};

void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);
void kfree(const void *p);
struct kmem_cache *model_kmem_cache_create(const char *name, size_t size,
					   size_t accounted);
#define SLAB_HWCACHE_ALIGN	0x2000U	/* the model's caches ignore flags */
#define L1_CACHE_BYTES		64
#define L1_CACHE_ALIGN(x)	(((x) + L1_CACHE_BYTES - 1) & ~(size_t)(L1_CACHE_BYTES - 1))
#define KMEM_CACHE(s, flags) \
	model_kmem_cache_create(#s, sizeof(struct s), sizeof(struct s))
void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp);
void *kmem_cache_zalloc(struct kmem_cache *c, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *c, void *p);
void kmem_cache_destroy(struct kmem_cache *c);

/* Swap entries, as include/linux/swapops.h lays them out. */

#define MAX_SWAPFILES_SHIFT	5
#define MAX_SWAPFILES		23	/* 32 minus special types, as 6.12 */
#define SWP_TYPE_SHIFT		(63 - MAX_SWAPFILES_SHIFT)
#define SWP_OFFSET_MASK		((1UL << SWP_TYPE_SHIFT) - 1)

typedef struct {
	unsigned long val;
} swp_entry_t;

static inline swp_entry_t swp_entry(unsigned long type, unsigned long offset)
{
	swp_entry_t e = { (type << SWP_TYPE_SHIFT) | (offset & SWP_OFFSET_MASK) };

	return e;
}

static inline unsigned int swp_type(swp_entry_t e)
{
	return e.val >> SWP_TYPE_SHIFT;
}

static inline unsigned long swp_offset(swp_entry_t e)
{
	return e.val & SWP_OFFSET_MASK;
}

/* Folios: one page, refcounted, freed after RCU like page structs live. */

struct folio {
	atomic_t _refcount;
	struct rcu_head rcu;
	unsigned char data[PAGE_SIZE] __attribute__((aligned(64)));
};

struct folio *folio_alloc(gfp_t gfp, unsigned int order);
void folio_get(struct folio *folio);
bool folio_try_get(struct folio *folio);
void folio_put(struct folio *folio);
void folio_copy(struct folio *dst, struct folio *src);

static inline long folio_nr_pages(const struct folio *folio)
{
	return 1;
}

static inline size_t folio_size(const struct folio *folio)
{
	return PAGE_SIZE;
}

static inline void *kmap_local_folio(struct folio *folio, size_t offset)
{
	return folio->data + offset;
}

#define kunmap_local(addr)	((void)(addr))

static inline void folio_zero_range(struct folio *folio, size_t start,
				    size_t len)
{
	memset(folio->data + start, 0, len);
}

void *memchr_inv(const void *s, int c, size_t n);

/* XArray: the subset mm/vswap.c uses, RCU-safe, nodes freed by RCU. */

struct xa_limit {
	u32 max;
	u32 min;
};
#define XA_LIMIT(_min, _max)	(struct xa_limit) { .max = _max, .min = _min }

#define XA_FLAGS_ALLOC	1u
#define XA_PRESENT	((unsigned int)-1)

struct xarray {
	spinlock_t xa_lock;
	unsigned int xa_flags;
	void *xa_head;		/* struct xa_node *, published by release */
};

#define XARRAY_INIT(name, flags) { __SPIN_LOCK_UNLOCKED(name), flags, NULL }
#define DEFINE_XARRAY_FLAGS(name, flags) \
	struct xarray name = XARRAY_INIT(name, flags)
#define DEFINE_XARRAY(name)		DEFINE_XARRAY_FLAGS(name, 0)
#define DEFINE_XARRAY_ALLOC(name)	DEFINE_XARRAY_FLAGS(name, XA_FLAGS_ALLOC)

#define xa_lock(xa)	spin_lock(&(xa)->xa_lock)
#define xa_unlock(xa)	spin_unlock(&(xa)->xa_lock)

static inline void *xa_mk_internal(long v)
{
	return (void *)(((unsigned long)v << 2) | 2);
}

static inline bool xa_is_err(const void *entry)
{
	return ((unsigned long)entry & 3) == 2 &&
	       (long)entry >= (long)xa_mk_internal(-MAX_ERRNO);
}

static inline int xa_err(void *entry)
{
	return xa_is_err(entry) ? (int)((long)entry >> 2) : 0;
}

static inline bool xa_empty(const struct xarray *xa)
{
	return __atomic_load_n(&xa->xa_head, __ATOMIC_RELAXED) == NULL;
}

void xa_init_flags(struct xarray *xa, unsigned int flags);
#define xa_init(xa)	xa_init_flags((xa), 0)
void *xa_load(struct xarray *xa, unsigned long index);
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *__xa_store(struct xarray *xa, unsigned long index, void *entry,
		 gfp_t gfp);
void *xa_erase(struct xarray *xa, unsigned long index);
void *__xa_erase(struct xarray *xa, unsigned long index);
void *xa_cmpxchg(struct xarray *xa, unsigned long index, void *old,
		 void *entry, gfp_t gfp);
int xa_alloc(struct xarray *xa, u32 *id, void *entry, struct xa_limit limit,
	     gfp_t gfp);
void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max,
	      unsigned int filter);
void *xa_find_after(struct xarray *xa, unsigned long *index,
		    unsigned long max, unsigned int filter);
void xa_destroy(struct xarray *xa);

#define xa_for_each(xa, index, entry)					\
	for ((index) = 0,						\
	     (entry) = xa_find((xa), &(index), ULONG_MAX, XA_PRESENT);	\
	     (entry);							\
	     (entry) = xa_find_after((xa), &(index), ULONG_MAX, XA_PRESENT))

/* Allocation accounting and failure injection (shim/model.c) */

struct model_mem {
	long objs;	/* live kmalloc + kmem_cache objects */
	long bytes;	/* their accounted size */
};
void model_mem_read(struct model_mem *m);
/* The @nth allocation from now (0 = the next) fails, once. */
void model_fail_nth(long nth);
/* Every allocation fails with probability @ppm per million. */
void model_fail_rate(unsigned int ppm);
void model_fail_off(void);
bool model_should_fail(void);
long model_folios_live(void);

#endif /* _MODEL_KERNEL_H */
