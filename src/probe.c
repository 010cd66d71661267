/* probe.c: non-blocking TCP connects with poll, a bounded number in flight. Never sends
 * data and never keeps a connection open. */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct slot {
	size_t idx;
	int fd;
	int64_t deadline;
};

static enum probe_rc start(const struct probe_target *t, int *fd)
{
	struct sockaddr_in sa;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	*fd = -1;
	if (s < 0)
		return PROBE_ERROR;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)t->port);
	sa.sin_addr.s_addr = htonl(t->ip);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(s);
		return PROBE_OK;
	}
	if (errno != EINPROGRESS) {
		enum probe_rc rc = errno == ECONNREFUSED ? PROBE_REFUSED : PROBE_ERROR;
		close(s);
		return rc;
	}
	*fd = s;
	return PROBE_NOT_RUN;
}

int probe_tcp(const struct probe_target *targets, size_t n, long timeout_ms, size_t max_inflight,
              const volatile sig_atomic_t *stop, enum probe_rc *out, struct esra_err *err)
{
	int status = ESRA_OK;

	struct slot *slots;
	struct pollfd *pfd;
	size_t next = 0, active = 0;

	if (max_inflight == 0)
		max_inflight = 64;
	slots = calloc(max_inflight, sizeof(*slots));
	pfd = calloc(max_inflight, sizeof(*pfd));
	if (slots == NULL || pfd == NULL) {
		free(slots);
		free(pfd);
		return esra_err_set(err, ESRA_ENOMEM, "probe: out of memory");
	}
	for (size_t i = 0; i < n; i++)
		out[i] = PROBE_NOT_RUN;
	while (next < n || active > 0) {
		int64_t now = esra_mono_ms(), wait = timeout_ms;
		if (stop != NULL && *stop != 0) {
			for (size_t i = 0; i < active; i++)
				out[slots[i].idx] = PROBE_NOT_RUN;
			status = esra_err_set(err, ESRA_ESTOPPED, "probe: stopped");
			break;
		}
		if (stop != NULL && wait > 50)
			wait = 50; /* look at the stop flag this often */
		while (active < max_inflight && next < n) {
			int fd;
			enum probe_rc rc = start(&targets[next], &fd);
			if (fd < 0) {
				out[next++] = rc;
				continue;
			}
			slots[active].idx = next++;
			slots[active].fd = fd;
			slots[active].deadline = now + timeout_ms;
			active++;
		}
		for (size_t i = 0; i < active; i++) {
			pfd[i].fd = slots[i].fd;
			pfd[i].events = POLLOUT;
			pfd[i].revents = 0;
			if (slots[i].deadline - now < wait)
				wait = slots[i].deadline - now;
		}
		if (active > 0 && poll(pfd, active, wait > 0 ? (int)wait : 0) < 0 && errno != EINTR)
			break;
		now = esra_mono_ms();
		for (size_t i = 0; i < active;) {
			enum probe_rc rc = PROBE_NOT_RUN;
			if (pfd[i].revents != 0) {
				int so = 0;
				socklen_t len = sizeof(so);
				getsockopt(slots[i].fd, SOL_SOCKET, SO_ERROR, &so, &len);
				rc = so == 0              ? PROBE_OK
				     : so == ECONNREFUSED ? PROBE_REFUSED
				                          : PROBE_ERROR;
			} else if (now >= slots[i].deadline) {
				rc = PROBE_TIMEOUT;
			}
			if (rc == PROBE_NOT_RUN) {
				i++;
				continue;
			}
			out[slots[i].idx] = rc;
			close(slots[i].fd);
			slots[i] = slots[active - 1];
			pfd[i] = pfd[active - 1];
			active--;
		}
	}
	for (size_t i = 0; i < active; i++)
		close(slots[i].fd);
	free(slots);
	free(pfd);
	return status;
}
