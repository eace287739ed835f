/* conntab.c - the capture's connections of a process as the drill-down's
 * Network tab shows them, live or as recorded. */
#include "conntab.h"
#include "format.h"
#include "netcap.h"
#include "sockmap.h"
#include "text.h"

#include <netinet/in.h>
#include <stdio.h>

size_t conntab_text(struct ui *ui, int32_t pid, struct buf *b)
{
	struct model *m = ui->m;
	size_t n = 0;
	const struct netcap_conn *cs = model_connections(m, pid, &n);
	buf_printf(b, "%-5s %-28s %-28s %-12s %9s %9s %7s %7s %9s %9s\n", "PROTO", "LOCAL",
		   "REMOTE", "STATE", "TX/s", "RX/s", "TXPK/s", "RXPK/s", "TX", "RX");
	for (size_t i = 0; i < n; i++) {
		const struct netcap_conn *c = &cs[i];
		char l[64], r[64], tx[16] = "-", rx[16] = "-", txp[16] = "-", rxp[16] = "-";
		char txt[16], rxt[16];
		text_endpoint(l, sizeof l, c->key.family, c->key.saddr, c->key.sport);
		text_endpoint(r, sizeof r, c->key.family, c->key.daddr, c->key.dport);
		struct netcap_rates rt;
		if (model_conn_rates(m, c, &rt)) {
			format_bytes(rt.tx_bps, tx, sizeof tx);
			format_bytes(rt.rx_bps, rx, sizeof rx);
			snprintf(txp, sizeof txp, "%.0f", rt.tx_pps);
			snprintf(rxp, sizeof rxp, "%.0f", rt.rx_pps);
		}
		format_bytes((double)c->c.tx_bytes, txt, sizeof txt);
		format_bytes((double)c->c.rx_bytes, rxt, sizeof rxt);
		buf_printf(b, "%-5s %-28s %-28s %-12s %9s %9s %7s %7s %9s %9s\n",
			   c->key.proto == IPPROTO_TCP ? "tcp" : c->key.proto == IPPROTO_UDP ? "udp" : "ip",
			   l, r, c->closed ? "CLOSED" : sockmap_state_name(c->key.proto, c->state), tx,
			   rx, txp, rxp, txt, rxt);
	}
	return n;
}
