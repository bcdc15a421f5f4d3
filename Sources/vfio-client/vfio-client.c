/*
 * vfio-client: drive VFIO container/group nodes from a separate process with real
 * syscalls. Reads a script from stdin (whole script first), runs one step per line,
 * prints exactly one result line per step:  "ok RET [HEX]"  or  "err ENAME ERRNO [HEX]".
 *
 * Built as the `vfio-client` product (`swift build` puts it next to `vfio-compat`); by hand:
 *   cc -O2 -pthread -o vfio-client vfio-client.c      (uses the system <linux/vfio.h>)
 * Example:
 *   printf 'open c /mnt/vfio\nioctl c VFIO_GET_API_VERSION 0\n' | vfio-client
 *
 * With -i (interactive) each line runs as soon as it is read, so a driver can write one
 * step, read its result line, and look at the side effects before sending the next
 * (`matrix run` does, to tie each translation record to its step); fork blocks need the
 * whole script and are refused with -i.
 *
 * Values (VALUE, SIZE, UID...) are numbers (0x.. ok) or $NAME / $NAME+N / $NAME-N, where
 * NAME is an fd name (its number, kept after close) or an mmap name (its address).
 * REQ is a VFIO_* name from <linux/vfio.h> or a number.
 *
 * Steps:
 *   open NAME PATH [rdwr|rdonly|wronly|NUM]   open(2); ok FD
 *   close NAME                                 close(2) (the number stays usable as $NAME)
 *   fdnum NAME N                               give NAME the fd number N (no syscall)
 *   dup NEW OLD                                dup(2); ok FD
 *   passfd NEW OLD                             send OLD over a socketpair with SCM_RIGHTS; NEW is the received fd
 *   ioctl NAME REQ VALUE                       ioctl(fd, req, VALUE) with VALUE as the raw argument
 *   ioctl-buf NAME REQ HEX [BUFSIZE]           pointer to a BUFSIZE (default len(HEX)) buffer holding HEX,
 *                                              (HEX may be typed fields instead: u32:24,u32:0,u64:$ram)
 *                                              zero-filled; prints the whole buffer after the call
 *   ioctl-fdptr NAME REQ FDNAME                pointer to an int holding FDNAME's number
 *   ioctl-badptr NAME REQ                      pointer to an unmapped page
 *   mmap NAME SIZE [ro]                        anonymous private mapping; ok 0xADDR
 *   munmap ADDRVALUE SIZE                      munmap(2), e.g. to leave a hole after a mapping
 *   poke ADDRVALUE HEX / peek ADDRVALUE LEN    write/read own memory (ok / ok HEX)
 *   thread STEP...                             run one step on a new thread and join it
 *   fork ... endfork                           the lines up to endfork run in a child; the parent waits
 *                                              and prints "ok EXITCODE" (child's step failures count)
 *   setid UID GID                              setgroups(0)+setgid+setuid
 *   memlock BYTES|inf                          setrlimit(RLIMIT_MEMLOCK) soft and hard
 *   cap-ipc-lock off|on                        clear (or raise, if permitted) CAP_IPC_LOCK in the effective set:
 *                                              root exempts itself from RLIMIT_MEMLOCK otherwise
 *   pid / tid                                  ok PID / ok TID
 *   par-fdptr K N NAME REQ FDNAME              K threads each issue N ioctl-fdptr calls at once; ok RET when
 *                                              every call returned the same RET, else the first error or "bad mismatch"
 *   bench N NAME REQ VALUE                     N ioctls; ok MEDIAN_NS (err on the first failure)
 *   sleep MS
 *   kill-self                                  SIGKILL itself (no result line)
 *   caller PID                                 fork: the child prints "ok 0" and runs the remaining steps
 *                                              with the same fds (another process using them, as after
 *                                              fork); the parent waits and exits with the child's status.
 *                                              PID only names the process in the script.
 *   # comment, blank lines                     ignored, no output
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINES 4096
#define MAX_NAMES 256
#define MAX_TOKENS 8

struct var { char name[64]; uint64_t value; };
static struct var vars[MAX_NAMES];
static int nvars;
static int failures;

static struct { const char *name; unsigned long req; } requests[] = {
#define R(x) { #x, x }
    R(VFIO_GET_API_VERSION), R(VFIO_CHECK_EXTENSION), R(VFIO_SET_IOMMU),
    R(VFIO_GROUP_GET_STATUS), R(VFIO_GROUP_SET_CONTAINER), R(VFIO_GROUP_UNSET_CONTAINER),
    R(VFIO_GROUP_GET_DEVICE_FD), R(VFIO_IOMMU_GET_INFO), R(VFIO_IOMMU_MAP_DMA),
    R(VFIO_IOMMU_UNMAP_DMA), R(VFIO_IOMMU_ENABLE), R(VFIO_IOMMU_DISABLE),
    R(VFIO_IOMMU_DIRTY_PAGES), R(VFIO_IOMMU_SPAPR_REGISTER_MEMORY),
    R(VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY), R(VFIO_IOMMU_SPAPR_TCE_CREATE), R(VFIO_IOMMU_SPAPR_TCE_GET_INFO),
    R(VFIO_IOMMU_SPAPR_TCE_REMOVE), R(VFIO_EEH_PE_OP),
#undef R
};

static const char *errno_name(int e) {
    switch (e) {
#define E(x) case x: return #x;
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(EBADF) E(EAGAIN) E(ENOMEM)
    E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE)
    E(EMFILE) E(ENOTTY) E(ENOSPC) E(ERANGE) E(EDEADLK) E(ENOSYS) E(EOVERFLOW) E(EBADFD)
    E(EOPNOTSUPP) E(EADDRINUSE) E(ENOTCONN) E(ECONNABORTED)
#undef E
    default: return "EUNKNOWN";
    }
}

static struct var *find_var(const char *name) {
    for (int i = 0; i < nvars; i++)
        if (strcmp(vars[i].name, name) == 0) return &vars[i];
    return NULL;
}

static void set_var(const char *name, uint64_t value) {
    struct var *v = find_var(name);
    if (!v) {
        if (nvars == MAX_NAMES) { fprintf(stderr, "too many names\n"); exit(2); }
        v = &vars[nvars++];
        snprintf(v->name, sizeof v->name, "%s", name);
    }
    v->value = value;
}

/* A number, or $NAME[+-N]. Returns 0 on success. */
static int parse_value(const char *s, uint64_t *out) {
    if (!s) return -1;
    if (s[0] == '$') {
        char name[64]; size_t n = strcspn(s + 1, "+-");
        if (n >= sizeof name) return -1;
        memcpy(name, s + 1, n); name[n] = 0;
        struct var *v = find_var(name);
        if (!v) return -1;
        uint64_t off = 0;
        if (s[1 + n] && parse_value(s + 2 + n, &off)) return -1;
        *out = s[1 + n] == '-' ? v->value - off : v->value + off;
        return 0;
    }
    char *end; errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || end == s) {
        long long sv = strtoll(s, &end, 0);   /* allow negatives, e.g. fd -1 */
        if (errno || *end || end == s) return -1;
        v = (unsigned long long)sv;
    }
    *out = v;
    return 0;
}

