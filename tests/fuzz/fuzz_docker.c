/* fuzz_docker.c: libFuzzer target for one Docker Engine API payload parser, chosen when it is
 * built (FUZZ_PAYLOAD, one binary per payload: version, info, nodes, services, tasks,
 * networks, network_verbose, containers, inspect). Each input is parsed twice into a fresh
 * view, whole and cut into pieces; both must end with the same status and, on success, the
 * same view; neither may crash, leak or read out of bounds. The verbose network and inspect
 * parsers write into a view that already holds the testbed's networks and containers (read
 * from tests/fixtures at start-up), as docker_read calls them. Seeds: scripts/fuzz.sh. */
#include <string.h>

#include "docker_parse.h"
#include "fuzz.h"
#include "model.h"

#ifndef FUZZ_PAYLOAD
#error "build with -DFUZZ_PAYLOAD=DK_..."
#endif

/* The payloads a view must hold before this one is parsed (docker_read's order). */
static struct {
	enum docker_payload kind;
	const char *rel;
	char *json;
	size_t n;
} before[] = {
    {DK_INFO, "docker/testbed/manager-info.json", NULL, 0},
    {DK_NETWORKS, "docker/testbed/manager-networks.json", NULL, 0},
    {DK_CONTAINERS, "docker/testbed/manager-containers.json", NULL, 0},
};

static bool needed(enum docker_payload prior)
{
	switch (FUZZ_PAYLOAD) {
	case DK_NODES:
		return prior == DK_INFO; /* nodes marks self.leader */
	case DK_NETWORK_VERBOSE:
		return prior == DK_NETWORKS;
	case DK_INSPECT:
		return prior == DK_NETWORKS || prior == DK_CONTAINERS;
	default:
		return false;
	}
}

static char *slurp(const char *rel, size_t *n)
{
	const char *dir = getenv("ESRA_FIXTURES");
	char path[4096];
	FILE *f;
	char *data;
	long len;

	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : ESRA_FIXTURES, rel);
	f = fopen(path, "rb");
	FUZZ_CHECK(f != NULL, path);
	FUZZ_CHECK(fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	               fseek(f, 0, SEEK_SET) == 0,
	           path);
	data = malloc((size_t)len + 1);
	FUZZ_CHECK(data != NULL && fread(data, 1, (size_t)len, f) == (size_t)len, path);
	fclose(f);
	*n = (size_t)len;
	return data;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(before) / sizeof(before[0]); i++)
		if (needed(before[i].kind))
			before[i].json = slurp(before[i].rel, &before[i].n);
	return 0;
}

static int feed(struct docker_parser *p, const uint8_t *data, size_t size, struct fuzz_cut *c,
                struct esra_err *err)
{
	size_t off = 0;
	int rc = ESRA_OK;

	while (off < size && rc == ESRA_OK) {
		size_t n = c != NULL ? fuzz_cut_next(c, size - off) : size;
		rc = docker_parser_feed(p, (const char *)data + off, n, err);
		off += n;
	}
	return rc == ESRA_OK ? docker_parser_finish(p, err) : rc;
}

static void str_digest(uint64_t *h, const char *s)
{
	*h = *h * 31u + (s != NULL);
	for (; s != NULL && *s != '\0'; s++)
		*h = *h * 131u + (unsigned char)*s;
}

