namespace Passthru.Web.CommandLine;

/// <summary>The command line cannot be run as given (a missing value, an unknown option, a host root that is not there): exit code 4 with the message.</summary>
internal sealed class UsageException(string message) : Exception(message);
