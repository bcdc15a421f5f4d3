// Prefixed wrappers for Linux calls Swift cannot reach directly: GNU-only
// prototypes (Swift's Glibc is built without _GNU_SOURCE), raw syscalls without
// a glibc wrapper, and the variadic ioctl(2). Only DeviceFrontend calls these.
#ifndef CLINUXSHIMS_H
#define CLINUXSHIMS_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// process_vm_readv with one local and one remote iovec. Returns bytes moved or -1/errno.
ssize_t clinux_process_vm_read(pid_t pid, void *local, size_t count, uint64_t remote);
/// process_vm_writev with one local and one remote iovec. Returns bytes moved or -1/errno.
ssize_t clinux_process_vm_write(pid_t pid, const void *local, size_t count, uint64_t remote);
/// pidfd_open(2) (flags 0). Returns a pidfd or -1/errno.
int clinux_pidfd_open(pid_t pid);
/// pidfd_getfd(2): a duplicate of `targetfd` in the process `pidfd` names (same open file description).
int clinux_pidfd_getfd(int pidfd, int targetfd);
/// prlimit(pid, RLIMIT_MEMLOCK) read-only. Returns 0 and fills soft/hard, or -1/errno.
/// `*infinite` is set when the soft limit is RLIM_INFINITY.
int clinux_memlock_limit(pid_t pid, uint64_t *soft, int *infinite);
/// ioctl(fd, request, arg) with a pointer-sized argument.
int clinux_ioctl(int fd, unsigned long request, uint64_t arg);
/// gettid(2).
pid_t clinux_gettid(void);
/// unshare(CLONE_NEWNS): a private mount namespace for the calling thread (and the threads
/// and children it creates afterwards). Returns 0 or -1/errno.
int clinux_unshare_mount_namespace(void);
/// The calling thread's errno (read immediately after a failed call).
int clinux_errno(void);

/// _IOR(';', 0xE0, __u64): the frontend's private "which open is this?" request.
/// Type ';' is VFIO's, nr 0xE0 is far above VFIO's 100..121 and iommufd's 0x80.. range.
extern const unsigned long clinux_FRONTEND_IOC_WHICH_OPEN;
#endif
