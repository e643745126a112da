using Passthru.Core.Binding;
using Passthru.Core.Changes;
using Passthru.Core.History;
using Passthru.Core.Pci;
using Passthru.Core.Safety;
using Passthru.Core.Scanning;

namespace Passthru.Core.Boot;

/// <summary>
/// Claims devices for vfio-pci at boot and releases them: the same dry run and refusals as a detach, the files shown
/// before they are written, the intent journaled before the first write, the initramfs rebuilt with the host's own
/// tool. Runs take their turn in the host's one change queue.
/// </summary>
public sealed class BootClaimService(HostScanner scanner, BindingService binding, OperationJournal journal, HostChangeQueue changes,
    ConfigFiles files, InitramfsRegenerator regenerator, TimeProvider time)
{
    public ConfigFiles Files => files;

    /// <summary>The saved claims; empty when none was ever made.</summary>
    /// <exception cref="ClaimManifestException">The claims record is damaged.</exception>
    public ClaimManifest ReadManifest() => ClaimManifest.ReadFrom(files);

    /// <summary>Each claim and what the kernel did with it at this boot.</summary>
    public IReadOnlyList<ClaimStatus> Inspect(HostSnapshot host) => ClaimInspector.Inspect(files, host, BootTime.Read(scanner.Root));

    /// <summary>A dry run answers at once; a run waits for its turn in the host's change queue.</summary>
    public async Task<BootClaimResult> RunAsync(BootClaimRequest request, CancellationToken cancellationToken = default)
    {
        if (request.DryRun)
        {
            var (plan, _) = await changes.DryRunAsync(() => PlanAsync(request, cancellationToken), cancellationToken);
            return new BootClaimResult(plan, null, Describe(plan, done: false), null);
        }

        var verb = request.Action == OperationAction.ClaimAtBoot ? "claim at boot" : "release at boot";
        return await changes.RunAsync($"{verb} of {request.Target}", () => RunNowAsync(request, cancellationToken), cancellationToken);
    }

    private async Task<BootClaimResult> RunNowAsync(BootClaimRequest request, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(request, cancellationToken);
        if (request.SeenPlan is { } seen && seen != plan.Fingerprint)
        {
            return new BootClaimResult(plan, OperationStatus.Refused, plan.Refusals.PlanChangedMessage(wouldDo: Describe(plan, done: false)), null) { PlanChanged = true };
        }

        var devices = plan.Claims.Select(c => new OperationDevice(c.Address, ClaimedCard.Hex(c.Card.VendorId), ClaimedCard.Hex(c.Card.DeviceId), c.Group, null)).ToArray();
        if (plan.IsRefused(request.Force))
        {
            var reason = plan.Refusals.Summary();
            await journal.RecordRefusalAsync(request.Actor, request.Action, request.Target, devices, reason, cancellationToken);
            return new BootClaimResult(plan, OperationStatus.Refused, reason, null);
        }

        if (plan.HasNothingToDo)
        {
            return new BootClaimResult(plan, OperationStatus.Succeeded, $"Nothing to do: the files for {request.Target} are already as planned.", null);
        }

        var id = await journal.BeginAsync(request.Actor, request.Action, request.Target, request.Force, devices, cancellationToken,
            overrode: plan.Refusals.OverriddenBy(request.Force, plan.Fingerprint));
        var noDrivers = devices.ToDictionary(d => d.Address, _ => (string?)null);
        try
        {
            Apply(plan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var failed = $"Writing the boot files failed: {ex.Message} The claims record was not changed; look at the files the plan lists.";
            await journal.FinishAsync(id, OperationStatus.Failed, failed, noDrivers, CancellationToken.None);
            return new BootClaimResult(plan, OperationStatus.Failed, failed, id);
        }

        var message = Describe(plan, done: true);
        var status = OperationStatus.Succeeded;
        if (plan.WillRegenerate && plan.Initramfs is { } tool)
        {
            var (rebuilt, outcome) = await regenerator.RunAsync(tool, CancellationToken.None);
            message += " " + outcome;
            status = rebuilt ? OperationStatus.Succeeded : OperationStatus.Failed;
        }

        await journal.FinishAsync(id, status, message, noDrivers, CancellationToken.None);
        return new BootClaimResult(plan, status, message, id);
    }

    /// <summary>The files first, the record last: a cut-off run shows as files the record does not know, which a new run rewrites.</summary>
    private void Apply(BootClaimPlan plan)
    {
        foreach (var change in plan.Changes)
        {
            if (change.After is { } text)
            {
                files.Write(change.Path, text, change.IsExecutable);
            }
            else
            {
                files.Delete(change.Path);
            }
        }

        var desired = Desired(plan);
        var wanted = BootFileSet.For(desired, plan.Initramfs);
        if (desired.Count == 0)
        {
            files.Delete(ClaimManifest.Path);
        }
        else
        {
            files.Write(ClaimManifest.Path, new ClaimManifest(desired, wanted.ToDictionary(f => f.Path, f => ClaimManifest.Hash(f.Text))).ToJson(), executable: false);
        }
    }

    private IReadOnlyList<BootClaim> Desired(BootClaimPlan plan)
    {
        var others = ReadManifest().Claims.Where(c => plan.Claims.All(p => p.Address != c.Address));
        return plan.Action == OperationAction.ClaimAtBoot ? [.. others, .. plan.Claims] : [.. others];
    }

    private async Task<BootClaimPlan> PlanAsync(BootClaimRequest request, CancellationToken cancellationToken)
    {
        var manifest = ReadManifest();
        return request.Action == OperationAction.ClaimAtBoot
            ? await PlanClaimAsync(request, manifest, cancellationToken)
            : PlanRelease(request, manifest);
    }

    private async Task<BootClaimPlan> PlanClaimAsync(BootClaimRequest request, ClaimManifest manifest, CancellationToken cancellationToken)
    {
        var detach = (await binding.RunAsync(new BindingRequest(OperationAction.Detach, request.Device, request.Group, request.Actor,
            DryRun: true, Force: request.Force, ConnectionAddress: request.ConnectionAddress), cancellationToken)).Plan;
        // A guest running with the device now is no reason not to claim it for later boots.
        var refusals = detach.Refusals.Where(r => r.Kind != RefusalKind.HeldByRunningGuest).ToList();
        var notes = new List<string>();
        var devices = scanner.Scan().Devices.ToDictionary(d => d.Address);
        var claims = new List<BootClaim>();
        foreach (var planned in detach.Devices)
        {
            if (devices.GetValueOrDefault(planned.Address) is not { } device || ClaimedCard.Of(device) is not { } card)
            {
                refusals.Add(new Refusal(RefusalKind.DeviceChanged, planned.Address,
                    $"{planned.Address}: its vendor, device and subsystem IDs could not all be read, so a claim could not tell it from another card.", CanOverride: false));
                continue;
            }

            var hostDriver = device.Driver is { } now && !VfioDrivers.IsVfio(now) ? now : await journal.DriverBeforeLastDetachAsync(planned.Address, cancellationToken);
            var module = hostDriver is null ? null : DriverModules.ModuleOf(scanner.Root, hostDriver);
            if (module is not null && DriverModules.IsBuiltIn(scanner.Root, module))
            {
                notes.Add($"{hostDriver} (the host driver of {planned.Address}) is built into this kernel: it binds before any rule runs, so the claim will not hold on this kernel. Detach it after boot instead.");
                module = null;
            }

            claims.Add(new BootClaim(planned.Address, card, device.IommuGroup, planned.Name, module, time.GetUtcNow(), request.Actor.Name));
        }

        var desired = manifest.Claims.Where(c => claims.All(n => n.Address != c.Address)).Concat(claims).ToArray();
        return Complete(OperationAction.ClaimAtBoot, request.Target, claims, detach, manifest, desired, refusals, notes);
    }

    private BootClaimPlan PlanRelease(BootClaimRequest request, ClaimManifest manifest)
    {
        if (request.Device is not { } address)
        {
            throw new UnknownTargetException("A release names one claimed address.");
        }

        var claim = manifest.Find(address)
            ?? throw new UnknownTargetException($"{address} is not claimed at boot{(manifest.Claims.Count == 0 ? " (no device is)" : $" (claimed: {string.Join(", ", manifest.Claims.Select(c => c.Address))})")}.");
        var desired = manifest.Claims.Where(c => c.Address != address).ToArray();
        return Complete(OperationAction.ReleaseAtBoot, request.Target, [claim], null, manifest, desired, [], []);
    }

    private BootClaimPlan Complete(OperationAction action, string target, IReadOnlyList<BootClaim> claims, BindingPlan? detach, ClaimManifest manifest,
        IReadOnlyList<BootClaim> desired, List<Refusal> refusals, List<string> notes)
    {
        var initramfs = InitramfsTool.Find(files.Root);
        var wanted = BootFileSet.For(desired, initramfs);
        var fileChanges = new List<BootFileChange>();
        foreach (var file in wanted)
        {
            var before = files.Read(file.Path);
            if (before == file.Text)
            {
                continue;
            }

            if (files.Exists(file.Path) && !manifest.Files.ContainsKey(file.Path))
            {
                refusals.Add(new Refusal(RefusalKind.InUseByHost, claims.FirstOrDefault()?.Address ?? default,
                    $"/{file.Path} exists and was not written by Passthru: move it away (Passthru never overwrites a file it did not write).", CanOverride: false));
                continue;
            }

            fileChanges.Add(new BootFileChange(file.Path, before, file.Text, file.Why, file.IsExecutable));
        }

        // Only what the record says Passthru wrote is ever deleted.
        foreach (var path in manifest.Files.Keys.Where(p => wanted.All(f => f.Path != p) && files.Exists(p)))
        {
            fileChanges.Add(new BootFileChange(path, files.Read(path), null, "no claim needs it any more"));
        }

        var willRegenerate = fileChanges.Count > 0 && initramfs is not null && files.Root.Path == "/" && File.Exists(files.Root.Resolve(initramfs.Binary));
        if (initramfs is null)
        {
            notes.Add("No initramfs tool was found (initramfs-tools, dracut or mkinitcpio): a host driver that loads from an initramfs would take the card before the rule runs.");
        }
        else if (!willRegenerate && fileChanges.Count > 0)
        {
            notes.Add($"The initramfs is not rebuilt from here (the configuration root is {files.Root.Path}, not this host's /): run `{initramfs.RegenerateCommand}` on the host before it boots.");
        }

        return new BootClaimPlan(action, target, claims, detach, fileChanges, initramfs, willRegenerate, refusals, notes);
    }

    private static string Describe(BootClaimPlan plan, bool done)
    {
        var what = plan.Action == OperationAction.ClaimAtBoot ? "Claimed" : "Released";
        var files = plan.Changes.Count == 0 ? "no file changes" : string.Join(", ", plan.Changes.Select(c => $"{c.Verb} /{c.Path}"));
        var addresses = string.Join(", ", plan.Claims.Select(c => c.Address));
        var effect = plan.Action == OperationAction.ClaimAtBoot
            ? "It takes effect at the next boot (detach now to use the devices before then)."
            : "From the next boot the devices stay with their host drivers (reattach now to give them back before then).";
        return done
            ? $"{what} {addresses} at boot: {files}. {effect}"
            : $"Would {(plan.Action == OperationAction.ClaimAtBoot ? "claim" : "release")} {addresses} at boot: {files}. {effect}";
    }
}
