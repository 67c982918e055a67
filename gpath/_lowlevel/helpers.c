/* gpath's C helpers, compiled into the cffi module gpath._lowlevel._glfs.
 *
 * _build.py hands this file to cffi's set_source() after two generated macros:
 * GP_WEAK_SYMBOLS (a weak "#pragma" per optional libgfapi function, so the module loads on
 * a libgfapi without it) and GP_OPTIONAL_SYMBOLS (their addresses, for gp_symbol_present);
 * both come from _symbols.OPTIONAL_SYMBOLS.  The declarations Python sees are in cdef.h. */

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

GP_WEAK_SYMBOLS

static int gp_symbol_present(int index)
{
    static const void *const symbols[] = {
    GP_OPTIONAL_SYMBOLS
    };
    if (index < 0 || index >= (int)(sizeof(symbols) / sizeof(symbols[0])))
        return 0;
    return symbols[index] != NULL;
}

/* Read up to max directory entries (with their stat) in one call, so that listing a large
   directory costs one Python->C transition per batch instead of one per entry.
   Returns the number of entries stored, 0 at the end, -1 with errno set. */
static int gp_readdirplus_batch(glfs_fd_t *fd, struct stat *stats, struct dirent *entries,
                                int max)
{
    int count = 0;
    while (count < max) {
        struct dirent *result = NULL;
        errno = 0;
        if (glfs_readdirplus_r(fd, &stats[count], &entries[count], &result) != 0) {
            if (errno == 0)
                errno = EIO;
            return count > 0 ? count : -1;
        }
        if (result == NULL)
            break;
        count++;
    }
    return count;
}

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
    struct gp_stat_fields f;
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

static int gp_stat_buffer_size(void)
{
    return (int)sizeof(struct gp_stat_fields);
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

/* Refuse new calls, then wait for the running ones (cffi has released the GIL). */
static void gp_close_wait(gp_mount_t *m)
{
    __atomic_store_n(&m->closed, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&m->inflight, __ATOMIC_SEQ_CST) > 0)
        usleep(100);
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
   read() peaks at about the file size plus one piece's worth (measured on 10.3: 64 MiB
   pieces cost +64 MiB, 16 MiB pieces +80 MiB kept by malloc arenas, 4 MiB pieces +20 MiB
   and the best throughput). */
#define GP_READ_CHUNK (4 * 1024 * 1024)

#ifndef PYPY_VERSION
/* read_bytes(glfd_address, size, offset) -> bytes | int: File.read()/readall()/pread() as
   one builtin function (gpath._lowlevel.builtin() makes it at import).
   cffi cannot return a Python object, and the bytes object must be filled in place (a
   whole-file read peaks at the file size) and without Python between the allocation and
   the reads: between 1 MiB round trips each Python step costs several times its warm cost
   (docs/benchmarks.md).  Reads in GP_READ_CHUNK pieces with the GIL released, sequentially
   (offset < 0) or positionally from offset; fewer bytes only at end of file.  A failed
   read returns its errno as an int so that Python raises the OSError with the file's
   name.  A signal handler's exception (Ctrl-C) between pieces drops the data, as an
   interrupted Python loop would.  The caller keeps the glfd alive (File's offset lock). */
static PyObject *gp_read_bytes(PyObject *module, PyObject *args)
{
    PyObject *address, *result;
    Py_ssize_t size, total = 0;
    long long offset;
    glfs_fd_t *fd;
    char *data;
    (void)module;
    if (!PyArg_ParseTuple(args, "OnL:read_bytes", &address, &size, &offset))
        return NULL;
    fd = (glfs_fd_t *)PyLong_AsVoidPtr(address);
    if (fd == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "read_bytes: NULL glfd");
        return NULL;
    }
    if (size < 0) {
        PyErr_SetString(PyExc_ValueError, "read_bytes: negative size");
        return NULL;
    }
    result = PyBytes_FromStringAndSize(NULL, size);
    if (result == NULL)
        return NULL;
    data = PyBytes_AsString(result);
    while (total < size) {
        size_t chunk = size - total < GP_READ_CHUNK ? (size_t)(size - total) : GP_READ_CHUNK;
        ssize_t got;
        int err = 0;
        Py_BEGIN_ALLOW_THREADS
        got = offset < 0 ? glfs_read(fd, data + total, chunk, 0)
                         : glfs_pread(fd, data + total, chunk, offset + total, 0, NULL);
        if (got < 0)
            err = errno ? errno : EIO;
        Py_END_ALLOW_THREADS
        if (got < 0) {
            Py_DECREF(result);
            return PyLong_FromLong(err);
        }
        if (got == 0)
            break;
        total += got;
        if (total < size && PyErr_CheckSignals() != 0) {
            Py_DECREF(result);
            return NULL;
        }
    }
    if (total < size) { /* end of file: a copy of what was read (no _PyBytes_Resize in abi3) */
        PyObject *head = PyBytes_FromStringAndSize(data, total);
        Py_DECREF(result);
        return head;
    }
    return result;
}

