/* Completions of libgfapi's asynchronous calls (glfs_*_async) for gpath.aio, and the queue
 * of upcalls (cache invalidations) for gpath._watch.
 *
 * Neither callback touches Python: both run on libgfapi's threads (or, for a write that
 * write-behind completes at once, inside the submitting call), so they only copy the result
 * into C memory under a mutex and write to an eventfd that Python waits on. */

#include <pthread.h>
#include <sys/eventfd.h>
#include <glusterfs/api/glfs-handles.h>

/* ---- asynchronous I/O -------------------------------------------------------------- */

enum { GP_AIO_PREAD, GP_AIO_PWRITE, GP_AIO_FSYNC, GP_AIO_FDATASYNC, GP_AIO_FTRUNCATE,
       GP_AIO_DISCARD, GP_AIO_ZEROFILL };

struct gp_aio_ctx;

typedef struct gp_aio_slot {
    struct gp_aio_ctx *ctx;
    struct gp_aio_slot *next; /* in ctx's list of completions not yet collected */
    uint64_t tag;             /* the Python side's key for this request */
    int64_t ret;
    int err;
    int has_stat;
    struct stat poststat;
} gp_aio_slot_t;

typedef struct gp_aio_ctx {
    int efd;
    pthread_mutex_t lock;
    pthread_cond_t idle;
    int64_t inflight;
    gp_aio_slot_t *head, *tail;
} gp_aio_ctx_t;

static gp_aio_ctx_t *gp_aio_ctx_new(void)
{
    gp_aio_ctx_t *ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL)
        return NULL;
    ctx->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ctx->efd < 0) {
        free(ctx);
        return NULL;
    }
    pthread_mutex_init(&ctx->lock, NULL);
    pthread_cond_init(&ctx->idle, NULL);
    return ctx;
}

static int gp_aio_ctx_fd(gp_aio_ctx_t *ctx) { return ctx->efd; }

static int64_t gp_aio_inflight(gp_aio_ctx_t *ctx)
{
    pthread_mutex_lock(&ctx->lock);
    int64_t n = ctx->inflight;
    pthread_mutex_unlock(&ctx->lock);
    return n;
}

/* Called with ctx->lock held: queue a finished slot and wake the reader. */
static void gp_aio_complete_locked(gp_aio_ctx_t *ctx, gp_aio_slot_t *slot)
{
    uint64_t one = 1;
    slot->next = NULL;
    if (ctx->tail != NULL)
        ctx->tail->next = slot;
    else
        ctx->head = slot;
    ctx->tail = slot;
    ctx->inflight--;
    /* a full counter (never in practice) still leaves the fd readable */
    ssize_t unused = write(ctx->efd, &one, sizeof(one));
    (void)unused;
    if (ctx->inflight == 0)
        pthread_cond_broadcast(&ctx->idle);
}

static void gp_aio_fill_stat(struct stat *out, const struct glfs_stat *in)
{
    memset(out, 0, sizeof(*out));
    out->st_mode = in->glfs_st_mode;
    out->st_ino = in->glfs_st_ino;
    out->st_nlink = in->glfs_st_nlink;
    out->st_uid = in->glfs_st_uid;
    out->st_gid = in->glfs_st_gid;
    out->st_size = in->glfs_st_size;
    out->st_blocks = in->glfs_st_blocks;
    out->st_blksize = in->glfs_st_blksize;
    out->st_atim = in->glfs_st_atime;
    out->st_mtim = in->glfs_st_mtime;
    out->st_ctim = in->glfs_st_ctime;
}

static void gp_aio_cbk(glfs_fd_t *fd, ssize_t ret, struct glfs_stat *prestat,
                       struct glfs_stat *poststat, void *data)
{
    gp_aio_slot_t *slot = data;
    gp_aio_ctx_t *ctx = slot->ctx;
    (void)fd;
    (void)prestat;
    slot->ret = ret;
    slot->err = ret < 0 ? (errno ? errno : EIO) : 0;
    if (poststat != NULL && ret >= 0 && (poststat->glfs_st_mask & GLFS_STAT_SIZE)) {
        gp_aio_fill_stat(&slot->poststat, poststat);
        slot->has_stat = 1;
    }
    pthread_mutex_lock(&ctx->lock);
    gp_aio_complete_locked(ctx, slot);
    pthread_mutex_unlock(&ctx->lock); /* nothing of ctx or slot is touched after this */
}

/* Start one request; its completion (success or failure) always arrives through the ctx's
   queue, also when libgfapi refuses it at once.  buf must stay valid until then. */
