namespace Passthru.Web.Components.Controls;

/// <summary>Links to one guest on the Guests page, which brings its card into view.</summary>
public static class GuestLink
{
    public static string To(string guest) => $"guests?guest={Uri.EscapeDataString(guest)}";

    /// <summary>The card's element id, escaped: guest names may hold any character.</summary>
    public static string CardId(string guest) => $"guest-{Uri.EscapeDataString(guest)}";
}
