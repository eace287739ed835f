/* replay.h - a recording as the model's source of samples.
 *
 * The reader's current sample is put into the model the way a live
 * refresh leaves it after reading the kernel: each task's counters, read
 * times and baseline (record.h), the machine's raw figures, the sources'
 * states. The model's own code then computes every rate and the history,
 * so table, tree, grid, drill-down and batch reports work unchanged. What
 * a live model reads on demand (open files, maps, connections) is not in
 * a recording: the model says so (model_is_replay). */
#ifndef PIDTOP_REPLAY_H
#define PIDTOP_REPLAY_H

#include "model.h"
#include "recfile.h"

struct replay;

/* Opens path; warnings (damaged regions, unknown fields) go to warn. -1
 * with the reason for a file that is not a recording (or of a newer major
 * version), or that holds no sample. */
int replay_open(struct replay **out, const char *path, rec_warn_fn *warn, void *warn_ctx,
		char *why, size_t whylen);
void replay_close(struct replay *rp);
struct recread *replay_reader(struct replay *rp);
/* Whether the recording was made with thread rows (-H). */
bool replay_threads(const struct replay *rp);

/* Puts the reader's current sample into m (called by model_refresh and
 * model_replay_seek). Returns 0, or -1 when the sample cannot be used. */
int replay_apply(struct replay *rp, struct model *m);

#endif