static int parse_request(const char *s, unsigned long *out) {
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++)
        if (strcmp(requests[i].name, s) == 0) { *out = requests[i].req; return 0; }
    uint64_t v;
    if (parse_value(s, &v)) return -1;
    *out = (unsigned long)v;
    return 0;
}

static int fd_of(const char *name, int *fd) {
    uint64_t v;
    if (name[0] == '$') {
        if (parse_value(name, &v)) return -1;
        *fd = (int)v;
        return 0;
    }
    struct var *var = find_var(name);
    if (var) { *fd = (int)var->value; return 0; }
    if (parse_value(name, &v) == 0) { *fd = (int)v; return 0; }
    return -1;
}

/* Typed little-endian fields "u32:32,u32:3,u64:$ram+0x1000,..." (u8/u16/u32/u64), for structs
 * whose contents (a vaddr) are only known while the script runs. */
static int parse_fields(const char *spec, unsigned char *buf, size_t cap, size_t *len) {
    char copy[1024];
    if (strlen(spec) >= sizeof copy) return -1;
    strcpy(copy, spec);
    size_t at = 0;
    for (char *save = NULL, *field = strtok_r(copy, ",", &save); field; field = strtok_r(NULL, ",", &save)) {
        unsigned width;
        char *colon = strchr(field, ':');
        if (!colon || sscanf(field, "u%u", &width) != 1 || (width != 8 && width != 16 && width != 32 && width != 64))
            return -1;
        uint64_t value;
        if (parse_value(colon + 1, &value)) return -1;
        if (at + width / 8 > cap) return -1;
        for (unsigned i = 0; i < width / 8; i++) buf[at++] = (unsigned char)(value >> (8 * i));
    }
    *len = at;
    return 0;
}

