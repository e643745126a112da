using Passthru.Core.Checks;

namespace Passthru.Core.Boot;

/// <summary>The claims at boot as one of the host's checks: a claim the kernel did not apply as intended fails it, with the fix.</summary>
public static class BootClaimCheck
{
    public const string Id = "boot-claims";

    private const string Title = "Devices claimed at boot";

    public static HostCheck Of(IReadOnlyList<ClaimStatus> statuses)
    {
        if (statuses.Count == 0)
        {
            return new HostCheck(Id, Title, CheckStatus.Pass, "None: every device starts on its host driver at boot.");
        }

        var wrong = statuses.Where(s => !s.IsAsIntended).ToArray();
        var pending = statuses.Where(s => s.State == ClaimState.Pending).ToArray();
        if (wrong.Length == 0 && pending.Length > 0)
        {
            return new HostCheck(Id, Title, CheckStatus.Warn,
                $"{string.Join(", ", pending.Select(s => s.Address))} claimed during this boot: on vfio-pci from the next boot.", "Reboot to apply the claims.");
        }

        if (wrong.Length == 0)
        {
            return new HostCheck(Id, Title, CheckStatus.Pass, $"{string.Join(", ", statuses.Select(s => s.Address))} on vfio-pci as intended.");
        }

        return new HostCheck(Id, Title, CheckStatus.Fail,
            string.Join(" ", wrong.Select(s => $"{s.Address}: {s.Message}")),
            string.Join(" ", wrong.Select(s => $"{s.Address}: {s.Fix}")));
    }

    /// <summary>The check when the claims record cannot be read.</summary>
    public static HostCheck Damaged(ClaimManifestException ex)
        => new(Id, Title, CheckStatus.Fail, ex.Message, $"Fix or remove /{ClaimManifest.Path}; the rule files under /{ClaimRule.Directory} stay until then.");
}
