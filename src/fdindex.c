/* fdindex.c - which process holds a socket inode: an index of the
 * /proc/PID/fd links, kept fresh by passes sized to their own cost (a walk
 * for new processes, a re-check of fd counts, a full pass now and then),
 * and the owners learned otherwise (the tracepoints, peers). Part of the
 * socket map (sockmap.h). */
#include "sockmap_priv.h"
#include "clock.h"
#include "parse.h"
#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether leg's local end is a server's: a TCP listener, or a UDP socket
 * bound without a peer, holds its local port in the last dump. Its remote
 * end is then a client's port, which says nothing about who the next
 * connection from that port talks to. */
static bool serves(const struct sockmap *sm, const struct flow_key *leg)
{
	struct flow_key any = *leg;
	memset(any.daddr, 0, sizeof any.daddr);
	any.dport = 0;
	const struct sockmap_sock *s = sockmap_lookup(sm, &any);
	return s && s->rport == 0 && sockmap_addr_is_wild(s->raddr) &&
	       (s->proto == IPPROTO_UDP || s->state == ST_LISTEN);
}

/* "socket:[12345]" -> 12345 */
static bool parse_socket_link(const char *s, size_t n, uint32_t *inode)
{
	static const char prefix[] = "socket:[";
	size_t pl = sizeof prefix - 1;
	if (n < pl + 2 || memcmp(s, prefix, pl) != 0 || s[n - 1] != ']')
		return false;
	uint64_t v = 0;
	for (size_t i = pl; i < n - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*inode = (uint32_t)v;
	return true;
}

/* Notes that pid held inode when its fds were read (generation gen). Past
 * SOCKMAP_MAX_INODES, or out of memory, the inode stays unknown. */
static void inode_set(struct sockmap *sm, uint32_t inode, int32_t pid, uint32_t gen)
{
	struct inode_entry *ie = intvec_find(&sm->inodes, inode);
	if (!ie && (sm->inodes.n >= SOCKMAP_MAX_INODES || !(ie = intvec_add(&sm->inodes, inode))))
		return;
	ie->pid = pid;
	ie->gen = gen;
}

static void read_fds(struct sockmap *sm, int32_t pid, struct pid_entry *pe)
{
	char path[PROCFS_PATH_MAX];
	procfs_task_path(path, pid, 0, "fd");
	int fd = openat(sm->root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return; /* gone, or not ours to read */
	struct stat st;
	pe->fd_count = fstat(fd, &st) == 0 ? (int64_t)st.st_size : -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	pe->gen++;
	pe->has_sockets = false;
	sm->stats.fd_dirs_read++;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		/* "socket:[4294967295]" is 19 bytes: a longer link is not a socket */
		char link[32];
		ssize_t n = readlinkat(dirfd(d), de->d_name, link, sizeof link);
		uint32_t inode;
		if (n <= 0 || (size_t)n >= sizeof link || !parse_socket_link(link, (size_t)n, &inode))
			continue;
		inode_set(sm, inode, pid, pe->gen);
		pe->has_sockets = true;
	}
	closedir(d);
}

static bool pid_alive_in_pass(const struct flow_key *key, void *value, void *ctx)
{
	(void)key;
	return ((struct pid_entry *)value)->seen_pass == *(uint32_t *)ctx;
}

/* An inode whose pid vanished or re-read its fds since is stale. */
static bool inode_current(const struct sockmap *sm, const struct inode_entry *ie)
{
	struct flow_key pk = sockmap_id_key(KIND_PID, (uint64_t)(uint32_t)ie->pid);
	const struct pid_entry *pe = flowtable_find(&sm->pids, &pk);
	return pe && pe->gen == ie->gen;
}

/* Drops the stale inodes. */
static void inodes_sweep(struct sockmap *sm)
{
	for (size_t i = 0; i < sm->inodes.n;) {
		if (inode_current(sm, intvec_at(&sm->inodes, i)))
			i++;
		else
			intvec_remove_at(&sm->inodes, i); /* another entry is now at i */
	}
}

/* The pid the kernel handed out last (loadavg's last field), or 0. */
static int32_t last_pid(const struct sockmap *sm)
{
	char buf[128];
	struct loadavg la;
	ssize_t n = procfs_read(sm->root_fd, "loadavg", buf, sizeof buf);
	if (n <= 0 || parse_loadavg(buf, (size_t)n, &la) < 0 || la.last_pid <= 0 ||
	    la.last_pid > INT32_MAX)
		return 0;
	return (int32_t)la.last_pid;
}

/* stat of the proc root's directory of pid. */
static int stat_pid_dir(const struct sockmap *sm, int32_t pid, struct stat *st)
{
	char name[16];
	snprintf(name, sizeof name, "%d", (int)pid);
	return fstatat(sm->root_fd, name, st, 0);
}

/* Whether pid is gone: the kernel says so when the proc root numbers pids
 * as our namespace does (kill(pid, 0) answers in 0.12 us), the proc root
 * (a failed look-up, 1.1 us) when it is another namespace's. */
static bool pid_gone(const struct sockmap *sm, int32_t pid)
{
	if (sm->own_pids)
		return kill(pid, 0) < 0 && errno == ESRCH;
	struct stat st;
	return stat_pid_dir(sm, pid, &st) < 0 && errno == ENOENT;
}

/* Whether pid is a process (not one of a process's threads, whose ids
 * /proc answers for too): its status says Tgid is pid. */
static bool is_process(const struct sockmap *sm, int32_t pid)
{
	char path[PROCFS_PATH_MAX], buf[4096];
	struct proc_status st;
	procfs_task_path(path, pid, 0, "status");
	ssize_t n = procfs_read(sm->root_fd, path, buf, sizeof buf);
	return n > 0 && parse_proc_status(buf, (size_t)n, &st) == 0 && st.has_tgid &&
	       st.tgid == pid;
}

/* The processes started since the last walk, read without one: the pids
 * the kernel handed out since then are looked at one by one. At 1,000
 * processes a walk costs milliseconds, and the process that opened a
 * connection a moment ago is most likely among these few. Returns false
 * when it cannot tell (no walk yet, no loadavg, pids wrapped around, more
 * than SOCKMAP_FRESH_MAX of them): the walk is for that. */
static bool fresh_pass(struct sockmap *sm)
{
	int32_t last = last_pid(sm);
	if (!last || !sm->top_pid || last < sm->top_pid || last - sm->top_pid > SOCKMAP_FRESH_MAX)
		return false;
	for (int32_t pid = sm->top_pid + 1; pid <= last; pid++) {
		struct flow_key k = sockmap_id_key(KIND_PID, (uint64_t)pid);
		if (flowtable_find(&sm->pids, &k))
			continue;
		/* under fork churn most are gone already (bench/soak.sh: 2,430
		 * status opens a second, 99.8% of them failing); in another
		 * namespace's proc root is_process's own look-up tells as fast */
		if (sm->own_pids && pid_gone(sm, pid))
			continue;
		sm->stats.fresh_probes++;
		if (!is_process(sm, pid))
			continue;
		bool created;
		struct pid_entry *pe = flowtable_get(&sm->pids, &k, &created);
		if (!pe)
			continue;
		struct stat st;
		pe->dir_ino = stat_pid_dir(sm, pid, &st) == 0 ? (uint64_t)st.st_ino : 0;
		/* as if the last walk had listed it: the next one keeps it
		 * without reading it again */
		pe->seen_pass = pe->read_pass = sm->pass;
		read_fds(sm, pid, pe);
	}
	sm->top_pid = last;
	return true;
}

/* One walk of the proc root. full: read every process's fds; otherwise
 * only those of processes that are new or reused (a pid is cheap to list,
 * and the process that just opened a connection is most likely new). */
static void proc_pass(struct sockmap *sm, bool full)
{
	/* read first: a pid handed out during the walk may not be listed */
	int32_t last = last_pid(sm);
	int fd = openat(sm->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	uint32_t pass = ++sm->pass;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT32_MAX || de->d_name[0] < '1' ||
		    de->d_name[0] > '9')
			continue;
		struct flow_key k = sockmap_id_key(KIND_PID, (uint64_t)pid);
		bool created;
		struct pid_entry *pe = flowtable_get(&sm->pids, &k, &created);
		if (!pe)
			continue;
		bool read = full || created || pe->dir_ino != (uint64_t)de->d_ino;
		pe->dir_ino = (uint64_t)de->d_ino;
		pe->seen_pass = pass;
		if (read) {
			read_fds(sm, (int32_t)pid, pe);
			pe->read_pass = pass;
		}
	}
	closedir(d);
	sm->top_pid = last;
	flowtable_sweep(&sm->pids, pid_alive_in_pass, &pass);
	if (full)
		inodes_sweep(sm);
}

