/* gpath._lowlevel._speedups: the two hot paths that return Python objects made in C.
 *
 * cffi functions cannot return Python objects, so these two live in a small extension
 * module of the limited API, beside the cffi module: File.read()/pread() fill a new bytes
 * object in place (no second copy, half the peak memory of a whole-file read) and
 * Volume.stat() builds the os.stat_result without a buffer to unpack.  They take the
 * addresses of a glfd and of a gp_mount_t (gpath.h), which the cffi side owns. */

#define PY_SSIZE_T_CLEAN
#define Py_LIMITED_API 0x030A0000
#include <Python.h>

#include "gpath.h"

/* os.stat_result, looked up once when the module is imported. */
static PyObject *stat_result_type;

/* read_bytes(glfd_address, size, offset) -> bytes | int: File.read()/readall()/pread() as
   one C function.  The bytes object must be filled in place (a
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
   as one C function.
   *path* is str (encoded as os.fsencode does) or bytes; gp_stat checks it, holds the
   mount and stats with the GIL released.  A failure returns an int: the errno, or
   GP_NOT_MOUNTED / GP_EMBEDDED_NUL.  The result is built as gpath._stat.stat_from_buffer
   builds it from gp_pack_stat's fields, without the buffer and the unpacking. */
static PyObject *gp_stat_path(PyObject *module, PyObject *args)
{
    PyObject *address, *path, *encoded = NULL, *ns[3], *fields, *result;
    struct gp_stat_fields f = {0};
    gp_mount_t *m;
    int follow, ret, err = 0;
    (void)module;
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

static PyMethodDef speedups_methods[] = {
    {"read_bytes", gp_read_bytes, METH_VARARGS,
     "read_bytes(glfd_address, size, offset) -> bytes, or the errno of a failed read"},
    {"stat_path", gp_stat_path, METH_VARARGS,
     "stat_path(mount_address, path, follow) -> os.stat_result, or an errno/GP_* code"},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT, "gpath._lowlevel._speedups",
    "The hot paths of gpath that return Python objects made in C.", -1, speedups_methods,
    NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC PyInit__speedups(void)
{
    PyObject *os_module = PyImport_ImportModule("os");
    if (os_module == NULL)
        return NULL;
    stat_result_type = PyObject_GetAttrString(os_module, "stat_result");
    Py_DECREF(os_module);
    if (stat_result_type == NULL)
        return NULL;
    return PyModule_Create(&speedups_module);
}
