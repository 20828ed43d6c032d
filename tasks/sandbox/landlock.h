// Landlock, the unprivileged Linux LSM (Documentation/userspace-api/landlock.rst), as the
// sandbox uses it: read and execute everywhere, write only beneath the run directory and to
// /dev/null; on ABI >= 4 no TCP bind/connect; on ABI >= 6 no abstract unix sockets or signals
// leaving the sandbox. The system headers (Debian 12) stop at ABI 2, so the ABI structures and
// flags are declared here.
// Thread-safety: both functions are async-signal-safe (raw syscalls only), for the child.
#pragma once

namespace jb::tasks::sandbox_internal {

// The Landlock ABI version the kernel supports; 0 when Landlock is unavailable or disabled.
int LandlockAbi();

// Restricts the calling process (and its future children) as described above. Requires
// PR_SET_NO_NEW_PRIVS (or CAP_SYS_ADMIN). Returns 0, or the errno of the step that failed.
int RestrictWithLandlock(int abi, const char* writable_dir);

}  // namespace jb::tasks::sandbox_internal
