#!/bin/bash
# A writer using O_DIRECT at 8 MiB/s in 256 KiB blocks: write_bps must be
# within 20% of the bytes it really wrote over each report's window.
. "$(dirname "$0")/integ_common.sh"

fstype=$(stat -f -c %T "$SCRATCH" 2>/dev/null || echo unknown)
case $fstype in
tmpfs | ramfs) integ_skip "the build directory is on $fstype, where writes never reach a block device" ;;
esac

# A short probe first: the writer exits 77 when the file system refuses O_DIRECT.
probe=0
"$WORKLOAD_DIR/odirect_writer" --file "$SCRATCH/probe.dat" --seconds 0.1 || probe=$?
[ "$probe" -eq 77 ] && integ_skip "the file system of $SCRATCH ($fstype) refuses O_DIRECT"
[ "$probe" -eq 0 ] || integ_hard_error "odirect_writer failed (status $probe)"

integ_start WRITER odirect_writer --file "$SCRATCH/odirect.dat" --rate-kib 8192 \
	--block-kib 256 --file-mib 16 --seconds 30 \
	--log "$SCRATCH/writer.log" --ready "$SCRATCH/writer.ready"
integ_wait_file "$SCRATCH/writer.ready" 5

integ_calibrate
integ_pidtop "$SCRATCH/io.json" -d 2 -n 3 -p "$WRITER"
integ_check io --count 3 --tol 20 "$SCRATCH/io.json" "$SCRATCH/writer.log"
