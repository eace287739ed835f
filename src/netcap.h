/* netcap.h - per-process network traffic from a libpcap capture.
 *
 * A capture thread reads headers only (snaplen NETCAP_SNAPLEN, kernel BPF
 * filter for TCP/UDP and fragments, explicit NETCAP_BUFFER_BYTES buffer),
 * decodes them (pktdecode) and adds IP-layer bytes to per-flow counters in a
 * binary-keyed hash table (flowtable). When a flow it has not seen appears
 * it wakes a resolver thread (rate-limited) that drains the counters and
 * ties new flows to sockets and pids (sockmap) while they still exist, so a
 * connection that lives a fraction of a second is still attributed.
 *
 * The model calls netcap_refresh() once per refresh; every other getter
 * reads the snapshot that refresh published, so values are consistent
 * between two refreshes and the getters take no lock. All counters are
 * cumulative since netcap_open: the model computes rates from deltas.
 *
 * Attribution rules:
 *  - A packet leaving this host counts as tx of the socket whose local end
 *    is the packet's source; a packet arriving counts as rx of the socket
 *    whose local end is its destination.
 *  - Loopback: both ends are local, so one packet is tx of the sender and
 *    rx of the receiver (libpcap delivers each loopback packet once).
 *  - Without a link-layer direction (a device that cannot use Linux cooked
 *    headers) a packet counts for whichever end has a local address.
 *  - Connected sockets win over unconnected/wildcard-bound ones; UDP
 *    servers on 0.0.0.0:port or [::]:port get their traffic; a TCP
 *    listener takes packets of a connection not yet accept()ed.
 *  - A flow still unmatched NETCAP_GIVEUP_NS after it appeared is counted
 *    as unattributed TCP/UDP (and so is every later byte of it). So are
 *    non-first fragments whose first fragment was not seen, and IP packets
 *    whose ports lie beyond the snapshot; other IP protocols are "other".
 *  - Totals are per process (tgid); with threads shown, the model should
 *    put them on the thread-group leader's row, since sockets belong to the
 *    process's file table, not to one thread.
 */
#ifndef PIDTOP_NETCAP_H
#define PIDTOP_NETCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pktdecode.h"

#define NETCAP_SNAPLEN 128
/* The ring's pages are touched as it cycles, so its size is resident
 * memory: 1 MiB is the smallest that drops nothing from a loopback iperf3
 * at full speed, and holds ~35 ms of packets at those rates; a capture
 * thread held off the CPU longer loses packets, and capture_drops then
 * says how many. The measurements behind it are in bench/README.md. */
#define NETCAP_BUFFER_BYTES (1 << 20)
/* Longest a packet waits in the kernel buffer: the ring wakes the capture
 * thread when a block (a quarter of the buffer) fills or after this long.
 * Owners of short-lived sockets are named from faster sources (the SYN
 * watcher, tcpevents.h), so it bounds only how late the counters are; at
 * 800 Mbit/s on loopback the capture thread took 1.7-2.7 ms of CPU a
 * second with 10 ms, 0.7-1.5 with 50 (bench/README.md). */
#define NETCAP_TIMEOUT_MS 50
#define NETCAP_RESOLVE_MIN_NS (20 * 1000000ULL) /* at most 50 socket dumps a second */
/* more than EXACT_ROWS_MAX connections whose sockets were found but not
 * their owners yet: a dump at most this often for them (a gone
 * connection's listener stands in); fewer are asked for one by one */
#define NETCAP_REDUMP_NS (200 * 1000000ULL)
/* at most 500 resolver runs a second for new connections (each asks the
 * kernel for up to 8 of them one by one): 10,000 connections a second
 * would otherwise wake it 10,000 times */
#define NETCAP_QUICK_MIN_NS (2 * 1000000ULL)
#define NETCAP_GIVEUP_NS (1000 * 1000000ULL)

enum netcap_error {
	NETCAP_ERR_DEVICE = -2, /* no such capture device, or a bad filter: main exits 2 */
	NETCAP_ERR_PERM = -3,   /* no CAP_NET_RAW */
	NETCAP_ERR_OTHER = -4,  /* anything else (device down, out of memory...) */
};

struct netcap_counters {
	uint64_t tx_bytes, tx_pkts;
	uint64_t rx_bytes, rx_pkts;
};

struct netcap_unattributed {
	uint64_t tcp_bytes, tcp_pkts;
	uint64_t udp_bytes, udp_pkts;
	uint64_t other_bytes, other_pkts; /* other IP protocols, undecodable packets */
};

/* One local socket's conversation: key.saddr/sport is the local end,
 * key.daddr/dport the remote one (the remote end is the wildcard for
 * traffic an unconnected UDP socket exchanged with many peers: then there
 * is one entry per peer). */
