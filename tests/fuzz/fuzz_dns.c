/* fuzz_dns.c: libFuzzer target for DNS answer parsing (dns_parse_answer: c-ares reads the
 * message, esra sorts, de-duplicates and caps the A records). Any bytes give NODATA, ERROR or
 * OK; OK is 1 .. ESRA_MAX_DNS_IPS addresses in strictly ascending order. Seeds: wire
 * answers built from tests/fixtures/docker/testbed/dns-answers.txt (scripts/fuzz.sh). */
#include <string.h>

#include "dns.h"
#include "fuzz.h"
#include "limits.h"
#include "model.h"
#include "pool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pool *pool;
	struct dns_answer a;
	bool nomem = false;
	enum dns_rc rc;

	if (size > (1u << 30))
		return 0; /* the wire length is an int */
	pool = pool_new();
	FUZZ_CHECK(pool != NULL, "pool_new");
	memset(&a, 0, sizeof(a));
	a.ttl = -1;
	rc = dns_parse_answer(pool, data, (int)size, &a, &nomem);
	FUZZ_CHECK(!nomem, "no allocation fails here");
	FUZZ_CHECK(rc == DNS_RC_OK || rc == DNS_RC_NODATA || rc == DNS_RC_ERROR, "a known result");
	if (rc == DNS_RC_OK) {
		FUZZ_CHECK(a.n_ips >= 1 && a.n_ips <= ESRA_MAX_DNS_IPS, "1 .. the cap addresses");
		for (size_t i = 1; i < a.n_ips; i++)
			FUZZ_CHECK(a.ips[i - 1] < a.ips[i], "sorted, no duplicates");
	} else {
		FUZZ_CHECK(a.n_ips == 0 && a.ips == NULL, "no addresses unless OK");
	}
	pool_free(pool);
	return 0;
}
