/* What gpath's two compiled modules share: the cffi module gpath._lowlevel._glfs
   (helpers.c) and the extension module gpath._lowlevel._speedups (speedups.c).
   Both hold the same gp_mount_t of a mount, each through its own copy of these
   static functions. */

#ifndef GPATH_H
#define GPATH_H

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <glusterfs/api/glfs.h>


/* A struct stat as os.stat_result's 19 fields (the 10 visible ones, float times, *_ns
   times, blksize, blocks, rdev; gpath._stat.STAT_LAYOUT), then the three tv_nsec: Python
   makes the os.stat_result from one struct.unpack_from() of this buffer.  Float times are
   computed as CPython's os.stat computes them.  Returns 0, or 1 if a *_ns total does not
   fit in 64 bits (a time beyond the years 1677-2262): Python then recomputes those. */
struct gp_stat_fields {
    int64_t mode;
    uint64_t ino, dev;
    int64_t nlink, uid, gid, size, atime, mtime, ctime;
    double atime_f, mtime_f, ctime_f;
    int64_t atime_ns, mtime_ns, ctime_ns, blksize, blocks;
    uint64_t rdev;
    int64_t atime_nsec, mtime_nsec, ctime_nsec;
};

/* One time into its four places in the layout; returns 1 if its *_ns total overflows. */
static int gp_pack_time(const struct timespec *ts, int64_t *sec, double *seconds, int64_t *ns,
                        int64_t *nsec)
{
    int64_t scaled;
    *sec = ts->tv_sec;
    *seconds = (double)ts->tv_sec + (double)ts->tv_nsec * 1e-9;
    *nsec = ts->tv_nsec;
    return __builtin_mul_overflow((int64_t)ts->tv_sec, (int64_t)1000000000, &scaled) ||
           __builtin_add_overflow(scaled, (int64_t)ts->tv_nsec, ns);
}

static int gp_pack_stat(const struct stat *st, void *buf)
{
    struct gp_stat_fields f = {0}; /* an overflowing *_ns total is left 0 (see above) */
    int overflow = 0;
    f.mode = st->st_mode;
    f.ino = st->st_ino;
    f.dev = st->st_dev;
    f.nlink = st->st_nlink;
    f.uid = st->st_uid;
    f.gid = st->st_gid;
    f.size = st->st_size;
    overflow |= gp_pack_time(&st->st_atim, &f.atime, &f.atime_f, &f.atime_ns, &f.atime_nsec);
    overflow |= gp_pack_time(&st->st_mtim, &f.mtime, &f.mtime_f, &f.mtime_ns, &f.mtime_nsec);
    overflow |= gp_pack_time(&st->st_ctim, &f.ctime, &f.ctime_f, &f.ctime_ns, &f.ctime_nsec);
    f.blksize = st->st_blksize;
    f.blocks = st->st_blocks;
    f.rdev = st->st_rdev;
    memcpy(buf, &f, sizeof f);
    return overflow;
}

/* A mount's glfs_t and the number of calls running on it (gpath._handle.MountHandle).
   The count lives here so that a helper like gp_stat holds the mount with no Python
   around it: unmounting sets `closed`, then waits for `inflight` to reach 0 before
   glfs_fini.  Sequentially consistent: an entering call either sees `closed` or is
   seen by the waiter. */
typedef struct {
    glfs_t *fs;
    long inflight;
    int closed;
} gp_mount_t;

#define GP_NOT_MOUNTED (-2)
#define GP_EMBEDDED_NUL (-3)
#define GP_OPEN_NOT_DIR 1 /* gp_open: a read-only open of a directory fails (EISDIR) */

static glfs_t *gp_enter(gp_mount_t *m)
{
    __atomic_add_fetch(&m->inflight, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&m->closed, __ATOMIC_SEQ_CST)) {
        __atomic_sub_fetch(&m->inflight, 1, __ATOMIC_SEQ_CST);
        return NULL;
    }
    return m->fs;
}

static void gp_leave(gp_mount_t *m)
{
    __atomic_sub_fetch(&m->inflight, 1, __ATOMIC_SEQ_CST);
}

/* The checks of gpath._fspath.encode() on a path of len bytes, in the same order:
   GP_EMBEDDED_NUL, or -1 with errno ENOENT (empty) or ENAMETOOLONG. */
static int gp_check_path(const char *path, size_t len)
{
    if (strlen(path) != len)
        return GP_EMBEDDED_NUL;
    if (len == 0) {
        errno = ENOENT;
        return -1;
    }
    if (len >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

/* Volume.stat()/lstat() in one C call: check the path, hold the mount, stat, pack.
   Returns gp_pack_stat's 0 or 1, or -1 with errno set, GP_NOT_MOUNTED, GP_EMBEDDED_NUL. */
static int gp_stat(gp_mount_t *m, const char *path, size_t len, int follow, void *out)
{
    struct stat st;
    glfs_t *fs;
    int ret = gp_check_path(path, len);
    if (ret != 0)
        return ret;
    fs = gp_enter(m);
    if (fs == NULL)
        return GP_NOT_MOUNTED;
    ret = follow ? glfs_stat(fs, path, &st) : glfs_lstat(fs, path, &st);
    gp_leave(m);
    return ret == 0 ? gp_pack_stat(&st, out) : ret;
}

/* Reads go in pieces of this size (gpath's READ_CHUNK).  libgfapi receives a read into a
   buffer of its own as large as the request and then copies it into ours, so a whole-file
   read() peaks at about the file size plus one piece's worth; this size costs the least
   memory and reads fastest (docs/design/performance.md). */
#define GP_READ_CHUNK (4 * 1024 * 1024)

#endif /* GPATH_H */
