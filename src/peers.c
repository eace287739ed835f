/* peers.c - remote end -> the process that talks to it (see peers.h) */
#include "peers.h"

#include <string.h>

struct peer_owner {
	int32_t pid, other_pid;
	uint64_t seen_ns;  /* pid last found owning a socket to this end */
	uint64_t other_ns; /* when another process last took it over from pid */
};

int peers_init(struct peers *p, size_t max_ends)
{
	return flowtable_init(&p->ends, sizeof(struct peer_owner), max_ends);
}

void peers_free(struct peers *p)
{
	flowtable_free(&p->ends);
}

static struct flow_key end_key(const struct flow_key *leg)
{
	struct flow_key k;
	memset(&k, 0, sizeof k);
	k.family = leg->family;
	k.proto = leg->proto;
	k.dport = leg->dport;
	memcpy(k.daddr, leg->daddr, 16);
	return k;
}

void peers_learn(struct peers *p, const struct flow_key *leg, int32_t pid, uint64_t now_ns)
{
	struct flow_key k = end_key(leg);
	bool created;
	struct peer_owner *o = flowtable_get(&p->ends, &k, &created);
	if (!o) { /* full: start over rather than grow */
		flowtable_clear(&p->ends);
		o = flowtable_get(&p->ends, &k, &created);
		if (!o)
			return;
	}
	if (!created && o->pid != pid) {
		o->other_pid = o->pid;
		o->other_ns = now_ns;
	}
	o->pid = pid;
	o->seen_ns = now_ns;
}

int32_t peers_last_owner(const struct peers *p, const struct flow_key *leg)
{
	struct flow_key k = end_key(leg);
	const struct peer_owner *o = flowtable_find(&p->ends, &k);
	return o ? o->pid : 0;
}

int32_t peers_sole_owner(const struct peers *p, const struct flow_key *leg, uint64_t now_ns)
{
	struct flow_key k = end_key(leg);
	const struct peer_owner *o = flowtable_find(&p->ends, &k);
	if (!o || now_ns - o->seen_ns > PEERS_TRUST_NS)
		return 0;
	if (o->other_pid && now_ns - o->other_ns < PEERS_AMBIGUOUS_NS)
		return 0;
	return o->pid;
}
