/* gpath's reference benchmark: the issue-5 workloads written directly against libgfapi.
 *
 * Built by benchmarks/run.py into benchmarks/bin/cbench:
 *     cc -O2 cbench.c $(pkg-config --cflags --libs glusterfs-api) -lpthread
 * Usage: cbench HOST VOLNAME WORKLOAD ARGS...   (one JSON object on stdout)
 *
 * This is what a C programmer writes with the public API and default options.  Processes
 * end with _exit() after closing every fd (data is on the bricks) and skip glfs_fini, which
 * costs ~10 s on GlusterFS 10; only the "umount" and "whole" workloads call it.
 */
#define _GNU_SOURCE
#include <glusterfs/api/glfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static glfs_t *fs;
static const char *host, *volname;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what, const char *path)
{
    fprintf(stderr, "cbench: %s %s: %s\n", what, path ? path : "", strerror(errno));
    _exit(2);
}

static glfs_t *do_mount(void)
{
    glfs_t *f = glfs_new(volname);
    if (!f)
        die("glfs_new", volname);
    if (glfs_set_volfile_server(f, "tcp", host, 24007) || glfs_set_logging(f, "/dev/null", 7))
        die("configure", volname);
    if (glfs_init(f))
        die("glfs_init", volname);
    return f;
}

static long maxrss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void result(const char *unit, double value, double seconds, double count)
{
    printf("{\"value\": %.6g, \"unit\": \"%s\", \"seconds\": %.6f, \"count\": %.0f, \"maxrss_kib\": %ld}\n",
           value, unit, seconds, count, maxrss_kib());
    fflush(stdout);
}

static void finish(void) { _exit(0); } /* no glfs_fini: see the header */

/* -- sequential I/O ------------------------------------------------------------------------ */

static void fill(char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)(i * 131 + 7);
}

static void w_write(const char *path, long long size, size_t bs, int do_fsync)
{
    char *buf = malloc(bs);
    fill(buf, bs);
    double t0 = now();
    glfs_fd_t *fd = glfs_creat(fs, path, O_WRONLY | O_TRUNC, 0644);
    if (!fd)
        die("creat", path);
    for (long long done = 0; done < size; done += bs)
        if (glfs_write(fd, buf, bs, 0) != (ssize_t)bs)
            die("write", path);
    if (do_fsync && glfs_fsync(fd, NULL, NULL))
        die("fsync", path);
    if (glfs_close(fd))
        die("close", path);
    double t = now() - t0;
    result("MiB/s", size / 1048576.0 / t, t, size);
}

static void w_read(const char *path, size_t bs)
{
    char *buf = malloc(bs);
    double t0 = now();
    glfs_fd_t *fd = glfs_open(fs, path, O_RDONLY);
    if (!fd)
        die("open", path);
    long long total = 0;
    ssize_t n;
    while ((n = glfs_read(fd, buf, bs, 0)) > 0)
        total += n;
    if (n < 0)
        die("read", path);
    glfs_close(fd);
    double t = now() - t0;
    result("MiB/s", total / 1048576.0 / t, t, total);
}

static void w_read_whole(const char *path)
{
    struct stat st;
    if (glfs_stat(fs, path, &st))
        die("stat", path);
    double t0 = now();
    char *buf = malloc(st.st_size);
    glfs_fd_t *fd = glfs_open(fs, path, O_RDONLY);
    if (!fd)
        die("open", path);
    long long total = 0;
    ssize_t n;
    while (total < st.st_size && (n = glfs_read(fd, buf + total, st.st_size - total, 0)) > 0)
        total += n;
    glfs_close(fd);
    double t = now() - t0;
    result("MiB/s", total / 1048576.0 / t, t, total);
}

