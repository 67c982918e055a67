/* The part of <glusterfs/api/glfs.h> that gpath uses, as cffi declarations.
 *
 * Rules for this file:
 *  - Signatures are the GlusterFS >= 6.0 ones (pread/pwrite/fsync/fdatasync/ftruncate take
 *    struct glfs_stat pointers).  Every offset is off_t, which pkg-config's
 *    -D_FILE_OFFSET_BITS=64 makes 64-bit.
 *  - POSIX structs are declared partially ("...;") so the C compiler, not this file, decides
 *    their size and field offsets.
 *  - Functions listed in _build.OPTIONAL_SYMBOLS are bound weakly: gpath checks that they exist
 *    before calling them, so an older libgfapi imports fine and reports the call unsupported.
 */

typedef int... mode_t;
typedef int... off_t;
typedef int... off64_t;
typedef int... dev_t;
typedef int... ino_t;
typedef int... nlink_t;
typedef int... uid_t;
typedef int... gid_t;
typedef int... pid_t;
typedef int... blksize_t;
typedef int... blkcnt_t;
typedef int... time_t;
typedef int... fsblkcnt_t;
typedef int... fsfilcnt_t;

struct timespec {
    time_t tv_sec;
    long tv_nsec;
    ...;
};

struct stat {
    dev_t st_dev;
    ino_t st_ino;
    mode_t st_mode;
    nlink_t st_nlink;
    uid_t st_uid;
    gid_t st_gid;
    dev_t st_rdev;
    off_t st_size;
    blksize_t st_blksize;
    blkcnt_t st_blocks;
    struct timespec st_atim;
    struct timespec st_mtim;
    struct timespec st_ctim;
    ...;
};

struct statvfs {
    unsigned long f_bsize;
    unsigned long f_frsize;
    fsblkcnt_t f_blocks;
    fsblkcnt_t f_bfree;
    fsblkcnt_t f_bavail;
    fsfilcnt_t f_files;
    fsfilcnt_t f_ffree;
    fsfilcnt_t f_favail;
    unsigned long f_fsid;
    unsigned long f_flag;
    unsigned long f_namemax;
    ...;
};

struct dirent {
    ino_t d_ino;
    unsigned char d_type;
    char d_name[...];
    ...;
};

struct flock {
    short l_type;
    short l_whence;
    off_t l_start;
    off_t l_len;
    pid_t l_pid;
    ...;
};

/* Only ever passed as NULL (pre/post stat out-parameters of the 6.0 calls). */
struct glfs_stat { ...; };

#define F_GETLK ...
#define F_SETLK ...
#define F_SETLKW ...
#define F_RDLCK ...
#define F_WRLCK ...
#define F_UNLCK ...
#define SEEK_DATA ...
#define SEEK_HOLE ...
#define FALLOC_FL_KEEP_SIZE ...
#define FALLOC_FL_PUNCH_HOLE ...
#define UTIME_NOW ...
#define UTIME_OMIT ...

typedef struct glfs glfs_t;
typedef struct glfs_fd glfs_fd_t;
typedef struct glfs_xreaddirp_stat glfs_xreaddirp_stat_t;
#define GFAPI_XREADDIRP_STAT ...

/* Mount lifecycle and configuration */
glfs_t *glfs_new(const char *volname);
int glfs_set_volfile(glfs_t *fs, const char *volfile);
int glfs_set_volfile_server(glfs_t *fs, const char *transport, const char *host, int port);
int glfs_unset_volfile_server(glfs_t *fs, const char *transport, const char *host, int port);
int glfs_set_logging(glfs_t *fs, const char *logfile, int loglevel);
int glfs_set_xlator_option(glfs_t *fs, const char *xlator, const char *key, const char *value);
int glfs_init(glfs_t *fs);
int glfs_fini(glfs_t *fs);
ssize_t glfs_get_volfile(glfs_t *fs, void *buf, size_t len);
int glfs_get_volumeid(glfs_t *fs, char *volid, size_t size);
void glfs_free(void *ptr);

/* Per-thread identity */
int glfs_setfsuid(uid_t fsuid);
int glfs_setfsgid(gid_t fsgid);
int glfs_setfsgroups(size_t size, const gid_t *list);

/* Path operations */
glfs_fd_t *glfs_open(glfs_t *fs, const char *path, int flags);
glfs_fd_t *glfs_creat(glfs_t *fs, const char *path, int flags, mode_t mode);
int glfs_stat(glfs_t *fs, const char *path, struct stat *buf);
int glfs_lstat(glfs_t *fs, const char *path, struct stat *buf);
int glfs_access(glfs_t *fs, const char *path, int mode);
int glfs_statvfs(glfs_t *fs, const char *path, struct statvfs *buf);
int glfs_mkdir(glfs_t *fs, const char *path, mode_t mode);
int glfs_rmdir(glfs_t *fs, const char *path);
int glfs_mknod(glfs_t *fs, const char *path, mode_t mode, dev_t dev);
int glfs_unlink(glfs_t *fs, const char *path);
int glfs_rename(glfs_t *fs, const char *oldpath, const char *newpath);
int glfs_link(glfs_t *fs, const char *oldpath, const char *newpath);
int glfs_symlink(glfs_t *fs, const char *oldpath, const char *newpath);
int glfs_readlink(glfs_t *fs, const char *path, char *buf, size_t bufsiz);
int glfs_chmod(glfs_t *fs, const char *path, mode_t mode);
int glfs_chown(glfs_t *fs, const char *path, uid_t uid, gid_t gid);
int glfs_lchown(glfs_t *fs, const char *path, uid_t uid, gid_t gid);
int glfs_utimens(glfs_t *fs, const char *path, const struct timespec times[2]);
int glfs_lutimens(glfs_t *fs, const char *path, const struct timespec times[2]);
int glfs_truncate(glfs_t *fs, const char *path, off_t length);
ssize_t glfs_getxattr(glfs_t *fs, const char *path, const char *name, void *value, size_t size);
ssize_t glfs_lgetxattr(glfs_t *fs, const char *path, const char *name, void *value, size_t size);
ssize_t glfs_listxattr(glfs_t *fs, const char *path, void *value, size_t size);
ssize_t glfs_llistxattr(glfs_t *fs, const char *path, void *value, size_t size);
int glfs_setxattr(glfs_t *fs, const char *path, const char *name, const void *value, size_t size, int flags);
int glfs_lsetxattr(glfs_t *fs, const char *path, const char *name, const void *value, size_t size, int flags);
int glfs_removexattr(glfs_t *fs, const char *path, const char *name);
int glfs_lremovexattr(glfs_t *fs, const char *path, const char *name);
char *glfs_getcwd(glfs_t *fs, char *buf, size_t size);
int glfs_chdir(glfs_t *fs, const char *path);
char *glfs_realpath(glfs_t *fs, const char *path, char *resolved_path);

