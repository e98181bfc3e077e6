/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP harness: tests are static bool test_<thing>(void) in a table;
 * ASSERT() prints file, line and expression and fails the test.
 */
#ifndef _MODEL_HARNESS_H
#define _MODEL_HARNESS_H

#include <stdio.h>
#include <stdbool.h>

#define ASSERT(expr) do {						\
	if (!(expr)) {							\
		printf("#   %s:%d: ASSERT(%s) failed\n", __FILE__,	\
		       __LINE__, #expr);				\
		return false;						\
	}								\
} while (0)

#define ASSERT_EQ(a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b) {						\
		printf("#   %s:%d: ASSERT_EQ(%s, %s) failed: %lld != %lld\n", \
		       __FILE__, __LINE__, #a, #b, __a, __b);		\
		return false;						\
	}								\
} while (0)

struct model_test {
	const char *name;
	bool (*fn)(void);
};

#define TEST(fn) { #fn, fn }

#endif /* _MODEL_HARNESS_H */