static void w_copy(const char *src, const char *dst, int server, size_t bs)
{
    struct stat st;
    if (glfs_stat(fs, src, &st))
        die("stat", src);
    double t0 = now();
    glfs_fd_t *in = glfs_open(fs, src, O_RDONLY);
    glfs_fd_t *out = glfs_creat(fs, dst, O_WRONLY | O_TRUNC, 0644);
    if (!in || !out)
        die("open", src);
    long long total = 0;
    if (server) {
        off64_t oin = 0, oout = 0;
        ssize_t n = glfs_copy_file_range(in, &oin, out, &oout, st.st_size, 0, NULL, NULL, NULL);
        if (n < 0)
            die("copy_file_range", src);
        total = n;
    } else {
        char *buf = malloc(bs);
        ssize_t n;
        while ((n = glfs_read(in, buf, bs, 0)) > 0) {
            if (glfs_write(out, buf, n, 0) != n)
                die("write", dst);
            total += n;
        }
    }
    glfs_close(in);
    if (glfs_close(out))
        die("close", dst);
    double t = now() - t0;
    result("MiB/s", total / 1048576.0 / t, t, total);
}

/* -- metadata ------------------------------------------------------------------------------ */

static char payload[4096];

static int create_one(glfs_t *f, const char *path, size_t size)
{
    glfs_fd_t *fd = glfs_creat(f, path, O_WRONLY | O_TRUNC, 0644);
    if (!fd)
        return -1;
    if (size && glfs_write(fd, payload, size, 0) != (ssize_t)size)
        return -1;
    return glfs_close(fd);
}

struct job {
    const char *dir;
    long first, last; /* file indices [first, last) */
    int op;           /* 0 create, 1 stat, 2 unlink, 3 mknod */
    size_t size;
    long errors;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    char path[4096];
    struct stat st;
    for (long i = j->first; i < j->last; i++) {
        snprintf(path, sizeof path, "%s/f%06ld", j->dir, i);
        int rc;
        switch (j->op) {
        case 0: rc = create_one(fs, path, j->size); break;
        case 1: rc = glfs_stat(fs, path, &st); break;
        case 2: rc = glfs_unlink(fs, path); break;
        default: rc = glfs_mknod(fs, path, S_IFREG | 0644, 0); break;
        }
        if (rc)
            j->errors++;
    }
    return NULL;
}

/* op over files f000000..f{n-1} of dir, on `threads` threads sharing the one glfs_t */
static void w_files(const char *dir, long n, int op, int threads, size_t size, int report)
{
    pthread_t tid[64];
    struct job jobs[64];
    if (threads < 1 || threads > 64)
        threads = 1;
    double t0 = now();
    for (int k = 0; k < threads; k++) {
        jobs[k] = (struct job){dir, n * k / threads, n * (k + 1) / threads, op, size, 0};
        pthread_create(&tid[k], NULL, run_job, &jobs[k]);
    }
    long errors = 0;
    for (int k = 0; k < threads; k++) {
        pthread_join(tid[k], NULL);
        errors += jobs[k].errors;
    }
    double t = now() - t0;
    if (errors) {
        fprintf(stderr, "cbench: %ld of %ld operations failed\n", errors, n);
        _exit(2);
    }
    if (report)
        result("ops/s", n / t, t, n);
}

/* -- directories and trees ----------------------------------------------------------------- */

static long long listdir(const char *dir, int plus)
{
    glfs_fd_t *fd = glfs_opendir(fs, dir);
    if (!fd)
        die("opendir", dir);
    struct dirent ent, *res;
    struct stat st;
    long long n = 0;
    for (;;) {
        int rc = plus ? glfs_readdirplus_r(fd, &st, &ent, &res) : glfs_readdir_r(fd, &ent, &res);
        if (rc)
            die("readdir", dir);
        if (!res)
            break;
        if (strcmp(ent.d_name, ".") && strcmp(ent.d_name, ".."))
            n++;
    }
    glfs_closedir(fd);
    return n;
}

static void w_list(const char *dir, int plus)
{
    double t0 = now();
    long long n = listdir(dir, plus);
    double t = now() - t0;
    result("entries/s", n / t, t, n);
}

