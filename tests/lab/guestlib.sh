# shellcheck shell=sh
# Helpers for the lab guest (busybox sh). Sourced by init and by every mode.
# Nothing here runs on the host.

lab_log() { read -r _up _ < /proc/uptime; echo "lab: [$_up] $*"; }
lab_die() { echo "lab: FATAL: $*"; exit 1; }
# lab_mounted DIR: is something mounted on DIR? (busybox has no mountpoint)
lab_mounted() { grep -q "^[^ ]* $1 " /proc/mounts; }

# lab_cmdline_arg KEY -> value of KEY=value on the kernel command line.
lab_cmdline_arg() {
  for w in $(cat /proc/cmdline); do
    case "$w" in "$1"=*) echo "${w#*=}"; return 0 ;; esac
  done
  return 1
}

# lab_insmod_list FILE: insmod the modules listed in FILE (paths under /lib/modules/VERSION), in
# order, skipping those already loaded (by udev, in a boot-claim run). A failure is logged, not fatal.
lab_insmod_list() {
  while read -r ko; do
    name=${ko##*/}; name=${name%.ko}
    [ -d "/sys/module/${name//-/_}" ] && continue
    insmod "/lib/modules/$(uname -r)/$ko" 2>/tmp/insmod.err ||
      lab_log "insmod ${ko##*/} failed: $(cat /tmp/insmod.err)"
  done < "$1"
}

# Mount the virtio-9p shares that run.sh attached, by their mount tag (once: a boot-claim run
# mounts them before udev starts, and init calls this again).
lab_mount_shares() {
  for d in /sys/bus/virtio/devices/*; do
    [ -f "$d/mount_tag" ] || continue
    tag=$(tr -d '\0' < "$d/mount_tag")
    case "$tag" in
      labout)   lab_mounted /out && continue
                mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none labout /out ;;
      hostroot) lab_mounted /host && continue
                mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro hostroot /host ;;
      *) continue ;;
    esac && lab_log "mounted 9p share $tag"
  done
}

# The virtio disk: ext4 on vda1 where a KVM host keeps its images, swap on vda2,
# so /proc/mounts and /proc/swaps reference a PCI device's block child.
lab_setup_disk() {
  [ -b /dev/vda1 ] || { lab_log "no /dev/vda1, skipping disk setup"; return 0; }
  mount -t ext4 /dev/vda1 /var/lib/libvirt/images || lab_log "mount vda1 failed"
  if [ -b /dev/vda2 ]; then
    mkswap /dev/vda2 >/dev/null && swapon /dev/vda2 || lab_log "swap on vda2 failed"
  fi
}

# Bring the NICs up (user-mode netdev, restricted: no traffic leaves qemu) so
# carrier/operstate/speed read like a host's links.
lab_links_up() {
  for n in /sys/class/net/*; do
    [ "${n##*/}" = lo ] || ip link set "${n##*/}" up
  done
}

# Wait (at most ~5 s) for the asynchronous probes: snd_hda_intel probes its
# controllers from a work item and registers the card (sound/cardN) only after
# the codecs answered. Builtins only: every fork costs milliseconds under TCG.
lab_settle() {
  read -r t0 _ < /proc/uptime; t0=${t0%.*}
  while :; do
    pending=""
    for d in /sys/bus/pci/drivers/snd_hda_intel/0000:*; do
      [ -e "$d" ] || continue
      set -- "$d"/sound/card*
      [ -e "$1" ] || pending="$pending ${d##*/}"
    done
    # A controller whose codecs never answered will not get a card: stop waiting for it.
    for a in $pending; do
      dmesg | grep -q "$a: no codecs initialized" && pending=$(echo $pending | sed "s/$a//")
    done
    [ -z "$(echo $pending)" ] && { lab_log "devices settled"; return 0; }
    read -r t _ < /proc/uptime
    [ "${t%.*}" -lt $((t0 + 5)) ] || { lab_log "settle: no sound card yet for$pending"; return 0; }
    usleep 100000
  done
}

# pci_driver ADDR -> bound driver name, or empty. `cd -P` is a shell builtin
# that resolves the link without forking readlink (forks are slow under TCG).
pci_driver() {
  ( cd -P "/sys/bus/pci/devices/$1/driver" 2>/dev/null && echo "${PWD##*/}" ) || true
}

# lab_drivers: "ADDR=DRIVER" for every PCI device, one per line.
lab_drivers() {
  ( for d in /sys/bus/pci/devices/*; do
      drv=; cd -P "$d/driver" 2>/dev/null && drv=${PWD##*/}
      echo "${d##*/}=$drv"
    done )
}

