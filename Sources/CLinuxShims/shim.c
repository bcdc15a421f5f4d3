// GNU-only calls and raw syscalls wrapped for Swift (see CLinuxShims.h).
#ifndef _GNU_SOURCE
#error "CLinuxShims must be compiled with _GNU_SOURCE (set in Package.swift cSettings)"
#endif
#include "CLinuxShims.h"
#include <errno.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

const unsigned long clinux_FRONTEND_IOC_WHICH_OPEN = _IOR(';', 0xE0, uint64_t);

ssize_t clinux_process_vm_read(pid_t pid, void *local, size_t count, uint64_t remote) {
    struct iovec l = { .iov_base = local, .iov_len = count };
    struct iovec r = { .iov_base = (void *)(uintptr_t)remote, .iov_len = count };
    return process_vm_readv(pid, &l, 1, &r, 1, 0);
}

ssize_t clinux_process_vm_write(pid_t pid, const void *local, size_t count, uint64_t remote) {
    struct iovec l = { .iov_base = (void *)local, .iov_len = count };
    struct iovec r = { .iov_base = (void *)(uintptr_t)remote, .iov_len = count };
    return process_vm_writev(pid, &l, 1, &r, 1, 0);
}

int clinux_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int clinux_pidfd_getfd(int pidfd, int targetfd) { return (int)syscall(SYS_pidfd_getfd, pidfd, targetfd, 0); }

int clinux_memlock_limit(pid_t pid, uint64_t *soft, int *infinite) {
    struct rlimit rl;
    if (prlimit(pid, RLIMIT_MEMLOCK, NULL, &rl) != 0) return -1;
    *infinite = rl.rlim_cur == RLIM_INFINITY;
    *soft = (uint64_t)rl.rlim_cur;
    return 0;
}

int clinux_ioctl(int fd, unsigned long request, uint64_t arg) {
    return ioctl(fd, request, (void *)(uintptr_t)arg);
}

pid_t clinux_gettid(void) { return (pid_t)syscall(SYS_gettid); }

int clinux_unshare_mount_namespace(void) { return unshare(CLONE_NEWNS); }

int clinux_errno(void) { return errno; }
