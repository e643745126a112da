using Passthru.Core.Pci;

namespace Passthru.Core.Iommu;

/// <summary>
/// Predicts IOMMU groups from config space with the kernel's own rules, and keeps the reason for
/// every merge. Comparing the prediction with the real groups tells whether the explanation is
/// complete; where it is not, the group is explained as a kernel rule instead of guessed at.
/// </summary>
public sealed class IsolationAnalyzer
{
    private readonly IReadOnlyDictionary<PciAddress, PciDevice> _devices;
    private readonly Dictionary<PciAddress, PciAddress> _parent = [];
    private readonly List<(PciAddress A, PciAddress B, IsolationReason Reason)> _merges = [];
    private ILookup<PciAddress, (PciAddress A, PciAddress B, IsolationReason Reason)> _mergesByGroup = null!;

    private IsolationAnalyzer(IReadOnlyDictionary<PciAddress, PciDevice> devices) => _devices = devices;

    /// <summary>Groups as the kernel would form them, each a sorted list of addresses.</summary>
    public IReadOnlyList<IReadOnlyList<PciAddress>> PredictedGroups { get; private set; } = [];

    /// <summary>
    /// Analyses the devices the IOMMU translates for: those in a group. Others (the IOMMU's own PCI
    /// function, or every device when the IOMMU is off) are left out, as the kernel leaves them out.
    /// </summary>
    public static IsolationAnalyzer Analyze(IEnumerable<PciDevice> devices)
    {
        var analyzer = new IsolationAnalyzer(devices.Where(d => d.IommuGroup is not null).ToDictionary(d => d.Address));
        analyzer.Run();
        return analyzer;
    }

    /// <summary>The reasons that explain why the members of one real group share it.</summary>
    public IReadOnlyList<IsolationReason> ReasonsFor(IReadOnlyCollection<PciAddress> members)
    {
        if (members.Count < 2)
        {
            return [];
        }

        // Merges are filed under their predicted group: look only in the predicted groups of these members.
        var memberSet = members.ToHashSet();
        var inGroup = members.Where(_parent.ContainsKey).Select(Find).Distinct()
            .SelectMany(root => _mergesByGroup[root])
            .Where(m => memberSet.Contains(m.A) && memberSet.Contains(m.B))
            .ToArray();

        // One reason per culprit, listing every device it affects (the merges are per device).
        var reasons = inGroup
            .GroupBy(m => (m.Reason.Kind, m.Reason.Explanation))
            .Select(g => g.First().Reason with { Affected = g.SelectMany(m => m.Reason.Affected).Distinct().Order().ToArray() })
            .ToList();

        // Every member must be tied to the others by some reason; otherwise say the kernel knows more than config space shows.
        var explained = new HashSet<PciAddress>(inGroup.SelectMany(m => new[] { m.A, m.B }));
        var unexplained = members.Where(m => !explained.Contains(m)).Order().ToArray();
        if (unexplained.Length > 0)
        {
            reasons.Add(new IsolationReason(IsolationReasonKind.KernelRule, null, unexplained,
                $"The kernel grouped {Join(unexplained)} with the others for a reason config space does not show " +
                "(a device-specific quirk or a platform rule)."));
        }

        return reasons;
    }

    private void Run()
    {
        foreach (var address in _devices.Keys)
        {
            _parent[address] = address;
        }

        foreach (var device in _devices.Values.OrderBy(d => d.Address))
        {
            // As pci_device_group: aliases first, then upstream from the topmost alias, then the slot.
            var alias = MergeByAlias(device);
            MergeUpstreamWithoutAcs(alias);
            MergeFunctionsWithoutAcs(alias);
        }

        _mergesByGroup = _merges.ToLookup(m => Find(m.A));
        PredictedGroups = _devices.Keys
            .GroupBy(Find)
            .Select(g => (IReadOnlyList<PciAddress>)g.Order().ToArray())
            .OrderBy(g => g[0])
            .ToArray();
    }

    /// <summary>
    /// Behind a conventional PCI bridge, every device uses the bridge's requester ID: the IOMMU cannot
    /// tell them apart. Returns the device the IOMMU sees (the bridge, or the device itself).
    /// </summary>
    private PciDevice MergeByAlias(PciDevice device)
    {
        foreach (var parentAddress in device.ParentChain.Reverse())
        {
            if (_devices.TryGetValue(parentAddress, out var bridge) && IsConventionalBridge(bridge))
            {
                Merge(device.Address, bridge.Address, new IsolationReason(IsolationReasonKind.ConventionalPciBridge, bridge.Address, [device.Address],
                    $"{bridge.Address} ({bridge.DisplayName}) is a bridge to conventional PCI: the IOMMU sees every device " +
                    "behind it as the bridge itself, so they can only be passed together."));
                return bridge;
            }
        }

        return device;
    }

