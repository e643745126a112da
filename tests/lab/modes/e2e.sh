# shellcheck shell=sh
# Mode "e2e": this guest is L1 of the end-to-end browser test (tests/Passthru.Browser.Tests/EndToEnd).
# From the host's root, shared over 9p, it runs the host's own libvirtd and the published Passthru
# (logins on, HTTPS on all addresses), defines a tiny L2 guest (the lab's kernel, no disk), and then
# serves the test on the host until it is done:
#   /out/e2e.env            written by the test: APP (the published binary), PORT, PAM_SERVICE
#   /out/tls.crt, tls.key   written by the test: Passthru's certificate
#   /out/ready              written here once Passthru listens (its log: /out/passthru.log)
#   /out/requests/N.cmd     a backend check asked by the test (see e2e_answer); answered in N.out,
#                           then N.rc (the exit code), each renamed into place whole
#   /out/done               written by the test: stop everything, power off
# The test reaches Passthru through qemu's hostfwd on the NIC at 05:00.0 (10.0.2.15 here), which
# is alone in its IOMMU group: the dashboard's rule about its own connection never meets group 12.
#
# libvirtd runs in a plain chroot with `namespaces = [ ]` in its qemu.conf: a private /dev for qemu
# would be built by setns() into a mount namespace whose root is this initramfs (no /dev/kvm for
# qemu there, /work/shared/lab.md). It needs writable /etc/libvirt, /var/lib, /var/log, /var/cache.
set -e

L2_CONSOLE=/var/log/libvirt/qemu/l2-serial.log   # chroot path
VIRSH="chroot /host /usr/bin/virsh -c qemu:///system"
app=""

# e2e_teardown: however the mode ends (done, or a failure on the way): stop Passthru and L2, keep
# the logs in /out/l1, stop the daemons. Each part only if it got that far.
e2e_teardown() {
  set +e
  [ -z "$app" ] || { kill "$app" 2>/dev/null; wait "$app" 2>/dev/null; }
  [ ! -S /host/run/libvirt/libvirt-sock ] || $VIRSH destroy l2 >/dev/null 2>&1
  lab_show_state
  cp /host/var/log/libvirt/libvirtd.log /host/var/log/libvirt/qemu/* /out/l1/ 2>/dev/null
  dmesg > /out/l1/dmesg.txt
  for p in /host/run/libvirtd.pid /host/run/virtlogd.pid; do
    [ ! -f "$p" ] || kill "$(cat "$p")" 2>/dev/null
  done
  return 0
}
trap e2e_teardown EXIT

[ -f /out/e2e.env ] || lab_die "no /out/e2e.env: the test writes it before the boot"
. /out/e2e.env
[ -n "$APP" ] && [ -n "$PORT" ] && [ -n "$PAM_SERVICE" ] || lab_die "e2e.env must set APP, PORT and PAM_SERVICE"
ls -d /sys/class/iommu/dmar* >/dev/null 2>&1 || lab_die "the e2e run expects the emulated VT-d (LAB_IOMMU=intel)"
mkdir -p /out/requests /out/l1

# --------------------------------------------------------------- network
# qemu's user network forwards the test's port to 10.0.2.15 on this NIC; no route beyond its /24.
nic=""
for n in /sys/bus/pci/devices/0000:05:00.0/net/*; do [ -e "$n" ] && nic=${n##*/}; done
[ -n "$nic" ] || lab_die "no network interface on 0000:05:00.0"
ip addr add 10.0.2.15/24 dev "$nic"
lab_log "e2e: $nic (0000:05:00.0) has 10.0.2.15/24"

