/* fuzz_sockdiag.c - libFuzzer target for what a sock_diag socket receives
 * (src/sockdiag.c): the bytes as one datagram of replies to the request
 * numbered like the first message (so real replies,
 * tests/fixtures/sockdiag/, are walked as answers), and as one
 * inet_diag_msg. Traps when a documented invariant breaks (sockdiag.h). */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "sockdiag.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_sock(const struct sockmap_sock *s, uint8_t proto)
{
	CHECK(s->family == AF_INET || s->family == AF_INET6);
	CHECK(s->proto == proto);
}

struct walk {
	uint8_t proto;
	int socks;
	int stop_at; /* the callback's answer: 1 at that socket */
};

static int on_sock(void *ctx, const struct sockmap_sock *s)
{
	struct walk *w = ctx;
	if (s->family)
		check_sock(s, w->proto);
	else
		CHECK(s->inode == 0);
	return ++w->socks == w->stop_at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seq = 0;
	if (size >= 12)
		memcpy(&seq, data + 8, sizeof seq);
	uint8_t proto = size % 2 ? IPPROTO_UDP : IPPROTO_TCP;
	struct walk w = {proto, 0, size % 3 == 0 ? 1 : -1};
	int rc = sockdiag_walk(data, size, seq, proto, on_sock, &w);
	CHECK(rc <= 1);
	CHECK(w.stop_at != 1 || w.socks <= 1);

	struct sockmap_sock s;
	if (sockdiag_parse(data, size, proto, &s) == 0)
		check_sock(&s, proto);
	return 0;
}
