/* netns.h: runs a function inside another network namespace (a container's seat) on a
 * dedicated thread, so the caller's own namespace never changes. */
#ifndef ESRA_NETNS_H
#define ESRA_NETNS_H

#include <sys/types.h>

#include "common.h"

/* fn(arg) runs on a new thread that first joins the namespace at path (e.g.
 * /proc/PID/ns/net); path NULL or "" runs fn on the calling thread. Returns fn's result,
 * or ESRA_EIO with a message naming path when the namespace cannot be entered (no such
 * file, not a namespace, not a network one, no permission). *entered (may be NULL) tells
 * which of the two happened. */
int netns_run(const char *path, int (*fn)(void *arg, struct esra_err *err), void *arg,
              bool *entered, struct esra_err *err) ESRA_WUR;
/* "/proc/PID/ns/net" into out. */
int netns_path_for_pid(pid_t pid, char *out, size_t outsz) ESRA_WUR;

#endif