static void gp_aio_submit(gp_aio_ctx_t *ctx, gp_aio_slot_t *slot, int op, glfs_fd_t *fd,
                          void *buf, size_t size, int64_t offset, int64_t length)
{
    int ret;
    slot->ctx = ctx;
    slot->has_stat = 0;
    pthread_mutex_lock(&ctx->lock);
    ctx->inflight++;
    pthread_mutex_unlock(&ctx->lock);
    errno = 0;
    switch (op) {
    case GP_AIO_PREAD:
        ret = glfs_pread_async(fd, buf, size, offset, 0, gp_aio_cbk, slot);
        break;
    case GP_AIO_PWRITE:
        ret = glfs_pwrite_async(fd, buf, (int)size, offset, 0, gp_aio_cbk, slot);
        break;
    case GP_AIO_FSYNC:
        ret = glfs_fsync_async(fd, gp_aio_cbk, slot);
        break;
    case GP_AIO_FDATASYNC:
        ret = glfs_fdatasync_async(fd, gp_aio_cbk, slot);
        break;
    case GP_AIO_FTRUNCATE:
        ret = glfs_ftruncate_async(fd, offset, gp_aio_cbk, slot);
        break;
    case GP_AIO_DISCARD:
        ret = glfs_discard_async(fd, offset, (size_t)length, gp_aio_cbk, slot);
        break;
    case GP_AIO_ZEROFILL:
        ret = glfs_zerofill_async(fd, offset, length, gp_aio_cbk, slot);
        break;
    default:
        ret = -1;
        errno = EINVAL;
    }
    if (ret < 0) { /* refused before it started: the callback will not run */
        slot->ret = -1;
        slot->err = errno ? errno : EIO;
        pthread_mutex_lock(&ctx->lock);
        gp_aio_complete_locked(ctx, slot);
        pthread_mutex_unlock(&ctx->lock);
    }
}

/* Take up to max finished slots off the queue (and reset the eventfd when it is empty). */
static int gp_aio_collect(gp_aio_ctx_t *ctx, gp_aio_slot_t **out, int max)
{
    int n = 0;
    uint64_t count;
    pthread_mutex_lock(&ctx->lock);
    while (n < max && ctx->head != NULL) {
        out[n++] = ctx->head;
        ctx->head = ctx->head->next;
    }
    if (ctx->head == NULL) {
        ctx->tail = NULL;
        ssize_t unused = read(ctx->efd, &count, sizeof(count));
        (void)unused;
    }
    pthread_mutex_unlock(&ctx->lock);
    return n;
}

/* Block (without the GIL) until no request of ctx is in flight, or timeout_ms passes
   (negative: no limit).  Returns the number still in flight. */
static int64_t gp_aio_wait_idle(gp_aio_ctx_t *ctx, int timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    if (timeout_ms >= 0) {
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&ctx->lock);
    while (ctx->inflight > 0) {
        if (timeout_ms < 0)
            pthread_cond_wait(&ctx->idle, &ctx->lock);
        else if (pthread_cond_timedwait(&ctx->idle, &ctx->lock, &deadline) == ETIMEDOUT)
            break;
    }
    int64_t n = ctx->inflight;
    pthread_mutex_unlock(&ctx->lock);
    return n;
}

/* Free ctx; only once nothing is in flight (returns -1 and frees nothing otherwise). */
static int gp_aio_ctx_free(gp_aio_ctx_t *ctx)
{
    pthread_mutex_lock(&ctx->lock);
    int64_t n = ctx->inflight;
    pthread_mutex_unlock(&ctx->lock);
    if (n != 0)
        return -1;
    close(ctx->efd);
    pthread_cond_destroy(&ctx->idle);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
    return 0;
}

/* ---- upcalls ------------------------------------------------------------------------ */

typedef struct gp_upcall_rec {
    uint64_t fs;      /* the glfs_t it came from, as a number */
    int reason;
    uint64_t flags;
    unsigned char gfid[16], pgfid[16], oldpgfid[16];
    int has_gfid, has_pgfid, has_oldpgfid, has_stat, has_pstat;
    struct stat st, pst;
    struct gp_upcall_rec *next;
} gp_upcall_rec_t;

/* One queue for the whole process, never freed: a late upcall of a mount that is going
   away can always land somewhere valid. */
static struct {
    pthread_mutex_t lock;
    int efd;
    gp_upcall_rec_t *head, *tail;
    uint64_t dropped;
    int64_t queued;
} gp_upq = {PTHREAD_MUTEX_INITIALIZER, -1, NULL, NULL, 0, 0};

#define GP_UPCALL_MAX_QUEUED 100000

