using System.Text;
using Microsoft.Extensions.Time.Testing;
using Passthru.Core.Auth;
using Passthru.Core.History;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Auth;

public sealed class ApiTokenStoreTests : IDisposable
{
    private static readonly Actor Ann = new("ann", "192.0.2.10");

    private readonly string _path = Scratch.NewPath("passthru-tokens") + ".db";
    private readonly FakeTimeProvider _clock = new();
    private readonly OperationJournal _journal;
    private readonly ApiTokenStore _store;

    public ApiTokenStoreTests()
    {
        var database = new HistoryDatabase(_path);
        _journal = new OperationJournal(database, _clock);
        _store = new ApiTokenStore(database, _journal, _clock);
    }

    public void Dispose() => Scratch.DeleteDatabase(_path);

    [Fact]
    public async Task ANewToken_IsFoundByItsSecret_AndTheSecretIsNotStored()
    {
        var made = await _store.CreateAsync(" backup-script ", Ann);

        Assert.StartsWith(ApiTokenStore.Prefix, made.Secret, StringComparison.Ordinal);
        Assert.Equal(("backup-script", "ann"), (made.Token.Name, made.Token.Owner));
        var found = await _store.FindAsync(made.Secret);
        Assert.Equal(made.Token.Id, found?.Id);
        Assert.Null(await _store.FindAsync(made.Secret[..^1] + (made.Secret[^1] == 'A' ? 'B' : 'A')));

        // Nowhere in the database file (or its write-ahead log) is the secret itself.
        var bytes = string.Concat(new[] { _path, _path + "-wal" }.Where(File.Exists).Select(f => Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        Assert.DoesNotContain(made.Secret, bytes, StringComparison.Ordinal);
        Assert.Contains("backup-script", bytes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedToken_IsNotFound_AndBothStepsAreInTheHistory()
    {
        var made = await _store.CreateAsync("ci", Ann);

        Assert.True(await _store.RevokeAsync(made.Token.Id, new Actor("bob", "192.0.2.11")));

        Assert.Null(await _store.FindAsync(made.Secret));
        Assert.False(await _store.RevokeAsync(made.Token.Id, Ann));
        var listed = Assert.Single(await _store.ListAsync());
        Assert.Equal("bob", listed.RevokedBy);
        var history = await _journal.ListAsync();
        Assert.Equal(
            [(OperationAction.RevokeToken, "bob", "192.0.2.11", "ci", OperationStatus.Succeeded), (OperationAction.CreateToken, "ann", "192.0.2.10", "ci", OperationStatus.Succeeded)],
            history.Select(r => (r.Action, r.Actor, r.RemoteAddress, r.Target, r.Status)));
    }

    [Fact]
    public async Task TwoLiveTokens_CannotShareAName_ButARevokedOnesNameIsFree()
    {
        var first = await _store.CreateAsync("ci", Ann);

        var clash = await Assert.ThrowsAsync<ArgumentException>(() => _store.CreateAsync("ci", Ann));
        Assert.StartsWith("A token named ci exists already.", clash.Message, StringComparison.Ordinal);
        Assert.Equal(OperationStatus.Refused, (await _journal.ListAsync())[0].Status);

        await _store.RevokeAsync(first.Token.Id, Ann);
        var second = await _store.CreateAsync("ci", Ann);
        Assert.NotEqual(first.Secret, second.Secret);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("line\nbreak")]
    [InlineData("line\u2028separator")]
    [InlineData("right-to-left \u202Eexe.txt")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task BadNames_AreRefused(string name)
        => await Assert.ThrowsAsync<ArgumentException>(() => _store.CreateAsync(name, Ann));

    [Fact]
    public async Task LastUse_IsNoted_AtMostOnceAMinute()
    {
        var made = await _store.CreateAsync("ci", Ann);

        await _store.FindAsync(made.Secret);
        var firstUse = (await _store.ListAsync())[0].LastUsedAt;
        _clock.Advance(TimeSpan.FromSeconds(30));
        await _store.FindAsync(made.Secret);
        var stillFirst = (await _store.ListAsync())[0].LastUsedAt;
        _clock.Advance(TimeSpan.FromSeconds(31));
        await _store.FindAsync(made.Secret);

        Assert.Equal(_clock.GetUtcNow().AddSeconds(-61), firstUse);
        Assert.Equal(firstUse, stillFirst);
        Assert.Equal(_clock.GetUtcNow(), (await _store.ListAsync())[0].LastUsedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("ptk_")]
    [InlineData("not-a-token")]
    public async Task Garbage_IsNotFound(string secret)
    {
        await _store.CreateAsync("ci", Ann);

        Assert.Null(await _store.FindAsync(secret));
    }
}
