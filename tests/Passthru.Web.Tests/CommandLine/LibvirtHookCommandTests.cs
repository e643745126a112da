using System.Net.Sockets;
using System.Text;
using Passthru.Core.History;
using Passthru.TestSupport;
using Passthru.Web.CommandLine;

namespace Passthru.Web.Tests.CommandLine;

/// <summary>
/// <c>libvirt-hook</c> as libvirt calls it (four words, the domain XML on stdin), on the captured intel-initial tree
/// (0000:00:1b.0 holds 8086:293e subsystem 1af4:1100, 0000:00:1f.2 holds 8086:2922) and a real history database.
/// </summary>
public sealed class LibvirtHookCommandTests : IDisposable
{
    private const string Guest = "vm-win";
    private const string Sound = "0000:00:1b.0";
    private const string Sata = "0000:00:1f.2";

    private readonly string _database = Scratch.NewPath("passthru-cli-hook") + ".db";
    private readonly string _logSocket = Scratch.NewPath("passthru-hook-log") + ".sock";
    private readonly Socket _log = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly OperationJournal _journal;

    public LibvirtHookCommandTests()
    {
        _journal = new OperationJournal(new HistoryDatabase(_database), TimeProvider.System);
        _log.Bind(new UnixDomainSocketEndPoint(_logSocket));
        // The warning is sent before the command returns; the timeout only ends a failing test instead of hanging it.
        _log.ReceiveTimeout = 10_000;
    }

    public void Dispose()
    {
        _log.Dispose();
        File.Delete(_logSocket);
        Scratch.DeleteDatabase(_database);
    }

    [Fact]
    public async Task PrepareBegin_AnotherCardAtAGivenAddress_ExitsOneWithTheReasonAndJournalsIt()
    {
        await _journal.GiveAsync(Guest, Sata, "8086:293e", "1af4:1100");

        var result = await HookAsync("prepare", "begin", GivenCards.DomainXml(Guest, Sound, Sata));

        Assert.Equal(HostCommands.Refused, result.ExitCode);
        Assert.StartsWith($"Passthru refused to start {Guest}: {Sata} now holds 8086:2922 (subsystem 1af4:1100), not the 8086:293e (subsystem 1af4:1100) given to {Guest} on ",
            result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
        var refusal = Assert.Single(await _journal.ListAsync(action: OperationAction.StartGuest));
        Assert.Equal((OperationStatus.Refused, "libvirt hook"), (refusal.Status, refusal.Actor));
    }

    [Fact]
    public async Task PrepareBegin_AddressNowEmpty_ExitsOne()
    {
        await _journal.GiveAsync(Guest, "0000:09:00.0", "10de:1b80");

        var result = await HookAsync("prepare", "begin", GivenCards.DomainXml(Guest, "0000:09:00.0"));

        Assert.Equal(HostCommands.Refused, result.ExitCode);
        Assert.Contains("0000:09:00.0 holds no card now", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrepareBegin_SameCardsAsGiven_ExitsZeroSilently()
    {
        await _journal.GiveAsync(Guest, Sound, "8086:293e", "1af4:1100");

        var result = await HookAsync("prepare", "begin", GivenCards.DomainXml(Guest, Sound));

        Assert.Equal((HostCommands.Succeeded, "", ""), (result.ExitCode, result.Output, result.Error));
    }

    [Fact]
    public async Task PrepareBegin_AddressPassthruNeverGave_ExitsZero()
    {
        await _journal.GiveAsync("vm-other", Sata, "8086:293e");

        var result = await HookAsync("prepare", "begin", GivenCards.DomainXml(Guest, Sata));

        Assert.Equal((HostCommands.Succeeded, ""), (result.ExitCode, result.Error));
    }

    [Fact]
    public async Task PrepareBegin_BadXml_LetsTheGuestStartAndWarnsOnStderrAndInTheSystemLog()
    {
        await _journal.GiveAsync(Guest, Sata, "8086:293e");

        var result = await HookAsync("prepare", "begin", "<domain><name>vm-win</name><devices><hostdev");

        Assert.Equal(HostCommands.Succeeded, result.ExitCode);
        Assert.StartsWith($"warning: Passthru could not check the host devices of {Guest} before its start, and let it start: The domain XML is not well-formed XML",
            result.Error, StringComparison.Ordinal);
        Assert.Matches(@"^<28>passthru-libvirt-hook\[\d+\]: Passthru could not check the host devices of vm-win", ReceiveLogged());
    }

    [Fact]
    public async Task PrepareBegin_DamagedHistory_LetsTheGuestStartSayingWhy()
    {
        await File.WriteAllTextAsync(_database, new string('x', 4096));

        var result = await HookAsync("prepare", "begin", GivenCards.DomainXml(Guest, Sata));

        Assert.Equal(HostCommands.Succeeded, result.ExitCode);
        Assert.Contains($"let it start: The history database {_database} is damaged or not a SQLite file", result.Error, StringComparison.Ordinal);
        Assert.Contains("is damaged or not a SQLite file", ReceiveLogged(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("start", "begin")]
    [InlineData("started", "begin")]
    [InlineData("stopped", "end")]
    [InlineData("release", "end")]
    [InlineData("reconnect", "begin")]
    [InlineData("migrate", "begin")]
    [InlineData("restore", "begin")]
    [InlineData("attach", "begin")]
    public async Task OtherOperations_ExitZeroAtOnceWithoutReadingTheXml(string operation, string suboperation)
    {
        // A card that would be refused at a start: only "prepare begin" is checked.
        await _journal.GiveAsync(Guest, Sata, "8086:293e");
        using var input = new SyntheticUnreadableInput();

        var result = await Cli.RunAsync(["libvirt-hook", Guest, operation, suboperation, "-", .. Settings()], input);

        Assert.Equal((HostCommands.Succeeded, "", ""), (result.ExitCode, result.Output, result.Error));
        Assert.DoesNotContain(await _journal.ListAsync(), r => r.Action == OperationAction.StartGuest);
    }

    private async Task<CliResult> HookAsync(string operation, string suboperation, string xml)
    {
        using var input = new StringReader(xml);
        return await Cli.RunAsync(["libvirt-hook", Guest, operation, suboperation, "-", .. Settings()], input, _logSocket);
    }

    private string[] Settings() => ["--host-root", CapturedTrees.Path("intel-initial"), "--Passthru:Database", _database];

    private string ReceiveLogged()
    {
        var buffer = new byte[8192];
        return Encoding.UTF8.GetString(buffer, 0, _log.Receive(buffer));
    }

    /// <summary>SYNTHETIC stdin that fails any read: shows a command did not read it.</summary>
    private sealed class SyntheticUnreadableInput : TextReader
    {
        public override int Read() => throw new InvalidOperationException("stdin was read");

        public override int Read(char[] buffer, int index, int count) => throw new InvalidOperationException("stdin was read");

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) => throw new InvalidOperationException("stdin was read");
    }
}
