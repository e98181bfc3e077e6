// SPDX-License-Identifier: GPL-2.0
/*
 * insncount: a QEMU TCG plugin that counts the guest kernel's executed
 * instructions per translation-block start address, for bench/run's
 * INSN_PROFILE=1.  Unlike perf's cpu-clock sampling inside the guest, the
 * counts are exact and do not alias with the instruction-counted clock
 * (ICOUNT); bench/insn-report.py turns them into per-function counts with
 * the kernel's System.map.
 *
 *	qemu-system-x86_64 ... -plugin insncount.so,out=FILE
 *
 * FILE gets one line "ADDRESS INSNS EXECS" (hex, decimal, decimal) per
 * kernel address that started a block: the instructions of the blocks
 * that started there and how often they ran (at a function's first
 * instruction: its calls, give or take jumps back to it), and a line
 * "user INSNS" for everything below the kernel's half of the address
 * space.  A block that an interrupt or fault
 * leaves early is counted whole; guests run on one TCG thread under
 * -icount, and the counters are plain adds, so the counts are exact only
 * there (with several threads, they may lose a few).
 *
 * QEMU 7.2 (Debian 12) does not install its plugin header, so the few
 * declarations used are written out here; they are QEMU's stable plugin
 * ABI (QEMU_PLUGIN_VERSION 1).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = 1;

/* The kernel's half of x86-64's address space. */
#define KERNEL_START	0xffff800000000000ULL

struct block {
	uint64_t vaddr;		/* 0: unused */
	uint64_t insns;
	uint64_t execs;
};

static struct block *table;
static size_t table_size = 1 << 20;	/* a power of two */
static size_t table_used;
static uint64_t user_count;
static char *out_path;

static size_t hash(uint64_t vaddr)
{
	return (size_t)((vaddr * 0x9e3779b97f4a7c15ULL) >> 20) &
	       (table_size - 1);
}

/* The counters of @vaddr, or NULL when the table is full. */
static struct block *block_of(uint64_t vaddr)
{
	size_t i = hash(vaddr);

	while (table[i].vaddr && table[i].vaddr != vaddr)
		i = (i + 1) & (table_size - 1);
	if (!table[i].vaddr) {
		/* Keep a quarter free, so that probes stay short. */
		if (table_used >= table_size / 4 * 3)
			return NULL;
		table[i].vaddr = vaddr;
		table_used++;
	}
	return &table[i];
}

/* Called once per translation (translations are serialised by QEMU). */
static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct block *b = NULL;

	(void)id;
	if (vaddr >= KERNEL_START) {
		b = block_of(vaddr);
		if (!b)
			fprintf(stderr, "insncount: more than %zu kernel blocks\n",
				table_used);
	}
	if (!b) {
		qemu_plugin_register_vcpu_tb_exec_inline(tb,
				QEMU_PLUGIN_INLINE_ADD_U64, &user_count, n);
		return;
	}
	qemu_plugin_register_vcpu_tb_exec_inline(tb,
			QEMU_PLUGIN_INLINE_ADD_U64, &b->insns, n);
	qemu_plugin_register_vcpu_tb_exec_inline(tb,
			QEMU_PLUGIN_INLINE_ADD_U64, &b->execs, 1);
}

static void write_counts(qemu_plugin_id_t id, void *userdata)
{
	FILE *f = fopen(out_path, "w");
	size_t i;

	(void)id;
	(void)userdata;
	if (!f) {
		fprintf(stderr, "insncount: %s: %s\n", out_path,
			strerror(errno));
		return;
	}
	for (i = 0; i < table_size; i++)
		if (table[i].vaddr && table[i].execs)
			fprintf(f, "%llx %llu %llu\n",
				(unsigned long long)table[i].vaddr,
				(unsigned long long)table[i].insns,
				(unsigned long long)table[i].execs);
	fprintf(f, "user %llu\n", (unsigned long long)user_count);
	if (fclose(f))
		fprintf(stderr, "insncount: %s: %s\n", out_path,
			strerror(errno));
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
			       const struct qemu_info_t *info, int argc,
			       char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			out_path = argv[i] + 4;
		} else {
			fprintf(stderr, "insncount: unknown argument '%s'\n",
				argv[i]);
			return -1;
		}
	}
	if (!out_path) {
		fprintf(stderr, "insncount: needs out=FILE\n");
		return -1;
	}
	table = calloc(table_size, sizeof(*table));
	if (!table)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, write_counts, NULL);
	return 0;
}
