namespace Passthru.Core.Libvirt;

/// <summary>
/// libvirt's error numbers (<c>virErrorNumber</c>) that this dashboard tells apart. Others arrive as
/// their numeric value: the enum is libvirt's numbering, not a closed list.
/// </summary>
public enum LibvirtErrorCode
{
    Ok = 0,
    InternalError = 1,
    NoSupport = 3,
    NoConnect = 5,
    InvalidConnection = 6,
    InvalidDomain = 7,
    InvalidArgument = 8,
    OperationFailed = 9,
    XmlError = 27,
    DomainExists = 28,
    OperationDenied = 29,
    XmlDetail = 35,
    SystemError = 38,
    Rpc = 39,
    NoDomain = 42,
    AuthFailed = 45,
    NoNodeDevice = 53,
    OperationInvalid = 55,
    ConfigUnsupported = 67,
    OperationTimeout = 68,
    ArgumentUnsupported = 74,
    OperationAborted = 78,
    OperationUnsupported = 84,
    ResourceBusy = 87,
    AccessDenied = 88,
    AuthUnavailable = 94,
    DeviceMissing = 99,
}
