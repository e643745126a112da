# shellcheck shell=sh
# Mode "bootclaim": a host's boot with Passthru's boot claims (run.sh LAB_UDEV=DIR: udev ran before
# the lab loaded its modules, see lab_udev_boot), recorded before anything else touches a device.
# lab.tag=NAME (default "boot") names this boot's files in /out:
#   NAME.udev-settled   "ADDR DRIVER DRIVER_OVERRIDE" per PCI device once udev settled
#   NAME.state          the same once the lab loaded the rest of its modules (what a guest would find)
#   NAME.vfio           /dev/vfio
#   NAME.udevd.log, NAME.modules-load.log, NAME.dmesg
# Then, if the caller wrote /out/lab-script.sh, it runs here (e.g. the published app's `boot list`).
tag=$(lab_cmdline_arg lab.tag) || tag=boot
lab_mounted /out || lab_die "no /out share"
[ -f /tmp/udev-settled.state ] || lab_die "udev did not run first: boot with run.sh LAB_UDEV=DIR"
cp /tmp/udev-settled.state "/out/$tag.udev-settled"
lab_pci_state "/out/$tag.state"
ls /dev/vfio > "/out/$tag.vfio"
lab_show_state
cp /tmp/udevd.log "/out/$tag.udevd.log"
cp /tmp/modules-load.log "/out/$tag.modules-load.log"
dmesg > "/out/$tag.dmesg"
if [ -f /out/lab-script.sh ]; then
  lab_log "bootclaim: running /out/lab-script.sh"
  . /out/lab-script.sh
fi
