/* ipaddr.c: IPv4 parsing and formatting (see ipaddr.h). */
#include "ipaddr.h"

#include <stdio.h>
#include <string.h>

int ip4_parse(const char *s, size_t n, ip4_t *ip, int *prefix)
{
	ip4_t v = 0;
	size_t i = 0;
	int pfx = -1;

	if (s == NULL)
		return ESRA_EPARSE;
	if (n == (size_t)-1)
		n = strlen(s);
	for (int octet = 0; octet < 4; octet++) {
		unsigned val = 0;
		size_t start = i;
		if (octet > 0) {
			if (i >= n || s[i] != '.')
				return ESRA_EPARSE;
			start = ++i;
		}
		while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			val = val * 10 + (unsigned)(s[i++] - '0');
		if (i == start || val > 255 || (s[start] == '0' && i - start > 1))
			return ESRA_EPARSE;
		v = (v << 8) | val;
	}
	if (i < n && s[i] == '/') {
		size_t start = ++i;
		pfx = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 2)
			pfx = pfx * 10 + (s[i++] - '0');
		if (i == start || pfx > 32)
			return ESRA_EPARSE;
	}
	if (i != n)
		return ESRA_EPARSE;
	if (ip != NULL)
		*ip = v;
	if (prefix != NULL)
		*prefix = pfx;
	return ESRA_OK;
}

char *ip4_format(ip4_t ip, char *out)
{
	snprintf(out, IP4_STRLEN, "%u.%u.%u.%u", (ip >> 24) & 255u, (ip >> 16) & 255u,
	         (ip >> 8) & 255u, ip & 255u);
	return out;
}

bool ip4_in_subnet(ip4_t ip, ip4_t net, int prefix)
{
	ip4_t mask;

	if (prefix <= 0)
		return prefix == 0;
	if (prefix > 32)
		return false;
	mask = prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
	return (ip & mask) == (net & mask);
}
