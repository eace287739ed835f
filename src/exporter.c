/* exporter.c - the HTTP side of --listen, and the sampling loop */
#include "exporter.h"
#include "clock.h"
#include "exproute.h"
#include "buf.h"
#include "groupacc.h"
#include "metrics.h"
#include "mhdlib.h"
#include "model.h"
#include "webconfig.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Hostile clients: connections beyond this are refused at accept, an idle
 * or stalled connection is closed after the timeout, and a request whose
 * line and headers do not fit the per-connection memory is answered 431
 * or closed (libmicrohttpd). 200 idle clients still leave room. */
#define MAX_CONNECTIONS 1000u
/* over a minute: a scraper's kept-alive connection survives between scrapes
 * (Prometheus scrapes every 15 s to 1 min); a new connection costs the
 * capture a look-up of its owner */
#define CONNECTION_TIMEOUT_S 75u
#define CONNECTION_MEMORY (16u * 1024u)

#define GROUP_IDLE_S 600.0

#define CT_TEXT "text/plain; version=0.0.4; charset=utf-8"
#define CT_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

/* libmicrohttpd, loaded by exporter_run before anything calls it */
static const struct mhd_lib *mhd;

static const char index_page[] =
	"<!DOCTYPE html>\n<html><head><title>pidtop exporter</title></head>\n"
	"<body><h1>pidtop exporter</h1>\n"
	"<p>Per-process-group CPU, disk, delay and network counters for Prometheus.</p>\n"
	"<p><a href=\"/metrics\">Metrics</a></p>\n</body></html>\n";

struct server {
	struct MHD_Daemon *daemon;
	struct webconfig *web;
	pthread_mutex_t lock;
	/* the latest sample, formatted; replaced whole by the sampler */
	struct MHD_Response *text, *openmetrics;
	struct MHD_Response *index, *not_found, *not_allowed, *unauthorized;
};

int exporter_parse_listen(const char *s, struct sockaddr_storage *addr, socklen_t *len,
			  char *err, size_t errlen)
{
	memset(addr, 0, sizeof *addr);
	char host[64] = "127.0.0.1";
	const char *port = s;
	const char *colon = strrchr(s, ':');
	bool v6 = false;
	if (colon) {
		const char *h = s;
		size_t hl = (size_t)(colon - s);
		if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
			h++;
			hl -= 2;
			v6 = true;
		}
		if (hl == 0 || hl >= sizeof host) {
			snprintf(err, errlen, "invalid listen address '%s': expected [ADDR:]PORT", s);
			return -1;
		}
		memcpy(host, h, hl);
		host[hl] = '\0';
		port = colon + 1;
	}
	char *end;
	errno = 0;
	long p = strtol(port, &end, 10);
	if (end == port || *end || errno || p < 1 || p > 65535 || port[0] == '+' || port[0] == '-') {
		snprintf(err, errlen, "invalid port in '%s': expected 1 to 65535", s);
		return -1;
	}
	if (v6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)p);
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) {
			snprintf(err, errlen, "invalid IPv6 address '%s' in '%s'", host, s);
			return -1;
		}
		*len = sizeof *a6;
		return 0;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)p);
	if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) {
		snprintf(err, errlen,
			 "invalid IPv4 address '%s' in '%s' (IPv6 goes in brackets: [::]:PORT)", host,
			 s);
		return -1;
	}
	*len = sizeof *a4;
	return 0;
}

/* ---- responses ---- */

static struct MHD_Response *fixed_response(const char *body, const char *type)
{
	struct MHD_Response *r = mhd->create_response_from_buffer(strlen(body), (void *)body,
								 MHD_RESPMEM_PERSISTENT);
	if (r)
		mhd->add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return r;
}

/* Takes the formatted text over: the response frees it when the last
 * connection sending it is done. */
static struct MHD_Response *metrics_response(struct buf *b, const char *type)
{
	struct MHD_Response *r = mhd->create_response_from_buffer_with_free_callback(
		b->len, b->data, free);
	if (!r)
		return NULL;
	memset(b, 0, sizeof *b);
	mhd->add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	return r;
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned code, struct MHD_Response *r)
{
	return r ? mhd->queue_response(c, code, r) : MHD_NO;
}

