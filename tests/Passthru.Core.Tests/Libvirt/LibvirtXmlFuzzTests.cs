using System.Text;
using Passthru.Core.Libvirt;
using Passthru.Core.Pci;
using Passthru.TestSupport;

namespace Passthru.Core.Tests.Libvirt;

/// <summary>
/// Domain and node-device XML come from libvirt, which takes them from whoever may define a guest:
/// damaged or hostile XML must end in a <see cref="DomainXmlException"/> (or be read), never another
/// exception, never an expanded entity, a file read or a crash of the process.
/// </summary>
public class LibvirtXmlFuzzTests
{
    [Fact]
    public async Task DomainXml_MutatedRealDefinitions_AreReadOrRefusedWithDomainXmlException()
    {
        var seeds = FuzzSeeds.DomainXml;
        await Fuzz.RunAsync(seed: 81, iterations: 3000, random => Mutations.Mutate(seeds[random.Next(seeds.Count)], random), xml =>
        {
            var domain = DomainXml.Parse(xml);

            var candidates = CountOf(xml, "<hostdev") + CountOf(xml, "<interface");
            Assert.InRange(domain.HostDevices.Count + domain.Warnings.Count, 0, candidates);
            Assert.NotEmpty(domain.Name);
            Assert.All(domain.Warnings, w => Assert.InRange(w.Length, 1, 400));
        }, typeof(DomainXmlException));
    }

    [Fact]
    public async Task HostDeviceXml_FindAddRemoveOnMutatedDefinitions_AreDoneOrRefusedWithDomainXmlException()
    {
        var seeds = FuzzSeeds.DomainXml;
        var address = PciAddress.Parse("0000:04:00.6");
        await Fuzz.RunAsync(seed: 82, iterations: 1500, random => Mutations.Mutate(seeds[random.Next(seeds.Count)], random), xml =>
        {
            _ = HostDeviceXml.Find(xml, address);
            var added = HostDeviceXml.Add(xml, HostDeviceXml.Create(PciAddress.Parse("0000:05:00.1")));
            Assert.NotNull(HostDeviceXml.Find(added, PciAddress.Parse("0000:05:00.1")));
            _ = HostDeviceXml.Remove(xml, address);
        }, typeof(DomainXmlException));
    }

    [Fact]
    public async Task NodeDeviceXml_MutatedRealDevices_AreReadOrRefusedWithDomainXmlException()
    {
        var seeds = FuzzSeeds.NodeDeviceXml;
        await Fuzz.RunAsync(seed: 83, iterations: 3000, random => Mutations.Mutate(seeds[random.Next(seeds.Count)], random), xml =>
        {
            if (NodeDeviceXml.ParsePci(xml) is { } device)
            {
                Assert.Equal(device.Address, PciAddress.Parse(device.Address.ToString()));
            }
        }, typeof(DomainXmlException));
    }

    [Fact]
    public void DomainXml_BillionLaughs_IsRefusedWithoutExpanding()
    {
        var xml = """
            <?xml version="1.0"?>
            <!DOCTYPE domain [
              <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
              <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
              <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
              <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
              <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
              <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
            ]>
            <domain><name>&f;</name></domain>
            """;

        DomainXmlException? refused = null;
        var allocated = Fuzz.AllocatedBy(() => refused = Assert.Throws<DomainXmlException>(() => DomainXml.Parse(xml)));

        Assert.Contains("DTD", refused!.Message, StringComparison.Ordinal);
        Assert.InRange(allocated, 0, 1024 * 1024); // 64 × 20^5 characters had it been expanded
    }

    [Fact]
    public void EveryEntryPoint_ExternalEntityAndExternalDtd_AreRefusedAndNothingIsRead()
    {
        var secret = Scratch.NewPath("passthru-xxe-secret");
        File.WriteAllText(secret, "SENTINEL-4b1d");
        try
        {
            string[] documents =
            [
                $"""<?xml version="1.0"?><!DOCTYPE domain [<!ENTITY s SYSTEM "file://{secret}">]><domain><name>&s;</name></domain>""",
                $"""<?xml version="1.0"?><!DOCTYPE domain SYSTEM "file://{secret}"><domain><name>x</name></domain>""",
                $"""<?xml version="1.0"?><!DOCTYPE domain [<!ENTITY % p SYSTEM "file://{secret}"> %p;]><domain><name>x</name></domain>""",
                $"""<?xml version="1.0"?><!DOCTYPE device [<!ENTITY s SYSTEM "file://{secret}">]><device><name>&s;</name><capability type='pci'><domain>0</domain><bus>0</bus><slot>0</slot><function>0</function></capability></device>""",
            ];
            foreach (var xml in documents)
            {
                var failures = new List<Exception?>
                {
                    Record.Exception(() => DomainXml.Parse(xml)),
                    Record.Exception(() => NodeDeviceXml.ParsePci(xml)),
                    Record.Exception(() => HostDeviceXml.Find(xml, PciAddress.Parse("0000:00:00.0"))),
                    Record.Exception(() => HostDeviceXml.Add("<domain><name>x</name></domain>", xml)),
                };
                Assert.All(failures, e =>
                {
                    Assert.IsType<DomainXmlException>(e);
                    Assert.DoesNotContain("SENTINEL", e.Message, StringComparison.Ordinal);
                });
            }
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task DomainXml_DeeplyNestedHostdev_IsRefusedAtOnce()
    {
        // Found by fuzzing: 200,000 levels inside a hostdev's source took XDocument.Load ten minutes
        // (time quadratic in the depth), and every list of the guests reads every definition.
        const int depth = 200_000;
        var xml = $"<domain><name>deep</name><devices><hostdev mode='subsystem' type='pci'><source>{Nested(depth)}</source></hostdev></devices></domain>";

        // Under the hang watchdog: were the depth check lost, this fails in a minute instead of blocking the run for ten.
        var refused = await Assert.ThrowsAsync<DomainXmlException>(() => Task.Run(() => DomainXml.Parse(xml)).WaitAsync(Fuzz.HangLimit));

        Assert.Contains("deeper than 256 levels", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DomainXml_NestedAsDeepAsAllowed_IsRead()
    {
        // An application's metadata may nest a few levels; up to the limit it is read, with its hostdev.
        var hostdev = HostDeviceXml.Create(PciAddress.Parse("0000:04:00.6"));
        var xml = $"<domain><name>nested</name><metadata>{Nested(250)}</metadata><devices>{hostdev}</devices></domain>";

        var domain = await Task.Run(() => DomainXml.Parse(xml)).WaitAsync(Fuzz.HangLimit);

        Assert.Equal(PciAddress.Parse("0000:04:00.6"), Assert.Single(domain.HostDevices).HostAddress);
    }

    [Fact]
    public void DomainXml_LargeDefinition_AllocatesInProportionToItsSize()
    {
        var hostdev = HostDeviceXml.Create(PciAddress.Parse("0000:04:00.6"));
        var xml = $"<domain><name>big</name><devices>{string.Concat(Enumerable.Repeat(hostdev, 20_000))}</devices></domain>";

        var allocated = Fuzz.AllocatedBy(() => _ = DomainXml.Parse(xml));

        // The depth check's read and a tree of nodes: measured about 9 bytes per character. A quadratic step is far above twice that.
        Assert.InRange(allocated, 0, 18L * xml.Length);
    }

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth));

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
