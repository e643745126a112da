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

# Mount the virtio-9p shares that run.sh attached, by their mount tag.
lab_mount_shares() {
  for d in /sys/bus/virtio/devices/*; do
    [ -f "$d/mount_tag" ] || continue
    tag=$(tr -d '\0' < "$d/mount_tag")
    case "$tag" in
      labout)   mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none labout /out ;;
      hostroot) mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro hostroot /host ;;
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

# lab_snapshot NAME DESCRIPTION: capture a fixture tree and hand it to the host
# as /out/snapshots/NAME.tar (capture.sh repacks it deterministically).
lab_snapshot() {
  lab_mounted /out || lab_die "no /out share for snapshot $1"
  rm -rf "/tmp/snap/$1"
  /lab/sysgrab.sh "/tmp/snap/$1" || lab_die "sysgrab $1 failed"
  printf 'snapshot: %s\nkernel: %s\ndescription: %s\n' "$1" "$(uname -r)" "$2" > "/tmp/snap/$1/lab-info.txt"
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