static PyMethodDef gp_read_bytes_def = {
    "read_bytes", gp_read_bytes, METH_VARARGS,
    "read_bytes(glfd_address, size, offset) -> bytes, or the errno of a failed read"
};

/* One of the 19 os.stat_result fields *_ns: sec * 10**9 + nsec, as a Python int of any size. */
static PyObject *gp_ns_total(int64_t sec, int64_t nsec, int64_t packed, int overflow)
{
    PyObject *billion, *seconds, *scaled, *rest, *total;
    if (!overflow)
        return PyLong_FromLongLong(packed);
    billion = PyLong_FromLong(1000000000L);
    seconds = PyLong_FromLongLong(sec);
    scaled = billion && seconds ? PyNumber_Multiply(seconds, billion) : NULL;
    rest = PyLong_FromLongLong(nsec);
    total = scaled && rest ? PyNumber_Add(scaled, rest) : NULL;
    Py_XDECREF(billion);
    Py_XDECREF(seconds);
    Py_XDECREF(scaled);
    Py_XDECREF(rest);
    return total;
}

/* stat_path(mount_address, path, follow) -> os.stat_result | int: Volume.stat()/lstat()
   as one builtin function (made like read_bytes, with os.stat_result as its `self`).
   *path* is str (encoded as os.fsencode does) or bytes; gp_stat checks it, holds the
   mount and stats with the GIL released.  A failure returns an int: the errno, or
   GP_NOT_MOUNTED / GP_EMBEDDED_NUL.  The result is built as gpath._stat.stat_from_buffer
   builds it from gp_pack_stat's fields, without the buffer and the unpacking. */
static PyObject *gp_stat_path(PyObject *stat_result_type, PyObject *args)
{
    PyObject *address, *path, *encoded = NULL, *ns[3], *fields, *result;
    struct gp_stat_fields f;
    gp_mount_t *m;
    int follow, ret, err = 0;
    if (!PyArg_ParseTuple(args, "OOi:stat_path", &address, &path, &follow))
        return NULL;
    m = (gp_mount_t *)PyLong_AsVoidPtr(address);
    if (m == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "stat_path: NULL mount");
        return NULL;
    }
    if (PyUnicode_Check(path)) {
        encoded = PyUnicode_EncodeFSDefault(path);
        if (encoded == NULL)
            return NULL;
        path = encoded;
    } else if (!PyBytes_Check(path)) {
        PyErr_SetString(PyExc_TypeError, "stat_path: path must be str or bytes");
        return NULL;
    }
    {
        const char *cpath = PyBytes_AsString(path);
        size_t len = (size_t)PyBytes_Size(path);
        Py_BEGIN_ALLOW_THREADS
        ret = gp_stat(m, cpath, len, follow, &f);
        if (ret == -1)
            err = errno ? errno : EIO;
        Py_END_ALLOW_THREADS
    }
    Py_XDECREF(encoded);
    if (ret < 0)
        return PyLong_FromLong(ret == -1 ? err : ret);
    ns[0] = gp_ns_total(f.atime, f.atime_nsec, f.atime_ns, ret);
    ns[1] = gp_ns_total(f.mtime, f.mtime_nsec, f.mtime_ns, ret);
    ns[2] = gp_ns_total(f.ctime, f.ctime_nsec, f.ctime_ns, ret);
    if (ns[0] == NULL || ns[1] == NULL || ns[2] == NULL) {
        Py_XDECREF(ns[0]);
        Py_XDECREF(ns[1]);
        Py_XDECREF(ns[2]);
        return NULL;
    }
    fields = Py_BuildValue("(LKKLLLLLLLdddNNNLLK)", (long long)f.mode,
                           (unsigned long long)f.ino, (unsigned long long)f.dev,
                           (long long)f.nlink, (long long)f.uid, (long long)f.gid,
                           (long long)f.size, (long long)f.atime, (long long)f.mtime,
                           (long long)f.ctime, f.atime_f, f.mtime_f, f.ctime_f, ns[0], ns[1],
                           ns[2], (long long)f.blksize, (long long)f.blocks,
                           (unsigned long long)f.rdev);
    if (fields == NULL)
        return NULL;
    result = PyObject_CallFunctionObjArgs(stat_result_type, fields, NULL);
    Py_DECREF(fields);
    return result;
}

static PyMethodDef gp_stat_path_def = {
    "stat_path", gp_stat_path, METH_VARARGS,
    "stat_path(mount_address, path, follow) -> os.stat_result, or an errno/GP_* code"
};

/* The PyMethodDef of a builtin above, by name (NULL if unknown): gpath._lowlevel makes
   the functions at import, since cffi itself cannot return Python objects. */
static void *gp_builtin_method(const char *name)
{
    if (strcmp(name, "read_bytes") == 0)
        return &gp_read_bytes_def;
    if (strcmp(name, "stat_path") == 0)
        return &gp_stat_path_def;
    return NULL;
}
#else
static void *gp_builtin_method(const char *name)
{
    (void)name;
    return NULL;  /* not CPython: gpath falls back to the same work through cffi */
}
#endif

static int gp_fstat(glfs_fd_t *fd, void *out)
{
    struct stat st;
    int ret = glfs_fstat(fd, &st);
    return ret == 0 ? gp_pack_stat(&st, out) : ret;
}