static bool authorised(struct server *s, struct MHD_Connection *c)
{
	if (!s->web || !s->web->nusers)
		return true;
	char *pass = NULL;
	char *user = mhd->basic_auth_get_username_password(c, &pass);
	bool ok = user && pass && webconfig_check(s->web, user, pass);
	if (user)
		mhd->free(user);
	if (pass)
		mhd->free(pass);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)version, (void)upload_data;
	struct server *s = cls;
	bool readonly = exproute_readonly(method);
	/* A GET is answered on the second call, once the request is whole:
	 * answered earlier, libmicrohttpd closes the connection after it, and
	 * a scraper's kept-alive connection would be a new one every scrape.
	 * Anything else is answered at once (and closed). */
	static int seen;
	if (readonly && *con_cls == NULL) {
		*con_cls = &seen;
		return MHD_YES;
	}
	if (readonly && *upload_data_size) {
		*upload_data_size = 0; /* a body on a GET: ignored */
		return MHD_YES;
	}
	if (!authorised(s, c))
		return s->unauthorized
			       ? mhd->queue_basic_auth_fail_response(c, "pidtop", s->unauthorized)
			       : MHD_NO;
	const char *accept = mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
	enum exproute route = exproute_of(method, url, accept);
	if (route == EXPROUTE_NOT_FOUND)
		return queue(c, MHD_HTTP_NOT_FOUND, s->not_found);
	if (route == EXPROUTE_NOT_ALLOWED)
		return queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, s->not_allowed);
	if (route == EXPROUTE_INDEX)
		return queue(c, MHD_HTTP_OK, s->index);
	pthread_mutex_lock(&s->lock);
	enum MHD_Result rc = queue(c, MHD_HTTP_OK, route == EXPROUTE_OPENMETRICS ? s->openmetrics : s->text);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* MAX_CONNECTIONS, or fewer when the file descriptor limit is lower: the
 * model keeps its own files and sockets open beside them */
static unsigned connection_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= MAX_CONNECTIONS + 64)
		return MAX_CONNECTIONS;
	return rl.rlim_cur > 64 + 16 ? (unsigned)rl.rlim_cur - 64 : 16;
}

static int start_daemon(struct server *s, const struct exporter_config *cfg, char *why,
			size_t whylen)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	if (cfg->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	bool tls = cfg->web && cfg->web->cert_pem;
	if (tls) {
		if (mhd->is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(why, whylen, "this libmicrohttpd has no TLS");
			return -1;
		}
		flags |= MHD_USE_TLS;
	}
	s->daemon = mhd->start_daemon(
		flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &cfg->addr,
		MHD_OPTION_CONNECTION_LIMIT, connection_limit(), MHD_OPTION_CONNECTION_TIMEOUT,
		CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)CONNECTION_MEMORY, MHD_OPTION_HTTPS_MEM_CERT,
		tls ? cfg->web->cert_pem : NULL, MHD_OPTION_HTTPS_MEM_KEY,
		tls ? cfg->web->key_pem : NULL, MHD_OPTION_END);
	if (!s->daemon) {
		/* libmicrohttpd says nothing more: the likely causes */
		snprintf(why, whylen,
			 tls ? "cannot listen with TLS: address in use, not ours, or a bad certificate or key"
			     : "cannot listen: address in use, not ours, or not on this machine");
		return EXPORTER_ERR_USAGE;
	}
	return 0;
}

/* ---- the sampling loop ---- */