static int32_t pid_of(struct sockmap *sm, uint32_t inode)
{
	const struct inode_entry *ie = intvec_find(&sm->inodes, inode);
	if (!ie || !inode_current(sm, ie))
		return 0;
	return ie->pid;
}

/* How many of inodes[n] an owner is looked for: a socket without an inode
 * (a connection not accepted yet, or closed) has none any step could find.
 * Counted as a miss, each batch that held one ran every step for nothing. */
static size_t wanted(const uint32_t *inodes, size_t n)
{
	size_t want = 0;
	for (size_t i = 0; i < n; i++)
		want += inodes[i] != 0;
	return want;
}

static size_t lookup_all(struct sockmap *sm, const uint32_t *inodes, int32_t *pids, size_t n)
{
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		if (!pids[i] && inodes[i])
			pids[i] = pid_of(sm, inodes[i]);
		found += pids[i] != 0;
	}
	return found;
}

/* Re-reads the process that last owned a socket to the same remote end as
 * each missed leg. */
static void hinted_reads(struct sockmap *sm, const uint32_t *inodes, const struct flow_key *legs,
			 const int32_t *pids, size_t n)
{
	int32_t done[SOCKMAP_HINTED_READS];
	size_t ndone = 0;
	for (size_t i = 0; i < n && ndone < SOCKMAP_HINTED_READS; i++) {
		if (pids[i] || !inodes[i])
			continue;
		int32_t owner = peers_last_owner(&sm->peers, &legs[i]);
		if (!owner)
			continue;
		bool seen = false;
		for (size_t j = 0; j < ndone; j++)
			seen |= done[j] == owner;
		if (seen)
			continue;
		done[ndone++] = owner;
		struct flow_key k = sockmap_id_key(KIND_PID, (uint64_t)(uint32_t)owner);
		struct pid_entry *pe = flowtable_find(&sm->pids, &k);
		if (pe) {
			read_fds(sm, owner, pe);
			sm->stats.hinted_reads++;
		}
	}
}