# pci_bind_vfio ADDR: the binder's sequence (driver_override, unbind, drivers_probe).
pci_bind_vfio() {
  d=/sys/bus/pci/devices/$1
  echo vfio-pci > "$d/driver_override"
  [ -e "$d/driver" ] && echo "$1" > "$d/driver/unbind"
  echo "$1" > /sys/bus/pci/drivers_probe
  drv=$(pci_driver "$1")
  lab_log "bind $1 -> ${drv:-none}"
  [ "$drv" = vfio-pci ]
}

# pci_restore ADDR: clear the override (a lone newline clears it), unbind,
# and let the kernel pick the device's own driver again.
pci_restore() {
  d=/sys/bus/pci/devices/$1
  echo > "$d/driver_override"
  [ -e "$d/driver" ] && echo "$1" > "$d/driver/unbind"
  echo "$1" > /sys/bus/pci/drivers_probe
  lab_log "restore $1 -> $(pci_driver "$1")"
}

# Log the IOMMU groups with each member's driver, and /dev/vfio.
lab_show_state() {
  ( for g in /sys/kernel/iommu_groups/*; do
      line="group ${g##*/}:"
      for m in "$g"/devices/*; do
        drv=-; cd -P "$m/driver" 2>/dev/null && drv=${PWD##*/}
        line="$line ${m##*/}=$drv"
      done
      lab_log "$line"
    done
    set -- /dev/vfio/*
    lab_log "dev/vfio: $*" )
}

# lab_snapshot NAME DESCRIPTION [RUN]: capture a fixture tree and hand it to the host
# as /out/snapshots/NAME.tar (capture.sh repacks it deterministically). RUN, if
# given, becomes a "run:" line in lab-info.txt (the nested run writes "nested",
# so capture.sh and the tests can tell its trees from capture.sh's own).
lab_snapshot() {
  lab_mounted /out || lab_die "no /out share for snapshot $1"
  rm -rf "/tmp/snap/$1"
  /lab/sysgrab.sh "/tmp/snap/$1" || lab_die "sysgrab $1 failed"
  printf 'snapshot: %s\nkernel: %s\ndescription: %s\n' "$1" "$(uname -r)" "$2" > "/tmp/snap/$1/lab-info.txt"
  [ -z "${3:-}" ] || echo "run: $3" >> "/tmp/snap/$1/lab-info.txt"
  mkdir -p /out/snapshots
  # tar into tmpfs first: busybox tar writes 512-byte records, each one a 9p round trip.
  tar -C "/tmp/snap/$1" -cf "/tmp/snap/$1.tar" . || lab_die "tar $1 failed"
  cp "/tmp/snap/$1.tar" /out/snapshots/ || lab_die "copy of $1.tar to /out failed"
  # For debugging only (not part of the fixture): cp's complaints and the kernel log.
  cp /tmp/sysgrab.err "/out/snapshots/$1.sysgrab.err"
  dmesg > "/out/snapshots/$1.dmesg"
  lab_log "snapshot $1 written"
  rm -rf "/tmp/snap/$1" "/tmp/snap/$1.tar"
}

# lab_host_chroot: make /host (the host's / over 9p, read-only) usable as a
# chroot for host programs: the guest's own proc/sys/dev and writable /tmp, /run.
# Afterwards: chroot /host /usr/bin/PROGRAM ...
lab_host_chroot() {
  lab_mounted /host || lab_die "no hostroot share"
  lab_mounted /host/proc && return 0
  mount -t proc proc /host/proc
  mount -t sysfs sysfs /host/sys
  mount -t devtmpfs devtmpfs /host/dev
  mount -t tmpfs tmpfs /host/tmp
  mount -t tmpfs tmpfs /host/run
}

# ------------------------------------------------------------ udev at boot
# A boot-claim run (run.sh LAB_UDEV=DIR: lab.udev=DIR lab.udevpkg=HOSTPATH) boots like a host with
# Passthru's claim files: the real systemd-udevd and udevadm of Debian's udev package (unpacked by
# build.sh on the host, never installed there) run in the guest's own root, from the host's share
# with the host's loader and libraries, so their kmod builtin finds this kernel's modules in
# /lib/modules and the claim rules' RUN programs the guest's /bin/sh and /sys.

# lab_host_run NAME PATH ARGS...: the host program PATH, over 9p, as argv[0] NAME.
lab_host_run() {
  _name=$1 _path=$2; shift 2
  /host/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path /host/lib/x86_64-linux-gnu:/host/usr/lib/x86_64-linux-gnu/systemd \
    --argv0 "$_name" "$_path" "$@"
}

# lab_pci_state FILE: "ADDR DRIVER DRIVER_OVERRIDE" for every PCI device ("-" for no driver).
lab_pci_state() {
  ( for d in /sys/bus/pci/devices/*; do
      drv=-; cd -P "$d/driver" 2>/dev/null && drv=${PWD##*/}
      read -r ov < "$d/driver_override"
      echo "${d##*/} $drv $ov"
    done ) > "$1"
}