/* Samples once and swaps the formatted results in. */
static int sample(struct server *s, struct model *m, struct groupacc *a, char *why,
		  size_t whylen)
{
	double t0 = clock_mono_s();
	int rc = model_refresh(m);
	if (rc == MODEL_ERR_RECORD) {
		snprintf(why, whylen, "cannot record: %s", model_record_why(m));
		return -1;
	}
	if (rc < 0) {
		snprintf(why, whylen, "cannot read the proc root '%s'", model_cfg(m)->proc_root);
		return -1;
	}
	(void)groupacc_update(a, m); /* out of memory: this sample is short, never wrong */
	double took = clock_mono_s() - t0;
	struct buf text = {0}, om = {0};
	metrics_format(&text, false, a, m, took);
	metrics_format(&om, true, a, m, took);
	struct MHD_Response *rt = text.failed ? NULL : metrics_response(&text, CT_TEXT);
	struct MHD_Response *ro = om.failed ? NULL : metrics_response(&om, CT_OPENMETRICS);
	buf_free(&text);
	buf_free(&om);
	if (!rt || !ro) {
		if (rt)
			mhd->destroy_response(rt);
		if (ro)
			mhd->destroy_response(ro);
		return 0; /* out of memory: the previous sample stays served */
	}
	pthread_mutex_lock(&s->lock);
	struct MHD_Response *old_t = s->text, *old_o = s->openmetrics;
	s->text = rt;
	s->openmetrics = ro;
	pthread_mutex_unlock(&s->lock);
	/* connections still sending them hold their own references */
	if (old_t)
		mhd->destroy_response(old_t);
	if (old_o)
		mhd->destroy_response(old_o);
	return 0;
}

static void add_seconds(struct timespec *ts, double sec)
{
	time_t whole = (time_t)sec;
	ts->tv_sec += whole;
	ts->tv_nsec += (long)((sec - (double)whole) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static bool wait_until(const struct timespec *deadline, volatile sig_atomic_t *stop)
{
	while (!*stop) {
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL);
		if (rc == 0)
			return !*stop;
		if (rc != EINTR)
			return false;
	}
	return false;
}

static void server_free(struct server *s)
{
	if (s->daemon)
		mhd->stop_daemon(s->daemon);
	struct MHD_Response *all[] = {s->text, s->openmetrics, s->index, s->not_found,
				      s->not_allowed, s->unauthorized};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (all[i])
			mhd->destroy_response(all[i]);
	pthread_mutex_destroy(&s->lock);
}

int exporter_run(struct model *m, const struct exporter_config *cfg, char *why, size_t whylen)
{
	mhd = mhd_lib(why, whylen);
	if (!mhd)
		return -1;
	struct server s = {0};
	pthread_mutex_init(&s.lock, NULL);
	s.web = cfg->web;
	s.index = fixed_response(index_page, "text/html; charset=utf-8");
	s.not_found = fixed_response("not found: the metrics are at /metrics\n", "text/plain");
	s.not_allowed = fixed_response("method not allowed: GET or HEAD\n", "text/plain");
	s.unauthorized = fixed_response("unauthorized\n", "text/plain");
	if (s.not_allowed)
		mhd->add_response_header(s.not_allowed, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	struct groupacc acc;
	groupacc_init(&acc, &cfg->grouping, cfg->top_k);
	/* a group without a living process that has not grown for ten minutes
	 * is forgotten (groupacc.h) */
	double idle = GROUP_IDLE_S / cfg->interval_s;
	acc.idle_samples = idle < 64 ? 64 : idle > 1e9 ? 1000000000u : (uint32_t)idle;
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	int rc = 0;
	if (!s.index || !s.not_found || !s.not_allowed || !s.unauthorized) {
		snprintf(why, whylen, "out of memory");
		rc = -1;
	}
	/* the first sample before the first client: /metrics is never empty */
	if (rc == 0)
		rc = sample(&s, m, &acc, why, whylen);
	if (rc == 0)
		rc = start_daemon(&s, cfg, why, whylen);
	for (long n = 1; rc == 0 && (cfg->count == 0 || n < cfg->count); n++) {
		add_seconds(&deadline, cfg->interval_s);
		if (!wait_until(&deadline, cfg->stop))
			break;
		rc = sample(&s, m, &acc, why, whylen);
	}
	server_free(&s);
	groupacc_free(&acc);
	return rc;
}
