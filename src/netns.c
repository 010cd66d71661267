/* netns.c: enter a network namespace on a dedicated thread (setns affects only the calling
 * thread), run a function there, join. Never changes the caller's namespace. */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct job {
	int fd;
	const char *path;
	int (*fn)(void *, struct esra_err *);
	void *arg;
	struct esra_err err;
	int rc;
};

static void *thread_main(void *p)
{
	struct job *j = p;

	if (setns(j->fd, CLONE_NEWNET) != 0) {
		j->rc = esra_err_set(&j->err, errno == EINVAL ? ESRA_EINVAL : ESRA_EIO,
		                     "network namespace %s: cannot enter: %s", j->path,
		                     errno == EINVAL ? "not a network namespace" : strerror(errno));
		return NULL;
	}
	j->rc = j->fn(j->arg, &j->err);
	return NULL;
}

int netns_run(const char *path, int (*fn)(void *arg, struct esra_err *err), void *arg,
              struct esra_err *err)
{
	struct job j;
	pthread_t t;
	int e;

	if (path == NULL || path[0] == '\0')
		return fn(arg, err);
	memset(&j, 0, sizeof(j));
	j.path = path;
	j.fn = fn;
	j.arg = arg;
	j.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (j.fd < 0)
		return esra_err_set(err, ESRA_EIO, "network namespace %s: %s", path, strerror(errno));
	if ((e = pthread_create(&t, NULL, thread_main, &j)) != 0) {
		close(j.fd);
		return esra_err_set(err, ESRA_EIO, "network namespace %s: cannot start a thread: %s",
		                    path, strerror(e));
	}
	pthread_join(t, NULL);
	close(j.fd);
	if (j.rc != 0 && err != NULL)
		*err = j.err;
	return j.rc;
}

int netns_path_for_pid(pid_t pid, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "/proc/%ld/ns/net", (long)pid);

	return (n < 0 || (size_t)n >= outsz || pid <= 0) ? ESRA_EINVAL : ESRA_OK;
}