/* The process umask, read without changing it: umask(2) reads it only by setting it, which
   would race the creates of other threads.  /proc/self/status shows it (Linux >= 4.7); where
   that cannot be read, the set-and-restore pair is the documented fallback.  errno is kept. */
static mode_t gp_umask(void)
{
    char buf[256];
    int saved = errno;
    mode_t mask;
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n > 0) {
            char *line;
            buf[n] = '\0';
            line = strstr(buf, "\nUmask:\t");
            if (line != NULL) {
                mask = (mode_t)strtoul(line + 8, NULL, 8) & 07777;
                errno = saved;
                return mask;
            }
        }
    }
    mask = umask(022);
    umask(mask);
    errno = saved;
    return mask;
}

/* The C part of Volume.open(): open, or create without following a dangling symlink,
   fix up O_TRUNC and give the glfd its lock owner, in one call from Python.
 *
 * A create is tried with O_EXCL first (glfs_creat through a dangling symlink corrupts
 * the brick on 10.3, see gpath.volume._open_glfd); if the name exists it is opened without
 * O_CREAT.  When that open finds nothing (a dangling symlink, or the name was removed
 * meanwhile) *state is -1 and Python follows the link.  Truncating an existing file is
 * done with an explicit ftruncate: after an O_TRUNC open the client's caches kept serving
 * the old content (10.3).  Returns the glfd, or NULL with errno set. */
static glfs_fd_t *gp_open(glfs_t *fs, const char *path, int flags, mode_t mode,
                          const char *owner, int owner_len, int *state, int options)
{
    glfs_fd_t *fd;
    int created = 0;
    *state = 0;
    if (flags & O_CREAT) {
        fd = glfs_creat(fs, path, flags | O_EXCL, mode & ~gp_umask());
        if (fd != NULL)
            created = 1;
        else if ((flags & O_EXCL) || errno != EEXIST)
            return NULL;
        else {
            fd = glfs_open(fs, path, flags & ~O_CREAT);
            if (fd == NULL && errno == ENOENT)
                *state = -1;
        }
    } else
        fd = glfs_open(fs, path, flags);
    if (fd == NULL)
        return NULL;
    if (!created && (options & GP_OPEN_NOT_DIR) && (flags & O_ACCMODE) == O_RDONLY) {
        /* glfs_open() opens a directory for reading; open() must refuse it at once. */
        struct stat st;
        if (glfs_fstat(fd, &st) != 0)
            goto fail;
        if (S_ISDIR(st.st_mode)) {
            errno = EISDIR;
            goto fail;
        }
    }
    if (!created && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY &&
        glfs_ftruncate(fd, 0, NULL, NULL) != 0)
        goto fail;
    if (owner_len > 0 && glfs_fd_set_lkowner(fd, (void *)owner, owner_len) != 0)
        goto fail;
    *state = created;
    return fd;
fail:
    {
        int err = errno ? errno : EIO;
        glfs_close(fd);
        errno = err;
        return NULL;
    }
}

/* Disconnect a mount from its bricks before glfs_fini (see gpath.volume._Mount.shutdown).
 *
 * glfs_fini marks the context "cleanup started" before it sends PARENT_DOWN through the
 * graph; from then on gf_timer_call_cancel() refuses to cancel timers, so each
 * protocol/client's 10 s call_bail timer keeps its reference on the RPC client and the
 * client translator's fini waits until that timer fires: up to 10 s per glfs_fini
 * (gluster/glusterfs#1962, #2606).  Sending the same PARENT_DOWN *before* glfs_fini, as
 * glfs_fini itself does, cancels those timers while cancelling still works, and glfs_fini
 * then finds the graph already down.  The entry points are libgfapi-private
 * (GFAPI_PRIVATE_3.4.0) and libglusterfs symbols present since 3.4; they are bound weakly,
 * and without them this returns -1 and glfs_fini does everything (slowly).  All files must
 * be closed first: their data is then acknowledged by the bricks (glfs_close flushes
 * write-behind), and only background frames such as a flush-behind FLUSH can still be in
 * flight; they are unwound, and the bricks flush and release the fds of a disconnected
 * client themselves. */
extern void *glfs_active_subvol(glfs_t *fs);
extern void glfs_subvol_done(glfs_t *fs, void *subvol);
extern int xlator_notify(void *xl, int event, void *data, ...);
#pragma weak glfs_active_subvol
#pragma weak glfs_subvol_done
#pragma weak xlator_notify
#define GP_EVENT_PARENT_DOWN 17 /* GF_EVENT_PARENT_DOWN of glusterfs-fops.h (3.4 ... 11) */

static int gp_disconnect(glfs_t *fs)
{
    void *top;
    if (glfs_active_subvol == NULL || glfs_subvol_done == NULL || xlator_notify == NULL)
        return -1;
    top = glfs_active_subvol(fs);
    if (top == NULL)
        return -1;
    xlator_notify(top, GP_EVENT_PARENT_DOWN, top, NULL);
    glfs_subvol_done(fs, top);
    return 0;
}