/* walk with readdirplus; op 0: count files, 1: rmtree, 2: copy tree to dst */
static long long tree(const char *src, const char *dst, int op)
{
    glfs_fd_t *fd = glfs_opendir(fs, src);
    if (!fd)
        die("opendir", src);
    struct dirent ent, *res;
    struct stat st;
    long long n = 0;
    char **subdirs = NULL;
    size_t nsub = 0;
    char path[4096], target[4096];
    if (op == 2 && glfs_mkdir(fs, dst, 0755))
        die("mkdir", dst);
    for (;;) {
        if (glfs_readdirplus_r(fd, &st, &ent, &res))
            die("readdirplus", src);
        if (!res)
            break;
        if (!strcmp(ent.d_name, ".") || !strcmp(ent.d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s/%s", src, ent.d_name);
        if (S_ISDIR(st.st_mode)) {
            subdirs = realloc(subdirs, (nsub + 1) * sizeof *subdirs);
            subdirs[nsub++] = strdup(ent.d_name);
            continue;
        }
        n++;
        if (op == 1 && glfs_unlink(fs, path))
            die("unlink", path);
        if (op == 2) {
            snprintf(target, sizeof target, "%s/%s", dst, ent.d_name);
            char buf[131072];
            glfs_fd_t *in = glfs_open(fs, path, O_RDONLY);
            glfs_fd_t *out = glfs_creat(fs, target, O_WRONLY | O_TRUNC, st.st_mode & 07777);
            if (!in || !out)
                die("open", path);
            ssize_t got;
            while ((got = glfs_read(in, buf, sizeof buf, 0)) > 0)
                if (glfs_write(out, buf, got, 0) != got)
                    die("write", target);
            glfs_close(in);
            if (glfs_close(out))
                die("close", target);
        }
    }
    glfs_closedir(fd);
    for (size_t i = 0; i < nsub; i++) {
        snprintf(path, sizeof path, "%s/%s", src, subdirs[i]);
        snprintf(target, sizeof target, "%s/%s", dst ? dst : "", subdirs[i]);
        n += tree(path, target, op);
        free(subdirs[i]);
    }
    free(subdirs);
    if (op == 1 && glfs_rmdir(fs, src))
        die("rmdir", src);
    return n;
}

static void w_tree(const char *src, const char *dst, int op)
{
    double t0 = now();
    long long n = tree(src, dst, op);
    double t = now() - t0;
    result("files/s", n / t, t, n);
}

/* setup: DIR with NDIRS subdirectories d000../ each holding NFILES files f000000.. of SIZE */
struct mk { const char *dir; int first, last, nfiles; size_t size; };

static void *mk_dirs(void *arg)
{
    struct mk *m = arg;
    char sub[4096], path[4096];
    for (int d = m->first; d < m->last; d++) {
        snprintf(sub, sizeof sub, "%s/d%03d", m->dir, d);
        if (glfs_mkdir(fs, sub, 0755) && errno != EEXIST)
            die("mkdir", sub);
        for (int i = 0; i < m->nfiles; i++) {
            snprintf(path, sizeof path, "%.4000s/f%06d.dat", sub, i);
            if (create_one(fs, path, m->size))
                die("create", path);
        }
    }
    return NULL;
}

static void w_mktree(const char *dir, int ndirs, int nfiles, size_t size, int threads)
{
    pthread_t tid[64];
    struct mk jobs[64];
    if (glfs_mkdir(fs, dir, 0755) && errno != EEXIST)
        die("mkdir", dir);
    if (threads < 1 || threads > 64)
        threads = 1;
    double t0 = now();
    for (int k = 0; k < threads; k++) {
        jobs[k] = (struct mk){dir, ndirs * k / threads, ndirs * (k + 1) / threads, nfiles, size};
        pthread_create(&tid[k], NULL, mk_dirs, &jobs[k]);
    }
    for (int k = 0; k < threads; k++)
        pthread_join(tid[k], NULL);
    double t = now() - t0;
    result("files/s", (double)ndirs * nfiles / t, t, (double)ndirs * nfiles);
}

/* -- per-call overhead, mount, unmount ------------------------------------------------------ */

static void w_trivial(const char *path, long n)
{
    glfs_fd_t *fd = glfs_open(fs, path, O_RDONLY);
    if (!fd)
        die("open", path);
    double t0 = now();
    for (long i = 0; i < n; i++)
        glfs_lseek(fd, 0, SEEK_CUR);
    double t = now() - t0;
    glfs_close(fd);
    result("us/call", t / n * 1e6, t, n);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: cbench HOST VOLNAME WORKLOAD ARGS...\n");
        return 2;
    }
    host = argv[1];
    volname = argv[2];
    const char *w = argv[3];
    char **a = argv + 4;
    int na = argc - 4;
    fill(payload, sizeof payload);
#define NEED(k) do { if (na < (k)) { fprintf(stderr, "cbench: %s needs %d arguments\n", w, k); return 2; } } while (0)

    if (!strcmp(w, "mount")) {
        double t0 = now();
        fs = do_mount();
        double t = now() - t0;
        result("s", t, t, 1);
        finish();
    }
    if (!strcmp(w, "umount")) {
        fs = do_mount();
        struct stat st;
        glfs_stat(fs, "/", &st);
        double t0 = now();
        glfs_fini(fs);
        double t = now() - t0;
        result("s", t, t, 1);
        return 0;
    }
    if (!strcmp(w, "whole")) { /* mount, write a file, unmount, exit: timed by the runner */
        NEED(2);
        fs = do_mount();
        size_t size = strtoull(a[1], NULL, 10);
        char *buf = malloc(size);
        fill(buf, size);
        glfs_fd_t *fd = glfs_creat(fs, a[0], O_WRONLY | O_TRUNC, 0644);
        if (!fd || glfs_write(fd, buf, size, 0) != (ssize_t)size || glfs_close(fd))
            die("write", a[0]);
        glfs_fini(fs);
        return 0;
    }

    fs = do_mount();
    if (!strcmp(w, "mkdir")) { /* setup: mkdir -p each argument */
        for (int k = 0; k < na; k++) {
            char buf[4096];
            snprintf(buf, sizeof buf, "%s", a[k]);
            for (char *p = buf + 1;; p++) {
                if (*p == '/' || *p == '\0') {
                    char c = *p;
                    *p = '\0';
                    if (glfs_mkdir(fs, buf, 0755) && errno != EEXIST)
                        die("mkdir", buf);
                    *p = c;
                    if (!c)
                        break;
                }
            }
        }
        result("s", 0, 0, na);
        finish();
    }
    if (!strcmp(w, "rm")) { /* cleanup: unlink each argument, missing ones ignored */
        for (int k = 0; k < na; k++)
            glfs_unlink(fs, a[k]);
        result("s", 0, 0, na);
        finish();
    }
    if (!strcmp(w, "write")) { NEED(4); w_write(a[0], atoll(a[1]), atol(a[2]), atoi(a[3])); }
    else if (!strcmp(w, "read")) { NEED(2); w_read(a[0], atol(a[1])); }
    else if (!strcmp(w, "read_whole")) { NEED(1); w_read_whole(a[0]); }
    else if (!strcmp(w, "copy_server")) { NEED(2); w_copy(a[0], a[1], 1, 0); }
    else if (!strcmp(w, "copy_user")) { NEED(3); w_copy(a[0], a[1], 0, atol(a[2])); }
    else if (!strcmp(w, "create")) { NEED(4); w_files(a[0], atol(a[1]), 0, atoi(a[2]), atol(a[3]), 1); }
    else if (!strcmp(w, "stat")) { NEED(3); w_files(a[0], atol(a[1]), 1, atoi(a[2]), 0, 1); }
    else if (!strcmp(w, "unlink")) { NEED(3); w_files(a[0], atol(a[1]), 2, atoi(a[2]), 0, 1); }
    else if (!strcmp(w, "mknod")) { /* setup: DIR N THREADS */
        NEED(3);
        if (glfs_mkdir(fs, a[0], 0755) && errno != EEXIST)
            die("mkdir", a[0]);
        w_files(a[0], atol(a[1]), 3, atoi(a[2]), 0, 1);
    }
    else if (!strcmp(w, "readdir")) { NEED(1); w_list(a[0], 0); }
    else if (!strcmp(w, "readdirplus")) { NEED(1); w_list(a[0], 1); }
    else if (!strcmp(w, "walk")) { NEED(1); w_tree(a[0], NULL, 0); }
    else if (!strcmp(w, "rmtree")) { NEED(1); w_tree(a[0], NULL, 1); }
    else if (!strcmp(w, "copytree")) { NEED(2); w_tree(a[0], a[1], 2); }
    else if (!strcmp(w, "mktree")) { NEED(5); w_mktree(a[0], atoi(a[1]), atoi(a[2]), atol(a[3]), atoi(a[4])); }
    else if (!strcmp(w, "trivial")) { NEED(2); w_trivial(a[0], atol(a[1])); }
    else { fprintf(stderr, "cbench: unknown workload %s\n", w); return 2; }
    finish();
    return 0;
}
