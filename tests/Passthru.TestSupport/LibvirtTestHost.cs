namespace Passthru.TestSupport;

/// <summary>
/// The libvirt test driver's host for in-process tests: <c>tests/fixtures/libvirt/host.xml</c> holds
/// running, paused and shut-off guests, guests with PCI hostdevs and fake PCI node devices. Every
/// connection to the URI gets its own private copy of that state, so tests do not see each other.
/// </summary>
public static class LibvirtTestHost
{
    private static readonly Lazy<string> LazyUri = new(() =>
    {
        var path = Path.Combine(RepositoryPaths.Root, "tests", "fixtures", "libvirt", "host.xml");
        // The test driver takes the file as the URI's path: absolute, and nothing a URI would need escaped.
        if (path.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_')))
        {
            var copy = Scratch.NewPath("passthru-libvirt-host") + ".xml";
            File.Copy(path, copy);
            path = copy;
        }

        return "test://" + path;
    });

    /// <summary><c>test:///…/host.xml</c>.</summary>
    public static string Uri => LazyUri.Value;

    /// <summary>A URI that names a socket nobody listens on: libvirt as when its daemon is not running.</summary>
    public const string UnreachableUri = "qemu+unix:///system?socket=/nonexistent/libvirt-sock";
}