static void gp_upcall_after_fork(void)
{
    /* the parent's eventfd is shared with the child: the child must get one of its own, and
       the parent's queued upcalls are not the child's */
    pthread_mutex_init(&gp_upq.lock, NULL);
    if (gp_upq.efd >= 0)
        close(gp_upq.efd);
    gp_upq.efd = -1;
    while (gp_upq.head != NULL) {
        gp_upcall_rec_t *next = gp_upq.head->next;
        free(gp_upq.head);
        gp_upq.head = next;
    }
    gp_upq.tail = NULL;
    gp_upq.queued = 0;
    gp_upq.dropped = 0;
}

static int gp_upcall_fd(void)
{
    static int registered = 0;
    pthread_mutex_lock(&gp_upq.lock);
    if (!registered) {
        pthread_atfork(NULL, NULL, gp_upcall_after_fork);
        registered = 1;
    }
    if (gp_upq.efd < 0)
        gp_upq.efd = eventfd(0, EFD_CLOEXEC);
    int fd = gp_upq.efd;
    pthread_mutex_unlock(&gp_upq.lock);
    return fd;
}

static int gp_upcall_extract(glfs_object_t *obj, unsigned char *out)
{
    return obj != NULL && glfs_h_extract_handle(obj, out, GFAPI_HANDLE_LENGTH) >= 0;
}

static void gp_upcall_cbk(glfs_upcall_t *up, void *data)
{
    gp_upcall_rec_t *rec = calloc(1, sizeof(*rec));
    if (rec != NULL) {
        rec->fs = (uint64_t)(uintptr_t)data; /* glfs_upcall_get_fs() gives NULL on GlusterFS 10 */
        rec->reason = glfs_upcall_get_reason(up);
        if (rec->reason == GLFS_UPCALL_INODE_INVALIDATE) {
            glfs_upcall_inode_t *in = glfs_upcall_get_event(up);
            rec->flags = glfs_upcall_inode_get_flags(in);
            rec->has_gfid = gp_upcall_extract(glfs_upcall_inode_get_object(in), rec->gfid);
            rec->has_pgfid = gp_upcall_extract(glfs_upcall_inode_get_pobject(in), rec->pgfid);
            rec->has_oldpgfid =
                gp_upcall_extract(glfs_upcall_inode_get_oldpobject(in), rec->oldpgfid);
            struct stat *st = glfs_upcall_inode_get_stat(in);
            struct stat *pst = glfs_upcall_inode_get_pstat(in);
            if (st != NULL && (rec->flags & (GFAPI_UP_SIZE | GFAPI_UP_TIMES | GFAPI_UP_MODE |
                                             GFAPI_UP_OWN | GFAPI_UP_NLINK))) {
                rec->st = *st;
                rec->has_stat = 1;
            }
            if (pst != NULL && (rec->flags & GFAPI_UP_PARENT_TIMES)) {
                rec->pst = *pst;
                rec->has_pstat = 1;
            }
        }
    }
    glfs_free(up);
    pthread_mutex_lock(&gp_upq.lock);
    if (rec == NULL || gp_upq.queued >= GP_UPCALL_MAX_QUEUED) {
        gp_upq.dropped++; /* the reader sees the loss and re-lists everything */
        free(rec);
    } else {
        if (gp_upq.tail != NULL)
            gp_upq.tail->next = rec;
        else
            gp_upq.head = rec;
        gp_upq.tail = rec;
        gp_upq.queued++;
    }
    if (gp_upq.efd >= 0) {
        uint64_t one = 1;
        ssize_t unused = write(gp_upq.efd, &one, sizeof(one));
        (void)unused;
    }
    pthread_mutex_unlock(&gp_upq.lock);
}

static int gp_upcall_register(glfs_t *fs)
{
    if (gp_upcall_fd() < 0)
        return -1;
    return glfs_upcall_register(fs, GLFS_EVENT_INODE_INVALIDATE, gp_upcall_cbk, fs);
}

static int gp_upcall_unregister(glfs_t *fs)
{
    return glfs_upcall_unregister(fs, GLFS_EVENT_INODE_INVALIDATE);
}

/* Pop one record into *out; 1 if there was one, else 0.  *dropped gets (and clears) the
   number of upcalls lost since the last call. */
static int gp_upcall_pop(gp_upcall_rec_t *out, uint64_t *dropped)
{
    pthread_mutex_lock(&gp_upq.lock);
    gp_upcall_rec_t *rec = gp_upq.head;
    if (rec != NULL) {
        gp_upq.head = rec->next;
        if (gp_upq.head == NULL)
            gp_upq.tail = NULL;
        gp_upq.queued--;
    }
    *dropped = gp_upq.dropped;
    gp_upq.dropped = 0;
    pthread_mutex_unlock(&gp_upq.lock);
    if (rec == NULL)
        return 0;
    *out = *rec;
    out->next = NULL;
    free(rec);
    return 1;
}

