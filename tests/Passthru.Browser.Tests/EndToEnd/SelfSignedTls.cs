using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Passthru.Browser.Tests.EndToEnd;

/// <summary>
/// A throwaway self-signed certificate for 127.0.0.1, as PEM files Kestrel reads through its
/// <c>Certificate:Path</c> and <c>KeyPath</c> settings (what the README tells an admin to configure).
/// The browser is told to accept it; nothing else ever trusts it.
/// </summary>
public static class SelfSignedTls
{
    /// <summary>Writes <c>tls.crt</c> and <c>tls.key</c> into <paramref name="directory"/>.</summary>
    public static void Write(string directory)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        // A day back as well as forward: the lab guest's clock comes from qemu's RTC and may differ a little.
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        File.WriteAllText(Path.Combine(directory, "tls.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "tls.key"), key.ExportPkcs8PrivateKeyPem());
    }
}
