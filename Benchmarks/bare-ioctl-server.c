/*
 * bare-ioctl-server: the smallest libfuse low-level server with one file, "vfio",
 * whose every ioctl answers 0. The baseline for DeviceFrontend's round trip.
 * Build: cc -O2 $(pkg-config --cflags fuse3) -o bare-ioctl-server bare-ioctl-server.c $(pkg-config --libs fuse3)
 * Run:   ./bare-ioctl-server MOUNTPOINT   (prints "ready", stops on SIGINT/SIGTERM)
 */
#define FUSE_USE_VERSION 312
#include <fuse3/fuse_lowlevel.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void fill(fuse_ino_t ino, struct stat *st) {
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    st->st_mode = ino == 1 ? S_IFDIR | 0755 : S_IFREG | 0666;
    st->st_nlink = 1;
}

static void bare_lookup(fuse_req_t req, fuse_ino_t parent, const char *name) {
    if (parent != 1 || strcmp(name, "vfio") != 0) { fuse_reply_err(req, ENOENT); return; }
    struct fuse_entry_param e = { .ino = 2, .attr_timeout = 1, .entry_timeout = 1 };
    fill(2, &e.attr);
    fuse_reply_entry(req, &e);
}

static void bare_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void)fi;
    struct stat st;
    fill(ino, &st);
    fuse_reply_attr(req, &st, 1);
}

static void bare_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    if (ino != 2) { fuse_reply_err(req, EISDIR); return; }
    fi->noflush = 1; fi->direct_io = 1; fi->nonseekable = 1;
    fuse_reply_open(req, fi);
}

static void bare_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg, struct fuse_file_info *fi,
                       unsigned flags, const void *in, size_t in_size, size_t out_size) {
    (void)ino; (void)cmd; (void)arg; (void)fi; (void)in; (void)in_size; (void)out_size;
    if (flags & FUSE_IOCTL_COMPAT) { fuse_reply_err(req, ENOSYS); return; }
    fuse_reply_ioctl(req, 0, NULL, 0);
}

static const struct fuse_lowlevel_ops ops = {
    .lookup = bare_lookup, .getattr = bare_getattr, .open = bare_open, .ioctl = bare_ioctl,
};

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s MOUNTPOINT\n", argv[0]); return 2; }
    char *args_v[] = { argv[0], "-o", "default_permissions,allow_other", NULL };
    struct fuse_args args = FUSE_ARGS_INIT(3, args_v);
    struct fuse_session *se = fuse_session_new(&args, &ops, sizeof ops, NULL);
    if (!se || fuse_set_signal_handlers(se) || fuse_session_mount(se, argv[1])) return 1;
    printf("ready\n");
    fflush(stdout);
    struct fuse_loop_config *cfg = fuse_loop_cfg_create();
    fuse_loop_cfg_set_max_threads(cfg, 32);
    int rc = fuse_session_loop_mt(se, cfg);
    fuse_loop_cfg_destroy(cfg);
    fuse_session_unmount(se);
    fuse_remove_signal_handlers(se);
    fuse_session_destroy(se);
    return rc < 0 ? 1 : 0;
}