# ----------------------------------------------------- the chroot for libvirt
lab_l2_stage
cp -a /host/etc/libvirt /tmp/etc-libvirt
mount -t tmpfs -o mode=0755 tmpfs /host/etc/libvirt
cp -a /tmp/etc-libvirt/. /host/etc/libvirt/
rm -f /host/etc/libvirt/qemu/networks/autostart/*   # no default network: nothing here needs dnsmasq
echo 'namespaces = [ ]' >> /host/etc/libvirt/qemu.conf
echo 'log_outputs = "3:file:/var/log/libvirt/libvirtd.log"' >> /host/etc/libvirt/libvirtd.conf
for d in /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
  mount -t tmpfs -o mode=0755 tmpfs "/host$d"
done
mkdir -p /host/var/log/libvirt/qemu /host/var/lib/libvirt/boot /host/run/lab-out
cp /mnt/l2img/vmlinuz /mnt/l2img/initramfs.cpio.gz /host/var/lib/libvirt/boot/
mount -o bind /out /host/run/lab-out
chroot /host /bin/chgrp kvm /dev/kvm
chmod 0660 /host/dev/kvm

lab_log "e2e: starting virtlogd and libvirtd"
chroot /host /usr/sbin/virtlogd -d
chroot /host /usr/sbin/libvirtd -d
i=0
until [ -S /host/run/libvirt/libvirt-sock ]; do
  i=$((i + 1)); [ "$i" -lt 300 ] || lab_die "libvirtd did not open its socket in 60 s"
  usleep 200000
done
lab_log "e2e: libvirtd is up"

# -------------------------------------------------------------- Passthru
# Started before L2 is defined: its start (mostly reading the app over 9p) and libvirt's first
# call (a qemu capability probe, mostly CPU) overlap.
lab_log "e2e: starting $APP on port $PORT"
chroot /host "$APP" --Passthru:Database /tmp/passthru-e2e.db \
  --Passthru:Auth:Enabled true --Passthru:Auth:PamService "$PAM_SERVICE" \
  --AllowedHosts "127.0.0.1;localhost" \
  --Kestrel:Endpoints:Https:Url "https://0.0.0.0:$PORT" \
  --Kestrel:Endpoints:Https:Certificate:Path /run/lab-out/tls.crt \
  --Kestrel:Endpoints:Https:Certificate:KeyPath /run/lab-out/tls.key \
  </dev/null > /out/passthru.log 2>&1 &
app=$!

# ------------------------------------------------------------------- L2
# The lab's own kernel and initramfs in mode l2: snd_hda_intel on the passed card, codec reads
# that keep it interrupting, and a poweroff when the ACPI power button is pressed.
cat > /host/var/lib/libvirt/boot/l2.xml <<EOF
<domain type='kvm'>
  <name>l2</name>
  <memory unit='MiB'>384</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>/var/lib/libvirt/boot/vmlinuz</kernel>
    <initrd>/var/lib/libvirt/boot/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 loglevel=4 lab.mode=l2 lab.l2secs=1200</cmdline>
  </os>
  <features><acpi/></features>
  <cpu mode='host-passthrough'><feature policy='disable' name='arch-capabilities'/></cpu>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='file'><source path='$L2_CONSOLE'/><target port='0'/></serial>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
$VIRSH define /var/lib/libvirt/boot/l2.xml
lab_log "e2e: L2 defined"

# Passthru's start, continued: listening means ready for the test.
i=0
until grep -qs "Now listening on" /out/passthru.log; do
  kill -0 "$app" 2>/dev/null || lab_die "Passthru exited: $(tail -n 20 /out/passthru.log)"
  i=$((i + 1)); [ "$i" -lt 600 ] || lab_die "Passthru did not listen within 300 s"
  usleep 500000
done
echo "$PORT" > /out/ready
lab_log "e2e: ready (Passthru pid $app)"

# ------------------------------------------------------- the test's checks
# e2e_answer FILE: run the request in FILE ("VERB ARGS"), the answer in N.out, the code in N.rc.
e2e_answer() {
  base=${1%.cmd}
  read -r verb args < "$1" || true
  rc=0
  # shellcheck disable=SC2086  # args are words
  case "$verb" in
    drivers) for a in $args; do echo "$a $(pci_driver "$a")"; done ;;
    group) for a in $args; do ( cd -P "/sys/bus/pci/devices/$a/iommu_group" && echo "$a ${PWD##*/}" ); done ;;
    virsh) $VIRSH $args ;;
    l2-console) cat "/host$L2_CONSOLE" ;;
    interrupts) cat /proc/interrupts ;;
    *) echo "unknown request: $verb"; false ;;
  esac > "$base.tmp" 2>&1 || rc=$?
  mv "$base.tmp" "$base.out"
  rm -f "$1"
  echo "$rc" > "$base.rc.tmp"
  mv "$base.rc.tmp" "$base.rc"
}

status=0
while [ ! -e /out/done ]; do
  kill -0 "$app" 2>/dev/null || { lab_log "e2e: Passthru exited"; status=1; break; }
  for req in /out/requests/*.cmd; do
    if [ -e "$req" ]; then e2e_answer "$req"; fi
  done
  usleep 250000
done
lab_log "e2e: done (status $status)"

# Teardown: e2e_teardown, on exit.
exit "$status"
