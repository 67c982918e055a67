"""Symbols newer than the GlusterFS 3.4 baseline, shared by the build script and the runtime.

The build binds them weakly, so a libgfapi that lacks one still loads; at run time gpath
asks ``gp_symbol_present(index)`` (index into this tuple) before calling one.
"""

OPTIONAL_SYMBOLS = (
    "glfs_unset_volfile_server",
    "glfs_get_volfile",
    "glfs_get_volumeid",
    "glfs_free",
    "glfs_setfsgroups",
    "glfs_truncate",
    "glfs_realpath",
    "glfs_fallocate",
    "glfs_discard",
    "glfs_zerofill",
    "glfs_copy_file_range",
)