    /// <summary>A device joins the group of the nearest bridge whose path to the root does not fully enable ACS.</summary>
    private void MergeUpstreamWithoutAcs(PciDevice device)
    {
        var chain = device.ParentChain;
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            if (!_devices.TryGetValue(chain[i], out var bridge))
            {
                continue;
            }

            var culprit = FirstWithoutAcs(chain, i);
            if (culprit is null)
            {
                return;
            }

            var kind = culprit.Config is null || !culprit.Config.CapabilitiesKnown ? IsolationReasonKind.Unknown : IsolationReasonKind.PortWithoutAcs;
            var explanation = kind == IsolationReasonKind.Unknown
                ? $"Whether {culprit.Address} isolates the devices below it is unknown: its config space could not be read in full (run as root)."
                : $"{culprit.Address} ({culprit.DisplayName}) {DescribeMissingAcs(culprit)}: the devices below it can reach each other " +
                  "without going through the IOMMU, so the kernel groups them together.";
            Merge(device.Address, bridge.Address, new IsolationReason(kind, culprit.Address, [device.Address], explanation));
            return;
        }
    }

    /// <summary>Functions of one slot that lack ACS may do peer-to-peer DMA inside the device: they share a group.</summary>
    private void MergeFunctionsWithoutAcs(PciDevice device)
    {
        if (!device.IsMultifunction || IsAcsEnabled(device))
        {
            return;
        }

        foreach (var siblingAddress in device.MultifunctionSiblings)
        {
            if (_devices.TryGetValue(siblingAddress, out var sibling) && !IsAcsEnabled(sibling))
            {
                var unknown = device.Config is null || !device.Config.CapabilitiesKnown;
                var slot = $"{device.Address.Domain:x4}:{device.Address.Bus:x2}:{device.Address.Device:x2}";
                var functions = device.MultifunctionSiblings.Append(device.Address).Order().ToArray();
                var reason = unknown
                    ? new IsolationReason(IsolationReasonKind.Unknown, device.Address, functions,
                        $"Whether the functions of {slot} are isolated from each other is unknown: config space could not be read in full (run as root).")
                    : new IsolationReason(IsolationReasonKind.MultifunctionWithoutAcs, null, functions,
                        $"{slot} is one multifunction device (functions {string.Join(", ", functions.Select(f => f.Function))}) " +
                        "without ACS: its functions may exchange data directly, so the kernel keeps them in one group.");
                Merge(device.Address, sibling.Address, reason);
            }
        }
    }

    /// <summary>The first device, from <paramref name="index"/> up to the root, on which ACS is not enabled (pci_acs_path_enabled).</summary>
    private PciDevice? FirstWithoutAcs(IReadOnlyList<PciAddress> chain, int index)
    {
        for (var i = index; i >= 0; i--)
        {
            if (_devices.TryGetValue(chain[i], out var device) && !IsAcsEnabled(device))
            {
                return device;
            }
        }

        return null;
    }

    /// <summary>Linux's pci_acs_enabled for the isolation flags, without device-specific quirks.</summary>
    private static bool IsAcsEnabled(PciDevice device)
    {
        var config = device.Config;
        if (config is null || !config.CapabilitiesKnown || !config.IsPciExpress)
        {
            return false;
        }

        if (config.DeviceType == PcieDeviceType.PcieToPciBridge)
        {
            return false;
        }

        var needsAcs = config.DeviceType is PcieDeviceType.RootPort or PcieDeviceType.DownstreamSwitchPort
            || (device.IsMultifunction && device.Sriov?.PhysicalFunction is null);
        return !needsAcs || config.Acs is { IsolationEnabled: true };
    }

    private static bool IsConventionalBridge(PciDevice bridge)
        => bridge.IsBridge && bridge.Config is { CapabilitiesKnown: true } config
            && (!config.IsPciExpress || config.DeviceType == PcieDeviceType.PcieToPciBridge);

    private static string DescribeMissingAcs(PciDevice device)
    {
        var config = device.Config!;
        if (config.DeviceType == PcieDeviceType.PcieToPciBridge || !config.IsPciExpress)
        {
            return "is a bridge to conventional PCI, which has no ACS";
        }

        if (config.Acs is not { } acs)
        {
            return config.ExtendedCapabilitiesKnown ? "has no ACS capability" : "has no readable ACS capability";
        }

        return $"has ACS but not all of it enabled (missing: {acs.MissingForIsolation})";
    }

    private PciAddress Find(PciAddress address)
    {
        while (_parent[address] != address)
        {
            address = _parent[address] = _parent[_parent[address]];
        }

        return address;
    }

    private void Merge(PciAddress a, PciAddress b, IsolationReason reason)
    {
        _merges.Add((a, b, reason));
        var (rootA, rootB) = (Find(a), Find(b));
        if (rootA != rootB)
        {
            _parent[rootA] = rootB;
        }
    }

    private static string Join(IEnumerable<PciAddress> addresses) => string.Join(", ", addresses);
}