/* File descriptor operations */
int glfs_close(glfs_fd_t *fd);
ssize_t glfs_read(glfs_fd_t *fd, void *buf, size_t count, int flags);
ssize_t glfs_write(glfs_fd_t *fd, const void *buf, size_t count, int flags);
ssize_t glfs_pread(glfs_fd_t *fd, void *buf, size_t count, off_t offset, int flags,
                   struct glfs_stat *poststat);
ssize_t glfs_pwrite(glfs_fd_t *fd, const void *buf, size_t count, off_t offset, int flags,
                    struct glfs_stat *prestat, struct glfs_stat *poststat);
off_t glfs_lseek(glfs_fd_t *fd, off_t offset, int whence);
int glfs_ftruncate(glfs_fd_t *fd, off_t length, struct glfs_stat *prestat,
                   struct glfs_stat *poststat);
int glfs_fstat(glfs_fd_t *fd, struct stat *buf);
int glfs_fsync(glfs_fd_t *fd, struct glfs_stat *prestat, struct glfs_stat *poststat);
int glfs_fdatasync(glfs_fd_t *fd, struct glfs_stat *prestat, struct glfs_stat *poststat);
int glfs_fchmod(glfs_fd_t *fd, mode_t mode);
int glfs_fchown(glfs_fd_t *fd, uid_t uid, gid_t gid);
int glfs_futimens(glfs_fd_t *fd, const struct timespec times[2]);
ssize_t glfs_fgetxattr(glfs_fd_t *fd, const char *name, void *value, size_t size);
ssize_t glfs_flistxattr(glfs_fd_t *fd, void *value, size_t size);
int glfs_fsetxattr(glfs_fd_t *fd, const char *name, const void *value, size_t size, int flags);
int glfs_fremovexattr(glfs_fd_t *fd, const char *name);
int glfs_fallocate(glfs_fd_t *fd, int keep_size, off_t offset, size_t len);
int glfs_discard(glfs_fd_t *fd, off_t offset, size_t len);
int glfs_zerofill(glfs_fd_t *fd, off_t offset, off_t len);
glfs_fd_t *glfs_dup(glfs_fd_t *fd);
int glfs_posix_lock(glfs_fd_t *fd, int cmd, struct flock *flock);
int glfs_fd_set_lkowner(glfs_fd_t *glfd, void *data, int len);
ssize_t glfs_copy_file_range(glfs_fd_t *glfd_in, off64_t *off_in, glfs_fd_t *glfd_out,
                             off64_t *off_out, size_t len, unsigned int flags,
                             struct glfs_stat *statbuf, struct glfs_stat *prestat,
                             struct glfs_stat *poststat);

/* Directory streams */
glfs_fd_t *glfs_opendir(glfs_t *fs, const char *path);
int glfs_readdir_r(glfs_fd_t *fd, struct dirent *dirent, struct dirent **result);
int glfs_readdirplus_r(glfs_fd_t *fd, struct stat *stat, struct dirent *dirent,
                       struct dirent **result);
int glfs_closedir(glfs_fd_t *fd);
long glfs_telldir(glfs_fd_t *fd);
void glfs_seekdir(glfs_fd_t *fd, long offset);

/* gpath's own C helpers (defined in helpers.c) */
int gp_symbol_present(int index);
int gp_readdirplus_batch(glfs_fd_t *fd, struct stat *stats, struct dirent *entries, int max);
int gp_disconnect(glfs_t *fs);
int gp_pack_stat(const struct stat *st, void *buf);
int gp_stat_buffer_size(void);
typedef struct {
    glfs_t *fs;
    long inflight;
    int closed;
} gp_mount_t;
#define GP_NOT_MOUNTED ...
#define GP_EMBEDDED_NUL ...
glfs_t *gp_enter(gp_mount_t *m);
void gp_leave(gp_mount_t *m);
void gp_close_wait(gp_mount_t *m);
int gp_stat(gp_mount_t *m, const char *path, size_t len, int follow, void *out);
int gp_fstat(glfs_fd_t *fd, void *out);
#define GP_READ_CHUNK ...
#define GP_OPEN_NOT_DIR ...
mode_t gp_umask(void);
glfs_fd_t *gp_open(glfs_t *fs, const char *path, int flags, mode_t mode, const char *owner,
                   int owner_len, int *state, int options);
