/* odirect_writer - writes to a file with O_DIRECT at a paced, known rate,
 * for pidtop's integration tests.
 *
 * O_DIRECT bypasses the page cache, so every byte written is submitted to
 * the block layer at once and shows in /proc/PID/io write_bytes when it is
 * written, not later when writeback happens to flush it. Blocks are written
 * on an absolute schedule (rate / block size per second); the truth log
 * records the bytes actually written with wall-clock times. The file is
 * rewritten in a loop over --file-mib so the disk use stays bounded, and it
 * is removed at exit.
 *
 * Exit status 77 means the file system refuses O_DIRECT (tmpfs does).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wl_common.h"

static const char prog[] = "odirect_writer";

static void usage(FILE *f)
{
	fprintf(f, "Usage: odirect_writer --file PATH [--rate-kib KIB] [--block-kib KIB]\n"
		   "                      [--file-mib MIB] [--seconds S] [--log FILE] [--ready FILE]\n"
		   "Writes PATH with O_DIRECT at KIB KiB/s (default 8192) in blocks of\n"
		   "--block-kib (default 256), cycling over --file-mib (default 16), for S\n"
		   "seconds (default 10), then removes PATH and exits.\n"
		   "--log writes lines 't bytes_written' (wall-clock seconds since the epoch).\n"
		   "Exit status 77: the file system does not support O_DIRECT.\n");
}

int main(int argc, char **argv)
{
	double rate_kib = 8192, block_kib = 256, file_mib = 16;
	const char *path = NULL;
	struct wl_run run = { .seconds = 10 };
	FILE *log = NULL;
	void *buf;
	size_t block;
	off_t file_len, off = 0;
	uint64_t written = 0;
	double start, next, step, last_log = 0;
	int fd, i, status = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		wl_check_option(argc, argv, i, usage);
		if (wl_run_option(prog, argv, &i, WL_OPT_READY, &run))
			continue;
		if (strcmp(a, "--file") == 0)
			path = argv[++i];
		else if (strcmp(a, "--rate-kib") == 0)
			rate_kib = wl_parse_number(prog, a, argv[++i], 4, 1024 * 1024);
		else if (strcmp(a, "--block-kib") == 0)
			block_kib = wl_parse_number(prog, a, argv[++i], 4, 65536);
		else if (strcmp(a, "--file-mib") == 0)
			file_mib = wl_parse_number(prog, a, argv[++i], 1, 4096);
		else
			wl_bad_option(usage);
	}
	if (!path) {
		usage(stderr);
		return 2;
	}

	wl_lifetime_guard(run.seconds);

	/* O_DIRECT needs the buffer, offset and length aligned to the logical
	 * block size; 4 KiB multiples satisfy every common device. */
	block = (size_t)block_kib / 4 * 4 * 1024;
	file_len = (off_t)file_mib * 1024 * 1024 / (off_t)block * (off_t)block;
	if (file_len < (off_t)block)
		file_len = (off_t)block;
	if (posix_memalign(&buf, 4096, block) != 0) {
		fprintf(stderr, "odirect_writer: out of memory\n");
		return 1;
	}
	memset(buf, 0x5a, block);

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "odirect_writer: open %s with O_DIRECT: %s\n", path,
			strerror(errno));
		return errno == EINVAL ? 77 : 1;
	}
	if (wl_open_log(run.log_path, &log) != 0) {
		unlink(path);
		return 1;
	}
	if (log) {
		fprintf(log, "# pid %d\n# t bytes_written\n", (int)getpid());
		fprintf(log, "%.6f 0\n", wl_clock_seconds(CLOCK_REALTIME));
		fflush(log);
	}
	wl_signal_ready(run.ready_path);

	step = (double)block / (rate_kib * 1024.0);
	start = wl_clock_seconds(CLOCK_MONOTONIC);
	next = start;
	while (next < start + run.seconds) {
		ssize_t n = pwrite(fd, buf, block, off);

		if (n < 0) {
			fprintf(stderr, "odirect_writer: write: %s\n", strerror(errno));
			status = errno == EINVAL ? 77 : 1;
			break;
		}
		written += (uint64_t)n;
		off += n;
		if (off >= file_len)
			off = 0;
		if (log && wl_clock_seconds(CLOCK_MONOTONIC) - last_log >= 0.05) {
			last_log = wl_clock_seconds(CLOCK_MONOTONIC);
			fprintf(log, "%.6f %llu\n", wl_clock_seconds(CLOCK_REALTIME),
				(unsigned long long)written);
			fflush(log);
		}
		next += step;
		wl_sleep_until_mono(next);
	}
	if (log) {
		fprintf(log, "%.6f %llu\n", wl_clock_seconds(CLOCK_REALTIME),
			(unsigned long long)written);
		fclose(log);
	}
	close(fd);
	unlink(path);
	free(buf);
	return status;
}