static int parse_hex(const char *hex, unsigned char *buf, size_t cap, size_t *len) {
    size_t n = strlen(hex);
    if (strcmp(hex, "-") == 0) { *len = 0; return 0; }
    if (strchr(hex, ':')) return parse_fields(hex, buf, cap, len);
    if (n % 2 || n / 2 > cap) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) return -1;
        buf[i] = (unsigned char)v;
    }
    *len = n / 2;
    return 0;
}

static void print_hex(const unsigned char *buf, size_t len) {
    putchar(' ');
    for (size_t i = 0; i < len; i++) printf("%02x", buf[i]);
}

static void report(long ret, int err, const unsigned char *buf, size_t len) {
    if (ret < 0) { printf("err %s %d", errno_name(err), err); failures++; }
    else printf("ok %ld", ret);
    if (buf) print_hex(buf, len);
    putchar('\n');
    fflush(stdout);
}

static void bad_step(const char *why) {
    printf("bad %s\n", why);
    fflush(stdout);
    failures++;
}

static void run_step(int argc, char **argv);

static int compare_long(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

struct thread_step { int argc; char **argv; };

struct par_job { int fd; unsigned long req; int target; uint64_t n; long first; int err; int mismatch; };
static void *par_main(void *p) {
    struct par_job *j = p;
    j->first = -2;
    for (uint64_t k = 0; k < j->n; k++) {
        int target = j->target;
        long r = ioctl(j->fd, j->req, &target);
        if (r < 0) { j->err = errno; j->first = -1; return NULL; }
        if (j->first == -2) j->first = r;
        else if (r != j->first) j->mismatch = 1;
    }
    return NULL;
}
static void *thread_main(void *p) {
    struct thread_step *t = p;
    run_step(t->argc, t->argv);
    return NULL;
}

static void run_step(int argc, char **argv) {
    const char *op = argv[0];
    int fd;
    unsigned long req;
    uint64_t value;

    if (strcmp(op, "open") == 0 && argc >= 3) {
        int flags = O_RDWR;
        if (argc >= 4) {
            if (strcmp(argv[3], "rdonly") == 0) flags = O_RDONLY;
            else if (strcmp(argv[3], "wronly") == 0) flags = O_WRONLY;
            else if (strcmp(argv[3], "rdwr") == 0) flags = O_RDWR;
            else if (parse_value(argv[3], &value) == 0) flags = (int)value;
            else return bad_step("open flags");
        }
        int r = open(argv[2], flags);
        int e = errno;
        if (r >= 0) set_var(argv[1], (uint64_t)r);
        report(r, e, NULL, 0);
    } else if (strcmp(op, "close") == 0 && argc == 2) {
        if (fd_of(argv[1], &fd)) return bad_step("unknown fd name");
        int r = close(fd);
        report(r, errno, NULL, 0);
    } else if (strcmp(op, "fdnum") == 0 && argc == 3) {
        if (parse_value(argv[2], &value)) return bad_step("fd number");
        set_var(argv[1], value);
        report((long)value, 0, NULL, 0);
    } else if (strcmp(op, "dup") == 0 && argc == 3) {
        if (fd_of(argv[2], &fd)) return bad_step("unknown fd name");
        int r = dup(fd);
        int e = errno;
        if (r >= 0) set_var(argv[1], (uint64_t)r);
        report(r, e, NULL, 0);
    } else if (strcmp(op, "passfd") == 0 && argc == 3) {
        if (fd_of(argv[2], &fd)) return bad_step("unknown fd name");
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) return report(-1, errno, NULL, 0);
        char byte = 'x';
        union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
        struct iovec iov = { &byte, 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
        long r = sendmsg(sv[0], &msg, 0);
        int e = errno, got = -1;
        if (r >= 0) {
            memset(u.buf, 0, sizeof u.buf);
            msg.msg_controllen = sizeof u.buf;
            r = recvmsg(sv[1], &msg, 0);
            e = errno;
            c = CMSG_FIRSTHDR(&msg);
            if (r >= 0 && c && c->cmsg_type == SCM_RIGHTS) memcpy(&got, CMSG_DATA(c), sizeof got);
            else if (r >= 0) { r = -1; e = EIO; }
        }
        close(sv[0]); close(sv[1]);
        if (r >= 0) set_var(argv[1], (uint64_t)got);
        report(r >= 0 ? got : -1, e, NULL, 0);
    } else if (strcmp(op, "ioctl") == 0 && argc == 4) {
        if (fd_of(argv[1], &fd) || parse_request(argv[2], &req) || parse_value(argv[3], &value))
            return bad_step("ioctl arguments");
        long r = ioctl(fd, req, (unsigned long)value);
        report(r, errno, NULL, 0);
    } else if (strcmp(op, "ioctl-buf") == 0 && (argc == 4 || argc == 5)) {
        static unsigned char scratch[1 << 20];
        size_t len, size;
        if (fd_of(argv[1], &fd) || parse_request(argv[2], &req) || parse_hex(argv[3], scratch, sizeof scratch, &len))
            return bad_step("ioctl-buf arguments");
        size = len;
        if (argc == 5) {
            if (parse_value(argv[4], &value) || value > sizeof scratch || value < len) return bad_step("ioctl-buf size");
            size = (size_t)value;
        }
        unsigned char *buf = calloc(1, size ? size : 1);
        memcpy(buf, scratch, len);
        long r = ioctl(fd, req, buf);
        report(r, errno, buf, size);
        free(buf);
    } else if (strcmp(op, "ioctl-fdptr") == 0 && argc == 4) {
        int target;
        if (fd_of(argv[1], &fd) || parse_request(argv[2], &req) || fd_of(argv[3], &target))
            return bad_step("ioctl-fdptr arguments");
        long r = ioctl(fd, req, &target);
        report(r, errno, NULL, 0);
    } else if (strcmp(op, "ioctl-badptr") == 0 && argc == 3) {
        if (fd_of(argv[1], &fd) || parse_request(argv[2], &req)) return bad_step("ioctl-badptr arguments");
        long page = sysconf(_SC_PAGESIZE);
        void *p = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        munmap(p, page);
        long r = ioctl(fd, req, p);
        report(r, errno, NULL, 0);
    } else if (strcmp(op, "mmap") == 0 && (argc == 3 || argc == 4)) {
        if (parse_value(argv[2], &value)) return bad_step("mmap size");
        int prot = argc == 4 && strcmp(argv[3], "ro") == 0 ? PROT_READ : PROT_READ | PROT_WRITE;
        void *p = mmap(NULL, value, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return report(-1, errno, NULL, 0);
        set_var(argv[1], (uint64_t)(uintptr_t)p);
        printf("ok 0x%llx\n", (unsigned long long)(uintptr_t)p);
        fflush(stdout);
    } else if (strcmp(op, "munmap") == 0 && argc == 3) {
        uint64_t size;
        if (parse_value(argv[1], &value) || parse_value(argv[2], &size)) return bad_step("munmap");
        int r = munmap((void *)(uintptr_t)value, size);
        report(r, errno, NULL, 0);
    } else if (strcmp(op, "poke") == 0 && argc == 3) {
        static unsigned char scratch[65536];
        size_t len;
        if (parse_value(argv[1], &value) || parse_hex(argv[2], scratch, sizeof scratch, &len)) return bad_step("poke");
        memcpy((void *)(uintptr_t)value, scratch, len);
        report(0, 0, NULL, 0);
    } else if (strcmp(op, "peek") == 0 && argc == 3) {
        uint64_t len;
        if (parse_value(argv[1], &value) || parse_value(argv[2], &len)) return bad_step("peek");
        report(0, 0, (const unsigned char *)(uintptr_t)value, (size_t)len);
    } else if (strcmp(op, "thread") == 0 && argc >= 2) {
        struct thread_step t = { argc - 1, argv + 1 };
        pthread_t th;
        if (pthread_create(&th, NULL, thread_main, &t)) return bad_step("pthread_create");
        pthread_join(th, NULL);
    } else if (strcmp(op, "setid") == 0 && argc == 3) {
        uint64_t uid, gid;
        if (parse_value(argv[1], &uid) || parse_value(argv[2], &gid)) return bad_step("setid");
        int r = setgroups(0, NULL);
        if (r == 0) r = setgid((gid_t)gid);
        if (r == 0) r = setuid((uid_t)uid);
        report(r, errno, NULL, 0);
    } else if (strcmp(op, "memlock") == 0 && argc == 2) {
        struct rlimit rl;
        if (strcmp(argv[1], "inf") == 0) rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
        else if (parse_value(argv[1], &value) == 0) rl.rlim_cur = rl.rlim_max = value;
        else return bad_step("memlock");
        int r = setrlimit(RLIMIT_MEMLOCK, &rl);
        report(r, errno, NULL, 0);
    } else if (strcmp(op, "cap-ipc-lock") == 0 && argc == 2) {
        int on = strcmp(argv[1], "on") == 0;
        if (!on && strcmp(argv[1], "off") != 0) return bad_step("cap-ipc-lock on|off");
        struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
        struct __user_cap_data_struct data[2];
        long r = syscall(SYS_capget, &head, data);
        if (r == 0) {
            if (on) data[CAP_IPC_LOCK / 32].effective |= 1u << (CAP_IPC_LOCK % 32);
            else data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
            r = syscall(SYS_capset, &head, data);
        }
        report(r, errno, NULL, 0);
    } else if (strcmp(op, "pid") == 0) {
        report(getpid(), 0, NULL, 0);
    } else if (strcmp(op, "tid") == 0) {
        report((long)syscall(SYS_gettid), 0, NULL, 0);
    } else if (strcmp(op, "par-fdptr") == 0 && argc == 6) {
        uint64_t k, n;
        int target;
        if (parse_value(argv[1], &k) || k == 0 || k > 256 || parse_value(argv[2], &n) || fd_of(argv[3], &fd) ||
            parse_request(argv[4], &req) || fd_of(argv[5], &target)) return bad_step("par-fdptr arguments");
        struct par_job jobs[256];
        pthread_t threads[256];
        for (uint64_t t = 0; t < k; t++) {
            jobs[t] = (struct par_job){ .fd = fd, .req = req, .target = target, .n = n };
            pthread_create(&threads[t], NULL, par_main, &jobs[t]);
        }
        for (uint64_t t = 0; t < k; t++) pthread_join(threads[t], NULL);
        for (uint64_t t = 0; t < k; t++)
            if (jobs[t].first == -1) return report(-1, jobs[t].err, NULL, 0);
        for (uint64_t t = 0; t < k; t++)
            if (jobs[t].mismatch || jobs[t].first != jobs[0].first) return bad_step("mismatch");
        report(jobs[0].first, 0, NULL, 0);
    } else if (strcmp(op, "bench") == 0 && argc == 5) {
        uint64_t n;
        if (parse_value(argv[1], &n) || n == 0 || fd_of(argv[2], &fd) || parse_request(argv[3], &req) ||
            parse_value(argv[4], &value)) return bad_step("bench arguments");
        long *ns = malloc(n * sizeof *ns);
        for (uint64_t k = 0; k < n; k++) {
            struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            long r = ioctl(fd, req, (unsigned long)value);
            clock_gettime(CLOCK_MONOTONIC, &b);
            if (r < 0) { int e = errno; free(ns); return report(-1, e, NULL, 0); }
            ns[k] = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
        }
        qsort(ns, n, sizeof *ns, compare_long);
        long median = ns[n / 2];
        free(ns);
        report(median, 0, NULL, 0);
    } else if (strcmp(op, "sleep") == 0 && argc == 2) {
        if (parse_value(argv[1], &value)) return bad_step("sleep");
        struct timespec ts = { (time_t)(value / 1000), (long)(value % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) && errno == EINTR) {}
        report(0, 0, NULL, 0);
    } else if (strcmp(op, "caller") == 0 && argc == 2) {
        if (parse_value(argv[1], &value)) return bad_step("caller pid");
        fflush(stdout);
        pid_t child = fork();
        if (child < 0) return report(-1, errno, NULL, 0);
        if (child == 0) { report(0, 0, NULL, 0); return; }
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    } else if (strcmp(op, "kill-self") == 0) {
        fflush(stdout);
        kill(getpid(), SIGKILL);
        pause();
    } else {
        bad_step(op);
    }
}

static int tokenize(char *line, char **argv) {
    int argc = 0;
    for (char *tok = strtok(line, " \t\r\n"); tok && argc < MAX_TOKENS; tok = strtok(NULL, " \t\r\n"))
        argv[argc++] = tok;
    return argc;
}

/* -i: one step per line as it arrives; a result line is flushed before the next line is read. */
static int run_interactive(void) {
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) >= 0) {
        char *argv[MAX_TOKENS];
        int argc = tokenize(line, argv);
        if (argc == 0 || argv[0][0] == '#') continue;
        if (strcmp(argv[0], "fork") == 0 || strcmp(argv[0], "endfork") == 0) { bad_step("fork needs a whole script (no -i)"); continue; }
        run_step(argc, argv);
        fflush(stdout);
    }
    free(line);
    return 0;
}

