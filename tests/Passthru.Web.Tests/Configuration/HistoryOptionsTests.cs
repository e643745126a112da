using Microsoft.Extensions.DependencyInjection;
using Passthru.Core.History;
using Passthru.TestSupport;

namespace Passthru.Web.Tests.Configuration;

/// <summary><c>Passthru:History:MaxSizeMb</c>: bound to the budget the keeper holds the database to, and refused at start when it cannot work.</summary>
public sealed class HistoryOptionsTests
{
    [Fact]
    public async Task MaxSizeMb_Configured_IsTheBudgetInBytes()
    {
        await using var app = PassthruApp.Build(["--urls", "http://127.0.0.1:0", "--host-root", CapturedTrees.Path("intel-initial"),
            "--Passthru:Database", Scratch.NewPath("passthru-options") + ".db", "--Passthru:History:MaxSizeMb", "8"]);

        Assert.Equal(8L * 1024 * 1024, app.Services.GetRequiredService<HistoryBudget>().MaxBytes);
    }

    [Fact]
    public async Task MaxSizeMb_Default_Is256()
    {
        await using var app = PassthruApp.Build(["--urls", "http://127.0.0.1:0", "--host-root", CapturedTrees.Path("intel-initial"),
            "--Passthru:Database", Scratch.NewPath("passthru-options") + ".db"]);

        Assert.Equal(256L * 1024 * 1024, app.Services.GetRequiredService<HistoryBudget>().MaxBytes);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3")]
    [InlineData("2000000")]
    public void MaxSizeMb_OutOfRange_RefusesToStartNamingTheSetting(string value)
    {
        var refused = Assert.Throws<StartupRefusedException>(() => PassthruApp.Build(["--urls", "http://127.0.0.1:0",
            "--host-root", CapturedTrees.Path("intel-initial"), "--Passthru:History:MaxSizeMb", value]));

        Assert.Contains($"Passthru:History:MaxSizeMb is {value}; use 4 to 1048576 (MiB).", refused.Message, StringComparison.Ordinal);
    }
}
