using Passthru.Core.Libvirt;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Libvirt;

/// <summary>A guest name reaches libvirt as a C string: a NUL would cut it short and act on another guest.</summary>
[Collection(LibvirtClientCollection.Name)]
public sealed class GuestNameTests : IAsyncLifetime
{
    private readonly LibvirtClient _client = new(LibvirtTestHost.Uri, TimeProvider.System);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task Lifecycle_NameWithNulAfterARealGuest_IsRefusedAndThatGuestKeepsRunning()
    {
        // Before names were checked, libvirt read "vm-running\0evil" as "vm-running" and shut it down.
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _client.DestroyGuestAsync("vm-running\0evil"));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.GetGuestAsync("vm-off\0"));

        Assert.Contains("control character", refused.Message, StringComparison.Ordinal);
        var guests = await _client.ListGuestsAsync();
        Assert.Equal(GuestState.Running, guests.Guests.Single(g => g.Name == "vm-running").State);
    }

    [Theory]
    [InlineData("vm-running\0evil")]
    [InlineData("vm\n")]
    [InlineData("vm\r\n[fake] log line")]
    [InlineData("vm\u001b[31mred")]
    [InlineData("vm\u2028x")]
    [InlineData(" ")]
    [InlineData("")]
    public void IsValid_BlankOrControlCharacters_IsFalseWithAPrintableReason(string name)
    {
        Assert.False(GuestName.IsValid(name, out var error));
        Assert.DoesNotContain(error, char.IsControl);
    }

    [Theory]
    [InlineData("vm-running")]
    [InlineData("Windows 11 (gaming) <test> & ü")]
    [InlineData("..")]
    public void IsValid_NamesLibvirtAllows_IsTrue(string name)
        => Assert.True(GuestName.IsValid(name, out _));

    [Fact]
    public void IsValid_NameLongerThanLibvirtCouldHave_IsFalseWithAShortReason()
    {
        Assert.False(GuestName.IsValid(new string('a', 10_000), out var error));
        Assert.Contains("at most 251 bytes", error, StringComparison.Ordinal);
        Assert.True(error.Length < 200);
        // Counted in bytes: 126 two-byte letters are 252 bytes.
        Assert.False(GuestName.IsValid(new string('ü', 126), out _));
        Assert.True(GuestName.IsValid(new string('a', GuestName.MaxUtf8Bytes), out _));
    }
}