/* The processes the last walk listed, and did not read, whose fd count
 * changed (one stat of /proc/PID/fd each: milliseconds at 1,000
 * processes, so rate-limited apart from the walk) are read again. */
static void recheck_pass(struct sockmap *sm)
{
	size_t pos = 0;
	const struct flow_key *k;
	struct pid_entry *pe;
	while ((pe = flowtable_next(&sm->pids, &pos, &k))) {
		if (pe->seen_pass != sm->pass || pe->read_pass == sm->pass)
			continue;
		int32_t pid = (int32_t)sockmap_key_id(k);
		char path[PROCFS_PATH_MAX];
		struct stat st;
		procfs_task_path(path, pid, 0, "fd");
		if (fstatat(sm->root_fd, path, &st, 0) == 0 && (int64_t)st.st_size != pe->fd_count) {
			read_fds(sm, pid, pe);
			pe->read_pass = sm->pass;
		}
	}
}

static void owners_pass(struct sockmap *sm)
{
	size_t pos = 0;
	const struct flow_key *k;
	struct pid_entry *pe;
	while ((pe = flowtable_next(&sm->pids, &pos, &k))) {
		if (!pe->has_sockets)
			continue;
		read_fds(sm, (int32_t)sockmap_key_id(k), pe);
	}
	sm->stats.owners_passes++;
}

static void incr_pass(struct sockmap *sm)
{
	proc_pass(sm, false);
	sm->stats.incr_passes++;
}

static void recheck_step(struct sockmap *sm)
{
	recheck_pass(sm);
	sm->stats.recheck_passes++;
}

static void full_pass(struct sockmap *sm)
{
	proc_pass(sm, true);
	sm->scanned_once = true;
	sm->stats.full_passes++;
}

/* A spaced step (sockmap.h): when it last ran, what it cost then, and the
 * least gap between two runs. */
struct step {
	void (*run)(struct sockmap *sm);
	uint64_t *last_ns, *cost_ns;
	uint64_t min_gap_ns;
};

/* Runs step if its gap has gone by since it last ran (always, when force),
 * timing it. Returns whether it ran. */
