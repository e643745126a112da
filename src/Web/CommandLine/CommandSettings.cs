using Passthru.Core.Capture;
using Passthru.Core.Host;
using Passthru.Core.Pci;
using Passthru.Core.Scanning;
using Passthru.Web.Configuration;

namespace Passthru.Web.CommandLine;

/// <summary>
/// The configuration a command runs with, read as the dashboard reads it (appsettings.json next to the
/// executable, <c>Passthru__*</c> environment variables, the command's settings), validated by the same
/// rules. A host root given as a capture archive is unpacked for the command's lifetime.
/// </summary>
internal sealed class CommandSettings : IDisposable
{
    private readonly UnpackedCapture? _unpacked;

    private CommandSettings(IConfiguration configuration, PassthruOptions options, UnpackedCapture? unpacked)
    {
        Configuration = configuration;
        Options = options;
        _unpacked = unpacked;
    }

    public IConfiguration Configuration { get; }

    public PassthruOptions Options { get; }

    /// <exception cref="UsageException">A setting is invalid (the host root does not exist, ...) or the archive cannot be unpacked.</exception>
    public static CommandSettings Load(IReadOnlyList<string> settings)
    {
        UnpackedCapture? unpacked;
        string[] arguments;
        try
        {
            (arguments, unpacked) = HostRootArgument.UnpackArchive(settings);
        }
        catch (HostRootArchiveException ex)
        {
            throw new UsageException(ex.Message);
        }

        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true);
        // The host's settings file (/etc/passthru/appsettings.json for the service), as the dashboard reads it.
        HostConfigFile.Add(builder, Environment.GetEnvironmentVariable(HostConfigFile.Variable));
        var configuration = builder
            .AddEnvironmentVariables()
            .AddCommandLine(arguments, new Dictionary<string, string> { ["--host-root"] = "Passthru:HostRoot" })
            .Build();
        var options = new PassthruOptions();
        configuration.GetSection(PassthruOptions.SectionName).Bind(options);
        var validation = new PassthruOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            unpacked?.Dispose();
            throw new UsageException(string.Join(" ", validation.Failures));
        }

        return new CommandSettings(configuration, options, unpacked);
    }

    public HostRoot HostRoot() => new(Options.HostRoot);

    /// <summary>A scanner as the dashboard builds it, without its database or libvirt: reading needs neither.</summary>
    public HostScanner Scanner(TextWriter error)
    {
        var root = HostRoot();
        var ids = PciIdsLocator.LoadOrEmpty(PciIdsLocator.Find(root, Options.PciIdsPath));
        if (ids.VendorCount == 0)
        {
            error.WriteLine($"warning: no pci.ids found (looked under {root.Path} and /usr/share): devices are shown by IDs only.");
        }

        return new HostScanner(root, ids, TimeProvider.System);
    }

    public void Dispose() => _unpacked?.Dispose();
}