# lab_udev_boot: what a host's boot does between the kernel and the first guest, in the order
# systemd runs it: modules-load.d (systemd-modules-load), udevd, `udevadm trigger` of the PCI
# devices' add events, `udevadm settle`. OUTDIR/DIR/etc/{udev/rules.d,modprobe.d,modules-load.d}
# (the boot-claim files, written by Passthru into a config root under /out) are bind-mounted over
# the guest's /etc; "none" for none. udevd logs to /tmp/udevd.log (every rule step with
# lab.udevdebug=1); the devices' state once udev settled goes to /tmp/udev-settled.state.
lab_udev_boot() {
  cfg=$(lab_cmdline_arg lab.udev)
  pkg=/host$(lab_cmdline_arg lab.udevpkg) || lab_die "no lab.udevpkg= on the kernel command line"
  [ -f "$pkg/bin/udevadm" ] || lab_die "no udev package at $pkg (tests/lab/build.sh unpacks it)"
  lab_mounted /out || lab_die "no /out share for lab.udev=$cfg"
  mkdir -p /lib/udev /etc/udev/rules.d /etc/modprobe.d /etc/modules-load.d
  # Where this udev build looks for its own rules (80-drivers.rules loads drivers by modalias).
  mount --bind "$pkg/lib/udev" /lib/udev || lab_die "bind $pkg/lib/udev"
  if [ "$cfg" != none ]; then
    [ -d "/out/$cfg" ] || lab_die "no /out/$cfg"
    for d in udev/rules.d modprobe.d modules-load.d; do
      if [ -d "/out/$cfg/etc/$d" ]; then
        mount --bind "/out/$cfg/etc/$d" "/etc/$d" || lab_die "bind /out/$cfg/etc/$d"
        lab_log "udev: /etc/$d from /out/$cfg: $(cd "/etc/$d" && echo *)"
      fi
    done
  fi
  lab_host_run systemd-modules-load /host/lib/systemd/systemd-modules-load > /tmp/modules-load.log 2>&1 ||
    lab_log "systemd-modules-load failed: $(cat /tmp/modules-load.log)"
  debug=; [ "$(lab_cmdline_arg lab.udevdebug)" = 1 ] && debug=--debug
  lab_host_run systemd-udevd "$pkg/bin/udevadm" $debug > /tmp/udevd.log 2>&1 &
  LAB_UDEVD_PID=$!
  # Its control socket, once it listens (a test builtin: each exec of udevadm over 9p costs ~0.3 s under load).
  read -r _t0 _ < /proc/uptime; _t0=${_t0%.*}
  until [ -S /run/udev/control ]; do
    kill -0 "$LAB_UDEVD_PID" 2>/dev/null || lab_die "systemd-udevd exited: $(cat /tmp/udevd.log)"
    read -r _t _ < /proc/uptime
    [ "${_t%.*}" -lt $((_t0 + 90)) ] || lab_die "systemd-udevd not listening after 90 s: $(cat /tmp/udevd.log)"
    usleep 100000
  done
  # Answered from udevd's event loop, so its netlink socket is bound and no add event is missed.
  lab_host_run udevadm "$pkg/bin/udevadm" control --ping --timeout=60 || lab_die "systemd-udevd did not answer: $(cat /tmp/udevd.log)"
  lab_log "udev: systemd-udevd $LAB_UDEVD_PID up"
  lab_host_run udevadm "$pkg/bin/udevadm" trigger --action=add --subsystem-match=pci || lab_log "udevadm trigger failed"
  lab_host_run udevadm "$pkg/bin/udevadm" settle --timeout=120 || lab_log "udevadm settle timed out"
  lab_pci_state /tmp/udev-settled.state
  lab_log "udev: settled"
}

