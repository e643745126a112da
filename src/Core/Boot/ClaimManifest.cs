using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Passthru.Core.Pci;

namespace Passthru.Core.Boot;

/// <summary>
/// The record of the claims and of every file written for them, with each file's hash: a file removed or edited by
/// hand since is told apart from one Passthru wrote, and a release or <c>uninstall.sh --purge</c> knows what to remove.
/// </summary>
public sealed record ClaimManifest(IReadOnlyList<BootClaim> Claims, IReadOnlyDictionary<string, string> Files)
{
    public const string Path = "etc/passthru/boot-claims.json";

    public static readonly ClaimManifest Empty = new([], new Dictionary<string, string>());

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The saved claims under a configuration root; empty when none was ever made.</summary>
    /// <exception cref="ClaimManifestException">The record is damaged.</exception>
    public static ClaimManifest ReadFrom(ConfigFiles files)
        => files.Read(Path) is { } json ? Parse(json, "/" + Path) : Empty;

    public BootClaim? Find(PciAddress address) => Claims.FirstOrDefault(c => c.Address == address);

    public string ToJson() => JsonSerializer.Serialize(new Stored(1, Claims.Select(StoredClaim.Of).ToArray(), new Dictionary<string, string>(Files)), Options);

    /// <exception cref="ClaimManifestException">The file is not a manifest this Passthru wrote.</exception>
    public static ClaimManifest Parse(string json, string source)
    {
        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new ClaimManifestException($"{source} is not valid JSON ({ex.Message}): fix or remove it by hand; the claim files it lists stay as they are.");
        }

        if (stored is null || stored.Version != 1 || stored.Claims is null || stored.Files is null)
        {
            throw new ClaimManifestException($"{source} is not a claims record of this Passthru (version 1 with claims and files).");
        }

        var claims = stored.Claims.Select(c => c.ToClaim(source)).ToArray();
        return new ClaimManifest(claims, stored.Files);
    }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private sealed record Stored(int Version, StoredClaim[]? Claims, Dictionary<string, string>? Files);

    private sealed record StoredClaim(string Address, string Ids, string SubsystemIds, int? Group, string Name, string? HostModule,
        DateTimeOffset ClaimedAt, string ClaimedBy)
    {
        public static StoredClaim Of(BootClaim c) => new(c.Address.ToString(), c.Card.Ids, c.Card.SubsystemIds, c.Group, c.Name, c.HostModule, c.ClaimedAt, c.ClaimedBy);

        public BootClaim ToClaim(string source)
        {
            if (!PciAddress.TryParse(Address, out var address, out var error))
            {
                throw new ClaimManifestException($"{source}: {error}");
            }

            if (!PciIdPair.TryParse(Ids, out var ids, out _) || !PciIdPair.TryParse(SubsystemIds, out var subsystemIds, out _))
            {
                throw new ClaimManifestException($"{source}: the IDs of {address} ('{Ids}', '{SubsystemIds}') are not VVVV:DDDD pairs.");
            }

            var (vendor, device) = Split(ids);
            var (subVendor, subDevice) = Split(subsystemIds);
            if (HostModule is not null && !DriverModules.IsModuleName(HostModule))
            {
                throw new ClaimManifestException($"{source}: '{HostModule}' is not a kernel module's name.");
            }

            return new BootClaim(address, new ClaimedCard(vendor, device, subVendor, subDevice), Group, Name, HostModule, ClaimedAt, ClaimedBy);
        }

        private static (ushort, ushort) Split(string pair)
            => (ushort.Parse(pair.AsSpan(0, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture),
                ushort.Parse(pair.AsSpan(5, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>The claims record cannot be read as one: nothing is changed until it is fixed or removed.</summary>
public sealed class ClaimManifestException(string message) : Exception(message);
