/* gpath's C helpers, compiled into the cffi module gpath._lowlevel._glfs.
 *
 * _build.py hands this file to cffi's set_source() after two generated macros:
 * GP_WEAK_SYMBOLS (a weak "#pragma" per optional libgfapi function, so the module loads on
 * a libgfapi without it) and GP_OPTIONAL_SYMBOLS (their addresses, for gp_symbol_present);
 * both come from _symbols.OPTIONAL_SYMBOLS.  The declarations Python sees are in cdef.h. */

#include "gpath.h"

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

static int gp_stat_buffer_size(void)
{
    return (int)sizeof(struct gp_stat_fields);
}

/* Refuse new calls, then wait for the running ones (cffi has released the GIL). */
static void gp_close_wait(gp_mount_t *m)
{
    __atomic_store_n(&m->closed, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&m->inflight, __ATOMIC_SEQ_CST) > 0)
        usleep(100);
}


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

/* Disconnect a mount from its bricks before glfs_fini (see gpath._mount.Mount.shutdown).
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