int main(int argc, char **argv) {
    static char *lines[MAX_LINES];
    int nlines = 0;
    char *line = NULL;
    size_t cap = 0;
    if (argc == 2 && strcmp(argv[1], "-i") == 0) return run_interactive();
    if (argc > 1) { fprintf(stderr, "usage: vfio-client [-i] < script\n"); return 2; }
    while (nlines < MAX_LINES && getline(&line, &cap, stdin) >= 0) {
        lines[nlines++] = line;
        line = NULL; cap = 0;
    }
    int in_child = 0;
    for (int i = 0; i < nlines; i++) {
        char *argv[MAX_TOKENS];
        char *copy = strdup(lines[i]);
        int argc = tokenize(copy, argv);
        if (argc == 0 || argv[0][0] == '#') { free(copy); continue; }
        if (strcmp(argv[0], "endfork") == 0) {
            if (in_child) { fflush(stdout); _exit(failures > 255 ? 255 : failures); }
            free(copy); continue;
        }
        if (strcmp(argv[0], "fork") == 0) {
            fflush(stdout);
            pid_t child = fork();
            if (child < 0) { report(-1, errno, NULL, 0); free(copy); continue; }
            if (child == 0) { in_child = 1; failures = 0; free(copy); continue; }
            int depth = 1;   /* the parent skips the child's block */
            while (++i < nlines && depth > 0) {
                char *c2 = strdup(lines[i]), *a2[MAX_TOKENS];
                int n2 = tokenize(c2, a2);
                if (n2 && strcmp(a2[0], "fork") == 0) depth++;
                if (n2 && strcmp(a2[0], "endfork") == 0) depth--;
                free(c2);
            }
            i--;
            int status;
            waitpid(child, &status, 0);
            report(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), 0, NULL, 0);
            free(copy);
            continue;
        }
        run_step(argc, argv);
        free(copy);
    }
    fflush(stdout);
    return in_child ? (failures > 255 ? 255 : failures) : 0;
}
