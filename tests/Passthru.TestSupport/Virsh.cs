namespace Passthru.TestSupport;

/// <summary>virsh, as an independent check of what libvirt really holds (and to set guests up).</summary>
public static class Virsh
{
    public static Task<string> RunAsync(string uri, params string[] arguments)
        => ProcessRunner.RunAsync("/usr/bin/virsh", ["-c", uri, .. arguments], TimeSpan.FromSeconds(60));
}