# ------------------------------------------------------------ nested KVM
# L1 (this guest, TCG with -cpu max: svm, kvm_amd, /dev/kvm) runs the host's own
# qemu from /host (lab_host_chroot) to start an L2 guest with nested KVM. L2 boots
# the same lab kernel and initramfs with its own lab.mode=. These helpers are the
# pieces a mode needs whoever starts L2 (qemu directly, or later libvirtd):
#   lab_l2_stage          kernel + initramfs visible in the chroot, /run/l2/out for L2
#   lab_l2_qemu MODE DEV  start L2 with qemu, DEV passed through with vfio-pci
#   lab_l2_wait_file F S  wait for L2 to write /run/l2/out/F
#   lab_l2_stop S         ask L2 to finish (/run/l2/out/stop), wait for qemu
#   lab_irq_samples DIR N /proc/interrupts N times, 1 s apart, with /proc/uptime

# lab_l2_stage: the host directory with vmlinuz + initramfs.cpio.gz (lab.l2dir=
# on the kernel command line, a host path, e.g. /tmp/passthru-lab/out) appears in
# the chroot as /run/l2img; /run/l2/out (chroot path) is L2's writable /out share.
# Binds the directory before lab_host_chroot hides the host's /tmp under a tmpfs.
lab_l2_stage() {
  l2dir=$(lab_cmdline_arg lab.l2dir) || lab_die "no lab.l2dir= on the kernel command line"
  [ -f "/host$l2dir/vmlinuz" ] && [ -f "/host$l2dir/initramfs.cpio.gz" ] ||
    lab_die "no vmlinuz/initramfs.cpio.gz in host dir $l2dir"
  mkdir -p /mnt/l2img
  lab_mounted /mnt/l2img || mount -o bind "/host$l2dir" /mnt/l2img || lab_die "bind $l2dir"
  lab_host_chroot
  mkdir -p /host/run/l2img /host/run/l2/out
  lab_mounted /host/run/l2img || mount -o bind /mnt/l2img /host/run/l2img || lab_die "bind /run/l2img"
  [ -e /dev/kvm ] || lab_die "no /dev/kvm in L1 (kvm_amd not loaded?)"
  lab_log "l2: staged $l2dir as /run/l2img in the chroot"
}

