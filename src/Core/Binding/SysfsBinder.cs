using System.Diagnostics;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;

namespace Passthru.Core.Binding;

/// <summary>
/// The kernel's bind and unbind sequences for one device, each step bounded in time and checked
/// afterwards (a write to drivers_probe can report success when nothing bound, as the lab showed).
/// Detach: driver_override ← vfio-pci, unbind, drivers_probe, then the driver link and /dev/vfio/N
/// must show it. Reattach: clear driver_override (a lone newline), unbind from vfio-pci,
/// drivers_probe, then the original driver must be back. No new_id: it claims every card with the IDs.
/// </summary>
public sealed class SysfsBinder(HostRoot root, TimeSpan stepTimeout)
{
    public static readonly TimeSpan DefaultStepTimeout = TimeSpan.FromSeconds(15);

    private const int InvalidArgument = 22; // EINVAL

    private string NotALiveKernel => $"the host root {root.Path} is not a running kernel's sysfs (a captured tree, say): the writes land in files, and no driver binds or unbinds.";

    /// <summary>Loads vfio-pci when its driver is missing; only on the real root (never modprobe for a captured tree).</summary>
    public async Task EnsureVfioPciAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(root.Resolve("sys/bus/pci/drivers/vfio-pci")))
        {
            return;
        }

        if (root.Path != "/")
        {
            throw new BindingException($"vfio-pci is not loaded under {root.Path}, and modules are loaded only on the real root.", NotALiveKernel);
        }

        var start = new ProcessStartInfo("modprobe", "vfio-pci") { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start) ?? throw new BindingException("modprobe could not be started.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(stepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill();
            throw new BindingHangException($"modprobe vfio-pci did not finish within {stepTimeout.TotalSeconds:0} s.");
        }

        if (process.ExitCode != 0 || !Directory.Exists(root.Resolve("sys/bus/pci/drivers/vfio-pci")))
        {
            throw new BindingException($"modprobe vfio-pci failed: {(await process.StandardError.ReadToEndAsync(cancellationToken)).Trim()}",
                "this kernel has no vfio-pci module, or loading modules is locked down: install the distribution's full kernel modules package, or build vfio-pci in.");
        }
    }

    /// <summary>Moves one device to vfio-pci and checks that it arrived.</summary>
    public async Task DetachAsync(PciAddress address, int? group, CancellationToken cancellationToken)
    {
        await WriteAsync(address, "driver_override", VfioDrivers.VfioPci, "set driver_override to vfio-pci", cancellationToken);
        if (Driver(address) is { } current && !VfioDrivers.IsVfio(current))
        {
            await UnbindAsync(address, current, cancellationToken);
        }

        var refused = await ProbeAsync(address, cancellationToken);
        var now = Driver(address);
        if (now is null || !VfioDrivers.IsVfio(now))
        {
            throw now is null
                ? new BindingException($"{address}: vfio-pci did not bind; the device has no driver now.{(refused ? " The kernel refused the probe (EINVAL); its log says why." : "")}",
                    "vfio-pci binds only a device the IOMMU can isolate: the IOMMU may be off for it (see the Host page's checks), or vfio's IOMMU driver (vfio_iommu_type1) is missing. dmesg shows vfio-pci's own words.")
                : new BindingException($"{address}: {now} took the device back instead of vfio-pci.", root.Path != "/" ? NotALiveKernel
                    : "something bound the host driver again right after the unbind: a udev rule, a driverctl override (driverctl list-overrides) or a vendor tool that manages the device.");
        }

        if (group is { } g && !File.Exists(root.Resolve($"dev/vfio/{g}")))
        {
            throw new BindingException($"{address} is on vfio-pci but /dev/vfio/{g} did not appear.",
                "udev did not create the group's device node: check that systemd-udevd runs and /dev is a devtmpfs.");
        }
    }

    /// <summary>Gives a device back to its host driver; <paramref name="expectedDriver"/> (when known) must be the one that binds.</summary>
    public async Task ReattachAsync(PciAddress address, string? expectedDriver, CancellationToken cancellationToken)
    {
        // A lone newline clears driver_override (writing an empty string is refused by some kernels).
        await WriteAsync(address, "driver_override", "\n", "clear driver_override", cancellationToken);
        if (Driver(address) is { } current)
        {
            await UnbindAsync(address, current, cancellationToken);
        }

        var refused = await ProbeAsync(address, cancellationToken);
        var now = Driver(address);
        if (expectedDriver is not null && now != expectedDriver)
        {
            throw new BindingException(now is null
                ? $"{address}: {expectedDriver} did not take the device back; it has no driver now." +
                  (refused ? " The kernel refused the probe (EINVAL): usually its IOMMU group is still open (a guest or program holds /dev/vfio/N); it can bind once that is released." : "")
                : $"{address}: {now} bound instead of {expectedDriver}.");
        }

        if (now is not null && VfioDrivers.IsVfio(now))
        {
            throw new BindingException($"{address} is still on {now} after its override was cleared.");
        }
    }

    /// <summary>The driver bound now, from the device's driver link.</summary>
    public string? Driver(PciAddress address) => PciDeviceReader.DriverOf(root, address);

    private Task<int> UnbindAsync(PciAddress address, string driver, CancellationToken cancellationToken)
        => BoundedWriteAsync($"{PciDeviceReader.DevicesDirectory}/{address}/driver/unbind", address.ToString(),
            $"{address}: unbind from {driver}", cancellationToken);

    /// <summary>Asks the kernel to probe drivers for the device; true when it answered EINVAL (a driver refused it).</summary>
    private async Task<bool> ProbeAsync(PciAddress address, CancellationToken cancellationToken)
        => await BoundedWriteAsync("sys/bus/pci/drivers_probe", address.ToString(), $"{address}: drivers_probe", cancellationToken, tolerateInvalid: true) == InvalidArgument;

    private Task<int> WriteAsync(PciAddress address, string attribute, string value, string what, CancellationToken cancellationToken)
        => BoundedWriteAsync($"{PciDeviceReader.DevicesDirectory}/{address}/{attribute}", value, $"{address}: {what}", cancellationToken);

    /// <summary>
    /// One sysfs write off the caller's thread, bounded by the step timeout. A driver that hangs in
    /// remove() blocks the write in the kernel; the caller gets an answer anyway.
    /// </summary>
    private async Task<int> BoundedWriteAsync(string relativePath, string value, string what, CancellationToken cancellationToken, bool tolerateInvalid = false)
    {
        // The write follows sysfs's own links on the way (the device entry, its driver link), as the kernel
        // means them to, but must end under the host root: a link in a fixture root may point anywhere.
        var path = root.RealPath(relativePath)
            ?? throw new BindingException($"{what} failed: {relativePath} does not exist under {root.Path}, or leads outside it.");
        var write = Task.Factory.StartNew(() => NativeFile.Write(path, value), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        int errno;
        try
        {
            errno = await write.WaitAsync(stepTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new BindingHangException($"{what} did not return within {stepTimeout.TotalSeconds:0} s: the driver hangs. The device's state is unknown until the kernel finishes.",
                "some drivers hang when a device is taken from them (GPUs on amdgpu or nvidia often do): such a device has to be given to vfio-pci at boot, before its host driver loads.");
        }

        // drivers_probe answers EINVAL when the driver refused the device (a bridge, a group held open):
        // the check of the driver link that follows says what happened, in plain words.
        if (errno != 0 && !(tolerateInvalid && errno == InvalidArgument))
        {
            throw new BindingException($"{what} failed: {NativeFile.Describe(errno)}.");
        }

        return errno;
    }
}