/* What a successful parse left in v, reduced to a number both parses must share. */
static uint64_t view_digest(const struct sw_view *v)
{
	uint64_t h = 17;

	str_digest(&h, v->self.id);
	str_digest(&h, v->self.hostname);
	h = h * 31u + v->self.swarm_active * 2u + v->self.manager * 4u + v->self.leader * 8u;
	h = h * 31u + v->n_services;
	for (size_t i = 0; i < v->n_services; i++) {
		str_digest(&h, v->services[i].id);
		str_digest(&h, v->services[i].name);
		h = h * 31u + v->services[i].n_vips + v->services[i].n_aliases * 1000u;
		h = h * 31u + (uint64_t)v->services[i].replicas;
	}
	h = h * 31u + v->n_tasks;
	for (size_t i = 0; i < v->n_tasks; i++) {
		str_digest(&h, v->tasks[i].id);
		h = h * 31u + (uint64_t)v->tasks[i].state + v->tasks[i].n_addrs * 100u;
		h = h * 31u + (uint64_t)v->tasks[i].slot;
	}
	h = h * 31u + v->n_nets;
	for (size_t i = 0; i < v->n_nets; i++) {
		str_digest(&h, v->nets[i].id);
		str_digest(&h, v->nets[i].name);
		h = h * 31u + v->nets[i].n_svcs + v->nets[i].n_local * 1000u + v->nets[i].subnet;
		for (size_t j = 0; j < v->nets[i].n_svcs; j++)
			h = h * 31u + v->nets[i].svcs[j].n_eps + v->nets[i].svcs[j].vip;
	}
	h = h * 31u + v->n_containers;
	for (size_t i = 0; i < v->n_containers; i++) {
		str_digest(&h, v->containers[i].id);
		for (size_t j = 0; j < v->containers[i].n_nets; j++)
			h = h * 31u + v->containers[i].nets[j].n_aliases +
			    v->containers[i].nets[j].ip;
	}
	h = h * 31u + v->n_nodes;
	for (size_t i = 0; i < v->n_nodes; i++) {
		str_digest(&h, v->nodes[i].id);
		h = h * 31u + v->nodes[i].leader;
	}
	return h;
}

/* One parse of the input into a fresh view (NULL for the version payload). */
static int parse(const uint8_t *data, size_t size, struct fuzz_cut *c, uint64_t *digest)
{
	struct sw_view *v = NULL;
	struct docker_parser *p;
	struct esra_err err;
	size_t target = MODEL_NONE;
	int rc;

	esra_err_clear(&err);
	if (FUZZ_PAYLOAD != DK_VERSION) {
		v = model_sw_new();
		FUZZ_CHECK(v != NULL, "model_sw_new");
	}
	for (size_t i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		if (before[i].json == NULL)
			continue;
		p = docker_parser_new(before[i].kind, v, MODEL_NONE, &err);
		FUZZ_CHECK(p != NULL, "docker_parser_new");
		rc = feed(p, (const uint8_t *)before[i].json, before[i].n, NULL, &err);
		FUZZ_CHECK(rc == ESRA_OK, before[i].rel);
		docker_parser_free(p);
	}
	/* the verbose inspect of a known network, or (as a worker reads it) of none; the
	 * inspect of one of the containers */
	if (FUZZ_PAYLOAD == DK_NETWORK_VERBOSE && size % 2 == 1 && v->n_nets > 0)
		target = size / 2 % v->n_nets;
	if (FUZZ_PAYLOAD == DK_INSPECT && v->n_containers > 0)
		target = size % v->n_containers;
	p = docker_parser_new(FUZZ_PAYLOAD, v, target, &err);
	FUZZ_CHECK(p != NULL, "docker_parser_new");
	rc = feed(p, data, size, c, &err);
	FUZZ_CHECK(rc == ESRA_OK || (err.code == rc && err.msg[0] != '\0'),
	           "a failed parse names its error");
	*digest = 0;
	if (rc == ESRA_OK && v != NULL)
		*digest = view_digest(v);
	if (rc == ESRA_OK && FUZZ_PAYLOAD == DK_VERSION) {
		const char *api, *min_api;
		docker_parser_version(p, &api, &min_api);
		str_digest(digest, api);
		str_digest(digest, min_api);
	}
	if (rc == ESRA_OK && FUZZ_PAYLOAD == DK_INSPECT) {
		bool has_state, running;
		int64_t pid;
		docker_parser_state(p, &has_state, &running, &pid);
		*digest = *digest * 31u + has_state + running * 2u + (uint64_t)pid * 4u;
	}
	docker_parser_free(p);
	model_sw_free(v);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_cut c;
	uint64_t d_whole, d_cut;
	int rc_whole, rc_cut;

	fuzz_cut_init(&c, data, size);
	rc_whole = parse(data, size, NULL, &d_whole);
	rc_cut = parse(data, size, &c, &d_cut);
	FUZZ_CHECK(rc_whole == rc_cut, "whole and in pieces: the same status");
	FUZZ_CHECK(d_whole == d_cut, "whole and in pieces: the same view");
	return 0;
}
