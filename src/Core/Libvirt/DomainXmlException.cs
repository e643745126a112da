namespace Passthru.Core.Libvirt;

/// <summary>A domain or node-device XML that cannot be read: not well-formed, or not the element expected.</summary>
public sealed class DomainXmlException(string message, Exception? inner = null) : Exception(message, inner);
