// libfuse3's low-level API for Swift. FUSE_USE_VERSION must be defined before
// the include, and a system-library target accepts no cSettings, so it lives here.
#ifndef CFUSE3_H
#define CFUSE3_H
#define FUSE_USE_VERSION 312
#include <fuse3/fuse_lowlevel.h>
#include <fuse3/cuse_lowlevel.h>

// FUSE_IOCTL_* flags as plain constants (the macros import, but keep them typed).
static const unsigned int CFuse3_IOCTL_COMPAT = FUSE_IOCTL_COMPAT;
static const unsigned int CFuse3_IOCTL_DIR = FUSE_IOCTL_DIR;
#endif
