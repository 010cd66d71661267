/* netns.c: enter a network namespace on a dedicated thread (setns affects only the calling
 * thread), run a function there, join. Never changes the caller's namespace. */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

struct job {
	int fd;
	const char *path;
	int (*fn)(void *, struct esra_err *);
	void *arg;
	struct esra_err err;
	int rc;
	bool entered;
};

static void *thread_main(void *p)
{
	struct job *j = p;

	/* setns on this thread only: the caller's threads stay where they are */
	if (setns(j->fd, CLONE_NEWNET) != 0) {
		int e = errno;
		j->rc = esra_err_set(&j->err, ESRA_EIO, "netns %s: cannot enter: %s", j->path,
		                     e == EPERM    ? "permission denied (needs CAP_SYS_ADMIN)"
		                     : e == EINVAL ? "not a network namespace"
		                                   : strerror(e));
		return NULL;
	}
	j->entered = true;
	j->rc = j->fn(j->arg, &j->err);
	return NULL;
}

static const char *ns_kind(int type)
{
	switch (type) {
	case CLONE_NEWNS:
		return "mount";
	case CLONE_NEWUTS:
		return "uts";
	case CLONE_NEWIPC:
		return "ipc";
	case CLONE_NEWPID:
		return "pid";
	case CLONE_NEWUSER:
		return "user";
	case CLONE_NEWCGROUP:
		return "cgroup";
	}
	return "non-network";
}

int netns_run(const char *path, int (*fn)(void *arg, struct esra_err *err), void *arg,
              bool *entered, struct esra_err *err)
{
	struct job j;
	struct statfs sf;
	pthread_t t;
	int e, type, rc;

	if (entered != NULL)
		*entered = false;
	if (path == NULL || path[0] == '\0') {
		if (entered != NULL)
			*entered = true;
		return fn(arg, err);
	}
	memset(&j, 0, sizeof(j));
	j.path = path;
	j.fn = fn;
	j.arg = arg;
	if ((j.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		e = errno;
		return esra_err_set(err, ESRA_EIO, "netns %s: %s", path,
		                    e == ENOENT ? "no such file (has the process exited?)"
		                    : e == EACCES || e == EPERM
		                        ? "permission denied (needs root or CAP_SYS_PTRACE)"
		                        : strerror(e));
	}
	if (fstatfs(j.fd, &sf) != 0 || sf.f_type != NSFS_MAGIC) {
		rc = esra_err_set(err, ESRA_EIO,
		                  "netns %s: not a namespace file (want "
		                  "/proc/PID/ns/net)",
		                  path);
		goto out;
	}
	/* kernels before 4.11 lack NS_GET_NSTYPE (ENOTTY): then setns says EINVAL instead */
	if ((type = ioctl(j.fd, NS_GET_NSTYPE)) >= 0 && type != CLONE_NEWNET) {
		rc = esra_err_set(err, ESRA_EIO, "netns %s: a %s namespace, not a network one",
		                  path, ns_kind(type));
		goto out;
	}
	if ((e = pthread_create(&t, NULL, thread_main, &j)) != 0) {
		rc = esra_err_set(err, ESRA_EIO, "netns %s: cannot start a thread: %s", path,
		                  strerror(e));
		goto out;
	}
	pthread_join(t, NULL);
	rc = j.rc;
	if (rc != 0 && err != NULL)
		*err = j.err;
	if (entered != NULL)
		*entered = j.entered;
out:
	close(j.fd);
	return rc;
}

int netns_path_for_pid(pid_t pid, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "/proc/%ld/ns/net", (long)pid);

	return (n < 0 || (size_t)n >= outsz || pid <= 0) ? ESRA_EINVAL : ESRA_OK;
}
