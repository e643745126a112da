# shellcheck shell=sh
# Mode "l2": the nested guest (L2), started by an L1 guest (modes/nested.sh, or
# later libvirt in L1) with a sound card passed through with vfio-pci. It boots
# the same lab kernel/initramfs as L1, so init has already loaded snd_hda_intel
# (after snd_hda_codec_generic) and waited for the card (lab_settle).
#
# Keeps the card raising interrupts: each read of the codec's proc file powers
# the codec up (power_save is 1 s in Debian's kernel) and sends it verbs, and
# each answer is an interrupt (MSI) from the controller. Shows the card's lspci -nnk,
# the sound cards and the card's /proc/interrupts lines on its console (the whole
# files in /out, if L1 gave it a share), then returns, and init powers off.
#
# Handshake with L1 over /out (optional): L2 writes /out/busy when the card is
# up and the load is running; it stops when /out/stop appears, or after
# lab.l2secs= seconds (default 120 with a share, 20 without).
# It also stops when the ACPI power button is pressed (`virsh shutdown`, a
# libvirt guest's "Shut down"): init then powers off, as a real OS would.
set -e

# l2_watch_power_button FLAG: touch FLAG when the ACPI power button sends an
# event. button.ko makes the "Power Button" input device, evdev its
# /dev/input/eventN; one event record (24 bytes on x86_64) is enough.
l2_watch_power_button() {
  while read -r ko; do insmod "/lib/modules/$(uname -r)/$ko" 2>/dev/null || true; done < /etc/modules.ondemand
  for ev in /sys/class/input/event*; do
    [ "$(cat "$ev/device/name" 2>/dev/null)" = "Power Button" ] || continue
    ( dd if="/dev/${ev#/sys/class/}" of=/dev/null bs=24 count=1 2>/dev/null && : > "$1" ) &
    lab_log "l2: watching /dev/${ev#/sys/class/} (Power Button)"
  done
}

show() {  # show TITLE FILE: FILE on the console between markers (and kept in /out)
  echo "=== l2: $1 ==="
  cat "$2"
  echo "=== l2: end $1 ==="
}

card=""
for d in /sys/bus/pci/drivers/snd_hda_intel/0000:*; do
  [ -e "$d" ] && card=${d##*/} && break
done
[ -n "$card" ] || { lspci -nnk; lab_die "no device bound to snd_hda_intel"; }
lab_log "l2: $card is on snd_hda_intel"

# The console gets only the card's lines: under nested TCG every byte L2 writes to its serial port
# is an exit through both emulators, and a whole lspci took minutes there. /out keeps the full list.
lspci -nnk > /tmp/l2-lspci-nnk.txt
lspci -nnk -s "$card" > /tmp/l2-lspci-card.txt
show "lspci -nnk" /tmp/l2-lspci-card.txt
show "/proc/asound/cards" /proc/asound/cards
codec=$(ls -d /proc/asound/card*/codec#* 2>/dev/null | head -n1)
[ -n "$codec" ] || lab_die "no codec proc file under /proc/asound"
head -n 8 "$codec" > /tmp/l2-codec.txt
show "$codec (head)" /tmp/l2-codec.txt
cp /proc/interrupts /tmp/l2-interrupts.start

share=0
lab_mounted /out && share=1
secs=$(lab_cmdline_arg lab.l2secs) || { [ "$share" = 1 ] && secs=120 || secs=20; }
[ "$share" = 0 ] || : > /out/busy
l2_watch_power_button /tmp/power-button
lab_log "l2: codec reads for up to $secs s (share: $share)"
read -r t0 _ < /proc/uptime; t0=${t0%.*}
reads=0
while :; do
  [ "$share" = 1 ] && [ -e /out/stop ] && { lab_log "l2: stop requested"; break; }
  [ -e /tmp/power-button ] && { lab_log "l2: power button pressed"; break; }
  read -r t _ < /proc/uptime
  [ "${t%.*}" -lt $((t0 + secs)) ] || { lab_log "l2: $secs s are up"; break; }
  cat "$codec" > /dev/null
  reads=$((reads + 1))
  usleep 300000
done
lab_log "l2: $reads codec reads"

cp /proc/interrupts /tmp/l2-interrupts
grep -E "CPU0|snd_hda" /tmp/l2-interrupts > /tmp/l2-interrupts-card || true
show "/proc/interrupts" /tmp/l2-interrupts-card
if [ "$share" = 1 ]; then
  cp /tmp/l2-lspci-nnk.txt /tmp/l2-interrupts /tmp/l2-interrupts.start /tmp/l2-codec.txt /out/
  cp /proc/asound/cards /out/l2-asound-cards.txt
  dmesg > /out/l2-dmesg.txt
fi
grep -q "snd_hda_intel:card" /tmp/l2-interrupts || lab_die "no snd_hda_intel line in L2's /proc/interrupts"
