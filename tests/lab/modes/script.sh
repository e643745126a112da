# shellcheck shell=sh
# Mode "script": run /out/lab-script.sh (written by the caller into run.sh's
# OUTDIR, which the guest sees as /out) with guestlib.sh loaded. Its exit code
# is the run's result. For host programs, call lab_host_chroot first and then
# `chroot /host /path/to/program` (the host's / is shared read-only).
[ -f /out/lab-script.sh ] || lab_die "no /out/lab-script.sh"
. /out/lab-script.sh