/* Wake the reader without an upcall (it is being stopped). */
static void gp_upcall_poke(void)
{
    int fd = gp_upcall_fd();
    uint64_t one = 1;
    if (fd >= 0) {
        ssize_t unused = write(fd, &one, sizeof(one));
        (void)unused;
    }
}

/* The 16-byte GFID of path (not following a final symlink); 0, or -1 with errno. */
static int gp_path_gfid(glfs_t *fs, const char *path, unsigned char *out)
{
    struct stat st;
    glfs_object_t *obj = glfs_h_lookupat(fs, NULL, path, &st, 0);
    if (obj == NULL)
        return -1;
    int ret = glfs_h_extract_handle(obj, out, GFAPI_HANDLE_LENGTH);
    glfs_h_close(obj);
    return ret < 0 ? -1 : 0;
}

/* ---- path calls on a small pool of C threads ----------------------------------------- */

/* libgfapi has no asynchronous stat: these run the blocking call on a C thread and complete
   through the same queue as the _async calls, so an awaited stat costs no Python thread. */

enum { GP_CALL_STAT = 100, GP_CALL_LSTAT };

typedef struct gp_job {
    gp_aio_ctx_t *ctx;
    gp_aio_slot_t *slot;
    glfs_t *fs;
    int op;
    char *path;
    struct gp_job *next;
} gp_job_t;

#define GP_POOL_MAX 16

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    gp_job_t *head, *tail;
    int threads, idle, registered;
} gp_pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0, 0};

static void gp_pool_after_fork(void)
{
    /* the child has none of the parent's threads; forget them and their jobs */
    pthread_mutex_init(&gp_pool.lock, NULL);
    pthread_cond_init(&gp_pool.wake, NULL);
    gp_pool.head = gp_pool.tail = NULL;
    gp_pool.threads = gp_pool.idle = 0;
}

static void *gp_pool_worker(void *unused)
{
    (void)unused;
    for (;;) {
        pthread_mutex_lock(&gp_pool.lock);
        while (gp_pool.head == NULL) {
            gp_pool.idle++;
            pthread_cond_wait(&gp_pool.wake, &gp_pool.lock);
            gp_pool.idle--;
        }
        gp_job_t *job = gp_pool.head;
        gp_pool.head = job->next;
        if (gp_pool.head == NULL)
            gp_pool.tail = NULL;
        pthread_mutex_unlock(&gp_pool.lock);

        gp_aio_slot_t *slot = job->slot;
        errno = 0;
        int ret = job->op == GP_CALL_STAT ? glfs_stat(job->fs, job->path, &slot->poststat)
                                          : glfs_lstat(job->fs, job->path, &slot->poststat);
        slot->ret = ret;
        slot->err = ret < 0 ? (errno ? errno : EIO) : 0;
        slot->has_stat = ret == 0;
        gp_aio_ctx_t *ctx = job->ctx;
        free(job->path);
        free(job);
        pthread_mutex_lock(&ctx->lock);
        gp_aio_complete_locked(ctx, slot);
        pthread_mutex_unlock(&ctx->lock);
    }
    return NULL;
}

/* Queue op on path (copied); the completion comes through ctx like an _async call's. */
static void gp_aio_call(gp_aio_ctx_t *ctx, gp_aio_slot_t *slot, int op, glfs_t *fs,
                        const char *path)
{
    slot->ctx = ctx;
    slot->has_stat = 0;
    pthread_mutex_lock(&ctx->lock);
    ctx->inflight++;
    pthread_mutex_unlock(&ctx->lock);
    gp_job_t *job = calloc(1, sizeof(*job));
    char *copy = strdup(path);
    if (job == NULL || copy == NULL) {
        free(job);
        free(copy);
        slot->ret = -1;
        slot->err = ENOMEM;
        pthread_mutex_lock(&ctx->lock);
        gp_aio_complete_locked(ctx, slot);
        pthread_mutex_unlock(&ctx->lock);
        return;
    }
    job->ctx = ctx;
    job->slot = slot;
    job->fs = fs;
    job->op = op;
    job->path = copy;
    pthread_mutex_lock(&gp_pool.lock);
    if (!gp_pool.registered) {
        pthread_atfork(NULL, NULL, gp_pool_after_fork);
        gp_pool.registered = 1;
    }
    if (gp_pool.tail != NULL)
        gp_pool.tail->next = job;
    else
        gp_pool.head = job;
    gp_pool.tail = job;
    if (gp_pool.idle == 0 && gp_pool.threads < GP_POOL_MAX) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attr, gp_pool_worker, NULL) == 0)
            gp_pool.threads++;
        pthread_attr_destroy(&attr);
    }
    pthread_cond_signal(&gp_pool.wake);
    pthread_mutex_unlock(&gp_pool.lock);
}
