/* Declarations of aio.c that Python sees (cffi cdef syntax). */
