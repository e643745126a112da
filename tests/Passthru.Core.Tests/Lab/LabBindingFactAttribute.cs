namespace Passthru.Core.Tests.Lab;

/// <summary>
/// A test that boots the lab and runs the published binary in it. ./test.sh publishes the app and
/// sets PASSTHRU_PUBLISHED_APP; without it (a quick `dotnet test`) these report as skipped, with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabBindingFactAttribute : FactAttribute
{
    public LabBindingFactAttribute()
    {
        var app = Environment.GetEnvironmentVariable(LabBindingRun.PublishedAppVariable);
        if (string.IsNullOrEmpty(app) || !File.Exists(app))
        {
            Skip = $"needs the published app and the qemu lab: run ./test.sh (it publishes and sets {LabBindingRun.PublishedAppVariable})";
        }
    }
}
