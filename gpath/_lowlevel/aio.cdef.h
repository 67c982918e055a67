/* Declarations of aio.c that Python sees (cffi cdef syntax). */

typedef struct gp_aio_ctx gp_aio_ctx_t;
typedef struct gp_aio_slot {
    uint64_t tag;
    int64_t ret;
    int err;
    int has_stat;
    struct stat poststat;
    ...;
} gp_aio_slot_t;

#define GP_AIO_PREAD ...
#define GP_AIO_PWRITE ...
#define GP_AIO_FSYNC ...
#define GP_AIO_FDATASYNC ...
#define GP_AIO_FTRUNCATE ...
#define GP_AIO_DISCARD ...
#define GP_AIO_ZEROFILL ...

gp_aio_ctx_t *gp_aio_ctx_new(void);
int gp_aio_ctx_fd(gp_aio_ctx_t *ctx);
int64_t gp_aio_inflight(gp_aio_ctx_t *ctx);
void gp_aio_submit(gp_aio_ctx_t *ctx, gp_aio_slot_t *slot, int op, glfs_fd_t *fd,
                   void *buf, size_t size, int64_t offset, int64_t length);
int gp_aio_collect(gp_aio_ctx_t *ctx, gp_aio_slot_t **out, int max);
int64_t gp_aio_wait_idle(gp_aio_ctx_t *ctx, int timeout_ms);
int gp_aio_ctx_free(gp_aio_ctx_t *ctx);

typedef struct gp_upcall_rec {
    uint64_t fs;
    int reason;
    uint64_t flags;
    unsigned char gfid[16];
    unsigned char pgfid[16];
    unsigned char oldpgfid[16];
    int has_gfid;
    int has_pgfid;
    int has_oldpgfid;
    int has_stat;
    int has_pstat;
    struct stat st;
    struct stat pst;
    ...;
} gp_upcall_rec_t;

int gp_upcall_fd(void);
int gp_upcall_register(glfs_t *fs);
int gp_upcall_unregister(glfs_t *fs);
int gp_upcall_pop(gp_upcall_rec_t *out, uint64_t *dropped);
void gp_upcall_poke(void);
int gp_path_gfid(glfs_t *fs, const char *path, unsigned char *out);

#define GP_CALL_STAT ...
#define GP_CALL_LSTAT ...
void gp_aio_call(gp_aio_ctx_t *ctx, gp_aio_slot_t *slot, int op, glfs_t *fs, const char *path);
