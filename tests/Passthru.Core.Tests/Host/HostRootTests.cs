using Passthru.Core.Host;

namespace Passthru.Core.Tests.Host;

public sealed class HostRootTests : IDisposable
{
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "passthru-outside-" + Guid.NewGuid().ToString("N"));
    private readonly string _root = Path.Combine(Path.GetTempPath(), "passthru-root-" + Guid.NewGuid().ToString("N"));

    public HostRootTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "sys/bus/pci/devices"));
        Directory.CreateDirectory(Path.Combine(_root, "sys/devices/pci0000:00/0000:00:1b.0"));
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "secret"), "x");
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("sys/../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("sys/bus\0/pci")]
    public void Resolve_PathLeavingRoot_IsRefused(string relative)
    {
        var root = new HostRoot(_root);
        Assert.Throws<ArgumentException>(() => root.Resolve(relative));
    }

    [Fact]
    public void Resolve_PathInside_StaysUnderRoot()
    {
        var root = new HostRoot(_root);
        Assert.Equal(Path.Combine(_root, "sys/bus/pci"), root.Resolve("sys/bus/./pci"));
    }

    [Fact]
    public void RealPath_RelativeSysfsLink_ResolvesInsideTree()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "sys/bus/pci/devices/0000:00:1b.0"), "../../../devices/pci0000:00/0000:00:1b.0");
        var root = new HostRoot(_root);
        Assert.Equal(Path.Combine(_root, "sys/devices/pci0000:00/0000:00:1b.0"), root.RealPath("sys/bus/pci/devices/0000:00:1b.0"));
    }

    [Fact]
    public void RealPath_LinkPointingOutsideRoot_IsNotFollowed()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "sys/bus/pci/devices/0000:00:1c.0"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "sys/escape"), "../../../../../../../../../" + _outside.TrimStart('/'));
        var root = new HostRoot(_root);
        Assert.Null(root.RealPath("sys/bus/pci/devices/0000:00:1c.0"));
        Assert.Null(root.RealPath("sys/escape/secret"));
    }

    [Fact]
    public void RealPath_LinkLoop_ReturnsNullInsteadOfHanging()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "sys/a"), "b");
        File.CreateSymbolicLink(Path.Combine(_root, "sys/b"), "a");
        var root = new HostRoot(_root);
        Assert.Null(root.RealPath("sys/a"));
    }

    [Fact]
    public void Constructor_MissingDirectory_SaysWhichPath()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => new HostRoot(Path.Combine(_root, "nope")));
        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }
}
