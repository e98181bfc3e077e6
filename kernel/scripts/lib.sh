# SPDX-License-Identifier: GPL-2.0
#
# Shared settings of the kernel scripts: where the project, the work tree and
# the build outputs live, and how a step reports progress.  Sourced, not run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
# The patched work tree: the pinned source, one commit per patch in
# kernel/patches/series, and the project's new files linked in.
TREE=$BUILD/linux
# The untouched source, as a git worktree of $TREE at tag "base".
VANILLA_TREE=$BUILD/linux-vanilla
# Out-of-tree build directories, one per kernel variant.
OUT=$BUILD/out

# shellcheck source=../source.env
. "$TOP/kernel/source.env"

export CCACHE_DIR=${CCACHE_DIR:-$BUILD/ccache}
export CCACHE_BASEDIR=$BUILD
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

step() { printf '  %-7s %s\n' "$1" "$2"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# run_logged LOG CMD...: run CMD with all output in LOG; on failure show
# the tail of LOG and fail.
run_logged() {
	local log=$1
	shift
	if ! "$@" >>"$log" 2>&1; then
		echo "---- last 40 lines of $log ----" >&2
		tail -40 "$log" >&2
		echo "---- end of $log ----" >&2
		return 1
	fi
}

# The new files the project adds to the kernel, by their path in the tree:
# everything under kernel/mm and kernel/include, and the documentation
# (Documentation/, which the Kconfig help and the code point to).
project_files() {
	local d
	{
		for d in mm include; do
			if [ -d "$TOP/kernel/$d" ]; then
				(cd "$TOP/kernel" && find "$d" -type f)
			fi
		done
		if [ -d "$TOP/Documentation" ]; then
			(cd "$TOP" && find Documentation -type f -name '*.rst')
		fi
	} | sort
}

# project_file_src PATH: where the project keeps the file that PATH (a
# line of project_files) names in the tree
project_file_src() {
	case "$1" in
	Documentation/*) echo "$TOP/$1" ;;
	*) echo "$TOP/kernel/$1" ;;
	esac
}

# A hash of kernel/patches: the series file and every patch it lists.
series_hash() {
	(cd "$TOP/kernel/patches" &&
	 cat series $(grep -v '^#' series) | sha1sum | cut -d' ' -f1)
}
