/* Completions of libgfapi's asynchronous calls (glfs_*_async) for gpath.aio. */