# lab_l2_qemu MODE ADDR: start L2 in the background (sets L2_PID) with the host's
# qemu, nested KVM, ADDR passed through with vfio-pci (bind it first), the lab
# kernel with lab.mode=MODE, console in /host/run/l2/console.log and L2's /out
# on /host/run/l2/out. -cpu host without arch-capabilities: see lab.md.
lab_l2_qemu() {
  rm -rf /host/run/l2/out/* /host/run/l2/console.log /host/run/l2/qemu.log
  set -- -accel kvm -cpu host,-arch-capabilities -machine q35 -smp 1 -m "${L2_MEM:-512}" \
    -nodefaults -no-user-config -display none -monitor none -no-reboot \
    -serial file:/run/l2/console.log \
    -kernel /run/l2img/vmlinuz -initrd /run/l2img/initramfs.cpio.gz \
    -append "console=ttyS0 panic=-1 loglevel=4 lab.mode=$1" \
    -device "vfio-pci,host=$2,bus=pcie.0,addr=0x1b" \
    -fsdev local,id=fsout,path=/run/l2/out,security_model=none \
    -device virtio-9p-pci,fsdev=fsout,mount_tag=labout,bus=pcie.0,addr=0x6
  echo "qemu-system-x86_64 $*" > /host/run/l2/qemu-cmdline.txt
  chroot /host qemu-system-x86_64 "$@" </dev/null >/host/run/l2/qemu.log 2>&1 &
  L2_PID=$!
  lab_log "l2: qemu started, pid $L2_PID"
}

# lab_l2_running: is the L2 qemu still there?
lab_l2_running() { [ -n "${L2_PID:-}" ] && kill -0 "$L2_PID" 2>/dev/null; }

# lab_l2_wait_file NAME SECONDS: wait until L2 wrote /out/NAME (0) or qemu ended
# or the time ran out (1).
lab_l2_wait_file() {
  read -r _t0 _ < /proc/uptime; _t0=${_t0%.*}
  while [ ! -e "/host/run/l2/out/$1" ]; do
    lab_l2_running || { lab_log "l2: qemu exited before writing $1"; return 1; }
    read -r _t _ < /proc/uptime
    [ "${_t%.*}" -lt $((_t0 + $2)) ] || { lab_log "l2: no $1 after $2 s"; return 1; }
    usleep 200000
  done
}

# lab_l2_stop SECONDS: tell L2 to finish (it polls /out/stop), wait for its qemu
# to exit; kill it after SECONDS. Returns 1 if it had to be killed.
lab_l2_stop() {
  : > /host/run/l2/out/stop
  read -r _t0 _ < /proc/uptime; _t0=${_t0%.*}
  while lab_l2_running; do
    read -r _t _ < /proc/uptime
    if [ "${_t%.*}" -ge $((_t0 + $1)) ]; then
      lab_log "l2: qemu $L2_PID still running after $1 s, killing it"
      kill "$L2_PID"; sleep 1; kill -9 "$L2_PID" 2>/dev/null
      wait "$L2_PID" 2>/dev/null
      return 1
    fi
    usleep 200000
  done
  wait "$L2_PID" 2>/dev/null
  lab_log "l2: qemu exited"
}

# lab_irq_samples DIR N: DIR/interrupts.I and DIR/uptime.I (the /proc/uptime line
# read just before) for I = 0..N-1, started 1.00 s apart on the uptime clock.
# Uptime in hundredths: "12.05" -> 12 * 100 + 105 - 100 (the 1 keeps "05" decimal).
lab_irq_samples() {
  mkdir -p "$1"
  read -r _up _ < /proc/uptime; _start=$(( ${_up%.*} * 100 + 1${_up#*.} - 100 ))
  _i=0
  while [ "$_i" -lt "$2" ]; do
    _due=$((_start + _i * 100))
    while :; do
      read -r _up _idle < /proc/uptime
      [ $(( ${_up%.*} * 100 + 1${_up#*.} - 100 )) -lt "$_due" ] || break
      usleep 10000
    done
    echo "$_up $_idle" > "$1/uptime.$_i"
    cat /proc/interrupts > "$1/interrupts.$_i"
    _i=$((_i + 1))
  done
  lab_log "irq samples: $2 in $1"
}