struct netcap_conn {
	struct flow_key key;
	int32_t pid;    /* 0: not attributed */
	uint32_t uid;   /* socket owner from sock_diag; UINT32_MAX when unknown */
	uint32_t inode; /* socket inode; 0 when unknown */
	uint8_t state;  /* TCP_* / UDP state as in sockmap_state_name(); 0 when unknown */
	bool closed;    /* the socket is gone from the last socket dump */
	bool inferred;  /* pid was inferred (sockmap_infer_owner), not read from its fds */
	struct netcap_counters c;  /* since the capture first saw it */
	struct netcap_counters iv; /* between the last two refreshes */
	/* what of iv, or of bytes that waited for the owner, was booked to
	 * pid between the last two refreshes: its share of the process's
	 * interval (netcap_pid_interval_within) */
	struct netcap_counters booked;
	/* CLOCK_MONOTONIC ns when the capture first saw it (its first packet
	 * drained, its opening, or a new sender on its UDP port); 0 when
	 * unknown (a replayed table) */
	uint64_t first_ns;
};

struct netcap;

/* Starts capturing on dev ("any" when NULL). proc_root is where /proc/PID/fd
 * lives. Returns 0, or a netcap_error with a one-line reason in why. */
int netcap_open(const char *dev, const char *proc_root, struct netcap **out, char *why,
		size_t whylen);
/* The same on devs ("any", a device, or a comma list of devices) with the
 * user's pcap-filter(7) expression (NULL for none) added to the kernel
 * filter (capfilter.h). An unknown device or a filter that does not
 * compile returns NETCAP_ERR_DEVICE. netcap_state() then says "ok on
 * DEVS, filter \"EXPR\"" for what differs from the default. */
int netcap_open_filtered(const char *devs, const char *filter, const char *proc_root,
			 struct netcap **out, char *why, size_t whylen);
/* Stops both threads and frees everything. */
void netcap_close(struct netcap *nc);

/* Drains the capture counters, resolves new flows, credits processes and
 * publishes the snapshot the getters below read. Returns 0, or -1 when the
 * capture stopped (netcap_state() says why); the last totals stay valid. */
int netcap_refresh(struct netcap *nc);

/* Cumulative traffic of process pid; false (and zeros) when it has none. */
bool netcap_pid_totals(const struct netcap *nc, int32_t pid, struct netcap_counters *out);
/* The traffic of process pid between the last two refreshes; false (and
 * zeros) when it had none. */
bool netcap_pid_interval(const struct netcap *nc, int32_t pid, struct netcap_counters *out);
/* Narrows iv, pid's interval as netcap_pid_interval gave it, to the
 * process that held pid from from_ns until to_ns (CLOCK_MONOTONIC ns;
 * UINT64_MAX: still holds it). Traffic is kept by pid, so when the pid was
 * another process's within the interval (a connection with bytes in it
 * was first seen outside [from_ns, to_ns)), only the connections first
 * seen inside count: a process cannot carry a connection older than
 * itself, nor one opened after it ended. False when nothing is left. */
bool netcap_pid_interval_within(const struct netcap *nc, int32_t pid, uint64_t from_ns,
				uint64_t to_ns, struct netcap_counters *iv);

void netcap_unattributed(const struct netcap *nc, struct netcap_unattributed *out);

/* Packets the kernel dropped for lack of buffer space (pcap_stats
 * ps_drop), cumulative; and packets the decoder could not parse. */
uint64_t netcap_drops(const struct netcap *nc);
uint64_t netcap_malformed(const struct netcap *nc);
/* What finding owners has cost so far, cumulative: socket dumps (each a
 * walk of the kernel's socket tables), /proc/PID/fd directories read,
 * visits of a waiting connection by the resolver's batch (every 20 ms at
 * most, each waiting connection), searches of /proc for an owner the fd
 * index did not know (its fresh passes, walks, re-checks and re-reads),
 * and the sockets spared one because the kernel said no process held them
 * any more. */
struct netcap_lookup_costs {
	uint64_t dumps, fd_dirs, batch_rows, searches, closed_misses;
};
void netcap_lookup_costs(struct netcap *nc, struct netcap_lookup_costs *out);

/* "ok" (followed by the devices and filter, see netcap_open_filtered), or
 * why the source is not delivering. */
const char *netcap_state(const struct netcap *nc);

/* The connection table, sorted by pid (unattributed, pid 0, first). */
const struct netcap_conn *netcap_connections(const struct netcap *nc, size_t *n);
/* The connections of one process: a slice of the table above. */
const struct netcap_conn *netcap_pid_connections(const struct netcap *nc, int32_t pid, size_t *n);
/* The same slice of any table v[nv] sorted by pid (a replayed one). */
const struct netcap_conn *netcap_conns_of_pid(const struct netcap_conn *v, size_t nv,
					      int32_t pid, size_t *n);

/* A connection's rates over an interval of interval_s seconds (its iv
 * counters over the time): bytes and packets a second each way. */
struct netcap_rates {
	double tx_bps, rx_bps, tx_pps, rx_pps;
};
void netcap_conn_rates(const struct netcap_conn *c, double interval_s, struct netcap_rates *out);

#endif
