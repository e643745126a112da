using System.Xml;
using System.Xml.Linq;

namespace Passthru.Core.Libvirt;

/// <summary>
/// Loads XML from libvirt without trusting it more than needed: no DTD, no external entities, a
/// size cap. libvirt writes plain XML; anything else is a damaged definition, reported, never followed.
/// </summary>
internal static class SafeXml
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        MaxCharactersInDocument = 64L * 1024 * 1024,
    };

    /// <summary>
    /// Deeper than any XML libvirt writes (a domain nests a dozen levels; an application's metadata a few
    /// more). XDocument.Load takes time quadratic in the depth: 200,000 nested elements in one hostdev
    /// took ten minutes (found by fuzzing), so depth is checked by a plain reader, which is linear, first.
    /// </summary>
    internal const int MaxDepth = 256;

    /// <summary>The document, or a <see cref="DomainXmlException"/> saying what is wrong and where.</summary>
    public static XDocument Load(string xml, string what)
    {
        try
        {
            using (var check = XmlReader.Create(new StringReader(xml), Settings))
            {
                while (check.Read())
                {
                    if (check.Depth > MaxDepth)
                    {
                        throw new DomainXmlException($"{what} nests elements deeper than {MaxDepth} levels (line {((IXmlLineInfo)check).LineNumber}); libvirt never writes that.");
                    }
                }
            }

            using var reader = XmlReader.Create(new StringReader(xml), Settings);
            return XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new DomainXmlException($"{what} is not well-formed XML: {e.Message}", e);
        }
    }
}
