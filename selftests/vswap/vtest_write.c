// SPDX-License-Identifier: GPL-2.0
/*
 * vtest_write: write a value to a file (a sysfs or proc knob) in a single
 * write(2) and say exactly how it went, which the shell cannot.
 *
 *   vtest_write [-n] FILE VALUE
 *
 * Writes VALUE followed by a newline (as echo would; -n: VALUE alone) at
 * offset 0.  Prints "ok" and exits 0 when the whole value was taken,
 * otherwise prints the errno name (EINVAL, ERANGE, ...) or "short N" and
 * exits 1.  Exit 2: bad usage or the file cannot be opened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int newline = 1, fd;
	size_t len;
	ssize_t n;
	char *buf;

	if (argc > 1 && !strcmp(argv[1], "-n")) {
		newline = 0;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: vtest_write [-n] FILE VALUE\n");
		return 2;
	}
	len = strlen(argv[2]);
	buf = malloc(len + 2);
	if (!buf)
		return 2;
	memcpy(buf, argv[2], len);
	if (newline)
		buf[len++] = '\n';
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		printf("open: %s\n", strerrorname_np(errno) ?: strerror(errno));
		return 2;
	}
	n = write(fd, buf, len);
	if (n < 0) {
		printf("%s\n", strerrorname_np(errno) ?: strerror(errno));
		return 1;
	}
	if (close(fd)) {
		printf("%s\n", strerrorname_np(errno) ?: strerror(errno));
		return 1;
	}
	if ((size_t)n != len) {
		printf("short %zd\n", n);
		return 1;
	}
	printf("ok\n");
	return 0;
}
