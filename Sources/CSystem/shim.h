#ifndef MANIFOLD_CSYSTEM_SHIM_H
#define MANIFOLD_CSYSTEM_SHIM_H
// Linux calls Swift cannot make directly: ioctl is variadic, and renameat2's flags are
// behind _GNU_SOURCE.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/fs.h>
#endif

// Makes dst share src's extents (a reflink): btrfs, XFS, bcachefs. -1 with errno otherwise.
static inline int manifold_reflink(int dst, int src) {
#if defined(__linux__) && defined(FICLONE)
    return ioctl(dst, FICLONE, src);
#else
    errno = EOPNOTSUPP;
    return -1;
#endif
}

// An anonymous in-memory file (the fuzzers hand tar bytes to the tar index through one).
static inline int manifold_memfd(const char *name) {
#if defined(__linux__) && defined(SYS_memfd_create)
    return (int)syscall(SYS_memfd_create, name, 1 /* MFD_CLOEXEC */);
#else
    errno = ENOSYS;
    return -1;
#endif
}

// rename that fails with EEXIST instead of replacing an existing target.
static inline int manifold_rename_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, 1 /* RENAME_NOREPLACE */);
#else
    errno = ENOSYS;
    return -1;
#endif
}
#endif