static bool run_step(struct sockmap *sm, const struct step *st, uint64_t now_ns, bool force)
{
	uint64_t gap = *st->cost_ns * SOCKMAP_INCR_COST_FACTOR;
	if (gap < st->min_gap_ns)
		gap = st->min_gap_ns;
	if (!force && now_ns - *st->last_ns < gap)
		return false;
	uint64_t t0 = clock_mono_ns();
	st->run(sm);
	*st->cost_ns = clock_mono_ns() - t0;
	*st->last_ns = now_ns;
	sm->stats.steps_ns += *st->cost_ns;
	return true;
}

void sockmap_learn_owner(struct sockmap *sm, const struct flow_key *leg, int32_t pid,
			 uint64_t now_ns)
{
	if (!serves(sm, leg))
		peers_learn(&sm->peers, leg, pid, now_ns);
}

/* Remembers the owners found with the legs they were found for. */
static void learn_owners(struct sockmap *sm, const struct flow_key *legs, const int32_t *pids,
			 size_t n, uint64_t now_ns)
{
	for (size_t i = 0; legs && i < n; i++)
		if (pids[i])
			sockmap_learn_owner(sm, &legs[i], pids[i], now_ns);
}

size_t sockmap_pids_indexed(struct sockmap *sm, const uint32_t *inodes,
			    const struct flow_key *legs, int32_t *pids, size_t n, uint64_t now_ns)
{
	memset(pids, 0, n * sizeof *pids);
	size_t found = lookup_all(sm, inodes, pids, n);
	if (found < wanted(inodes, n) && legs && sm->scanned_once) {
		hinted_reads(sm, inodes, legs, pids, n);
		found = lookup_all(sm, inodes, pids, n);
	}
	learn_owners(sm, legs, pids, n, now_ns);
	return found;
}

size_t sockmap_pids_search(struct sockmap *sm, const uint32_t *inodes,
			   const struct flow_key *legs, int32_t *pids, size_t n, uint64_t now_ns)
{
	const struct step full = {full_pass, &sm->last_full_ns, &sm->full_cost_ns,
				  SOCKMAP_FULL_SCAN_NS};
	const struct step later[] = {
		{incr_pass, &sm->last_incr_ns, &sm->incr_cost_ns, SOCKMAP_INCR_MIN_NS},
		{recheck_step, &sm->last_recheck_ns, &sm->recheck_cost_ns, SOCKMAP_INCR_MIN_NS},
		{owners_pass, &sm->last_owners_ns, &sm->owners_cost_ns, SOCKMAP_OWNERS_SCAN_NS},
		full,
	};
	size_t want = wanted(inodes, n);
	size_t found = lookup_all(sm, inodes, pids, n), before = found;
	if (found >= want)
		return found;
	if (!sm->scanned_once) {
		run_step(sm, &full, now_ns, true);
		/* the other steps' gaps start here */
		sm->last_incr_ns = sm->last_recheck_ns = sm->last_owners_ns = now_ns;
		found = lookup_all(sm, inodes, pids, n);
	}
	if (found < want && fresh_pass(sm)) {
		sm->stats.fresh_passes++;
		found = lookup_all(sm, inodes, pids, n);
	}
	for (size_t i = 0; found < want && i < sizeof later / sizeof later[0]; i++)
		if (run_step(sm, &later[i], now_ns, false))
			found = lookup_all(sm, inodes, pids, n);
	if (found > before) /* those found before are learnt again: the same */
		learn_owners(sm, legs, pids, n, now_ns);
	return found;
}

size_t sockmap_pids(struct sockmap *sm, const uint32_t *inodes, const struct flow_key *legs,
		    int32_t *pids, size_t n, uint64_t now_ns)
{
	sockmap_pids_indexed(sm, inodes, legs, pids, n, now_ns);
	return sockmap_pids_search(sm, inodes, legs, pids, n, now_ns);
}

int32_t sockmap_last_holder(const struct sockmap *sm, uint32_t inode)
{
	const struct inode_entry *ie = inode ? intvec_find(&sm->inodes, inode) : NULL;
	return ie ? ie->pid : 0;
}

int32_t sockmap_infer_owner(const struct sockmap *sm, const struct flow_key *leg, uint64_t now_ns)
{
	if (serves(sm, leg))
		return 0;
	int32_t pid = peers_sole_owner(&sm->peers, leg, now_ns);
	if (pid <= 0 || pid_gone(sm, pid))
		return 0;
	return pid;
}

void sockmap_get_stats(const struct sockmap *sm, struct sockmap_stats *st)
{
	*st = sm->stats;
	st->inodes = sm->inodes.n;
	st->index_bytes = intvec_bytes(&sm->inodes);
}
